import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { num, queryOne } from '../duckdb/database';
import { DUCKDB_HEADER_BYTES, logicalSize, openInThisProcess, trimFileTail } from './reclaim-space';
import { Workspace } from './workspace';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-reclaim-'));
  file = path.join(dir, 'w.duckdb');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const size = (): number => statSync(file).size;

/**
 * Writes ~20 MB in a transaction that is rolled back, as a failed import's rewrite does. Fewer
 * rows would not do: DuckDB 1.5 kept 500,000 of them in memory, writing nothing to the file.
 */
async function failedWrite(workspace: Workspace): Promise<void> {
  await workspace.use(async (c) => {
    await c.run('BEGIN TRANSACTION');
    await c.run(
      `CREATE TABLE events_next AS SELECT i, md5(i::VARCHAR) AS a, md5((i + 1)::VARCHAR) AS b FROM range(1000000) r(i)`,
    );
    await c.run('ROLLBACK');
  });
}

describe("DuckDB's file layout, which trimming relies on", () => {
  it('a checkpointed file ends exactly at its last block', async () => {
    const workspace = await Workspace.open(file);
    await workspace.use((c) =>
      c.run(`CREATE TABLE filler AS SELECT i, md5(i::VARCHAR) AS s FROM range(30000) r(i)`),
    );
    workspace.close();
    const blocks = await logicalSize(file);
    expect(blocks).toBeGreaterThan(DUCKDB_HEADER_BYTES);
    expect(size()).toBe(blocks);
  });
});

describe('space a failed write took', () => {
  it('stays in the file after ROLLBACK and CHECKPOINT, and is given back by reclaimSpace', async () => {
    const workspace = await Workspace.open(file);
    try {
      await workspace.use((c) =>
        c.run(`CREATE TABLE kept AS SELECT i, i * 2 AS j FROM range(100000) r(i)`),
      );
      await workspace.checkpoint();
      const before = size();
      await failedWrite(workspace);
      await workspace.checkpoint();
      // What DuckDB 1.5 does on its own: the blocks are free, the file does not shrink.
      expect(size()).toBeGreaterThan(before + 12 * 1024 ** 2);

      const freed = await workspace.reclaimSpace();
      expect(freed).toBeGreaterThan(12 * 1024 ** 2);
      expect(size()).toBeLessThanOrEqual(before);
      const kept = await workspace.use((c) =>
        queryOne(c, 'SELECT count(*) AS n, sum(j) AS s FROM kept'),
      );
      expect(num(kept.n)).toBe(100000);
      expect(num(kept.s)).toBe(99999 * 100000);
      // The reopened workspace writes as before.
      await workspace.use((c) => c.run('CREATE TABLE after_reclaim AS SELECT 1 AS x'));
    } finally {
      workspace.close();
    }
  }, 60_000);

  it('is skipped while another request runs; requests made during it wait for it', async () => {
    const workspace = await Workspace.open(file);
    try {
      let release = (): void => undefined;
      let started = (): void => undefined;
      const running = new Promise<void>((resolve) => (started = resolve));
      const busy = workspace.use(
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      );
      await running;
      expect(await workspace.reclaimSpace()).toBe(0);
      release();
      await busy;

      await failedWrite(workspace);
      const reclaiming = workspace.reclaimSpace();
      // Started while the instance is being reopened: runs on the new one.
      const during = workspace.use((c) => queryOne(c, 'SELECT 42 AS n'));
      expect(await reclaiming).toBeGreaterThan(0);
      expect(num((await during).n)).toBe(42);
    } finally {
      workspace.close();
    }
  }, 60_000);

  it('is never cut while the file has a write-ahead log or is open', async () => {
    const workspace = await Workspace.open(file);
    if (process.platform === 'linux') expect(openInThisProcess(file)).toBe(true);
    workspace.close();
    if (process.platform === 'linux') expect(openInThisProcess(file)).toBe(false);
    expect(await trimFileTail(file)).toBe(0);
    expect(await trimFileTail(':memory:')).toBe(0);
  });
});
