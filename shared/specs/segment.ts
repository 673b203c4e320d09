import { z } from 'zod';
import { strictObject } from './strict';
import { eventFilterSchema, propertyConditionSchema, MIN_YEAR, MAX_YEAR } from './common';
import { metricSchema, metricWords, type MetricDefinition } from './user-metrics';
import { userSelectionSchema } from './users-behind';
import { selectionLabel } from './analyses';
import { BANDS, scoreSpecSchema } from './score';
import { condition, event, plural } from './words';

/**
 * Behavioural segments: a rule over each user as of a day, evaluated by the engine into members
 * (dynamic segments), beside the fixed lists saved from a number (static segments). A rule is a
 * tree of AND/OR/NOT groups over leaves an analyst knows from Amplitude's and Mixpanel's cohort
 * builders: event conditions, per-user metrics, user properties, other segments and the users
 * behind a number of a saved analysis.
 */

const day = z.iso
  .date({ message: 'dates are written YYYY-MM-DD' })
  .refine((d) => Number(d.slice(0, 4)) >= MIN_YEAR && Number(d.slice(0, 4)) <= MAX_YEAR, {
    message: `dates are between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
  });
const days = (what: string) =>
  z
    .number()
    .int(`${what} is a whole number of days`)
    .min(1, `${what} is at least 1 day`)
    .max(3660, `${what} is at most 3,660 days`);

/**
 * When an event condition looks, always up to the end of the as-of day:
 * - ever: from the first event on;
 * - last: the N local days up to and including the as-of day;
 * - between: local days from-to, inclusive;
 * - sinceStart: from `from` to `to` days after each user's start (first seen, or their first
 *   `start` event), each day the 24 hours of local wall time from the start, as the metrics'
 *   windows count them. A user without the start event does not meet the condition either way,
 *   and did not / at most / exactly hold only once the window has begun and ended by the as-of
 *   day (someone who signed up yesterday has not yet failed to do X within 7 days).
 */
export const eventWindowSchema = z.discriminatedUnion('type', [
  strictObject({ type: z.literal('ever') }, 'an event window'),
  strictObject({ type: z.literal('last'), days: days('the window') }, 'an event window'),
  strictObject({ type: z.literal('between'), from: day, to: day }, 'an event window').refine(
    (w) => w.from <= w.to,
    { path: ['to'], message: 'the range ends before it starts' },
  ),
  strictObject(
    {
      type: z.literal('sinceStart'),
      from: z.number().int().min(0).max(3660).default(0),
      to: days('the end').optional(),
      start: eventFilterSchema.optional(),
    },
    'an event window',
  ).refine((w) => w.to === undefined || w.to > w.from, {
    path: ['to'],
    message: 'the window ends before it starts',
  }),
]);
export type EventWindow = z.infer<typeof eventWindowSchema>;

export const EVENT_RULE_OPS = ['did', 'did not', 'at least', 'at most', 'exactly'] as const;
export const COMPARISONS = ['>', '>=', '<', '<=', '=', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

const eventRuleSchema = strictObject(
  {
    type: z.literal('event'),
    event: eventFilterSchema,
    op: z.enum(EVENT_RULE_OPS).default('did'),
    /** For at least / at most / exactly. */
    times: z.number().int().min(0).max(1_000_000_000).optional(),
    when: eventWindowSchema.default({ type: 'ever' }),
  },
  'an event rule',
).superRefine((r, ctx) => {
  const counted = r.op === 'at least' || r.op === 'at most' || r.op === 'exactly';
  if (counted && r.times === undefined)
    ctx.addIssue({ code: 'custom', path: ['times'], message: `'${r.op}' needs times` });
  if (!counted && r.times !== undefined)
    ctx.addIssue({ code: 'custom', path: ['times'], message: `'${r.op}' takes no times` });
});

/** A per-user metric over the N days up to the as-of day, compared with a value. */
const metricRuleSchema = strictObject(
  {
    type: z.literal('metric'),
    metric: metricSchema.refine((m) => m.type !== 'ratio', {
      message: 'a rule compares one metric; compare a ratio by its two metrics',
    }),
    days: days('the window').default(28),
    op: z.enum(COMPARISONS),
    value: z.number().refine(Number.isFinite, 'a finite number'),
  },
  'a metric rule',
);

/** A column of the people table (plan, country, any imported CRM field). */
const userRuleSchema = strictObject(
  {
    type: z.literal('user'),
    property: propertyConditionSchema.shape.property,
    op: propertyConditionSchema.shape.op,
    value: propertyConditionSchema.shape.value,
  },
  'a user rule',
).superRefine((r, ctx) => {
  const { type: _leaf, ...condition } = r;
  const check = propertyConditionSchema.safeParse({ ...condition, source: 'user' });
  if (!check.success)
    for (const issue of check.error.issues) ctx.addIssue({ ...issue, code: 'custom' } as never);
});

const segmentRuleRefSchema = strictObject(
  {
    type: z.literal('segment'),
    segment: z.string().min(1, 'name the segment by its id'),
    op: z.enum(['in', 'not in']).default('in'),
  },
  'a segment rule',
);

/** The users behind one number of a saved analysis (dropped at step 2, returned in week 4). */
const outcomeRuleSchema = strictObject(
  {
    type: z.literal('outcome'),
    analysis: z.string().min(1, 'name the saved analysis by its id'),
    select: userSelectionSchema,
  },
  'an outcome rule',
);

/** A per-user score as of the as-of day: compared with a value, or (health) its band. */
const scoreRuleSchema = strictObject(
  {
    type: z.literal('score'),
    score: scoreSpecSchema,
    op: z.enum(COMPARISONS).optional(),
    value: z.number().refine(Number.isFinite, 'a finite number').optional(),
    band: z.enum(BANDS).optional(),
  },
  'a score rule',
).superRefine((r, ctx) => {
  const compares = r.op !== undefined || r.value !== undefined;
  if (compares === (r.band !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['op'],
      message: 'compare the score with op and value, or name a band, not both',
    });
  } else if (compares && (r.op === undefined || r.value === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'a comparison needs op and value' });
  } else if (r.band !== undefined && r.score.type !== 'health') {
    ctx.addIssue({ code: 'custom', path: ['band'], message: 'only a health score has bands' });
  }
});

const leafSchemas = {
  event: eventRuleSchema,
  score: scoreRuleSchema,
  metric: metricRuleSchema,
  user: userRuleSchema,
  segment: segmentRuleRefSchema,
  outcome: outcomeRuleSchema,
} as const;
export type LeafType = keyof typeof leafSchemas;
export const LEAF_TYPES = Object.keys(leafSchemas) as LeafType[];

export type EventRule = z.infer<typeof eventRuleSchema>;
export type MetricRule = z.infer<typeof metricRuleSchema>;
export type UserRule = z.infer<typeof userRuleSchema>;
export type SegmentRefRule = z.infer<typeof segmentRuleRefSchema>;
export type OutcomeRule = z.infer<typeof outcomeRuleSchema>;
export type ScoreRule = z.infer<typeof scoreRuleSchema>;
export type RuleLeaf = EventRule | MetricRule | UserRule | SegmentRefRule | OutcomeRule | ScoreRule;
export type SegmentRule =
  RuleLeaf | { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule };

const MAX_DEPTH = 6;
const MAX_LEAVES = 50;

const rules = (what: string) =>
  z.array(z.lazy(() => segmentRuleSchema)).min(1, `${what} needs a rule`);
const allSchema = strictObject({ all: rules('an and-group') }, 'a rule group');
const anySchema = strictObject({ any: rules('an or-group') }, 'a rule group');
const notSchema = strictObject({ not: z.lazy(() => segmentRuleSchema) }, 'a rule group');

/**
 * A rule or a group, told apart by its keys and `type` (a union would only say "Invalid
 * input"), so each problem is reported where it is.
 */
export const segmentRuleSchema: z.ZodType<SegmentRule, unknown> = z
  .unknown()
  .transform((value, ctx): SegmentRule => {
    const record =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : null;
    let schema: z.ZodType;
    if (record !== null && 'all' in record) schema = allSchema;
    else if (record !== null && 'any' in record) schema = anySchema;
    else if (record !== null && 'not' in record) schema = notSchema;
    else {
      const type = record?.type;
      const leaf = typeof type === 'string' ? leafSchemas[type as LeafType] : undefined;
      if (leaf === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `a rule is a group (all, any, not) or has a type: ${LEAF_TYPES.join(', ')}`,
        });
        return z.NEVER;
      }
      schema = leaf;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as SegmentRule;
    for (const issue of parsed.error.issues) ctx.issues.push(issue as (typeof ctx.issues)[number]);
    return z.NEVER;
  })
  .superRefine((rule, ctx) => {
    if (ruleDepth(rule) > MAX_DEPTH)
      ctx.addIssue({ code: 'custom', message: `rules nest at most ${MAX_DEPTH} groups deep` });
    if (ruleLeaves(rule).length > MAX_LEAVES)
      ctx.addIssue({ code: 'custom', message: `a segment has at most ${MAX_LEAVES} rules` });
  });

export function isRuleGroup(
  r: SegmentRule,
): r is { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule } {
  return 'all' in r || 'any' in r || 'not' in r;
}

function children(r: SegmentRule): SegmentRule[] {
  if ('all' in r) return r.all;
  if ('any' in r) return r.any;
  if ('not' in r) return [r.not];
  return [];
}

function ruleDepth(r: SegmentRule): number {
  return isRuleGroup(r) ? 1 + Math.max(0, ...children(r).map(ruleDepth)) : 0;
}

/** Every leaf of a rule, in order. */
export function ruleLeaves(r: SegmentRule): RuleLeaf[] {
  return isRuleGroup(r) ? children(r).flatMap(ruleLeaves) : [r];
}

/**
 * A dynamic segment: its members are the users who meet the rule as of a day (default: the
 * last day with data, so the segment follows each new export).
 */
export const dynamicSegmentSpecSchema = strictObject(
  {
    type: z.literal('dynamic'),
    version: z.literal(1).default(1),
    rule: segmentRuleSchema,
    asOf: day.optional(),
    description: z.string().max(2000).optional(),
  },
  'a segment spec',
);
export type DynamicSegmentSpec = z.infer<typeof dynamicSegmentSpecSchema>;

/** Below this many members a comparison says more about chance than about the segment. */
export const SMALL_SEGMENT = 30;

const COMPARISON_WORDS: Record<Comparison, string> = {
  '>': 'above',
  '>=': 'at least',
  '<': 'below',
  '<=': 'at most',
  '=': 'exactly',
  '!=': 'not',
};

export function windowWords(w: EventWindow): string {
  switch (w.type) {
    case 'ever':
      return 'ever';
    case 'last':
      return `in the last ${plural(w.days, 'day')}`;
    case 'between':
      return w.from === w.to ? `on ${w.from}` : `between ${w.from} and ${w.to}`;
    case 'sinceStart': {
      const start = w.start === undefined ? 'first seen' : `their first ${event(w.start)}`;
      if (w.to === undefined)
        return w.from === 0 ? `since ${start}` : `after day ${w.from} from ${start}`;
      return w.from === 0
        ? `within ${plural(w.to, 'day')} of ${start}`
        : `between day ${w.from} and day ${w.to} after ${start}`;
    }
  }
}

function metricShort(m: MetricDefinition): string {
  return m.label ?? metricWords(m);
}

function leafWords(r: RuleLeaf, names: (id: string) => string): string {
  switch (r.type) {
    case 'event': {
      const what = event(r.event);
      const when = windowWords(r.when);
      if (r.op === 'did') return `did ${what} ${when}`;
      if (r.op === 'did not') return `did not do ${what} ${when}`;
      return `did ${what} ${r.op} ${plural(r.times ?? 0, 'time')} ${when}`;
    }
    case 'metric':
      return `${metricShort(r.metric)} ${COMPARISON_WORDS[r.op]} ${r.value} (last ${plural(r.days, 'day')})`;
    case 'user':
      return condition({ ...r, source: 'user' });
    case 'segment':
      return `${r.op === 'in' ? 'in' : 'not in'} segment ${names(r.segment)}`;
    case 'outcome':
      return `among ${selectionLabel(r.select)} of ${names(r.analysis)}`;
    case 'score': {
      const what = r.score.type === 'health' ? 'health score' : 'behavioural score';
      return r.band !== undefined
        ? `${what} band ${r.band}`
        : `${what} ${COMPARISON_WORDS[r.op ?? '>=']} ${r.value ?? 0}`;
    }
  }
}

/** A rule in words: "did login at least 5 times in the last 7 days and not (plan = free)". */
export function ruleWords(r: SegmentRule, names: (id: string) => string = (id) => id): string {
  if (!isRuleGroup(r)) return leafWords(r, names);
  if ('not' in r) return `not (${ruleWords(r.not, names)})`;
  const items = 'all' in r ? r.all : r.any;
  const text = items.map((x) => ruleWords(x, names)).join('all' in r ? ' and ' : ' or ');
  return items.length === 1 ? text : `(${text})`;
}
