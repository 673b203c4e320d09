import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsSpecSchema, type MetricsSpec } from '../../../shared/specs/metrics';
import { analysisFixture } from '../testing/analysis-fixture';
import type { TempWorkspace } from '../testing/temp-workspace';

/**
 * The per-user metrics table browsed (metrics.page: sort, filters, total, offset) and written
 * (metrics.export: CSV and Parquet, read back with DuckDB), and its bad requests.
 *
 * Everyone's events fall on 2024-02-01 (UTC); a window of 7 days since each first event.
 *   user  views  buys  first buy
 *   u1    3      1     yes
 *   u2    3      0     none
 *   u3    1      2     yes
 *   u4    0      1     yes
 *   u5    5      0     none
 *   u6    3      1     yes
 */
const EVENTS = `user_id,event,timestamp,plan
u1,view,2024-02-01T10:00:00Z,free
u1,view,2024-02-01T10:01:00Z,free
u1,buy,2024-02-01T10:02:00Z,free
u1,view,2024-02-01T10:03:00Z,free
u2,view,2024-02-01T11:00:00Z,pro
u2,view,2024-02-01T11:01:00Z,pro
u2,view,2024-02-01T11:02:00Z,pro
u3,view,2024-02-01T12:00:00Z,free
u3,buy,2024-02-01T12:30:00Z,free
u3,buy,2024-02-01T13:00:00Z,free
u4,buy,2024-02-01T14:00:00Z,pro
u5,view,2024-02-01T15:00:00Z,free
u5,view,2024-02-01T15:01:00Z,free
u5,view,2024-02-01T15:02:00Z,free
u5,view,2024-02-01T15:03:00Z,free
u5,view,2024-02-01T15:04:00Z,free
u6,view,2024-02-01T16:00:00Z,free
u6,buy,2024-02-01T16:00:00Z,free
u6,view,2024-02-01T16:10:00Z,free
u6,view,2024-02-01T16:20:00Z,free
`;

const ev = (event: string) => [{ event, where: [] }];
/** last_seen and email are columns of the users table too: a filter on them must not be ambiguous. */
const SPEC: MetricsSpec = metricsSpecSchema.parse({
  kind: 'metrics',
  window: { type: 'sinceStart', days: 7 },
  metrics: [
    { name: 'views', type: 'count', events: ev('view') },
    { name: 'email', type: 'count', events: ev('buy') },
    { name: 'first_buy', type: 'time', events: ev('buy') },
    { name: 'last_seen', type: 'recency' },
  ],
});

type Row = Record<string, unknown>;

function decode(arrow: string): Row[] {
  const table = tableFromIPC(Buffer.from(arrow, 'base64'));
  const names = table.schema.fields.map((f) => f.name);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(
      names.map((n) => {
        const v = table.getChild(n)?.get(i) as unknown;
        return [n, typeof v === 'bigint' ? Number(v) : v];
      }),
    ),
  );
}

/** Rows as comparable text: every value as DuckDB writes it, in column order. */
const COLUMNS = ['user_id', 'window_start', 'window_end', 'complete', 'views', 'email'];

