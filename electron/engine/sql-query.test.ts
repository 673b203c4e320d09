import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWorkspace, type TempWorkspace } from './testing/temp-workspace';

function decode(arrow: string | undefined): Record<string, unknown>[] {
  const table = tableFromIPC(Buffer.from(arrow ?? '', 'base64'));
  const names = table.schema.fields.map((f) => f.name);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(names.map((n) => [n, table.getChild(n)?.get(i) as unknown])),
  );
}

const EVENTS = `user_id,event,timestamp,amount
a,open,2024-03-01T09:00:00Z,
a,buy,2024-03-01T09:05:00Z,20.5
b,open,2024-03-01T10:00:00Z,
b,buy,2024-03-03T12:00:00Z,5
`;

let ws: TempWorkspace;
beforeAll(async () => {
  ws = await tempWorkspace();
  await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
});
afterAll(() => ws.close());

describe('sql.query', () => {
  it('answers in Arrow with the same values the rows format gives', async () => {
    const sql = `SELECT event, count(*) AS n, sum(amount) AS amount, min(ts) AS first,
                        count(*) > 1 AS several, NULL AS nothing
                 FROM events GROUP BY event ORDER BY event`;
    const rows = await ws.api['sql.query']({ sql });
    const arrow = await ws.api['sql.query']({ sql, format: 'arrow' });
    expect(arrow.rows).toEqual([]);
    expect([arrow.columns, arrow.truncated]).toEqual([rows.columns, false]);
    expect(decode(arrow.arrow)).toEqual(rows.rows);
    expect(rows.rows).toEqual([
      {
        event: 'buy',
        n: 2,
        amount: 25.5,
        first: '2024-03-01 09:05:00',
        several: true,
        nothing: null,
      },
      {
        event: 'open',
        n: 2,
        amount: null,
        first: '2024-03-01 09:00:00',
        several: true,
        nothing: null,
      },
    ]);
    expect(rows.arrow).toBeUndefined();
  });

  it('cuts at the limit and says so, in both formats', async () => {
    const sql = 'SELECT range AS i FROM range(100000)';
    const rows = await ws.api['sql.query']({ sql, limit: 3 });
    expect([rows.rows, rows.truncated]).toEqual([[{ i: 0 }, { i: 1 }, { i: 2 }], true]);
    const arrow = await ws.api['sql.query']({ sql, limit: 70_000, format: 'arrow' });
    const decoded = decode(arrow.arrow);
    expect([decoded.length, decoded[69_999], arrow.truncated]).toEqual([
      70_000,
      { i: 69_999 },
      true,
    ]);
    const exact = await ws.api['sql.query']({ sql: 'SELECT 1 AS x', limit: 1, format: 'arrow' });
    expect([decode(exact.arrow), exact.truncated]).toEqual([[{ x: 1 }], false]);
  });

  it('keeps every digit of integers beyond 2^53, as text', async () => {
    const sql = 'SELECT 9007199254740993::BIGINT AS big, 3::BIGINT AS small';
    expect(decode((await ws.api['sql.query']({ sql, format: 'arrow' })).arrow)).toEqual([
      { big: '9007199254740993', small: 3 },
    ]);
    expect((await ws.api['sql.query']({ sql })).rows).toEqual([
      { big: '9007199254740993', small: 3 },
    ]);
  });

  it('gives repeated column names distinct names in Arrow', async () => {
    const r = await ws.api['sql.query']({ sql: 'SELECT 1 AS n, 2 AS n', format: 'arrow' });
    expect([r.columns, decode(r.arrow)]).toEqual([['n', 'n_2'], [{ n: 1, n_2: 2 }]]);
  });

  it('runs scripts and writes (when allowed) as before', async () => {
    const r = await ws.api['sql.query']({
      sql: `CREATE TABLE notes (id INTEGER); INSERT INTO notes VALUES (1), (2)`,
      write: true,
    });
    expect(r.rows).toEqual([{ Count: 2 }]);
    const after = await ws.api['sql.query']({
      sql: 'SELECT count(*) AS n FROM notes; SELECT sum(id) AS s FROM notes',
      format: 'arrow',
    });
    expect(decode(after.arrow)).toEqual([{ s: 3 }]);
    await expect(ws.api['sql.query']({ sql: 'DROP TABLE notes' })).rejects.toMatchObject({
      code: 'READ_ONLY',
    });
  });
});
