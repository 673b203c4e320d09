import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracked } from './jobs';

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

describe('a tracked phase', () => {
  it('does not run its work when the first progress report cancels the job', async () => {
    const c = await instance.connect();
    try {
      const controller = new AbortController();
      let ran = false;
      const phase = tracked(
        c,
        { signal: controller.signal, onProgress: () => controller.abort() },
        { label: 'reading', start: 0, end: 1 },
        async () => {
          ran = true;
          await c.run('SELECT 1');
        },
      );
      await expect(phase).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(ran).toBe(false);
      // The connection is not left interrupted: its next statement answers.
      const reader = await c.runAndReadAll('SELECT 42 AS n');
      expect(reader.getRows()).toEqual([[42]]);
    } finally {
      c.closeSync();
    }
  });

  it('reports start and end, and answers with its work, when nobody cancels', async () => {
    const c = await instance.connect();
    try {
      const fractions: (number | null)[] = [];
      const value = await tracked(
        c,
        { signal: new AbortController().signal, onProgress: (p) => fractions.push(p.fraction) },
        { label: 'reading', start: 0.5, end: 1 },
        async () => 7,
      );
      expect(value).toBe(7);
      expect(fractions).toEqual([0.5, 1]);
    } finally {
      c.closeSync();
    }
  });
});
