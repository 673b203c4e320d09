import { z } from 'zod';
import {
  breakdownSchema,
  dateRangeSchema,
  eventFilterSchema,
  INTERVALS,
  propertyConditionSchema,
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

export const trendSeriesSchema = z
  .object({
    events: eventFilterSchema,
    measure: z.enum(TREND_MEASURES).default('total'),
    /** The numeric event property for sum / avg / min / max / median. */
    property: z.string().min(1).optional(),
    label: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
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

export const trendsSpecSchema = z.object({
  kind: z.literal('trends'),
  version: z.literal(1).default(1),
  series: z
    .array(trendSeriesSchema)
    .min(1, 'give at least one series')
    .max(10, 'at most 10 series'),
  interval: z.enum(INTERVALS).default('day'),
  dateRange: dateRangeSchema,
  /** Conditions every series' events must meet, on top of their own. */
  filters: z.array(propertyConditionSchema).default([]),
  breakdown: breakdownSchema.optional(),
  sample: samplingSchema.optional(),
});
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
