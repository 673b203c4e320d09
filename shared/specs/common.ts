import { z } from 'zod';
import { strictObject } from './strict';

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
export const propertyConditionSchema = strictObject(
  {
    property: z.string().min(1),
    source: z.enum(['event', 'user']).default('event'),
    op: z.enum(PROPERTY_OPERATORS),
    value: z.union([scalar, z.array(scalar).min(1)]).optional(),
  },
  'a condition',
).superRefine((c, ctx) => {
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

/**
 * Membership of a saved segment (static or dynamic, by its id): a condition on the user, so any
 * analysis can be filtered to a segment's members, or to everyone outside it.
 */
export const segmentConditionSchema = strictObject(
  {
    segment: z.string().min(1, 'name the segment by its id'),
    op: z.enum(['in', 'not in']).default('in'),
  },
  'a segment condition',
);
export type SegmentCondition = z.infer<typeof segmentConditionSchema>;

/**
 * Conditions combine as analysts build them in PostHog or Amplitude: a list holds when all its
 * items hold; `{ any: [...] }` when one of them does, `{ all: [...] }` when all do, nested freely.
 */
export type ConditionGroup = { any: ConditionNode[] } | { all: ConditionNode[] };
export type ConditionLeaf = PropertyCondition | SegmentCondition;
export type ConditionNode = ConditionLeaf | ConditionGroup;

export function isConditionGroup(node: ConditionNode): node is ConditionGroup {
  return 'any' in node || 'all' in node;
}

export function isSegmentCondition(node: ConditionNode): node is SegmentCondition {
  return 'segment' in node;
}

/**
 * The ids of the segments the conditions of a whole spec name (its `where` lists and `filters`,
 * at any depth), each once.
 */
export function segmentsOfSpec(spec: unknown): string[] {
  const ids = new Set<string>();
  const walk = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      if (key === 'where' || key === 'filters')
        for (const id of segmentsNamed(value as ConditionNode[])) ids.add(id);
      else value.forEach((item) => walk(item, ''));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(spec, '');
  return [...ids];
}

/** The ids of the segments a list of conditions names, each once. */
export function segmentsNamed(nodes: readonly ConditionNode[]): string[] {
  const ids = new Set<string>();
  const visit = (n: ConditionNode): void => {
    if (isConditionGroup(n)) ('any' in n ? n.any : n.all).forEach(visit);
    else if (isSegmentCondition(n)) ids.add(n.segment);
  };
  nodes.forEach(visit);
  return [...ids];
}

/** The deepest nesting of groups a spec may hold (deeper only ever came from a generator). */
const MAX_GROUP_DEPTH = 5;

const anyGroupSchema = strictObject(
  { any: z.array(z.lazy(() => conditionNodeSchema)).min(1, 'an any-group needs a condition') },
  'a condition group',
);
const allGroupSchema = strictObject(
  { all: z.array(z.lazy(() => conditionNodeSchema)).min(1, 'an all-group needs a condition') },
  'a condition group',
);

/**
 * A condition or a group, told apart by its keys (a union would only say "Invalid input"), so
 * each problem is reported where it is.
 */
export const conditionNodeSchema: z.ZodType<ConditionNode, unknown> = z
  .unknown()
  .transform((value, ctx): ConditionNode => {
    const isRecord = typeof value === 'object' && value !== null && !Array.isArray(value);
    const schema =
      isRecord && 'any' in value
        ? anyGroupSchema
        : isRecord && 'all' in value
          ? allGroupSchema
          : isRecord && 'segment' in value
            ? segmentConditionSchema
            : propertyConditionSchema;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as ConditionNode;
    for (const issue of parsed.error.issues) ctx.issues.push(issue as (typeof ctx.issues)[number]);
    return z.NEVER;
  })
  .refine((node) => groupDepth(node) <= MAX_GROUP_DEPTH, {
    message: `conditions nest at most ${MAX_GROUP_DEPTH} groups deep`,
  });

function groupDepth(node: ConditionNode): number {
  if (!isConditionGroup(node)) return 0;
  const items = 'any' in node ? node.any : node.all;
  return 1 + Math.max(0, ...items.map(groupDepth));
}

/** An event name (or "$any") with conditions that must all hold. */
export const eventFilterSchema = strictObject(
  {
    event: z.string().min(1),
    where: z.array(conditionNodeSchema).default([]),
  },
  'an event filter',
);
export type EventFilter = z.infer<typeof eventFilterSchema>;

export const dateRangeSchema = z
  .discriminatedUnion('type', [
    strictObject({ type: z.literal('absolute'), from: isoDate, to: isoDate }, 'a date range'),
    strictObject(
      {
        type: z.literal('relative'),
        /** The last N days / weeks / months, the current one included. */
        last: z.number().int().min(1).max(3650),
        unit: z.enum(['day', 'week', 'month']),
      },
      'a date range',
    ),
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

export const breakdownShape = {
  property: z.string().min(1),
  source: z.enum(['event', 'user']).default('event'),
  /** The top N values are shown; the rest are summed as "(other)". */
  limit: z.number().int().min(1).max(100).default(10),
};
export const breakdownSchema = strictObject(breakdownShape, 'a breakdown');
export type Breakdown = z.infer<typeof breakdownSchema>;

/** A deterministic share of users, each counted exactly: a fast first answer on big workspaces. */
export const samplingSchema = strictObject({ fraction: z.number().gt(0).max(1) }, 'a sample');
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
