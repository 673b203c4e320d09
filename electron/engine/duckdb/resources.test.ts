import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  type StatsFs,
  type statfsSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseByteSize } from '../../../shared/util/byte-size';
import {
  connect,
  defaultMemoryLimit,
  freeSpace,
  openInstance,
  queryOne,
  removeSpillFiles,
  tempBudget,
  tempDirectoryFor,
} from './database';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-resources-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('memory limit from the machine', () => {
  it('is min(half the RAM, RAM - 4 GB), at least 1 GB but never above half the RAM', () => {
    expect(defaultMemoryLimit(64 * GiB)).toBe(32 * GiB);
    expect(defaultMemoryLimit(16 * GiB)).toBe(8 * GiB);
    expect(defaultMemoryLimit(8 * GiB)).toBe(4 * GiB);
    expect(defaultMemoryLimit(6 * GiB)).toBe(2 * GiB);
    expect(defaultMemoryLimit(4 * GiB)).toBe(1 * GiB);
    expect(defaultMemoryLimit(1 * GiB)).toBe(0.5 * GiB);
    // DuckDB's own default is 80%: never that.
    expect(defaultMemoryLimit(os.totalmem())).toBeLessThanOrEqual(os.totalmem() / 2);
  });

  it('sizes are read as the CLI and the window write them', () => {
    expect(parseByteSize('4GB')).toBe(4 * GiB);
    expect(parseByteSize('512 MB')).toBe(512 * MiB);
    expect(parseByteSize('1.5GiB')).toBe(1.5 * GiB);
    expect(parseByteSize('2.0 GiB')).toBe(2 * GiB);
    expect(parseByteSize('lots')).toBeNull();
    expect(parseByteSize('4 parsecs')).toBeNull();
    expect(parseByteSize("4GB'; DROP TABLE events")).toBeNull();
  });
});

describe('every instance', () => {
  it('runs with the memory limit, a known spill folder and a bound on spilling', async () => {
    const file = path.join(dir, 'w.duckdb');
    const instance = await openInstance(file, { memoryLimit: 300 * MiB });
    const c = await connect(instance);
    const row = await queryOne(
      c,
      `SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t,
              current_setting('max_temp_directory_size') AS x`,
    );
    c.closeSync();
    instance.closeSync();
    expect(row.m).toBe('300.0 MiB');
    expect(row.t).toBe(`${file}.tmp`);
    // Half the free space (DuckDB's default is 90% of it), to the MiB DuckDB rounds to.
    const expected = tempBudget(freeSpace(dir));
    expect(Math.abs((parseByteSize(String(row.x)) ?? 0) - expected)).toBeLessThan(0.1 * GiB);
  });

  it('defaults to the machine limit; in memory and read-only it spills into its own OS temp folder', async () => {
    const instance = await openInstance(':memory:');
    const c = await connect(instance);
    const row = await queryOne(
      c,
      `SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t`,
    );
    c.closeSync();
    instance.closeSync();
    const limit = parseByteSize(String(row.m)) ?? 0;
    // DuckDB shows the limit to one decimal ('11.7 GiB').
    expect(Math.abs(limit - defaultMemoryLimit())).toBeLessThan(0.1 * GiB);
    expect(String(row.t).startsWith(os.tmpdir())).toBe(true);
    expect(tempDirectoryFor('/data/w.duckdb', true)).not.toBe(
      tempDirectoryFor('/data/w.duckdb', true),
    );
    expect(tempDirectoryFor('/data/w.duckdb', false)).toBe('/data/w.duckdb.tmp');
  });

  it('spills beyond its limit and DuckDB enforces the spill bound (set on the open instance)', async () => {
    const temp = path.join(dir, 'spill');
    const instance = await openInstance(':memory:', { memoryLimit: 64 * MiB, tempDirectory: temp });
    const c = await connect(instance);
    await c.run(`SET max_temp_directory_size = '8MiB'`);
    await expect(
      c.run(
        `SELECT count(*) FROM (SELECT i, md5(i::VARCHAR) s FROM range(3000000) r(i) ORDER BY s)`,
      ),
    ).rejects.toThrow(/failed to offload data block/);
    c.closeSync();
    instance.closeSync();
  });
});

describe('spill files', () => {
  it('are removed with their folder; nothing else in it is touched', () => {
    const spill = path.join(dir, 'w.duckdb.tmp');
    mkdirSync(spill);
    writeFileSync(path.join(spill, 'duckdb_temp_storage_DEFAULT-0.tmp'), Buffer.alloc(1024));
    removeSpillFiles(spill);
    expect(existsSync(spill)).toBe(false);
    mkdirSync(spill);
    writeFileSync(path.join(spill, 'duckdb_temp_storage_S32K-0.tmp'), Buffer.alloc(1024));
    writeFileSync(path.join(spill, 'notes.txt'), 'mine');
    removeSpillFiles(spill);
    expect(existsSync(path.join(spill, 'notes.txt'))).toBe(true);
    expect(existsSync(path.join(spill, 'duckdb_temp_storage_S32K-0.tmp'))).toBe(false);
  });

  it('free space is read where the folder will be (its nearest existing parent)', () => {
    const statfs = ((p: string) => {
      expect(p).toBe(dir);
      return { bavail: 10, bsize: 4096 } as unknown as StatsFs;
    }) as unknown as typeof statfsSync;
    expect(freeSpace(path.join(dir, 'not', 'yet'), statfs)).toBe(40960);
  });
});

describe('no instance without the limits', () => {
  it('every DuckDB instance of the engine is opened by openInstance', () => {
    const root = path.resolve(__dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
          if (file.endsWith(path.join('duckdb', 'database.ts'))) continue;
          if (
            /DuckDBInstance\.(create|fromCache)\(|DuckDBInstanceCache/.test(
              readFileSync(file, 'utf8'),
            )
          )
            offenders.push(path.relative(root, file));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
