import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, statSync, type StatsFs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { contract } from '../../../shared/api/contract';
import type { JobContext } from '../jobs';
import { Workspace } from '../workspace/workspace';
import { checkImportSpace, estimateImportSpace } from './disk-space';
import { importEvents } from './import-events';

const MB = 1024 ** 2;

type Progress = Parameters<NonNullable<JobContext['onProgress']>>[0];

/** A generated CSV event export of `rows` events (about 90 bytes each). */
async function writeEvents(file: string, rows: number, seed = 0): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`COPY (
      SELECT 'user-' || (hash(i + ${seed}) % 50000) AS user_id, 'event_' || (i % 25) AS event,
             TIMESTAMP '2024-01-01' + to_seconds(CAST(hash(i * 7 + ${seed}) % 31536000 AS BIGINT)) AS timestamp,
             md5(CAST(i + ${seed} AS VARCHAR)) AS token, 'https://example.com/p/' || (i % 5000) AS url
      FROM range(${rows}) r(i)) TO '${file}' (FORMAT csv, HEADER)`);
  c.closeSync();
  instance.closeSync();
}

/** statfs with `free` bytes available, wherever asked. */
const freeOf = (free: number): typeof statfsSync =>
  (() =>
    ({ bavail: free / 4096, bsize: 4096 }) as unknown as StatsFs) as unknown as typeof statfsSync;

describe('what an import needs on disk', () => {
  it('grows with the input, its format and the events an append rewrites', () => {
    const csv = { file: 'e.csv', bytes: 370 * MB, gzip: false };
    const fresh = estimateImportSpace({
      files: [csv],
      format: 'csv',
      memoryLimit: 256 * MB,
      storedBytes: 0,
      replace: false,
    });
    // Measured: 172 MB of workspace file and 1.0 GB of spill for this CSV at 256 MB.
    expect(fresh.file).toBeGreaterThan(172 * MB);
    expect(fresh.spill).toBeGreaterThan(1000 * MB);
    const parquet = estimateImportSpace({
      files: [{ file: 'e.parquet', bytes: 72 * MB, gzip: false }],
      format: 'parquet',
      memoryLimit: 256 * MB,
      storedBytes: 0,
      replace: false,
    });
    expect(parquet.file).toBeGreaterThan(172 * MB);
    const append = estimateImportSpace({
      files: [csv],
      format: 'csv',
      memoryLimit: 256 * MB,
      storedBytes: 172 * MB,
      replace: false,
    });
    expect(append.file - fresh.file).toBeGreaterThan(172 * MB);
    const replace = estimateImportSpace({
      files: [csv],
      format: 'csv',
      memoryLimit: 256 * MB,
      storedBytes: 172 * MB,
      replace: true,
    });
    expect(replace).toEqual(fresh);
    // More memory, less spill; a .gz holds several times its size.
    const roomy = estimateImportSpace({
      files: [csv],
      format: 'csv',
      memoryLimit: 8 * 1024 * MB,
      storedBytes: 0,
      replace: false,
    });
    expect(roomy.spill).toBeLessThan(fresh.spill);
    const gz = estimateImportSpace({
      files: [{ file: 'e.csv.gz', bytes: 74 * MB, gzip: true }],
      format: 'csv',
      memoryLimit: 256 * MB,
      storedBytes: 0,
      replace: false,
    });
    expect(gz.file).toBeGreaterThan(fresh.file * 0.9);
  });
});

describe('the free-space check before an import', () => {
  let dir: string;
  let workspace: Workspace;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-space-'));
    workspace = await Workspace.open(path.join(dir, 'w.duckdb'));
    file = path.join(dir, 'events.csv');
    await writeEvents(file, 20_000);
  });
  afterAll(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const inputs = () => ({ files: [file], format: 'csv' as const, gzipUnnamed: false });

  it('refuses with DISK_FULL, naming what it needs and what is free', async () => {
    const refusal = await checkImportSpace(
      workspace,
      inputs(),
      { mode: 'append' },
      freeOf(2 * MB),
    ).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    const e = refusal as ApiError;
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toMatch(/needs about [\d.]+ MB on the disk holding/);
    expect(e.message).toMatch(/and 2\.0 MB is free/);
    expect(e.message).toMatch(/skipSpaceCheck/);
    expect(e.detail).toMatchObject({ free: 2 * MB });
    expect(Number(e.detail?.needed)).toBeGreaterThan(2 * MB);
  });

  it('lets it through when the space is there, or when told to', async () => {
    await expect(
      checkImportSpace(workspace, inputs(), { mode: 'append' }, freeOf(10 * 1024 * MB)),
    ).resolves.toBeDefined();
    await expect(
      checkImportSpace(
        workspace,
        inputs(),
        { mode: 'append', skipSpaceCheck: true },
        freeOf(2 * MB),
      ),
    ).resolves.toBeDefined();
  });

  it('calls a spill past its bound a full disk, and passes other failures on unchanged', async () => {
    const guard = await checkImportSpace(
      workspace,
      inputs(),
      { mode: 'append' },
      freeOf(10 * 1024 * MB),
    );
    const engine =
      'Out of Memory Error: failed to offload data block of size 256.0 KiB (47.4 MiB/47.6 MiB used)';
    await expect(
      guard.giveBack(new ApiError('INTERNAL', `Unexpected engine error: ${engine}`, { engine })),
    ).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/free some space/),
    });
    const other = new ApiError('BAD_CSV', 'line 3: bad');
    await expect(guard.giveBack(other)).rejects.toBe(other);
  });
});

