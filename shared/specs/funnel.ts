import { z } from 'zod';
import { strictObject } from './strict';
import type { AnalysisDefinition } from './definition';
import type { ResultTable } from './analysis-spec';
import { event, filters, breakdown, describeRange } from './words';
import {
  breakdownShape,
  dateRangeSchema,
  eventFilterSchema,
  INTERVALS,
  conditionNodeSchema,
  samplingSchema,
} from './common';

export const WINDOW_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month'] as const;

/** Exact durations: a day is 24 h, a week 7 days, a month 30 days (not calendar months). */
export const WINDOW_SECONDS: Record<(typeof WINDOW_UNITS)[number], number> = {
  second: 1,
  minute: 60,
  hour: 3_600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
};

/** Ten years, like the longest relative date range: longer windows overflowed the engine's times. */
export const MAX_WINDOW_SECONDS = 3_650 * 86_400;

export const windowSchema = strictObject(
  {
    n: z.number().int().min(1, 'the window must be at least 1'),
    unit: z.enum(WINDOW_UNITS),
  },
  'a window',
).superRefine((w, ctx) => {
  if (w.n * WINDOW_SECONDS[w.unit] > MAX_WINDOW_SECONDS) {
    const most = Math.floor(MAX_WINDOW_SECONDS / WINDOW_SECONDS[w.unit]);
    ctx.addIssue({
      code: 'custom',
      path: ['n'],
      message: `a window is at most 10 years (${most.toLocaleString('en-US')} ${w.unit}s), not ${w.n.toLocaleString('en-US')}`,
    });
  }
});
export type FunnelWindow = z.infer<typeof windowSchema>;

export const funnelStepSchema = strictObject(
  {
    events: eventFilterSchema,
    label: z.string().min(1).optional(),
    /** A step users may skip: later steps still count without it (never the first step). */
    optional: z.boolean().default(false),
    /** At most this long after the previous step (on top of the funnel's window from step 1). */
    within: windowSchema.optional(),
  },
  'a funnel step',
);

export const ATTRIBUTIONS = ['first', 'last', 'all', 'step'] as const;

export const funnelSpecSchema = strictObject(
  {
    kind: z.literal('funnel'),
    version: z.literal(1).default(1),
    steps: z
      .array(funnelStepSchema)
      .min(2, 'a funnel has at least 2 steps')
      .max(20, 'a funnel has at most 20 steps'),
    /**
     * ordered: steps in order, other events between them allowed; strict: no other event of the
     * user between consecutive steps; any: the steps in any order.
     */
    order: z.enum(['ordered', 'strict', 'any']).default('ordered'),
    /** Measured from the attempt's first step; an event exactly at the end still counts. */
    window: windowSchema.default({ n: 14, unit: 'day' }),
    /** An excluded event after step `from` and before step `to` (0-based) removes the attempt. */
    exclusions: z
      .array(
        strictObject(
          {
            events: eventFilterSchema,
            from: z.number().int().min(0).max(19, 'a funnel has at most 20 steps'),
            to: z.number().int().min(1).max(19, 'a funnel has at most 20 steps'),
          },
          'an exclusion',
        ),
      )
      .default([]),
    /**
     * users: each user once, at their furthest attempt; sessions: each (user, held value) once,
     * holding session_id unless holdConstant names another property; attempts: every attempt.
     */
    countBy: z.enum(['users', 'sessions', 'attempts']).default('users'),
    /** An event property every step of an attempt shares (session_id gives session funnels). */
    holdConstant: strictObject({ property: z.string().min(1) }, 'holdConstant').optional(),
    /** The range bounds the first step only; later steps may fall after it. */
    dateRange: dateRangeSchema,
    filters: z.array(conditionNodeSchema).default([]),
    breakdown: strictObject(
      {
        ...breakdownShape,
        attribution: z.enum(ATTRIBUTIONS).default('first'),
        /** For attribution 'step': the step (0-based) whose value counts. */
        step: z.number().int().min(0).max(19, 'a funnel has at most 20 steps').optional(),
      },
      'a funnel breakdown',
    ).optional(),
    /** Periods of "conversion over time" (by entry period). */
    interval: z.enum(INTERVALS).default('day'),
    sample: samplingSchema.optional(),
  },
  'a funnel spec',
).superRefine((f, ctx) => {
  if (f.steps[0]?.within !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['steps', 0, 'within'],
      message: 'the first step has no step before it',
    });
  }
  if (f.steps.some((s) => s.within !== undefined)) {
    const problems: [string[], string][] = [
      [['order'], 'per-step windows need the ordered order'],
      [['countBy'], 'per-step windows count users or sessions, not attempts'],
      [['exclusions'], 'per-step windows do not combine with exclusions yet'],
      [['steps'], 'per-step windows do not combine with optional steps yet'],
      [['breakdown', 'attribution'], "per-step windows attribute by 'first', 'last' or 'step'"],
    ];
    const broken = [
      f.order !== 'ordered',
      f.countBy === 'attempts',
      f.exclusions.length > 0,
      f.steps.some((s) => s.optional),
      f.breakdown?.attribution === 'all',
    ];
    problems.forEach(([path, message], i) => {
      if (broken[i]) ctx.addIssue({ code: 'custom', path, message });
    });
  }
  if (f.steps[0]?.optional)
    ctx.addIssue({
      code: 'custom',
      path: ['steps', 0, 'optional'],
      message: 'the first step cannot be optional',
    });
  if (f.steps.every((s, i) => i === 0 || s.optional)) {
    ctx.addIssue({
      code: 'custom',
      path: ['steps'],
      message: 'a funnel needs a required step after the first',
    });
  }
  if (f.order !== 'ordered' && f.steps.some((s) => s.optional)) {
    ctx.addIssue({
      code: 'custom',
      path: ['order'],
      message: 'optional steps need the ordered order',
    });
  }
  if (f.order === 'any' && f.exclusions.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['exclusions'],
      message: 'exclusions need an ordered or strict funnel',
    });
  }
  f.exclusions.forEach((x, i) => {
    if (x.from >= x.to || x.to >= f.steps.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['exclusions', i],
        message: `'from' must come before 'to', both steps of the funnel (0..${f.steps.length - 1})`,
      });
    }
  });
  const b = f.breakdown;
  if (b?.attribution === 'step' && (b.step === undefined || b.step >= f.steps.length)) {
    ctx.addIssue({
      code: 'custom',
      path: ['breakdown', 'step'],
      message: `attribution 'step' needs the step (0..${f.steps.length - 1})`,
    });
  }
  if (f.order === 'any' && b !== undefined && b.attribution !== 'first') {
    ctx.addIssue({
      code: 'custom',
      path: ['breakdown', 'attribution'],
      message: 'funnels in any order attribute by first touch',
    });
  }
});
export type FunnelSpec = z.infer<typeof funnelSpecSchema>;

