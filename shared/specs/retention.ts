import { z } from 'zod';
import { strictObject } from './strict';
import type { AnalysisDefinition } from './definition';
import type { ResultTable } from './analysis-spec';
import { event, filters, breakdown, describeRange } from './words';
import {
  breakdownSchema,
  dateRangeSchema,
  eventFilterSchema,
  conditionNodeSchema,
  samplingSchema,
} from './common';

/**
 * Retention (cohort grid). Cohorts are cut by the start event; period k counts the cohort's users
 * who did the return event in period k (calendar periods of the workspace zone, or rolling
 * 24-hour multiples from each user's start event).
 */
export const retentionSpecSchema = strictObject(
  {
    kind: z.literal('retention'),
    version: z.literal(1).default(1),
    start: eventFilterSchema,
    /** The return event; `$any` counts any event. */
    return: eventFilterSchema,
    /**
     * first_time: the user's first start event (with the filters) inside the range;
     * first_ever: the user's first start event ever, cohorted only if it is inside the range and
     * passes the filters; recurring: a cohort entry in every period with a start event.
     */
    cohort: z.enum(['first_time', 'first_ever', 'recurring']).default('first_time'),
    period: z.enum(['day', 'week', 'month']).default('week'),
    /** Periods after the start period to show (period 0 is always shown). */
    periods: z.number().int().min(1).max(100).default(8),
    /**
     * on: returned in exactly period k; on_or_after: in k or later ("unbounded");
     * brackets: returned in any period of each bracket [b_i, b_i+1), the last up to `periods`.
     */
    criterion: z.enum(['on', 'on_or_after', 'brackets']).default('on'),
    brackets: z
      .array(z.number().int().min(0).max(100, 'a bracket starts at period 100 at most'))
      .min(1)
      .max(50)
      .optional(),
    time: z.enum(['calendar', 'rolling']).default('calendar'),
    /** users, or the sum / per-user average of a numeric property of the return events. */
    measure: z.enum(['users', 'sum', 'avg']).default('users'),
    property: z.string().min(1).optional(),
    breakdown: breakdownSchema.optional(),
    /** The range the cohorts' start events fall in. */
    dateRange: dateRangeSchema,
    /** Conditions on the start events. */
    filters: z.array(conditionNodeSchema).default([]),
    sample: samplingSchema.optional(),
  },
  'a retention spec',
).superRefine((r, ctx) => {
  if (r.criterion === 'brackets') {
    const b = r.brackets ?? [];
    if (b.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['brackets'],
        message: "criterion 'brackets' needs brackets, e.g. [1, 3, 7, 14]",
      });
    if (b.some((x, i) => i > 0 && x <= (b[i - 1] ?? -1)))
      ctx.addIssue({ code: 'custom', path: ['brackets'], message: 'brackets must increase' });
    if (b.some((x) => x > r.periods))
      ctx.addIssue({
        code: 'custom',
        path: ['brackets'],
        message: `brackets must not pass 'periods' (${r.periods})`,
      });
  } else if (r.brackets !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['brackets'],
      message: "brackets need criterion 'brackets'",
    });
  }
  if (r.measure !== 'users' && r.property === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: `measure '${r.measure}' needs a numeric property of the return event`,
    });
  }
  if (r.measure === 'users' && r.property !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: "measure 'users' takes no property",
    });
  }
});
export type RetentionSpec = z.infer<typeof retentionSpecSchema>;

export interface RetentionCohort {
  /** Start of the cohort's period, local date ('2024-03-04'). */
  cohort: string;
  size: number;
  /** Per column: users retained (or the sum / per-user average); null where not complete. */
  values: (number | null)[];
  /** Users retained / cohort size, 0..1 (users measure only); null where not complete. */
  percentages: (number | null)[];
  /** The column's period has not fully happened yet for this cohort. */
  incomplete: boolean[];
}

export interface RetentionResult {
  kind: 'retention';
  timezone: string;
  period: RetentionSpec['period'];
  time: RetentionSpec['time'];
  criterion: RetentionSpec['criterion'];
  measure: RetentionSpec['measure'];
  /** Column labels: '0', '1', ... or bracket labels ('1-2', '3-6', '7+'). */
  columns: string[];
  groups: {
    breakdown?: string;
    cohorts: RetentionCohort[];
    /** Weighted by cohort size over complete cells only. */
    mean: { values: (number | null)[]; percentages: (number | null)[] };
  }[];
  sampled: { fraction: number } | null;
}

/** Which number of a retention result to open ("the users behind it"). */
export const retentionSelectionSchema = strictObject(
  {
    kind: z.literal('retention'),
    cohort: z.iso.date(),
    /** 0-based column of the grid (period k, or bracket). */
    column: z.number().int().min(0).max(100, 'a retention grid has at most 101 columns'),
    breakdown: z.string().optional(),
  },
  'a retention selection',
);
export type RetentionSelection = z.infer<typeof retentionSelectionSchema>;

export function retentionMeaning(spec: RetentionSpec, timezone: string): string {
  const cohort =
    spec.cohort === 'first_ever'
      ? 'whose first-ever'
      : spec.cohort === 'recurring'
        ? 'with a'
        : 'by their first';
  const criterion =
    spec.criterion === 'on_or_after'
      ? 'in that period or later'
      : spec.criterion === 'brackets'
        ? `in brackets ${(spec.brackets ?? []).join(', ')}`
        : 'in exactly that period';
  const measure =
    spec.measure === 'users'
      ? 'Users'
      : `${spec.measure === 'sum' ? 'Sum' : 'Average'} of ${spec.property ?? ''}`;
  return `${measure} ${cohort} ${event(spec.start)} ${describeRange(spec.dateRange)} who did ${event(spec.return)} ${criterion}, ${spec.periods} ${spec.period}s, ${spec.time === 'rolling' ? 'rolling 24-hour windows' : `calendar ${spec.period}s`}${breakdown(spec.breakdown)}${filters(spec.filters)}, ${timezone}`;
}

export function retentionTable(result: RetentionResult): ResultTable {
  // One row per cohort (and breakdown value), then the mean row; a column per period.
  const hasBreakdown = result.groups.some((g) => g.breakdown !== undefined);
  const columns = [...(hasBreakdown ? ['breakdown'] : []), 'cohort', 'size', ...result.columns];
  const rows = result.groups.flatMap((g) => {
    const row = (
      cohort: string,
      size: number | null,
      values: (number | null)[],
    ): Record<string, unknown> => {
      const r: Record<string, unknown> = { cohort, size };
      if (hasBreakdown) r.breakdown = g.breakdown ?? '';
      result.columns.forEach((c, i) => {
        r[c] = values[i] ?? null;
      });
      return r;
    };
    return [
      ...g.cohorts.map((c) => row(c.cohort, c.size, c.values)),
      row('mean', null, g.mean.values),
    ];
  });
  return { columns, rows };
}

export const retentionDefinition = {
  kind: 'retention',
  title: 'Retention',
  schema: retentionSpecSchema,
  meaning: retentionMeaning,
  table: retentionTable,
  selection: retentionSelectionSchema,
} satisfies AnalysisDefinition<RetentionSpec, RetentionResult, RetentionSelection>;
