import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseByteSize } from '../../../shared/util/byte-size';
import { defaultMemoryLimit } from '../duckdb/database';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';
import { Workspace } from './workspace';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

const setting = async (name: string): Promise<string> =>
  String((await ws.rows(`SELECT current_setting('${name}') AS v`))[0]?.v);

/** A generated event export: `rows` events of 20,000 users over a year, with two properties. */
async function writeEvents(file: string, rows: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`COPY (
      SELECT 'user-' || (hash(i) % 20000) AS user_id, 'event_' || (i % 25) AS event,
             TIMESTAMP '2024-01-01' + to_seconds(CAST(hash(i * 7) % 31536000 AS BIGINT)) AS timestamp,
             ['web', 'ios', 'android'][1 + i % 3] AS platform, 'https://example.com/p/' || (i % 5000) AS url
      FROM range(${rows}) r(i)) TO '${file}' (FORMAT csv, HEADER)`);
  c.closeSync();
  instance.closeSync();
}

describe('memory limit', () => {
  it('is the machine default until the workspace sets one, then that, applied at once and on reopen', async () => {
    const auto = parseByteSize(await setting('memory_limit')) ?? 0;
    expect(Math.abs(auto - defaultMemoryLimit())).toBeLessThan(0.1 * 1024 ** 3);

    const summary = await ws.api['workspace.updateSettings']({ memoryLimit: '150MB' });
    expect(summary.settings.memoryLimit).toBe('150MB');
    expect(await setting('memory_limit')).toBe('150.0 MiB');

    // The setting lives in the workspace: a new open reads it, then sets the limit.
    await ws.api['workspace.open']({ path: ws.file });
    expect(await setting('memory_limit')).toBe('150.0 MiB');

    await ws.api['workspace.updateSettings']({ memoryLimit: null });
    expect(Math.abs((parseByteSize(await setting('memory_limit')) ?? 0) - auto)).toBeLessThan(
      0.1 * 1024 ** 3,
    );
  });

  it('refuses a size it cannot read, or one too small to run a query', async () => {
    await expect(
      ws.api['workspace.updateSettings']({ memoryLimit: 'plenty' }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/4GB/) });
    await expect(ws.api['workspace.updateSettings']({ memoryLimit: '1MB' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/64MB/),
    });
  });

  it('an import under a 100 MB limit spills beside the workspace and completes', async () => {
    const file = path.join(ws.dir, 'events.csv');
    await writeEvents(file, 400_000);
    await ws.api['workspace.updateSettings']({ memoryLimit: '100MB' });
    const spill = `${ws.file}.tmp`;
    expect(await setting('temp_directory')).toBe(spill);

    let spilled = 0;
    const watch = setInterval(() => {
      if (existsSync(spill)) spilled = Math.max(spilled, readdirSync(spill).length);
    }, 20);
    try {
      const summary = await ws.api['import.events']({ files: [file] });
      expect(summary.rowsImported).toBe(400_000);
    } finally {
      clearInterval(watch);
    }
    expect(spilled).toBeGreaterThan(0);
    // DuckDB removes its spill files once done with them; the folder goes with the last.
    expect((await ws.rows('SELECT count(*) AS n FROM events'))[0]?.n).toBe(400_000);
  }, 120_000);
});

describe('temp directory', () => {
  it('stale spill files of a crashed run are removed when the workspace opens, and on close', async () => {
    ws.close();
    const again = await tempWorkspace();
    try {
      const spill = `${again.file}.tmp`;
      mkdirSync(spill, { recursive: true });
      writeFileSync(path.join(spill, 'duckdb_temp_storage_DEFAULT-0.tmp'), Buffer.alloc(4096));
      await again.api['workspace.open']({ path: again.file });
      expect(existsSync(path.join(spill, 'duckdb_temp_storage_DEFAULT-0.tmp'))).toBe(false);
    } finally {
      again.close();
    }
    ws = await tempWorkspace();
  });

  it('a read-only open spills into its own folder, removed on close', async () => {
    await ws.api['workspace.close']({});
    const reader = await Workspace.open(ws.file, { readOnly: true });
    const folder = await reader.use(async (c) => {
      await c.run(`SET memory_limit = '32MB'`);
      await c.run(
        `CREATE TEMP TABLE t AS SELECT i, md5(i::VARCHAR) AS s FROM range(500000) r(i) ORDER BY s`,
      );
      const [row] = (await c.runAndReadAll(`SELECT current_setting('temp_directory')`)).getRows();
      return String(row?.[0]);
    });
    expect(folder).not.toBe(`${ws.file}.tmp`);
    expect(existsSync(folder)).toBe(true);
    reader.close();
    expect(existsSync(folder)).toBe(false);
  }, 60_000);
});