export interface TimeToConvert {
  /** Seconds. */
  mean: number | null;
  median: number | null;
  p25: number | null;
  p75: number | null;
  p95: number | null;
  /** Users (or attempts) per bucket; bucket i spans [edges[i], edges[i+1]) seconds. */
  histogram: number[];
}

export interface FunnelStepResult {
  label: string;
  optional: boolean;
  /** Users (or attempts) that reached this step. */
  count: number;
  /** Share of step 1 that reached this step, 0..1. */
  fromFirst: number;
  /** Share of the previous required step, 0..1. */
  fromPrevious: number;
  /** Reached the previous required step but not this one. */
  dropped: number;
  fromPreviousTime: TimeToConvert;
  fromFirstTime: TimeToConvert;
}

export interface FunnelResult {
  kind: 'funnel';
  timezone: string;
  countBy: 'users' | 'sessions' | 'attempts';
  /** Bucket edges of every time-to-convert histogram, in seconds. */
  histogramEdges: number[];
  groups: {
    /** The breakdown value, when the spec has a breakdown. */
    breakdown?: string;
    steps: FunnelStepResult[];
  }[];
  /** Entry periods: users entering, and completing the last step, per period of the first step. */
  overTime: {
    period: string;
    entered: number;
    completed: number;
    rate: number | null;
    incomplete: boolean;
  }[];
  sampled: { fraction: number } | null;
}

/** Which number of a funnel result to open ("the users behind it"). */
export const funnelSelectionSchema = strictObject(
  {
    kind: z.literal('funnel'),
    /**
     * The step, numbered from 1 as the result's `step` column, `workbench run` and the window
     * number them (1 = the first step).
     */
    step: z
      .number()
      .int()
      .min(1, 'funnel steps are numbered from 1, as in the result')
      .max(20, 'a funnel has at most 20 steps'),
    /** converted: reached the step; dropped: reached the step before it, not this one. */
    outcome: z.enum(['converted', 'dropped']).default('converted'),
    breakdown: z.string().optional(),
  },
  'a funnel selection',
);
export type FunnelSelection = z.infer<typeof funnelSelectionSchema>;

export function funnelMeaning(spec: FunnelSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  const order =
    spec.order === 'strict'
      ? 'no other event between steps'
      : spec.order === 'any'
        ? 'steps in any order'
        : 'any events between';
  const steps = spec.steps
    .map(
      (s, i) =>
        `${event(s.events)}${s.optional ? ' (optional)' : ''}${i > 0 && s.within ? ` within ${s.within.n} ${s.within.unit}s` : ''}`,
    )
    .join(' then ');
  const who =
    spec.countBy === 'users' ? 'Users' : spec.countBy === 'sessions' ? 'Sessions' : 'Attempts';
  const excluded =
    spec.exclusions.length > 0
      ? `, excluding ${spec.exclusions.map((x) => `${event(x.events)} between steps ${x.from + 1} and ${x.to + 1}`).join(', ')}`
      : '';
  return `${who} who did ${steps} within ${spec.window.n} ${spec.window.unit}${spec.window.n === 1 ? '' : 's'}, ${order}${excluded}${breakdown(spec.breakdown)}${filters(spec.filters)}, entry ${range}, ${timezone}`;
}

export function funnelTable(result: FunnelResult): ResultTable {
  // One row per step (and breakdown value): counts, conversion and median times to convert.
  const hasBreakdown = result.groups.some((g) => g.breakdown !== undefined);
  const columns = [
    ...(hasBreakdown ? ['breakdown'] : []),
    'step',
    'label',
    result.countBy,
    'conversionFromFirst',
    'conversionFromPrevious',
    'dropped',
    'medianSecondsFromPrevious',
    'medianSecondsFromFirst',
  ];
  const rows = result.groups.flatMap((g) =>
    g.steps.map((s, i) => ({
      ...(hasBreakdown ? { breakdown: g.breakdown ?? '' } : {}),
      step: i + 1,
      label: s.label,
      [result.countBy]: s.count,
      conversionFromFirst: s.fromFirst,
      conversionFromPrevious: s.fromPrevious,
      dropped: s.dropped,
      medianSecondsFromPrevious: s.fromPreviousTime.median,
      medianSecondsFromFirst: s.fromFirstTime.median,
    })),
  );
  return { columns, rows };
}

export const funnelDefinition = {
  kind: 'funnel',
  title: 'Funnels',
  schema: funnelSpecSchema,
  meaning: funnelMeaning,
  table: funnelTable,
  selection: funnelSelectionSchema,
} satisfies AnalysisDefinition<FunnelSpec, FunnelResult, FunnelSelection>;
