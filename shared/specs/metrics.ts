import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { TEXT, type ColumnDescription, type ColumnKind } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { conditionNodeSchema, dateRangeSchema, samplingSchema } from './common';
import { describeRange, filters } from './words';
import {
  metricLabel,
  metricListSchema,
  metricWords,
  observationWindowSchema,
  windowWords,
  type MetricDefinition,
  type MetricUnit,
} from './user-metrics';

/**
 * The metrics every new table starts with: engagement frequency, session depth, recency, tenure
 * and the trend need no event names, so they are right for any workspace.
 */
export const STARTER_METRICS: MetricDefinition[] = [
  {
    name: 'active_days_per_week',
    type: 'activeDays',
    events: [{ event: '$any', where: [] }],
    per: 'week',
  },
  { name: 'sessions_per_week', type: 'sessions', per: 'week' },
  { name: 'median_session_seconds', type: 'sessionLength', stat: 'median' },
  { name: 'events_per_session', type: 'sessionDepth', stat: 'mean' },
  { name: 'recency_days', type: 'recency' },
  { name: 'tenure_days', type: 'tenure' },
  { name: 'activity_trend', type: 'trend', events: [{ event: '$any', where: [] }] },
];

/**
 * The per-user metrics table: one row per user (who passes the population's conditions) over an
 * observation window, one column per metric. Users without activity in the window get zeros.
 */
export const metricsSpecSchema = strictObject(
  {
    kind: z.literal('metrics'),
    version: z.literal(1).default(1),
    window: observationWindowSchema.default({ type: 'calendar', days: 28 }),
    /**
     * Only users whose start (first event, or first startEvent) falls in this range; with a
     * calendar window, users first seen in it.
     */
    startRange: dateRangeSchema.optional(),
    /** Conditions on user properties (source 'user'): B2B accounts, a country, a plan. */
    filters: z.array(conditionNodeSchema).default([]),
    /** Only the members of this saved segment (its id). */
    segment: z.string().min(1).optional(),
    metrics: metricListSchema.default(() => STARTER_METRICS.map((m) => ({ ...m }))),
    sample: samplingSchema.optional(),
  },
  'a metrics spec',
);
export type MetricsSpec = z.infer<typeof metricsSpecSchema>;

/** One metric's distribution over the users. */
export interface MetricSummary {
  name: string;
  label: string;
  /** The definition in words. */
  definition: string;
  unit: MetricUnit;
  /** Users with a value (a ratio of 0 or a trend from nothing has none). */
  users: number;
  /** Users without a value. */
  missing: number;
  /** Users whose value is 0. */
  zeros: number;
  mean: number | null;
  min: number | null;
  p10: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  p90: number | null;
  max: number | null;
  /** Users per bin of values: [from, to), the last bin including its end. */
  histogram: { from: number; to: number; users: number }[];
}

export interface MetricsResult {
  kind: 'metrics';
  timezone: string;
  window: {
    type: 'sinceStart' | 'calendar';
    days: number;
    /** The calendar window's local days (null for windows since each user's start). */
    from: string | null;
    to: string | null;
    startEvent: string | null;
  };
  /** Users with a row. */
  users: number;
  /** Users whose whole window was observed (a window since a start 3 days before the data ends is not). */
  completeUsers: number;
  metrics: MetricSummary[];
  sampled: { fraction: number } | null;
}

/** Users by the value of one metric: in [from, to) (to included with inclusive), or none. */
export const metricsSelectionSchema = strictObject(
  {
    kind: z.literal('metrics'),
    metric: z.string().min(1),
    from: z.number().optional(),
    to: z.number().optional(),
    /** The upper bound counts too (the histogram's last bin, "exactly 0"). */
    inclusive: z.boolean().default(false),
    /** The users without a value instead. */
    missing: z.boolean().default(false),
  },
  'a metrics selection',
);
export type MetricsSelection = z.infer<typeof metricsSelectionSchema>;

export function metricsMeaning(spec: MetricsSpec, timezone: string): string {
  const range =
    spec.startRange === undefined
      ? ''
      : `, users ${spec.window.type === 'sinceStart' ? 'starting' : 'first seen'} ${describeRange(spec.startRange)}`;
  const segment = spec.segment === undefined ? '' : ', members of a saved segment';
  return `${spec.metrics.length} metrics per user ${windowWords(spec.window)}${range}${filters(spec.filters)}${segment}, ${timezone}`;
}

const STATS = ['mean', 'min', 'p10', 'p25', 'median', 'p75', 'p90', 'max'] as const;

export function metricsTable(result: MetricsResult): ResultTable {
  return {
    columns: ['metric', 'label', 'users', 'missing', 'zeros', ...STATS],
    rows: result.metrics.map((m) => ({
      metric: m.name,
      label: m.label,
      users: m.users,
      missing: m.missing,
      zeros: m.zeros,
      ...Object.fromEntries(STATS.map((s) => [s, m[s]])),
    })),
  };
}

