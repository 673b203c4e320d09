import { z } from 'zod';
import { strictObject } from './strict';
import { rowBreakdown, type AnalysisDefinition, type TableRow } from './definition';
import { COUNT, TEXT, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { event, filters, describeRange, groupWords } from './words';
import {
  breakdownShape,
  dateRangeSchema,
  eventFilterSchema,
  INTERVALS,
  conditionNodeSchema,
  NONE_LABEL,
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

export const FIRST_TIME = ['event', 'matching'] as const;

export const funnelStepSchema = strictObject(
  {
    events: eventFilterSchema,
    label: z.string().min(1).optional(),
    /** A step users may skip: later steps still count without it (never the first step). */
    optional: z.boolean().default(false),
    /**
     * At most this long after the previous step (on top of the funnel's window from step 1).
     * Each unit's step times then come from the chain by which it first reached its deepest
     * step, from the latest start reaching it then (as PostHog times a funnel).
     */
    within: windowSchema.optional(),
    /**
     * Only the first time the user ever did it counts (Mixpanel's "first time ever"): 'event' is
     * the user's first-ever event of this name (it must also meet the step's conditions), 'matching'
     * the first-ever event meeting the step's own event and conditions. Over all the user's
     * history, not only the date range.
     */
    firstTime: z.enum(FIRST_TIME).optional(),
  },
  'a funnel step',
);

export const ATTRIBUTIONS = ['first', 'last', 'all', 'step'] as const;

/** A property a breakdown splits by, when it splits by several at once. */
export const breakdownPropertySchema = strictObject(
  { property: breakdownShape.property, source: breakdownShape.source },
  'a breakdown property',
);

/** Most properties one breakdown combines (each group is one combination of their values). */
export const MAX_BREAKDOWN_PROPERTIES = 3;

export const funnelBreakdownSchema = strictObject(
  {
    /** One property; or `properties` for several at once (each group a combination of values). */
    property: breakdownShape.property.optional(),
    source: breakdownShape.source,
    properties: z
      .array(breakdownPropertySchema)
      .min(1, 'a breakdown needs a property')
      .max(
        MAX_BREAKDOWN_PROPERTIES,
        `a breakdown combines at most ${MAX_BREAKDOWN_PROPERTIES} properties`,
      )
      .optional(),
    limit: breakdownShape.limit,
    /**
     * Which value files a user (PostHog's attribution): first = the first value set on any of
     * the user's funnel events, last = the last one; step = the value on that step's event (users
     * who never reach it are in no group; several values, several groups); all = each value is a
     * funnel of its own, every step's event carrying it.
     */
    attribution: z.enum(ATTRIBUTIONS).default('first'),
    /** For attribution 'step': the step (0-based) whose value counts. */
    step: z.number().int().min(0).max(19, 'a funnel has at most 20 steps').optional(),
  },
  'a funnel breakdown',
).superRefine((b, ctx) => {
  if ((b.property === undefined) === (b.properties === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: 'a breakdown names one property, or several as properties',
    });
  }
});
export type FunnelBreakdown = z.infer<typeof funnelBreakdownSchema>;

/** The properties a breakdown splits by, in order. */
export function breakdownProperties(
  b: FunnelBreakdown,
): { property: string; source: 'event' | 'user' }[] {
  return (
    b.properties ?? (b.property === undefined ? [] : [{ property: b.property, source: b.source }])
  );
}

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
     * user between consecutive steps; any: the steps in any order, one event filling at most one
     * step (as in Amplitude and PostHog): an attempt's level is the most steps distinct events of
     * its window can fill, and its step times are those of the earliest such events (step k's
     * time is when k + 1 steps were done), so view then "view where plan = pro" needs two views.
     */
    order: z.enum(['ordered', 'strict', 'any']).default('ordered'),
    /** Measured from the attempt's first step; an event exactly at the end still counts. */
    window: windowSchema.default({ n: 14, unit: 'day' }),
    /**
     * An excluded event after step `from` and before step `to` (0-based) removes the attempt. In
     * any order, step k is "k + 1 of the steps done": 0 to the last step spans the whole attempt.
     */
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
    breakdown: funnelBreakdownSchema.optional(),
    /**
     * Periods of "conversion over time": each period is the funnel of the attempts that start in
     * it (a user starting attempts in three periods counts in each).
     */
    interval: z.enum(INTERVALS).default('day'),
    /** The same funnel over the equally long range just before, its numbers beside these. */
    compare: z.boolean().optional(),
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
      [['breakdown', 'attribution'], "per-step windows attribute by 'first' or 'last'"],
    ];
    const broken = [
      f.order !== 'ordered',
      f.countBy === 'attempts',
      f.exclusions.length > 0,
      f.steps.some((s) => s.optional),
      f.breakdown !== undefined &&
        f.breakdown.attribution !== 'first' &&
        f.breakdown.attribution !== 'last',
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
  if (b?.attribution === 'step') {
    if (b.step === undefined || b.step >= f.steps.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['breakdown', 'step'],
        message: `attribution 'step' needs the step (0..${f.steps.length - 1})`,
      });
    } else if (f.steps[b.step]?.optional === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['breakdown', 'step'],
        message: `attribution 'step' names a required step, not the optional step ${b.step}`,
      });
    }
  }
  if (f.order === 'any' && b?.attribution === 'step') {
    ctx.addIssue({
      code: 'custom',
      path: ['breakdown', 'attribution'],
      message: "funnels in any order attribute by 'first', 'last' or 'all', not one step",
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

/** One entry period of "conversion over time": the funnel of the attempts that start in it. */
export interface FunnelPeriod {
  period: string;
  /** Units (users, sessions, attempts) with an attempt starting in the period. */
  entered: number;
  /** Of those, the ones whose attempt of the period completed the funnel. */
  completed: number;
  rate: number | null;
  /** The period, or the window after it, is not over yet: the numbers may still grow. */
  incomplete: boolean;
}

export interface FunnelGroup {
  /** The breakdown value (several properties' values joined by ' / '). */
  breakdown?: string;
  /** The value of each breakdown property, in the breakdown's order. */
  breakdownValues?: string[];
  steps: FunnelStepResult[];
  /** Conversion over time of this group (with a breakdown). */
  overTime?: FunnelPeriod[];
}

export interface FunnelResult {
  kind: 'funnel';
  timezone: string;
  countBy: 'users' | 'sessions' | 'attempts';
  /** Bucket edges of every time-to-convert histogram, in seconds. */
  histogramEdges: number[];
  /** By conversions (most first), then value; '(other)' and '(none)' last. */
  groups: FunnelGroup[];
  /** Entry periods: each the funnel of the attempts starting in it, over every group. */
  overTime: FunnelPeriod[];
  /**
   * With compare: the same funnel over the equally long range just before (local days
   * `from`..`to`), its groups in the order of `groups` (zeros where a value is missing there).
   */
  previous?: { from: string; to: string; groups: FunnelGroup[]; overTime: FunnelPeriod[] };
  sampled: { fraction: number } | null;
}

/** How the values of several breakdown properties make one group's name. */
export const BREAKDOWN_JOINER = ' / ';

/** A group's name from its values: '(none)' when none of them is set. */
export function breakdownLabel(values: readonly string[]): string {
  return values.every((v) => v === NONE_LABEL) ? NONE_LABEL : values.join(BREAKDOWN_JOINER);
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
    /** The group: its name as in the result, or its values (one per breakdown property). */
    breakdown: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** An entry period of conversion over time (as the result writes it): its attempts only. */
    period: z.string().min(1).optional(),
    /** The previous range's numbers (with compare). */
    range: z.enum(['current', 'previous']).optional(),
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
  const first = (s: FunnelSpec['steps'][number]): string =>
    s.firstTime === undefined
      ? ''
      : s.firstTime === 'event'
        ? ' (first time ever)'
        : ' (first time ever, as filtered)';
  const steps = spec.steps
    .map(
      (s, i) =>
        `${event(s.events)}${first(s)}${s.optional ? ' (optional)' : ''}${i > 0 && s.within ? ` within ${s.within.n} ${s.within.unit}s` : ''}`,
    )
    .join(' then ');
  const who =
    spec.countBy === 'users' ? 'Users' : spec.countBy === 'sessions' ? 'Sessions' : 'Attempts';
  const excluded =
    spec.exclusions.length > 0
      ? `, excluding ${spec.exclusions.map((x) => `${event(x.events)} between steps ${x.from + 1} and ${x.to + 1}`).join(', ')}`
      : '';
  const b = spec.breakdown;
  const attribution =
    b === undefined
      ? ''
      : b.attribution === 'first'
        ? ' (first touch)'
        : b.attribution === 'last'
          ? ' (last touch)'
          : b.attribution === 'all'
            ? ' (held through every step)'
            : ` (at step ${(b.step ?? 0) + 1})`;
  const by =
    b === undefined
      ? ''
      : `, by ${breakdownProperties(b)
          .map((p) => p.property)
          .join(' and ')}${attribution}`;
  const compare = spec.compare === true ? ', compared with the range before' : '';
  return `${who} who did ${steps} within ${spec.window.n} ${spec.window.unit}${spec.window.n === 1 ? '' : 's'}, ${order}${excluded}${by}${filters(spec.filters)}, entry ${range}${compare}, ${timezone}`;
}

export function funnelTable(result: FunnelResult): ResultTable {
  // One row per step (and breakdown value): counts, conversion and median times to convert.
  const hasBreakdown = result.groups.some((g) => g.breakdown !== undefined);
  const previous = result.previous;
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
    ...(previous === undefined ? [] : ['previousCount', 'previousConversionFromFirst']),
  ];
  const rows = result.groups.flatMap((g, gi) =>
    g.steps.map((s, i) => {
      const before = previous?.groups[gi]?.steps[i];
      return {
        ...(hasBreakdown ? { breakdown: g.breakdown ?? '' } : {}),
        step: i + 1,
        label: s.label,
        [result.countBy]: s.count,
        conversionFromFirst: s.fromFirst,
        conversionFromPrevious: s.fromPrevious,
        dropped: s.dropped,
        medianSecondsFromPrevious: s.fromPreviousTime.median,
        medianSecondsFromFirst: s.fromFirstTime.median,
        ...(previous === undefined
          ? {}
          : {
              previousCount: before?.count ?? 0,
              previousConversionFromFirst: before?.fromFirst ?? 0,
            }),
      };
    }),
  );
  return { columns, rows };
}

/** The funnel table's columns: counts, conversion shares, median times as durations. */
export function funnelColumns(result: FunnelResult): ColumnDescription {
  return {
    columns: {
      breakdown: TEXT,
      step: COUNT,
      label: { kind: 'text', header: 'Step name' },
      [result.countBy]: COUNT,
      conversionFromFirst: { kind: 'percent' },
      conversionFromPrevious: { kind: 'percent' },
      dropped: COUNT,
      medianSecondsFromPrevious: { kind: 'duration' },
      medianSecondsFromFirst: { kind: 'duration' },
      previousCount: { kind: 'count', header: `${result.countBy} (range before)` },
      previousConversionFromFirst: { kind: 'percent', header: 'From first (range before)' },
    },
  };
}

/** A step's users (or those who dropped there), in the range or the one before it. */
export function funnelCellSelection(
  result: FunnelResult,
  row: TableRow,
  column: string,
): FunnelSelection | null {
  // The row's step as the grid shows it: selections number steps from 1 too.
  const step = Number(row.step);
  const breakdown = rowBreakdown(row);
  if (column === result.countBy)
    return { kind: 'funnel', step, outcome: 'converted', ...breakdown };
  if (column === 'dropped' && step > 1)
    return { kind: 'funnel', step, outcome: 'dropped', ...breakdown };
  // With compare: the same step over the range before.
  if (column === 'previousCount')
    return { kind: 'funnel', step, outcome: 'converted', range: 'previous', ...breakdown };
  return null;
}

/** Who reached (or dropped before) a step, in the spec's words. */
export function funnelSelectionLabel(
  select: FunnelSelection,
  spec: FunnelSpec | undefined,
): string {
  const step = spec?.steps[select.step - 1];
  const named = step === undefined ? '' : `: ${event(step.events)}`;
  const before = select.range === 'previous' ? ', range before' : '';
  const entering = select.period === undefined ? '' : `, entering in ${select.period}`;
  return `${select.outcome === 'dropped' ? 'Users who dropped before' : 'Users who reached'} step ${select.step}${named}${groupWords(select.breakdown)}${entering}${before}`;
}

export const funnelDefinition = {
  kind: 'funnel',
  title: 'Funnels',
  schema: funnelSpecSchema,
  meaning: funnelMeaning,
  table: funnelTable,
  columns: funnelColumns,
  selection: funnelSelectionSchema,
  cellSelection: funnelCellSelection,
  selectionLabel: funnelSelectionLabel,
} satisfies AnalysisDefinition<FunnelSpec, FunnelResult, FunnelSelection>;
