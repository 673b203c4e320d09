import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError, type ErrorContext } from './errors';

let instance: DuckDBInstance;
let c: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await instance.connect();
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
});

/** What DuckDB really throws for `sql`, mapped in `context`. */
async function mapped(
  sql: string,
  context?: ErrorContext,
): Promise<{ code: string; message: string }> {
  const error = await c.run(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${sql} should fail`).toBeDefined();
  return toApiError(error, context);
}

describe('errors are mapped for the context they happened in', () => {
  it("the SQL view's own JSON and casts are SQL errors, not advice about files", async () => {
    const json = await mapped(`SELECT '{'::JSON`, { sql: true });
    expect(json.code).toBe('SQL_ERROR');
    expect(json.message).not.toMatch(/NDJSON|file/i);
    const cast = await mapped(`SELECT 'Parquet'::INT`, { sql: true });
    expect(cast.code).toBe('SQL_ERROR');
    expect(cast.message).not.toMatch(/truncated|export/i);
    expect((await mapped(`SELECT 'Parquet'::INT`, { in: 'sql' })).code).toBe('SQL_ERROR');
  });

  it('outside an import, no file advice either', async () => {
    const e = await mapped(`SELECT 'Parquet'::INT`);
    expect(e.code).toBe('INTERNAL');
    expect(e.message).not.toMatch(/Parquet file|truncated/);
  });

  it('an analysis number out of range is the request, not a bug', async () => {
    const e = await mapped(`SELECT CAST(1e308 AS BIGINT)`, { in: 'analysis' });
    expect(e.code).toBe('INVALID_REQUEST');
    expect(e.message).toMatch(/out of range/);
  });

  it('while importing, the same message names the file and the fix', async () => {
    const e = await mapped(`SELECT '{'::JSON`, { in: 'import', file: '/data/events.ndjson' });
    expect(e.code).toBe('BAD_JSON');
    expect(e.message).toContain('/data/events.ndjson');
  });

  it('a conversion error while importing names the file instead of INTERNAL', async () => {
    const e = await mapped(`SELECT CAST('nan'::DOUBLE AS BIGINT)`, {
      in: 'import',
      file: 'a.csv',
    });
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/^a\.csv: /);
  });

  it('permission errors from Node say what to check', () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/x/secret.csv'"), {
      code: 'EACCES',
    });
    const e = toApiError(error, { in: 'import' });
    expect(e.code).toBe('UNREADABLE_FILE');
    expect(e.message).toContain('/x/secret.csv');
    expect(e.message).toMatch(/permission/);
  });

  it("a CSV error's file is read from its option list, not from 'file is not utf-8'", () => {
    const raw = `Invalid Input Error: CSV Error on Line: 5002\nInvalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.\n\n  file = /tmp/copy-1/latin.csv\n  delimiter = ,`;
    const e = toApiError(new Error(raw), {
      in: 'import',
      file: 'latin.csv',
      aliases: { '/tmp/copy-1/latin.csv': '/home/me/latin.csv' },
    });
    expect(e.code).toBe('NOT_UTF8');
    expect(e.message).toMatch(/^\/home\/me\/latin\.csv line 5002: /);
  });
});
