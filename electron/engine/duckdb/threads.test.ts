import { describe, expect, it } from 'vitest';
import { threadsFromEnv } from './database';

describe('WORKBENCH_DUCKDB_THREADS', () => {
  it('is every core when unset or empty, else the whole number written', () => {
    expect(threadsFromEnv(undefined)).toBeUndefined();
    expect(threadsFromEnv('  ')).toBeUndefined();
    expect(threadsFromEnv('1')).toBe(1);
    expect(threadsFromEnv(' 4 ')).toBe(4);
  });

  it('refuses what is no count of threads, naming the setting and what to write', () => {
    for (const bad of ['0', '-1', '2.5', 'two', '1e9', 'NaN']) {
      expect(() => threadsFromEnv(bad), bad).toThrow(
        `WORKBENCH_DUCKDB_THREADS is '${bad}': write a whole number of threads from 1 to 256`,
      );
    }
  });
});
