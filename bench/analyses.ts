import type { ApiClient } from '../shared/api/contract';
import type { AnalysisSpec } from '../shared/specs/analysis-spec';
import { SAMPLE_ABOVE, sampledFirst } from '../shared/specs/first-answer';
import { thresholdsSpecSchema } from '../shared/specs/thresholds';
import type { SegmentRule } from '../shared/specs/segment';
import type { TriggerSpec } from '../shared/specs/trigger';

/** One timed analysis: best of `runs` (the first run also warms DuckDB's caches). */
export interface AnalysisFigure {
  name: string;
  seconds: number;
  goal?: number;
  /** A goal in seconds rather than as a ratio to the scan floor. */
  goalSeconds?: number;
}

/** What an analysis view shows first on a large workspace (the same rule as the views). */
export function firstAnswerSpec(spec: AnalysisSpec): AnalysisSpec {
  return sampledFirst(spec, SAMPLE_ABOVE + 1) ?? spec;
}

const step = (event: string) => ({ events: { event, where: [] }, optional: false });

/** The analyses the issue sets goals for, on the benchmark workspace's whole history. */
export function benchSpecs(
  from: string,
  to: string,
): { name: string; spec: AnalysisSpec; goal?: number }[] {
  const dateRange = { type: 'absolute' as const, from, to };
  const any = { event: '$any', where: [] };
  return [
    {
      name: 'funnel, 4 steps, 7 days',
      goal: 3,
      spec: {
        kind: 'funnel',
        version: 1,
        steps: ['app_opened', 'dashboard_viewed', 'report_created', 'report_shared'].map(step),
        order: 'ordered',
        window: { n: 7, unit: 'day' },
        exclusions: [],
        countBy: 'users',
        dateRange,
        filters: [],
        interval: 'week',
      },
    },
    {
      name: 'retention, weekly, 12 periods',
      goal: 1.5,
      spec: {
        kind: 'retention',
        version: 1,
        start: { event: 'signed_up', where: [] },
        return: any,
        cohort: 'first_time',
        period: 'week',
        periods: 12,
        criterion: 'on',
        time: 'calendar',
        measure: 'users',
        dateRange,
        filters: [],
      },
    },
    {
      name: 'sessions, daily',
      goal: 6,
      spec: { kind: 'sessions', version: 1, events: any, interval: 'day', dateRange, filters: [] },
    },
    {
      name: 'trends, DAU daily',
      spec: {
        kind: 'trends',
        version: 1,
        series: [{ events: any, measure: 'uniqueUsers' }],
        interval: 'day',
        dateRange,
        filters: [],
        formulas: [],
        compare: false,
        display: { chart: 'line', cumulative: false },
      },
    },
    {
      name: 'lifecycle, weekly',
      spec: {
        kind: 'lifecycle',
        version: 1,
        events: any,
        interval: 'week',
        dateRange,
        filters: [],
      },
    },
    {
      name: 'stickiness, days per week',
      spec: {
        kind: 'stickiness',
        version: 1,
        events: any,
        unit: 'day',
        per: 'week',
        minEventsPerUnit: 1,
        cumulative: false,
        dateRange,
        filters: [],
      },
    },
    {
      name: 'paths, 5 steps from app_opened',
      spec: {
        kind: 'paths',
        version: 1,
        start: { event: 'app_opened', where: [] },
        steps: 5,
        hide: [],
        limit: 8,
        collapseRepeats: false,
        dateRange,
      },
    },
  ];
}

const count = (name: string, event: string) => ({
  name,
  type: 'count' as const,
  events: [{ event, where: [] }],
  per: 'window' as const,
});

/** The twelve per-user metrics: frequency, adoption, sessions, recency, trend, revenue. */
function twelveMetrics() {
  const any = [{ event: '$any', where: [] }];
  return [
    {
      name: 'active_days_per_week',
      type: 'activeDays' as const,
      events: any,
      per: 'week' as const,
    },
    { name: 'sessions_per_week', type: 'sessions' as const, per: 'week' as const },
    count('reports', 'report_created'),
    count('invites', 'teammate_invited'),
    count('shares', 'report_shared'),
    {
      name: 'core_features',
      type: 'featureAdoption' as const,
      features: ['dashboard_viewed', 'report_created', 'search_performed', 'report_shared'],
      as: 'share' as const,
    },
    { name: 'median_session', type: 'sessionLength' as const, stat: 'median' as const },
    { name: 'events_per_session', type: 'sessionDepth' as const, stat: 'mean' as const },
    { name: 'recency', type: 'recency' as const },
    { name: 'tenure', type: 'tenure' as const },
    { name: 'trend', type: 'trend' as const, events: any },
    {
      name: 'revenue',
      type: 'property' as const,
      events: [{ event: 'purchase_completed', where: [] }],
      property: 'revenue',
      agg: 'sum' as const,
    },
  ];
}

