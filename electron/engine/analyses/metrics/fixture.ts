import { tableFromIPC } from 'apache-arrow';
import { expect } from 'vitest';
import { metricsSpecSchema, type MetricsSpec } from '../../../../shared/specs/metrics';
import type { MetricDefinition, ObservationWindow } from '../../../../shared/specs/user-metrics';
import type { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * The hand-computed fixture of the metrics tests (metrics.test.ts, summary.test.ts): its events,
 * every metric type over them, and reading the per-user table back through metrics.page.
 */

export type Row = Record<string, unknown>;

export function decode(arrow: string): Row[] {
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

export const spec = (window: ObservationWindow, metrics: MetricDefinition[]): MetricsSpec =>
  metricsSpecSchema.parse({ kind: 'metrics', window, metrics });

export const ev = (...names: string[]) => names.map((event) => ({ event, where: [] }));

/**
 * UTC. Sessions (cut at a gap of more than 30 minutes; ties share one) in brackets.
 *   A: a1 visit 01-03 10:00                                   [S1: 1 event, 0 s]
 *      a2 signup 01-04 00:00, a3 view 00:10 (amount 5), a4 buy 00:20 (10)
 *                                                             [S2: 3 events, 1200 s]
 *      a5 view 01-05 12:00, a6 buy 12:30 (20; 30 min: same)   [S3: 2 events, 1800 s]
 *      a7 share 01-08 09:00                                   [S4: 1, 0 s]
 *      a8 view 01-11 00:00 (1)                                [S5: 1, 0 s]
 *   B: b1 signup, b2 view, b3 buy (7) all 01-06 08:00, in this file order
 *                                                             [S1: 3 events, 0 s]
 *      b4 view 01-10 23:00 (3), b5 share 23:30, b6 view 01-11 00:00
 *                                                             [S2: 3 events, 3600 s]
 *   C: c1 buy (8), c2 view both 01-07 10:00 (buy first in the file)  [S1: 2, 0 s]
 *      c3 view 11:00, c4 share 11:20                          [S2: 2, 1200 s]  (never signs up)
 *   N: n1 view 2023-12-25 12:00 (2), n2 signup 12-26 09:00, n3 view 2024-01-01 12:00
 *                                                             [3 sessions of 1 event]
 *   L: l1 signup 01-11 12:00, l2 view 01-12 18:00 (the data's last event)  [2 sessions of 1]
 */
export const EVENTS = `user_id,event,timestamp,amount,plan
A,visit,2024-01-03T10:00:00Z,,free
A,signup,2024-01-04T00:00:00Z,,free
A,view,2024-01-04T00:10:00Z,5,free
A,buy,2024-01-04T00:20:00Z,10,free
A,view,2024-01-05T12:00:00Z,,free
A,buy,2024-01-05T12:30:00Z,20,pro
A,share,2024-01-08T09:00:00Z,,pro
A,view,2024-01-11T00:00:00Z,1,pro
B,signup,2024-01-06T08:00:00Z,,free
B,view,2024-01-06T08:00:00Z,,free
B,buy,2024-01-06T08:00:00Z,7,free
B,view,2024-01-10T23:00:00Z,3,free
B,share,2024-01-10T23:30:00Z,,free
B,view,2024-01-11T00:00:00Z,,free
C,buy,2024-01-07T10:00:00Z,8,
C,view,2024-01-07T10:00:00Z,,
C,view,2024-01-07T11:00:00Z,,
C,share,2024-01-07T11:20:00Z,,
N,view,2023-12-25T12:00:00Z,2,
N,signup,2023-12-26T09:00:00Z,,
N,view,2024-01-01T12:00:00Z,,
L,signup,2024-01-11T12:00:00Z,,
L,view,2024-01-12T18:00:00Z,,
`;

/** Every metric type (and each variant) over the fixture. */
export const ALL: MetricDefinition[] = [
  { name: 'active_days', type: 'activeDays', events: ev('$any'), per: 'window' },
  { name: 'active_per_week', type: 'activeDays', events: ev('$any'), per: 'week' },
  { name: 'views', type: 'count', events: ev('view'), per: 'window' },
  { name: 'views_per_week', type: 'count', events: ev('view'), per: 'week' },
  { name: 'buys', type: 'count', events: ev('buy'), per: 'window' },
  { name: 'sessions', type: 'sessions', per: 'window' },
  { name: 'sessions_per_week', type: 'sessions', per: 'week' },
  { name: 'features', type: 'featureAdoption', features: ['view', 'buy', 'share'], as: 'count' },
  {
    name: 'feature_share',
    type: 'featureAdoption',
    features: ['view', 'buy', 'share'],
    as: 'share',
  },
  { name: 'len_median', type: 'sessionLength', stat: 'median' },
  { name: 'len_mean', type: 'sessionLength', stat: 'mean' },
  { name: 'depth_median', type: 'sessionDepth', stat: 'median' },
  { name: 'depth_mean', type: 'sessionDepth', stat: 'mean' },
  { name: 'funnel_done', type: 'funnel', steps: ev('signup', 'view', 'buy'), as: 'completed' },
  { name: 'funnel_steps', type: 'funnel', steps: ev('view', 'buy', 'view'), as: 'furthestStep' },
  { name: 'view_twice', type: 'funnel', steps: ev('view', 'view'), as: 'completed' },
  { name: 'recency', type: 'recency' },
  { name: 'tenure', type: 'tenure' },
  { name: 'trend', type: 'trend', events: ev('$any') },
  { name: 'revenue', type: 'property', events: ev('buy'), property: 'amount', agg: 'sum' },
  {
    name: 'avg_amount',
    type: 'property',
    events: ev('view', 'buy'),
    property: 'amount',
    agg: 'avg',
  },
  {
    name: 'min_amount',
    type: 'property',
    events: ev('view', 'buy'),
    property: 'amount',
    agg: 'min',
  },
  {
    name: 'max_amount',
    type: 'property',
    events: ev('view', 'buy'),
    property: 'amount',
    agg: 'max',
  },
  { name: 'buy_days', type: 'distinctDays', events: ev('buy') },
  { name: 'first_buy', type: 'time', events: ev('buy'), which: 'first' },
  { name: 'last_view', type: 'time', events: ev('view'), which: 'last' },
  { name: 'buys_per_view', type: 'ratio', numerator: 'buys', denominator: 'views' },
];
export const NAMES = ALL.map((m) => m.name);
export const H = 1 / 24;
export const MIN = 1 / 1440;

export type Run = Awaited<ReturnType<typeof analysisFixture>>['run'];

/** The whole table of a spec by user: its window, complete, then the metrics in spec order. */
export async function tableOf(
  ws: TempWorkspace,
  s: MetricsSpec,
): Promise<Record<string, unknown[]>> {
  const page = await ws.api['metrics.page']({ spec: s, limit: 1000 });
  const out: Record<string, unknown[]> = {};
  for (const r of decode(page.arrow)) {
    out[String(r.user_id)] = [
      r.window_start,
      r.window_end,
      r.complete,
      ...s.metrics.map((m) => r[m.name]),
    ];
  }
  return out;
}

/** Equal, numbers to 9 digits (the fractions of days and thirds). */
export function expectRows(
  actual: Record<string, unknown[]>,
  expected: Record<string, unknown[]>,
): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [user, values] of Object.entries(expected)) {
    const got = actual[user] ?? [];
    values.forEach((v, i) => {
      const label = `${user}.${i < 3 ? ['window_start', 'window_end', 'complete'][i] : NAMES[i - 3]}`;
      if (typeof v === 'number') expect(got[i], label).toBeCloseTo(v, 9);
      else expect(got[i], label).toEqual(v);
    });
  }
}

/** DuckDB's quantile_cont: linear between the order statistics at (n - 1) p. */
export function quantile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}
