import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  thresholdsSpecSchema,
  type ThresholdSplit,
  type ThresholdsResult,
} from '../../../../shared/specs/thresholds';
import { sharedWorkspace } from '../../testing/shared-workspaces';
import { RETAIL_PARQUET, type TempWorkspace } from '../../testing/temp-workspace';

/**
 * UCI Online Retail (../shared/datasets/online-retail): which buying rhythm in a customer's first
 * 90 days (from their first purchase) says they buy again in months 4-6 (days 91-180)? A
 * customer's purchases are counted as the days of the window they bought on (day k = the k-th 24
 * hours from the first purchase; two invoices on one day are one purchase occasion), so "at least
 * t purchase days in 90 days" is t/3 purchases a month. Every number the runner gives for the best threshold is counted a second way: plain SQL
 * over the Parquet file itself in a DuckDB of its own (a purchase is a line with a customer whose
 * invoice is not a 'C' cancellation), then each threshold tried in JS.
 */
let ws: TempWorkspace;
let file: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  ws = await sharedWorkspace('online-retail');
  file = await DuckDBInstance.create(':memory:');
  c = await file.connect();
}, 120_000);
afterAll(() => {
  c.closeSync();
  file.closeSync();
  ws.close();
});

interface Customer {
  days: number;
  lines: number;
  positive: boolean;
  observed: boolean;
  holdout: boolean;
}

/** Each customer with a purchase: their first 90 days, months 4-6, and whether those were seen. */
async function customers(holdoutShare: number): Promise<Customer[]> {
  const reader = await c.runAndReadAll(
    `WITH lines AS (
       SELECT CAST(CustomerID AS VARCHAR) AS c, InvoiceDate AS t, InvoiceNo LIKE 'C%' AS cancel
       FROM read_parquet('${RETAIL_PARQUET}') WHERE CustomerID IS NOT NULL),
     last AS (SELECT max(t) AS t FROM lines),
     firsts AS (SELECT c, min(t) FILTER (WHERE NOT cancel) AS start, min(t) AS first_any
                FROM lines GROUP BY c HAVING start IS NOT NULL)
     SELECT f.c, f.start, f.first_any,
            -- Day k of the window: the k-th 24 hours from the first purchase (UTC here).
            count(DISTINCT floor(date_diff('minute', f.start, l.t) / 1440))
              FILTER (WHERE NOT cancel AND l.t < f.start + INTERVAL 90 DAY) AS days,
            count(*) FILTER (WHERE NOT cancel AND l.t < f.start + INTERVAL 90 DAY) AS lines,
            bool_or(NOT cancel AND l.t >= f.start + INTERVAL 90 DAY AND l.t < f.start + INTERVAL 180 DAY) AS positive,
            f.start + INTERVAL 180 DAY <= (SELECT t FROM last) AS observed
     FROM firsts f JOIN lines l ON l.c = f.c AND l.t >= f.start
     GROUP BY ALL
     -- The engine numbers users by their first event (a cancellation too), then id.
     ORDER BY f.start, f.first_any, f.c`,
  );
  const rows = reader.getRowObjectsJS();
  const observed = rows.filter((r) => r.observed === true).length;
  const training = Math.floor(observed * (1 - holdoutShare));
  let rank = 0;
  return rows.map((r) => {
    const seen = r.observed === true;
    if (seen) rank++;
    return {
      days: Number(r.days),
      lines: Number(r.lines),
      positive: r.positive === true,
      observed: seen,
      holdout: seen && rank > training,
    };
  });
}

/** The 2x2 table of "at least t" by counting customers. */
function splitOf(users: readonly { value: number; positive: boolean }[], t: number) {
  const n = users.length;
  const P = users.filter((u) => u.positive).length;
  const above = users.filter((u) => u.value >= t);
  const tp = above.filter((u) => u.positive).length;
  const below = n - above.length;
  const fn = P - tp;
  const tn = below - fn;
  const fp = above.length - tp;
  return {
    threshold: t,
    above: above.length,
    abovePositive: tp,
    below,
    belowPositive: fn,
    rateAbove: tp / above.length,
    rateBelow: fn / below,
    sensitivity: tp / P,
    specificity: tn / (n - P),
    phi: (tp * tn - fp * fn) / Math.sqrt(above.length * below * P * (n - P)),
  };
}

/** Every value a threshold (past 100 values the runner samples: see the check on the count). */
function best(users: readonly { value: number; positive: boolean }[]) {
  const values = [...new Set(users.map((u) => u.value))].sort((x, y) => x - y);
  let top: ReturnType<typeof splitOf> | null = null;
  for (const t of values.slice(1)) {
    const row = splitOf(users, t);
    if (top === null || row.phi > top.phi + 1e-12) top = row;
  }
  return { values: values.length, top };
}

