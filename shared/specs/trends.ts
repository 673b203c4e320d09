import { z } from 'zod';
import { strictObject } from './strict';
import type { AnalysisDefinition } from './definition';
import type { ResultTable } from './analysis-spec';
import { event, filters, breakdown, describeRange, MEASURES } from './words';
import {
  breakdownSchema,
  dateRangeSchema,
  eventFilterSchema,
  INTERVALS,
  conditionNodeSchema,
  samplingSchema,
} from './common';

export const TREND_MEASURES = [
  'total',
  'uniqueUsers',
  'perUser',
  'sum',
  'avg',
  'min',
  'max',
  'median',
  'dau',
  'wau',
  'mau',
  'stickiness',
] as const;
export type TrendMeasure = (typeof TREND_MEASURES)[number];

/** Measures that aggregate a numeric property of the matching events. */
export const PROPERTY_MEASURES: readonly TrendMeasure[] = ['sum', 'avg', 'min', 'max', 'median'];

export const trendSeriesSchema = strictObject(
  {
    events: eventFilterSchema,
    measure: z.enum(TREND_MEASURES).default('total'),
    /** The numeric event property for sum / avg / min / max / median. */
    property: z.string().min(1).optional(),
    label: z.string().min(1).optional(),
  },
  'a trend series',
).superRefine((s, ctx) => {
  const needsProperty = PROPERTY_MEASURES.includes(s.measure);
  if (needsProperty && s.property === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: `'${s.measure}' needs a numeric property`,
    });
  }
  if (!needsProperty && s.property !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: `'${s.measure}' takes no property`,
    });
  }
});
export type TrendSeries = z.infer<typeof trendSeriesSchema>;

export const trendsSpecSchema = strictObject(
  {
    kind: z.literal('trends'),
    version: z.literal(1).default(1),
    series: z
      .array(trendSeriesSchema)
      .min(1, 'give at least one series')
      .max(10, 'at most 10 series'),
    interval: z.enum(INTERVALS).default('day'),
    dateRange: dateRangeSchema,
    /** Conditions every series' events must meet, on top of their own. */
    filters: z.array(conditionNodeSchema).default([]),
    breakdown: breakdownSchema.optional(),
    sample: samplingSchema.optional(),
  },
  'a trends spec',
);
export type TrendsSpec = z.infer<typeof trendsSpecSchema>;

export interface TrendsResult {
  kind: 'trends';
  timezone: string;
  interval: (typeof INTERVALS)[number];
  /** Start of each period, local wall time of the workspace zone ('2024-03-04' or '2024-03-04 13:00'). */
  periods: string[];
  /** Periods that end after now: their numbers will still grow. */
  incomplete: boolean[];
  series: {
    /** Index into spec.series. */
    series: number;
    label: string;
    /** The breakdown value, when the spec has a breakdown. */
    breakdown?: string;
    values: (number | null)[];
    /** Over the whole range: events, users, or the measure over all matching events. */
    total: number | null;
  }[];
  sampled: { fraction: number } | null;
}

/** Which number of a trends result to open ("the users behind it"). */
export const trendsSelectionSchema = strictObject(
  {
    kind: z.literal('trends'),
    /** 0-based series of the spec. */
    series: z.number().int().min(0).max(9, 'a trend has at most 10 series'),
    /** The period as the result labels it ('2024-03-04' or '2024-03-04 13:00'). */
    period: z.string().min(1),
    breakdown: z.string().optional(),
  },
  'a trends selection',
);
export type TrendsSelection = z.infer<typeof trendsSelectionSchema>;

export function trendsMeaning(spec: TrendsSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  return `${spec.series
    .map(
      (s) =>
        `${MEASURES[s.measure] ?? s.measure}${s.property ? ` of ${s.property}` : ''} of ${event(s.events)}`,
    )
    .join(
      '; ',
    )} per ${spec.interval}${breakdown(spec.breakdown)}${filters(spec.filters)}, ${range}, ${timezone}`;
}

export function trendsTable(result: TrendsResult): ResultTable {
  // One row per series (and breakdown value), one column per period: the grid analysts read.
  const hasBreakdown = result.series.some((s) => s.breakdown !== undefined);
  const columns = ['series', ...(hasBreakdown ? ['breakdown'] : []), 'total', ...result.periods];
  const rows = result.series.map((s) => {
    const row: Record<string, unknown> = { series: s.label, total: s.total };
    if (hasBreakdown) row.breakdown = s.breakdown ?? '';
    result.periods.forEach((p, i) => {
      row[p] = s.values[i] ?? null;
    });
    return row;
  });
  return { columns, rows };
}

export const trendsDefinition = {
  kind: 'trends',
  title: 'Trends',
  schema: trendsSpecSchema,
  meaning: trendsMeaning,
  table: trendsTable,
  selection: trendsSelectionSchema,
} satisfies AnalysisDefinition<TrendsSpec, TrendsResult, TrendsSelection>;