/** How a metric's values read: seconds as durations, shares as percentages. */
export function metricColumnKind(unit: MetricUnit): ColumnKind {
  if (unit === 'seconds') return 'duration';
  if (unit === 'share' || unit === 'flag') return 'percent';
  return 'value';
}

export function metricsColumns(result: MetricsResult): ColumnDescription {
  const headers: Record<(typeof STATS)[number], string> = {
    mean: 'Mean',
    min: 'Min',
    p10: 'P10',
    p25: 'P25',
    median: 'Median',
    p75: 'P75',
    p90: 'P90',
    max: 'Max',
  };
  // Each row is one metric: its statistics read in the metric's own unit (seconds as durations).
  const kinds = result.metrics.map((m) => (m.unit === 'flag' ? 'value' : metricColumnKind(m.unit)));
  const rowKinds = new Map<string, ColumnKind[]>(STATS.map((s) => [s, kinds]));
  return {
    columns: {
      metric: TEXT,
      label: { kind: 'text', header: 'Definition' },
      users: { kind: 'count', header: 'Users with a value' },
      missing: { kind: 'count', header: 'No value' },
      zeros: { kind: 'count', header: 'Zero' },
      ...Object.fromEntries(STATS.map((s) => [s, { kind: 'value', header: headers[s] }])),
    },
    rowKinds,
  };
}

export function metricsCellSelection(
  _result: MetricsResult,
  row: TableRow,
  column: string,
): MetricsSelection | null {
  const metric = String(row.metric);
  if (row[column] === 0) return null;
  if (column === 'users') return { kind: 'metrics', metric, inclusive: false, missing: false };
  if (column === 'zeros')
    return { kind: 'metrics', metric, from: 0, to: 0, inclusive: true, missing: false };
  if (column === 'missing') return { kind: 'metrics', metric, inclusive: false, missing: true };
  return null;
}

function bound(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** "Users with sessions_per_week from 2 to under 3", "Users without a value of activity_trend". */
export function metricsSelectionLabel(
  select: MetricsSelection,
  spec: MetricsSpec | undefined,
): string {
  const metric = spec?.metrics.find((m) => m.name === select.metric);
  const name = metric === undefined ? select.metric : metricLabel(metric).toLowerCase();
  if (select.missing) return `Users without a value of ${name}`;
  const { from, to } = select;
  if (from !== undefined && to !== undefined && from === to && select.inclusive)
    return `Users with ${name} = ${bound(from)}`;
  if (from !== undefined && to !== undefined)
    return `Users with ${name} from ${bound(from)} to ${select.inclusive ? '' : 'under '}${bound(to)}`;
  if (from !== undefined) return `Users with ${name} at least ${bound(from)}`;
  if (to !== undefined)
    return `Users with ${name} ${select.inclusive ? 'at most' : 'under'} ${bound(to)}`;
  return `Users with a value of ${name}`;
}

export const metricsDefinition = {
  kind: 'metrics',
  title: 'Metrics',
  schema: metricsSpecSchema,
  meaning: metricsMeaning,
  table: metricsTable,
  columns: metricsColumns,
  selection: metricsSelectionSchema,
  cellSelection: metricsCellSelection,
  selectionLabel: metricsSelectionLabel,
} satisfies AnalysisDefinition<MetricsSpec, MetricsResult, MetricsSelection>;

export { metricWords };

/** A condition on one column of the per-user table, as the grid's filters set them. */
export const metricsColumnFilterSchema = strictObject(
  {
    column: z.string().min(1),
    op: z.enum(['>=', '>', '<=', '<', '=', '!=', 'is set', 'is not set']),
    value: z.number().optional(),
  },
  'a column filter',
).superRefine((f, ctx) => {
  const needsNothing = f.op === 'is set' || f.op === 'is not set';
  if (needsNothing !== (f.value === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['value'],
      message: needsNothing ? `'${f.op}' takes no value` : `'${f.op}' needs a number`,
    });
});

/**
 * A page of the per-user metrics table: user_id, window_start, complete and one column per
 * metric, sorted by any column (user_id by default), filtered on metric columns.
 */
export const metricsPageRequestSchema = strictObject(
  {
    spec: metricsSpecSchema,
    sort: strictObject(
      { column: z.string().min(1), descending: z.boolean().default(false) },
      'a sort',
    ).optional(),
    filters: z.array(metricsColumnFilterSchema).max(40).default([]),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(100_000).default(1_000),
  },
  'a metrics page request',
);

/** The whole per-user metrics table written to a file (CSV or Parquet), filters as in the grid. */
export const metricsExportRequestSchema = strictObject(
  {
    spec: metricsSpecSchema,
    path: z.string().min(1, 'name the file to write'),
    format: z.enum(['csv', 'parquet']).optional(),
    filters: z.array(metricsColumnFilterSchema).max(40).default([]),
  },
  'a metrics export request',
);