describe('the per-user metrics table: pages and files', () => {
  let ws: TempWorkspace;
  /** A DuckDB of its own reads the files back, as any other tool would. */
  let reader: DuckDBConnection;
  beforeAll(async () => {
    ({ ws } = await analysisFixture(EVENTS));
    reader = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => {
    reader.closeSync();
    ws.close();
  });
  const read = async (sql: string): Promise<Row[]> =>
    (await reader.runAndReadAll(sql)).getRowObjectsJS() as Row[];

  type PageRequest = Parameters<TempWorkspace['api']['metrics.page']>[0];
  const page = async (request: Partial<PageRequest>) => {
    const p = await ws.api['metrics.page']({ spec: SPEC, ...request } as PageRequest);
    return { total: p.total, offset: p.offset, columns: p.columns, rows: decode(p.arrow) };
  };
  const ids = (rows: Row[]) => rows.map((r) => r.user_id);

  it('pages the table by user id, with the fixed columns first and one per metric', async () => {
    const p = await page({});
    expect(p.columns).toEqual([
      'user_id',
      'window_start',
      'window_end',
      'complete',
      'views',
      'email',
      'first_buy',
      'last_seen',
    ]);
    expect(p.total).toBe(6);
    expect(ids(p.rows)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    expect(p.rows[0]).toEqual({
      user_id: 'u1',
      window_start: '2024-02-01 10:00:00',
      window_end: '2024-02-08 10:00:00',
      complete: false,
      views: 3,
      email: 1,
      first_buy: 2 / 1440,
      last_seen: 7,
    });
  });

  it('sorts by a metric, ties by user id, and pages with offset and limit', async () => {
    const desc = await page({ sort: { column: 'views', descending: true } });
    expect(ids(desc.rows)).toEqual(['u5', 'u1', 'u2', 'u6', 'u3', 'u4']);
    const asc = await page({ sort: { column: 'views', descending: false } });
    expect(ids(asc.rows)).toEqual(['u4', 'u3', 'u1', 'u2', 'u6', 'u5']);
    // Users without a value come last either way.
    const firstBuy = await page({ sort: { column: 'first_buy', descending: false } });
    // u6 0 (its buy at its start), u1 2 min, u3 30 min, u4 0 -> u4, u6 tie at 0 ... by id
    expect(ids(firstBuy.rows)).toEqual(['u4', 'u6', 'u1', 'u3', 'u2', 'u5']);
    const firstBuyDesc = await page({ sort: { column: 'first_buy', descending: true } });
    expect(ids(firstBuyDesc.rows)).toEqual(['u3', 'u1', 'u4', 'u6', 'u2', 'u5']);
    const byId = await page({ sort: { column: 'user_id', descending: true } });
    expect(ids(byId.rows)).toEqual(['u6', 'u5', 'u4', 'u3', 'u2', 'u1']);
    const window = await page({
      sort: { column: 'views', descending: true },
      offset: 1,
      limit: 2,
    });
    expect([window.total, window.offset, ids(window.rows)]).toEqual([6, 1, ['u1', 'u2']]);
  });

  it('filters on metric columns: comparisons, is set, is not set, all at once', async () => {
    const atLeast3 = await page({ filters: [{ column: 'views', op: '>=', value: 3 }] });
    expect([atLeast3.total, ids(atLeast3.rows)]).toEqual([4, ['u1', 'u2', 'u5', 'u6']]);
    const bought = await page({ filters: [{ column: 'first_buy', op: 'is set' }] });
    expect([bought.total, ids(bought.rows)]).toEqual([4, ['u1', 'u3', 'u4', 'u6']]);
    const never = await page({ filters: [{ column: 'first_buy', op: 'is not set' }] });
    expect(ids(never.rows)).toEqual(['u2', 'u5']);
    const both = await page({
      filters: [
        { column: 'views', op: '>=', value: 3 },
        { column: 'first_buy', op: 'is set' },
      ],
      sort: { column: 'views', descending: true },
      offset: 1,
    });
    expect([both.total, ids(both.rows)]).toEqual([2, ['u6']]);
    // Metrics named like columns of the users table.
    const named = await page({
      filters: [
        { column: 'email', op: '=', value: 1 },
        { column: 'last_seen', op: '>=', value: 7 },
      ],
    });
    expect(ids(named.rows)).toEqual(['u1', 'u4', 'u6']);
    const others = await page({ filters: [{ column: 'views', op: '!=', value: 3 }] });
    expect(ids(others.rows)).toEqual(['u3', 'u4', 'u5']);
    const fewer = await page({ filters: [{ column: 'views', op: '<', value: 3 }] });
    expect(ids(fewer.rows)).toEqual(['u3', 'u4']);
  });

  it('refuses unknown columns, naming the table columns, and comparisons of non-numbers', async () => {
    const known =
      'its columns are user_id, window_start, window_end, complete, views, email, first_buy, last_seen';
    await expect(page({ sort: { column: 'nope', descending: false } })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining(known),
    });
    await expect(page({ filters: [{ column: 'uid', op: '>=', value: 1 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining(`No column 'uid' in this metrics table; ${known}`),
    });
    await expect(
      page({ filters: [{ column: 'window_start', op: '>=', value: 1 }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('not a number'),
    });
    await expect(page({ filters: [{ column: 'views', op: '>=' } as never] })).rejects.toMatchObject(
      { code: 'INVALID_REQUEST' },
    );
    // user_id can be tested for being set (always).
    expect((await page({ filters: [{ column: 'user_id', op: 'is set' }] })).total).toBe(6);
  });

  type ExportRequest = Parameters<TempWorkspace['api']['metrics.export']>[0];
  const exportTo = (request: Partial<ExportRequest>) =>
    ws.api['metrics.export']({ spec: SPEC, ...request } as ExportRequest);
  /** The files' rows as DuckDB reads them back, every value as text. */
  const readBack = async (file: string, reader: string) =>
    (
      await read(
        `SELECT ${COLUMNS.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ')}, first_buy, last_seen FROM ${reader}('${file}') ORDER BY user_id`,
      )
    ).map((r): Row => ({ ...r, first_buy: r.first_buy === null ? null : Number(r.first_buy) }));
  const pageAsText = async (request: Partial<PageRequest> = {}) =>
    (await page({ ...request, limit: 1000 })).rows.map((r) => ({
      ...Object.fromEntries(COLUMNS.map((c) => [c, String(r[c])])),
      complete: String(r.complete),
      first_buy: r.first_buy ?? null,
      last_seen: r.last_seen,
    }));

  it('writes CSV and Parquet files whose rows are the table, the format from the extension', async () => {
    const csv = path.join(ws.dir, 'users.csv');
    expect(await exportTo({ path: csv })).toEqual({ path: csv, format: 'csv', rows: 6 });
    const table = await pageAsText();
    const fromCsv = await readBack(csv, 'read_csv');
    expect(fromCsv.map((r) => ({ ...r, last_seen: Number(r.last_seen) }))).toEqual(
      table.map((r) => ({ ...r, last_seen: Number(r.last_seen) })),
    );
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
      'user_id,window_start,window_end,complete,views,email,first_buy,last_seen',
    );

    const parquet = path.join(ws.dir, 'users.PARQUET');
    expect(await exportTo({ path: parquet })).toEqual({
      path: parquet,
      format: 'parquet',
      rows: 6,
    });
    const fromParquet = await readBack(parquet, 'read_parquet');
    expect(fromParquet.map((r) => ({ ...r, last_seen: Number(r.last_seen) }))).toEqual(
      table.map((r) => ({ ...r, last_seen: Number(r.last_seen) })),
    );
    // Types kept: times as timestamps, counts as integers.
    const [types] = await read(
      `SELECT typeof(window_start) AS t, typeof(views) AS v, typeof(first_buy) AS f, typeof(complete) AS c FROM read_parquet('${parquet}') LIMIT 1`,
    );
    expect(types).toEqual({ t: 'TIMESTAMP', v: 'BIGINT', f: 'DOUBLE', c: 'BOOLEAN' });

    // The grid's filters apply to the file too; an explicit format names any extension.
    const filtered = path.join(ws.dir, 'heavy.txt');
    expect(
      await exportTo({
        path: filtered,
        format: 'csv',
        filters: [{ column: 'views', op: '>=', value: 3 }],
      }),
    ).toEqual({ path: filtered, format: 'csv', rows: 4 });
    const heavy = await readBack(filtered, 'read_csv');
    expect(heavy.map((r) => r.user_id)).toEqual(['u1', 'u2', 'u5', 'u6']);
    expect(readdirSync(ws.dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('replaces a file that was there, whatever its name holds', async () => {
    const odd = path.join(ws.dir, "it's 100% users.csv");
    writeFileSync(odd, 'old\n');
    expect(await exportTo({ path: odd })).toMatchObject({ format: 'csv', rows: 6 });
    const back = await read(`SELECT count(*) AS n FROM read_csv('${odd.replaceAll("'", "''")}')`);
    expect(back).toEqual([{ n: 6n }]);
    expect(readdirSync(ws.dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('refuses a missing folder, an unknown extension, a folder; a failed export leaves nothing behind', async () => {
    const missing = path.join(ws.dir, 'no-such-folder', 'users.csv');
    await expect(exportTo({ path: missing })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('does not exist'),
    });
    expect(existsSync(path.dirname(missing))).toBe(false);
    await expect(exportTo({ path: path.join(ws.dir, 'users.xlsx') })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('name it .csv or .parquet'),
    });
    await expect(exportTo({ path: ws.dir, format: 'csv' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('is a folder'),
    });
    // A spec refused while planning: the file that was there stays as it was, no partial file.
    const kept = path.join(ws.dir, 'kept.csv');
    writeFileSync(kept, 'old\n');
    const textSum = metricsSpecSchema.parse({
      ...SPEC,
      metrics: [{ name: 'p', type: 'property', events: ev('view'), property: 'plan' }],
    });
    await expect(
      ws.api['metrics.export']({ spec: textSum, path: kept, filters: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    // A filter on a column the table lacks, refused once the table is known.
    await expect(
      exportTo({ path: kept, filters: [{ column: 'nope', op: 'is set' }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("No column 'nope'"),
    });
    expect(readFileSync(kept, 'utf8')).toBe('old\n');
    expect(readdirSync(ws.dir).filter((f) => f.includes('.partial'))).toEqual([]);
    expect(existsSync(path.join(ws.dir, 'users.xlsx'))).toBe(false);
  });
});
