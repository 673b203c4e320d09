import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendsSpecSchema, type TrendsResult } from '../../../../shared/specs/trends';
import { sharedWorkspace } from '../../testing/shared-workspaces';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * Trends on the team's real datasets (../shared/datasets), against the counts their READMEs
 * publish and, for the rolling measures, against a second computation written plainly in SQL
 * over the imported events (distinct users of the days in each window).
 */
const run = async (ws: TempWorkspace, spec: object): Promise<TrendsResult> =>
  (await ws.api['analysis.run']({
    spec: trendsSpecSchema.parse({ kind: 'trends', ...spec }),
  })) as TrendsResult;

const users = async (ws: TempWorkspace, spec: object, select: object): Promise<number> =>
  (
    await ws.api['analysis.users']({
      spec: trendsSpecSchema.parse({ kind: 'trends', ...spec }),
      select: { kind: 'trends', ...select } as never,
      limit: 1,
    })
  ).total;

/** DAU, WAU, MAU and DAU/MAU of each day in [from, to], in plain SQL (UTC days). */
async function plainRolling(ws: TempWorkspace, from: string, to: string) {
  const rows = await ws.rows(`
    WITH active AS (SELECT DISTINCT uid, CAST(ts AS DATE) AS day FROM events),
    days AS (SELECT CAST(d AS DATE) AS day FROM generate_series(DATE '${from}', DATE '${to}', INTERVAL 1 DAY) g(d))
    SELECT strftime(days.day, '%Y-%m-%d') AS day,
      (SELECT count(DISTINCT uid) FROM active a WHERE a.day = days.day) AS dau,
      (SELECT count(DISTINCT uid) FROM active a WHERE a.day BETWEEN days.day - 6 AND days.day) AS wau,
      (SELECT count(DISTINCT uid) FROM active a WHERE a.day BETWEEN days.day - 29 AND days.day) AS mau
    FROM days ORDER BY days.day`);
  return rows.map((r) => ({
    day: String(r.day),
    dau: Number(r.dau),
    wau: Number(r.wau),
    mau: Number(r.mau),
  }));
}

const rolling = ['dau', 'wau', 'mau', 'stickiness'].map((measure) => ({
  events: { event: '$any' },
  measure,
}));

describe('trends on the GA4 sample (purchase-like item rows, UTC)', () => {
  let ws: TempWorkspace;
  beforeAll(async () => {
    ws = await sharedWorkspace('ga4');
  }, 120_000);
  afterAll(() => ws.close());

  it('rows, users and revenue per month are those its README counts', async () => {
    const r = await run(ws, {
      series: [
        { events: { event: 'purchase' }, measure: 'total' },
        { events: { event: 'purchase' }, measure: 'uniqueUsers' },
        { events: { event: 'purchase' }, measure: 'sum', property: 'item_revenue_in_usd' },
      ],
      formulas: [{ expression: 'C / B', label: 'revenue per buyer' }],
      interval: 'month',
      dateRange: { type: 'absolute', from: '2020-11-01', to: '2021-01-31' },
    });
    expect(r.periods).toEqual(['2020-11-01', '2020-12-01', '2021-01-01']);
    expect(r.series[0]?.values).toEqual([6_244, 6_869, 2_890]);
    expect(r.series[1]?.values).toEqual([1_531, 1_975, 1_069]);
    expect(r.series[1]?.total).toBe(4_418);
    expect(r.series[2]?.total).toBe(362_110);
    expect(r.formulas?.[0]?.total).toBeCloseTo(362_110 / 4_418, 9);
    // The last purchase is at 23:37 on 31 January: the month was observed until then only.
    expect(r.incomplete).toEqual([false, false, true]);
  });

  it('DAU, WAU, MAU and DAU/MAU per day match plain SQL; the users behind match too', async () => {
    const from = '2020-12-01';
    const to = '2021-01-31';
    const spec = {
      series: rolling,
      interval: 'day',
      dateRange: { type: 'absolute', from, to },
    };
    const r = await run(ws, spec);
    const plain = await plainRolling(ws, from, to);
    expect(r.periods).toEqual(plain.map((p) => p.day));
    expect(r.series[0]?.values).toEqual(plain.map((p) => p.dau));
    expect(r.series[1]?.values).toEqual(plain.map((p) => p.wau));
    expect(r.series[2]?.values).toEqual(plain.map((p) => p.mau));
    plain.forEach((p, i) =>
      expect(r.series[3]?.values[i]).toBeCloseTo(p.mau === 0 ? NaN : p.dau / p.mau, 12),
    );
    for (const at of [5, 30, 61]) {
      for (const s of [0, 1, 2]) {
        expect(await users(ws, spec, { series: s, period: r.periods[at] })).toBe(
          r.series[s]?.values[at],
        );
      }
    }
  });

  it('cumulative buyers end at the buyers of the range', async () => {
    const r = await run(ws, {
      series: [{ events: { event: 'purchase' }, measure: 'uniqueUsers' }],
      interval: 'week',
      dateRange: { type: 'absolute', from: '2020-11-01', to: '2021-01-31' },
      display: { cumulative: true },
    });
    expect(r.series[0]?.values.at(-1)).toBe(4_418);
  });
});

describe('trends on Online Retail (invoice lines of known customers)', () => {
  let ws: TempWorkspace;
  beforeAll(async () => {
    ws = await sharedWorkspace('online-retail');
  }, 120_000);
  afterAll(() => ws.close());

  it('customers per month are those its README counts; December 2011 is observed to the 9th', async () => {
    const r = await run(ws, {
      series: [{ events: { event: '$any' }, measure: 'uniqueUsers' }],
      interval: 'month',
      dateRange: { type: 'absolute', from: '2010-12-01', to: '2011-12-31' },
      compare: false,
    });
    expect(r.series[0]?.values).toEqual([
      948, 783, 798, 1_020, 899, 1_079, 1_051, 993, 980, 1_302, 1_425, 1_711, 686,
    ]);
    expect(r.series[0]?.total).toBe(4_372);
    expect(r.incomplete.at(-1)).toBe(true);
    const days = await run(ws, {
      series: [{ events: { event: '$any' }, measure: 'uniqueUsers' }],
      interval: 'day',
      dateRange: { type: 'absolute', from: '2011-12-08', to: '2011-12-12' },
    });
    // The export's last invoice is on the 9th at 12:50: the days after it are not zeros.
    expect(days.series[0]?.values.slice(2)).toEqual([null, null, null]);
    expect(days.incomplete).toEqual([false, true, true, true, true]);
  });

  it('weekly DAU/MAU: the average of its days against plain SQL', async () => {
    const from = '2011-09-05';
    const to = '2011-11-27';
    const r = await run(ws, {
      series: rolling,
      interval: 'week',
      dateRange: { type: 'absolute', from, to },
    });
    const plain = await plainRolling(ws, from, to);
    r.periods.forEach((week, i) => {
      const days = plain.filter((p) => p.day >= week && p.day < addDays(week, 7));
      const last = days[days.length - 1];
      const ratios = days.filter((p) => p.mau > 0).map((p) => p.dau / p.mau);
      expect(r.series[0]?.values[i]).toBeCloseTo(
        days.reduce((a, p) => a + p.dau, 0) / days.length,
        9,
      );
      expect(r.series[1]?.values[i]).toBe(last?.wau);
      expect(r.series[2]?.values[i]).toBe(last?.mau);
      expect(r.series[3]?.values[i]).toBeCloseTo(
        ratios.reduce((a, b) => a + b, 0) / ratios.length,
        9,
      );
    });
  });
});

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