/**
 * The whole story on a real full disk: a size-limited tmpfs (needs root and Linux; skipped
 * elsewhere). Measured before the fix: the failed import left the file at 100% of the disk.
 */
const canMount = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(path.join(os.tmpdir(), 'workbench-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/**
 * A disk just big enough for the story: the check keeps 16 MB of slack for the log and the derived
 * tables, so a 24 MB disk takes the first (12,500 events) and the last (3,000) import, while the
 * second (250,000 events, 24 MB of CSV) is estimated at twice what is free, and, forced, fills
 * the disk (200,000 already did) before it can commit. 22 MB left the last import 0.4-1.2 MB
 * short: the first import's file is 2.4-2.9 MB depending on how its row groups were written.
 */
describe.skipIf(!canMount)('on a full disk (a 24 MB tmpfs)', () => {
  let mount: string;
  let inputs: string;
  beforeAll(async () => {
    mount = mkdtempSync(path.join(os.tmpdir(), 'workbench-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
    inputs = mkdtempSync(path.join(os.tmpdir(), 'workbench-inputs-'));
    mkdirSync(inputs, { recursive: true });
    await writeEvents(path.join(inputs, 'first.csv'), 12_500, 0);
    await writeEvents(path.join(inputs, 'second.csv'), 250_000, 7);
    await writeEvents(path.join(inputs, 'small.csv'), 3_000, 3);
  }, 120_000);
  afterAll(() => {
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
    rmSync(inputs, { recursive: true, force: true });
  });

  const free = (): number => {
    const s = statfsSync(mount);
    return Number(s.bavail) * Number(s.bsize);
  };

  it('refuses what does not fit, and gives back what a failed import took', async () => {
    const file = path.join(mount, 'w.duckdb');
    const workspace = await Workspace.open(file);
    try {
      /** Every progress event of the import: reading a file reports its bytes from the start. */
      const run = (name: string, skipSpaceCheck?: boolean, progress: Progress[] = []) =>
        importEvents(
          workspace,
          contract['import.events'].request.parse({
            files: [path.join(inputs, name)],
            ...(skipSpaceCheck === undefined ? {} : { skipSpaceCheck }),
          }),
          { onProgress: (p) => progress.push(p) },
        );
      const reading = (progress: Progress[]): Progress[] =>
        progress.filter((p) => p.phase.startsWith('reading') && p.totalBytes !== undefined);
      expect((await run('first.csv')).rowsImported).toBe(12_500);
      const before = { size: statSync(file).size, free: free() };

      // Refused before a byte of the file is read: no phase of the import began.
      const refused: Progress[] = [];
      await expect(run('second.csv', undefined, refused)).rejects.toMatchObject({
        code: 'DISK_FULL',
        message: expect.stringMatching(/needs about .* is free/),
      });
      expect(refused).toEqual([]);
      expect(statSync(file).size).toBe(before.size);

      // Told to go ahead, it reads the file, fills the disk, fails cleanly, and hands the space back.
      const forced: Progress[] = [];
      await expect(run('second.csv', true, forced)).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(reading(forced).length).toBeGreaterThan(0);
      expect(statSync(file).size).toBeLessThanOrEqual(before.size + 256 * 1024);
      expect(free()).toBeGreaterThan(before.free - 2 * MB);
      const count = await workspace.use(async (c) =>
        (await c.runAndReadAll('SELECT count(*) FROM events')).getRows(),
      );
      expect(Number(count[0]?.[0])).toBe(12_500);
      // With the space back, a smaller import goes in.
      await expect(run('small.csv')).resolves.toMatchObject({ rowsImported: 3_000 });
    } finally {
      workspace.close();
    }
  }, 300_000);
});
