import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StickinessResult, StickinessSpec } from '../../../../shared/specs/stickiness';
import { sharedWorkspace } from '../../testing/shared-workspaces';
import { RETAIL_PARQUET, type TempWorkspace } from '../../testing/temp-workspace';

/**
 * UCI Online Retail (../shared/datasets/online-retail): invoice lines of 4,339 purchasing
 * customers, 2010-12-01 .. 2011-12-09, imported as 'purchase' and 'cancellation' events. Each
 * answer is counted a second way with plain SQL over the Parquet file itself (a purchase is a
 * line with a customer whose invoice is not a 'C' cancellation), in a DuckDB of its own.
 */
let ws: TempWorkspace;
let file: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  ws = await sharedWorkspace('online-retail');
  file = await DuckDBInstance.create(':memory:');
  c = await file.connect();
}, 120_000);
afterAll(async () => {
  c.closeSync();
  file.closeSync();
  await ws.close();
});

const spec = (extra: Partial<StickinessSpec>): StickinessSpec => ({
  kind: 'stickiness',
  version: 1,
  events: { event: 'purchase', where: [] },
  unit: 'day',
  per: 'month',
  minEventsPerUnit: 1,
  cumulative: false,
  dateRange: { type: 'absolute', from: '2010-12-01', to: '2011-12-09' },
  filters: [],
  ...extra,
});
const run = async (s: StickinessSpec) =>
  (await ws.api['analysis.run']({ spec: s })) as StickinessResult;

/** Customers per (period, k), k their units with `having` lines each, from the file. */
async function plain(args: {
  period: string;
  unit: string;
  from: string;
  to: string;
  having?: string;
}): Promise<Map<string, number[]>> {
  const reader = await c.runAndReadAll(
    `WITH lines AS (
       SELECT CustomerID AS c, InvoiceDate AS t FROM read_parquet('${RETAIL_PARQUET}')
       WHERE CustomerID IS NOT NULL AND InvoiceNo NOT LIKE 'C%'
         AND CAST(InvoiceDate AS DATE) BETWEEN DATE '${args.from}' AND DATE '${args.to}'),
     units AS (SELECT c, ${args.unit} AS u, count(*) AS n FROM lines GROUP BY ALL ${args.having ?? ''}),
     per AS (SELECT c, strftime(${args.period}, '%Y-%m-%d') AS p, count(*) AS k FROM units GROUP BY ALL)
     SELECT p, k, count(*) AS n FROM per GROUP BY ALL ORDER BY p, k`,
  );
  const rows = reader.getRowObjectsJson();
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const list = out.get(String(r.p)) ?? [];
    list[Number(r.k) - 1] = Number(r.n);
    out.set(String(r.p), list);
  }
  return out;
}
const dense = (list: number[] | undefined, n: number): number[] =>
  Array.from({ length: n }, (_, i) => list?.[i] ?? 0);

describe('stickiness on Online Retail', () => {
  it('active days per month: every month apart, December 2011 cut on the 9th', async () => {
    const r = await run(spec({}));
    const want = await plain({
      period: "date_trunc('month', u)",
      unit: 'CAST(t AS DATE)',
      from: '2010-12-01',
      to: '2011-12-09',
    });
    expect(r.periods.map((p) => p.period)).toEqual([...want.keys()]);
    for (const p of r.periods) expect(p.users, p.period).toEqual(dense(want.get(p.period), 31));
    const last = r.periods.at(-1);
    expect([last?.period, last?.incomplete, last?.units, last?.possible]).toEqual([
      '2011-12-01',
      true,
      31,
      9,
    ]);
    // Customers who bought in November 2011: 1,665 distinct purchasers of the month.
    expect(r.periods[11]?.users.reduce((a, b) => a + b, 0)).toBe(1665);
  });

  it('active months over the whole range, and the customers behind a bucket', async () => {
    const s = spec({ unit: 'month', per: 'range' });
    const r = await run(s);
    const want = await plain({
      period: "TIMESTAMP '2010-12-01'",
      unit: "date_trunc('month', t)",
      from: '2010-12-01',
      to: '2011-12-09',
    });
    expect(r.buckets).toHaveLength(13);
    expect(r.users).toEqual(dense(want.get('2010-12-01'), 13));
    // Every purchaser once; 44 of them bought in each of the 13 months.
    expect(r.users.reduce((a, b) => a + b, 0)).toBe(4339);
    expect(r.users[12]).toBe(44);
    const all13 = await ws.api['analysis.users']({
      spec: s,
      select: { kind: 'stickiness', bucket: 13 },
      limit: 1,
    });
    expect(all13.total).toBe(r.users[12]);
  });

  it('days with at least 10 lines, per quarter; at most 5 lines, per 28 days', async () => {
    const busy = await run(spec({ per: 'quarter', minEventsPerUnit: 10 }));
    const wantBusy = await plain({
      period: "date_trunc('quarter', u)",
      unit: 'CAST(t AS DATE)',
      from: '2010-12-01',
      to: '2011-12-09',
      having: 'HAVING count(*) >= 10',
    });
    for (const p of busy.periods)
      expect(p.users, p.period).toEqual(dense(wantBusy.get(p.period), 92));
    const light = await run(
      spec({
        per: 'days',
        perDays: 28,
        maxEventsPerUnit: 5,
        dateRange: { type: 'absolute', from: '2011-01-01', to: '2011-11-30' },
      }),
    );
    const wantLight = await plain({
      period:
        "DATE '2011-01-01' + CAST(datediff('day', DATE '2011-01-01', u) // 28 * 28 AS INTEGER)",
      unit: 'CAST(t AS DATE)',
      from: '2011-01-01',
      to: '2011-11-30',
      having: 'HAVING count(*) <= 5',
    });
    expect(light.periods.map((p) => p.period)).toEqual([...wantLight.keys()]);
    for (const p of light.periods)
      expect(p.users, p.period).toEqual(dense(wantLight.get(p.period), 28));
    // 334 days = 11 whole intervals and 26 days: the last one is cut.
    expect(light.periods.at(-1)).toMatchObject({
      period: '2011-11-05',
      possible: 26,
      incomplete: true,
    });
  });
});
