import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openInstance } from '../duckdb/database';
import { encodeArrow } from './arrow-page';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  instance = await openInstance(':memory:');
  c = await connect(instance);
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
});

async function encode(sql: string, limit?: number) {
  const result = await c.run(sql);
  const encoded = encodeArrow(
    {
      names: result.columnNames(),
      types: result.columnTypes(),
      chunks: await result.fetchAllChunks(),
    },
    limit,
  );
  const table: Table = tableFromIPC(Buffer.from(encoded.arrow, 'base64'));
  return { ...encoded, table };
}

function rows(table: Table): Record<string, unknown>[] {
  const names = table.schema.fields.map((f) => f.name);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(names.map((n) => [n, table.getChild(n)?.get(i) as unknown])),
  );
}

describe('encodeArrow', () => {
  it('gives each DuckDB type one Arrow type, values intact, nulls as nulls', async () => {
    const { table } = await encode(`
      SELECT * FROM (VALUES
        (true, 7::TINYINT, -40000::INTEGER, 4000000000::UINTEGER, 1.5::DOUBLE, 12.34::DECIMAL(9,2),
         42::BIGINT, 9007199254740993::BIGINT, 19999000001::HUGEINT, 'é ✓'::VARCHAR,
         TIMESTAMP '2024-03-01 09:00:00.25', DATE '2024-03-01', [1, 2], {'k': 'v'}, '{"a":1}'::JSON),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
      ) t(b, ti, i, ui, d, dec, big, huge, hi, s, ts, day, list, struct, json)`);
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      b: 'Bool',
      ti: 'Int32',
      i: 'Int32',
      ui: 'Float64',
      d: 'Float64',
      dec: 'Float64',
      big: 'Float64',
      // One value beyond 2^53 makes the whole column text, every digit kept.
      huge: 'Utf8',
      hi: 'Float64',
      s: 'Utf8',
      ts: 'Utf8',
      day: 'Utf8',
      list: 'Utf8',
      struct: 'Utf8',
      json: 'Utf8',
    });
    const [full, empty] = rows(table);
    expect(full).toEqual({
      b: true,
      ti: 7,
      i: -40000,
      ui: 4000000000,
      d: 1.5,
      dec: 12.34,
      big: 42,
      huge: '9007199254740993',
      hi: 19999000001,
      s: 'é ✓',
      ts: '2024-03-01 09:00:00.25',
      day: '2024-03-01',
      list: '[1,2]',
      struct: '{"k":"v"}',
      json: '{"a":1}',
    });
    expect(Object.values(empty ?? {}).every((v) => v === null)).toBe(true);
    expect(table.schema.fields.find((f) => f.name === 'hi')?.metadata.get('duckdb_type')).toBe(
      'HUGEINT',
    );
  });

  it('keeps a column typed when a page holds only nulls', async () => {
    const { table } = await encode('SELECT NULL::DOUBLE AS x, NULL::BOOLEAN AS y');
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Float64', 'Bool']);
    expect(rows(table)).toEqual([{ x: null, y: null }]);
  });

  it('makes repeated names unique and sends the schema of an empty result', async () => {
    const dup = await encode('SELECT 1 AS n, 2 AS n, 3 AS n_2');
    expect(dup.columns).toEqual(['n', 'n_2', 'n_2_2']);
    expect(rows(dup.table)).toEqual([{ n: 1, n_2: 2, n_2_2: 3 }]);
    const none = await encode('SELECT 1 AS a, 2.5 AS b WHERE false');
    expect([none.rows, none.table.numRows, none.columns]).toEqual([0, 0, ['a', 'b']]);
  });

  it('cuts at the limit across chunks and batches, in order', async () => {
    // 150,000 rows: 74 DuckDB chunks and three Arrow batches of at most 65,536 rows.
    const { table, rows: count } = await encode(
      "SELECT range AS i, 'r' || range AS s FROM range(200000)",
      150_000,
    );
    expect([count, table.numRows, table.batches.length]).toEqual([150_000, 150_000, 3]);
    const i = table.getChild('i');
    const s = table.getChild('s');
    expect([i?.get(0), i?.get(65_535), i?.get(65_536), i?.get(149_999)]).toEqual([
      0, 65_535, 65_536, 149_999,
    ]);
    expect([s?.get(0), s?.get(131_072), s?.get(149_999)]).toEqual(['r0', 'r131072', 'r149999']);
    let sum = 0;
    for (const v of i ?? []) sum += Number(v);
    expect(sum).toBe((149_999 * 150_000) / 2);
  });
});