const pick = (r: ThresholdSplit | null | undefined) =>
  r == null
    ? r
    : {
        threshold: r.threshold,
        above: r.above,
        abovePositive: r.abovePositive,
        below: r.below,
        belowPositive: r.belowPositive,
        rateAbove: r.rateAbove,
        rateBelow: r.rateBelow,
        sensitivity: r.sensitivity,
        specificity: r.specificity,
        phi: r.phi === null ? null : Math.round(r.phi * 1e12) / 1e12,
      };
const round = (r: ReturnType<typeof splitOf> | null) =>
  r === null ? r : { ...r, phi: Math.round(r.phi * 1e12) / 1e12 };

const spec = thresholdsSpecSchema.parse({
  kind: 'thresholds',
  startEvent: { event: 'purchase' },
  observationDays: 90,
  outcome: { type: 'converted', events: [{ event: 'purchase' }], from: 91, to: 180 },
  metrics: [
    { name: 'purchase_days', type: 'distinctDays', events: [{ event: 'purchase' }] },
    { name: 'lines', type: 'count', events: [{ event: 'purchase' }] },
  ],
  heatmapEvents: ['purchase'],
  resamples: 0,
});

describe('thresholds on Online Retail: purchases in the first 90 days vs a purchase in months 4-6', () => {
  let r: ThresholdsResult;
  let all: Customer[];
  beforeAll(async () => {
    [r, all] = await Promise.all([
      ws.api['analysis.run']({ spec }) as Promise<ThresholdsResult>,
      customers(spec.holdoutShare),
    ]);
  });

  it('counts the customers whose months 4-6 were observed', () => {
    const observed = all.filter((u) => u.observed);
    const train = observed.filter((u) => !u.holdout);
    const held = observed.filter((u) => u.holdout);
    // 4,339 customers bought; those who first bought by 2011-06-12 12:50 had 180 days seen.
    expect(all.length).toBe(4_339);
    expect(r.population).toMatchObject({
      users: observed.length,
      positive: observed.filter((u) => u.positive).length,
      unobserved: all.length - observed.length,
      from: '2010-12-01',
      training: { users: train.length, positive: train.filter((u) => u.positive).length },
      holdout: { users: held.length, positive: held.filter((u) => u.positive).length },
    });
    expect(r.population.to).toBe('2011-06-12');
  });

  it.each(['purchase_days', 'lines'] as const)(
    'finds the best threshold of %s, and the held-out customers at it, as the file says',
    (name) => {
      const value = (u: Customer) => (name === 'lines' ? u.lines : u.days);
      const train = all.filter((u) => u.observed && !u.holdout);
      const want = best(train.map((u) => ({ value: value(u), positive: u.positive })));
      const m = r.metrics.find((x) => x.name === name);
      if (want.values <= 101) expect(pick(m?.best)).toEqual(round(want.top));
      else {
        // The runner tries 100 quantiles of the values: its best is one of the thresholds, with
        // that threshold's numbers, and no more than a hair below the best of all.
        const t = m?.best?.threshold ?? -1;
        const at = splitOf(
          train.map((u) => ({ value: value(u), positive: u.positive })),
          t,
        );
        expect(pick(m?.best)).toEqual(round(at));
        expect(at.phi).toBeGreaterThan((want.top?.phi ?? 0) - 0.01);
      }
      const t = m?.best?.threshold ?? -1;
      const held = all
        .filter((u) => u.holdout)
        .map((u) => ({ value: value(u), positive: u.positive }));
      expect(pick(m?.holdout)).toEqual(round(splitOf(held, t)));
    },
  );

  it('reads as a rhythm: at least two purchase days in the first 90, retained far more', () => {
    const days = r.metrics.find((m) => m.name === 'purchase_days');
    // Of the 2,111 earlier starters, the 1,037 who bought on 2+ days of their first 90 (two
    // thirds of a purchase a month) bought again in months 4-6 at 74.0%, the other 1,074 at
    // 35.8%; the 704 held out (first purchase from 2011-03-30) at 63.6% vs 37.0%.
    expect(r.metrics[0]?.name).toBe('purchase_days');
    expect(days?.best).toMatchObject({ threshold: 2, above: 1_037, below: 1_074, tooSmall: false });
    expect(days?.best?.sentence).toBe(
      'Users who did purchase on at least 2 days in their first 90 days: 74.0% converted vs 35.8% below; 49.1% of users reach it.',
    );
    expect(days?.holdout).toMatchObject({ above: 258, abovePositive: 164, below: 446 });
    expect(days?.holdout?.rateAbove).toBeGreaterThan((days?.holdout?.rateBelow ?? 1) + 0.15);
    // Everybody bought on day 1: the heat map's first cell is the whole population.
    expect(r.heatmap.cells[0]).toMatchObject({
      event: 'purchase',
      day: 1,
      did: r.population.users,
    });
  });
});