/** The per-user layer's figures: the metrics table and the threshold benchmarks (issue 12). */
export function perUserSpecs(): {
  name: string;
  spec: AnalysisSpec;
  goal?: number;
  goalSeconds?: number;
}[] {
  return [
    {
      name: 'metrics table, 12 metrics, last 28 days',
      goal: 8,
      spec: {
        kind: 'metrics',
        version: 1,
        window: { type: 'calendar', days: 28 },
        filters: [],
        metrics: twelveMetrics(),
      },
    },
    {
      name: 'threshold benchmarks, 12 metrics, 7-day heat map',
      goalSeconds: 2,
      spec: thresholdsSpecSchema.parse({ kind: 'thresholds', metrics: twelveMetrics() }),
    },
  ];
}

/** The segments issue's figure: a dynamic segment of three conditions, counted as of the data's end. */
export function segmentRules(): { name: string; rule: SegmentRule; goalSeconds: number }[] {
  return [
    {
      name: 'segment: app_opened > 2 a week (28 days), report_created in 14 days, no support ticket in 30',
      goalSeconds: 1,
      rule: {
        all: [
          {
            type: 'metric',
            metric: {
              name: 'logins',
              type: 'count',
              events: [{ event: 'app_opened', where: [] }],
              per: 'week',
            },
            days: 28,
            op: '>',
            value: 2,
          },
          {
            type: 'event',
            event: { event: 'report_created', where: [] },
            op: 'did',
            when: { type: 'last', days: 14 },
          },
          {
            type: 'event',
            event: { event: 'support_ticket_opened', where: [] },
            op: 'did not',
            when: { type: 'last', days: 30 },
          },
        ],
      },
    },
  ];
}

/** The triggers' figure: a 90-day backtest of "no activity for 7 days", cooldown 7 days. */
export function triggerBacktests(lastDay: string): {
  name: string;
  request: { spec: TriggerSpec; from: string; to: string };
  goalSeconds: number;
}[] {
  const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 89 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return [
    {
      name: 'trigger backtest, 90 days: no activity for 7 days (cooldown 7)',
      goalSeconds: 3,
      request: {
        spec: {
          version: 1,
          condition: { type: 'inactivity', event: { event: '$any', where: [] }, days: 7 },
          cooldownDays: 7,
        },
        from,
        to: lastDay,
      },
    },
  ];
}

/** The best of `runs` backtests. */
export async function timeBacktest(
  api: ApiClient,
  request: { spec: TriggerSpec; from: string; to: string },
  runs = 2,
): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await api['triggers.backtest'](request);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/** The scores' figure: the default health score with its weekly history over 12 weeks. */
export async function timeHealthHistory(api: ApiClient, runs = 2): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await api['scores.history']({ spec: { type: 'health' }, weeks: 12 });
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/** The best of `runs` counts of a segment's rule (nothing is cached between them). */
export async function timeSegment(api: ApiClient, rule: SegmentRule, runs = 2): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await api['segments.count']({ rule });
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/**
 * The best of `runs` answers, each computing its per-user units: bench/run.ts turns the units
 * cache off (WORKBENCH_UNITS_CACHE=off), or the second run would only read the first's units.
 */
export async function timeAnalysis(api: ApiClient, spec: AnalysisSpec, runs = 2): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await api['analysis.run']({ spec });
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/** Five "bot" users with 100k events each, cycling through the funnel's events a second apart. */
export function botEventsCsv(firstDay: string): string {
  const events = ['app_opened', 'dashboard_viewed', 'report_created', 'report_shared'];
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  const lines = ['user_id,event,timestamp'];
  for (let bot = 0; bot < 5; bot++) {
    for (let i = 0; i < 100_000; i++) {
      lines.push(
        `bot_${bot},${events[i % events.length]},${new Date(start + bot * 3_600_000 + i * 1_000).toISOString()}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
