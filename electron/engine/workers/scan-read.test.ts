import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './pool';
import { scanInWorker } from './scan-read';
import { sumsColumns } from './test-tasks';

/**
 * An ordered DuckDB read fed to a stream task in a worker of test-worker.ts (whose registry holds
 * the test tasks): every row once, in batches of 65,536 rows, whatever DuckDB's chunks.
 */
const pool = new WorkerPool({
  file: path.join(import.meta.dirname, 'test-worker.ts'),
  typescript: true,
});
afterAll(() => pool.close());

describe('scanInWorker', () => {
  it('feeds every row of a read to the worker, in batches', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      const n = 200_003;
      const read = await c.run(
        `SELECT CAST(range % 7 AS INTEGER) AS a, CAST(range AS DOUBLE) / 2 AS b FROM range(${n})`,
      );
      const out = await scanInWorker(
        sumsColumns,
        null,
        read,
        { a: Int32Array, b: Float64Array },
        { pool },
      );
      let a = 0;
      for (let i = 0; i < n; i++) a += i % 7;
      expect(out).toEqual({ a, b: ((n - 1) * n) / 4, rows: n, batches: 4 });
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });
});
