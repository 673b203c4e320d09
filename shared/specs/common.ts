import { z } from 'zod';

/**
 * Building blocks every analysis spec shares: which events, which users, which days, split how.
 * Names and values only, never SQL: the engine resolves names against the workspace and binds
 * values as parameters.
 */
export const ANY_EVENT = '$any';

/**
 * Years a date range may name. Event exports hold no earlier or later events, and a range of
 * centuries only ever came from a typo or a fuzzer (years 1500-2499 hourly took the engine
 * down); the engine caps periods as well (checkPeriods), whatever the range.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;
const isoDate = z.iso
  .date({ message: 'dates are written YYYY-MM-DD' })
  .refine((d) => Number(d.slice(0, 4)) >= MIN_YEAR && Number(d.slice(0, 4)) <= MAX_YEAR, {
    message: `dates are between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
  });

export const PROPERTY_OPERATORS = [
  '=',
  '!=',
  'in',
  'not in',
  'contains',
  'not contains',
  '>',
  '>=',
  '<',
  '<=',
  'is set',
  'is not set',
] as const;
export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];

/**
 * Numbers the engine binds as parameters: beyond 2^53 a JavaScript number is no longer exact and
 * beyond 2^63 it fits no integer column (1e308 was an INTERNAL error), so the spec says so.
 */
export const MAX_SPEC_NUMBER = Number.MAX_SAFE_INTEGER;
const boundedNumber = z
  .number()
  .min(-MAX_SPEC_NUMBER, 'a number in a condition is at least -9,007,199,254,740,991')
  .max(MAX_SPEC_NUMBER, 'a number in a condition is at most 9,007,199,254,740,991');

const scalar = z.union([z.string(), boundedNumber, z.boolean()]);

/**
 * A condition on a property of the event (a column of `events`, or `properties.key` inside its
 * JSON) or of the user (a column of `users`: email, company, plan, any imported CRM field).
 */
export const propertyConditionSchema = z
  .object({
    property: z.string().min(1),
    source: z.enum(['event', 'user']).default('event'),
    op: z.enum(PROPERTY_OPERATORS),
    value: z.union([scalar, z.array(scalar).min(1)]).optional(),
  })
  .superRefine((c, ctx) => {
    const needsList = c.op === 'in' || c.op === 'not in';
    const needsNothing = c.op === 'is set' || c.op === 'is not set';
    if (needsNothing && c.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `'${c.op}' takes no value` });
    } else if (!needsNothing && c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `'${c.op}' needs a value` });
    } else if (needsList && !Array.isArray(c.value)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `'${c.op}' needs a list of values`,
      });
    } else if (!needsList && Array.isArray(c.value)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `'${c.op}' takes one value, not a list`,
      });
    }
  });
export type PropertyCondition = z.infer<typeof propertyConditionSchema>;

/** An event name (or "$any") with conditions that must all hold. */
export const eventFilterSchema = z.object({
  event: z.string().min(1),
  where: z.array(propertyConditionSchema).default([]),
});
export type EventFilter = z.infer<typeof eventFilterSchema>;

export const dateRangeSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('absolute'), from: isoDate, to: isoDate }),
    z.object({
      type: z.literal('relative'),
      /** The last N days / weeks / months, the current one included. */
      last: z.number().int().min(1).max(3650),
      unit: z.enum(['day', 'week', 'month']),
    }),
  ])
  .superRefine((r, ctx) => {
    if (r.type === 'absolute' && r.from > r.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range ends (${r.to}) before it starts (${r.from})`,
      });
    }
  });
export type DateRange = z.infer<typeof dateRangeSchema>;

export const breakdownSchema = z.object({
  property: z.string().min(1),
  source: z.enum(['event', 'user']).default('event'),
  /** The top N values are shown; the rest are summed as "(other)". */
  limit: z.number().int().min(1).max(100).default(10),
});
export type Breakdown = z.infer<typeof breakdownSchema>;

/** A deterministic share of users, each counted exactly: a fast first answer on big workspaces. */
export const samplingSchema = z.object({ fraction: z.number().gt(0).max(1) });
export type Sampling = z.infer<typeof samplingSchema>;

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Labels for rows that have no breakdown value, and for values beyond the top N. */
export const NONE_LABEL = '(none)';
export const OTHER_LABEL = '(other)';

/** How a result states that it was computed on a sample of users. */
export function sampledOf(sample: Sampling | undefined): { fraction: number } | null {
  return sample === undefined || sample.fraction >= 1 ? null : { fraction: sample.fraction };
}
