import { z } from 'zod';
import { strictObject } from './strict';
import type { AnalysisDefinition } from './definition';
import type { ResultTable } from './analysis-spec';
import { event, filters, describeRange } from './words';
import { dateRangeSchema, eventFilterSchema, conditionNodeSchema, samplingSchema } from './common';

/**
 * Stickiness: how many users did the event on exactly (or at least) N of the intervals of each
 * period: days of a week or month, or hours of a day.
 */
export const stickinessSpecSchema = strictObject(
  {
    kind: z.literal('stickiness'),
    version: z.literal(1).default(1),
    events: eventFilterSchema,
    /** What is counted: active days, or active hours. */
    unit: z.enum(['day', 'hour']).default('day'),
    /** The period the units are counted in. */
    per: z.enum(['day', 'week', 'month']).default('week'),
    /** A unit counts only if the user did at least this many matching events in it. */
    minEventsPerUnit: z
      .number()
      .int()
      .min(1)
      .max(1_000_000, 'minEventsPerUnit is at most 1,000,000')
      .default(1),
    /** Users with at least N units instead of exactly N. */
    cumulative: z.boolean().default(false),
    dateRange: dateRangeSchema,
    filters: z.array(conditionNodeSchema).default([]),
    sample: samplingSchema.optional(),
  },
  'a stickiness spec',
).superRefine((s, ctx) => {
  if (s.unit === 'day' && s.per === 'day') {
    ctx.addIssue({
      code: 'custom',
      path: ['per'],
      message: 'count days per week or month, or hours per day',
    });
  }
  if (s.unit === 'hour' && s.per !== 'day') {
    ctx.addIssue({ code: 'custom', path: ['per'], message: 'hours are counted per day' });
  }
});
export type StickinessSpec = z.infer<typeof stickinessSpecSchema>;

export interface StickinessResult {
  kind: 'stickiness';
  timezone: string;
  unit: StickinessSpec['unit'];
  per: StickinessSpec['per'];
  cumulative: boolean;
  /** N = 1 .. the most units a period can hold (7, 31 or 24). */
  buckets: number[];
  /** Users per bucket, summed over the periods of the range (a user counts once per period). */
  users: number[];
  /** The same per period. */
  periods: { period: string; incomplete: boolean; users: number[] }[];
  sampled: { fraction: number } | null;
}

/** Which number of a stickiness result to open ("the users behind it"). */
export const stickinessSelectionSchema = strictObject(
  {
    kind: z.literal('stickiness'),
    bucket: z.number().int().min(1).max(1_000_000),
    period: z.string().min(1).optional(),
  },
  'a stickiness selection',
);
export type StickinessSelection = z.infer<typeof stickinessSelectionSchema>;

export function stickinessMeaning(spec: StickinessSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  return `Users by the number of ${spec.unit}s per ${spec.per} they did ${event(spec.events)}${spec.minEventsPerUnit > 1 ? ` at least ${spec.minEventsPerUnit} times` : ''}${spec.cumulative ? ', cumulative (at least N)' : ''}${filters(spec.filters)}, ${range}, ${timezone}`;
}

export function stickinessTable(result: StickinessResult): ResultTable {
  const columns = ['period', ...result.buckets.map((k) => `${result.cumulative ? '>=' : ''}${k}`)];
  const row = (period: string, users: number[]): Record<string, unknown> => {
    const r: Record<string, unknown> = { period };
    result.buckets.forEach((k, i) => {
      r[`${result.cumulative ? '>=' : ''}${k}`] = users[i] ?? 0;
    });
    return r;
  };
  return {
    columns,
    rows: [...result.periods.map((p) => row(p.period, p.users)), row('all periods', result.users)],
  };
}

export const stickinessDefinition = {
  kind: 'stickiness',
  title: 'Stickiness',
  schema: stickinessSpecSchema,
  meaning: stickinessMeaning,
  table: stickinessTable,
  selection: stickinessSelectionSchema,
} satisfies AnalysisDefinition<StickinessSpec, StickinessResult, StickinessSelection>;
