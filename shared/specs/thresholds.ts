import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { TEXT, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import {
  ANY_EVENT,
  conditionNodeSchema,
  dateRangeSchema,
  eventFilterSchema,
  samplingSchema,
  type EventFilter,
} from './common';
import { describeRange, event, filters, plural } from './words';
import { metricColumnKind, STARTER_METRICS } from './metrics';
import { metricLabel, metricListSchema, type MetricUnit } from './user-metrics';

/**
 * What counts as the good outcome, days after each user's start (day 1 = the first 24 hours):
 * retained = did one of the events in days from..to (any event by default); converted = did one
 * of them at any time from day `from` to day `to`. Its opposite (churned, not converted) is the
 * rest of the population.
 */
export const outcomeSchema = strictObject(
  {
    type: z.enum(['retained', 'converted']).default('retained'),
    events: z
      .array(eventFilterSchema)
      .min(1)
      .max(20)
      .default(() => [{ event: ANY_EVENT, where: [] }]),
    unit: z.enum(['day', 'week']).default('day'),
    from: z.number().int().min(1).max(520).default(8),
    to: z.number().int().min(1).max(520).default(14),
  },
  'an outcome',
).superRefine((o, ctx) => {
  if (o.to < o.from)
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `the outcome window ends (${o.unit} ${o.to}) before it starts (${o.unit} ${o.from})`,
    });
});
export type Outcome = z.infer<typeof outcomeSchema>;

/**
 * Threshold benchmarks (Amplitude's Compass, done fully): for new users, each metric over their
 * first N days, every candidate threshold "at least t" against the outcome, the best by
 * correlation, checked on the most recent starters held out, per segment and over time.
 */
export const thresholdsSpecSchema = strictObject(
  {
    kind: z.literal('thresholds'),
    version: z.literal(1).default(1),
    /** A user starts at their first event, or at their first startEvent (signed_up). */
    startEvent: eventFilterSchema.optional(),
    /** Users whose start falls in these days; omitted: every user whose windows were observed. */
    startRange: dateRangeSchema.optional(),
    /** Conditions on user properties (source 'user'). */
    filters: z.array(conditionNodeSchema).default([]),
    /** Only the members of this saved segment (its id): any segment as the population. */
    segment: z.string().min(1).optional(),
    /** The metrics are measured over the first N days after the start. */
    observationDays: z.number().int().min(1).max(366).default(7),
    outcome: outcomeSchema.default(() => outcomeSchema.parse({})),
    metrics: metricListSchema.default(() => STARTER_METRICS.map((m) => ({ ...m }))),
    /**
     * The heat map's events (did it at least once by day d); empty: the 10 events most users of
     * the population did in their first days.
     */
    heatmapEvents: z.array(z.string().min(1)).max(30).default([]),
    /** Benchmarks per value of a user property, or of a property of the start event. */
    split: strictObject(
      {
        property: z.string().min(1),
        source: z.enum(['user', 'event']).default('user'),
        limit: z.number().int().min(1).max(20).default(6),
      },
      'a split',
    ).optional(),
    /**
     * Benchmarks per saved segment (their ids), side by side, instead of a property's values:
     * each user in the first listed segment they are a member of, the rest as (other).
     */
    splitSegments: z
      .array(z.string().min(1))
      .max(10, 'at most 10 segments side by side')
      .default([]),
    /** The share of users the baseline level holds for: "the level 80% of retained users reach". */
    baselineShare: z.number().gt(0).lt(1).default(0.8),
    /** A side (above or below) with fewer users is too small to trust. */
    minUsers: z.number().int().min(1).max(1_000_000).default(100),
    /**
     * The most recent starters held out: the benchmark is found on the earlier ones and checked
     * on these. 0 keeps nobody out.
     */
    holdoutShare: z.number().min(0).max(0.5).default(0.25),
    /** Dynamic thresholds: each metric's bottom N percent, now and by month of start. */
    percentile: z.number().gt(0).lt(100).default(20),
    /** Resamples of the bootstrap interval on each threshold (0: none). */
    resamples: z.number().int().min(0).max(2_000).default(200),
    sample: samplingSchema.optional(),
  },
  'a thresholds spec',
).superRefine((s, ctx) => {
  if (s.split !== undefined && s.splitSegments.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['splitSegments'],
      message:
        'split by a property or by segments, not both: remove one of split and splitSegments',
    });
  }
  const names = new Set(s.metrics.map((m) => m.name));
  if (names.size !== s.metrics.length) return;
  const first = s.outcome.unit === 'week' ? (s.outcome.from - 1) * 7 + 1 : s.outcome.from;
  if (s.outcome.type === 'retained' && first <= s.observationDays) {
    ctx.addIssue({
      code: 'custom',
      path: ['outcome', 'from'],
      message: `the outcome window starts on day ${first}, inside the ${s.observationDays} observed days: start it after day ${s.observationDays}`,
    });
  }
});
export type ThresholdsSpec = z.infer<typeof thresholdsSpecSchema>;

export interface Interval {
  low: number;
  high: number;
}

/** "At least `threshold`" against the outcome, on some users. */
export interface ThresholdSplit {
  threshold: number;
  above: number;
  abovePositive: number;
  below: number;
  belowPositive: number;
  /** Share of the users at or above. */
  reach: number;
  /** The outcome rate above (= PPV) and below (= 1 - NPV); null when that side is empty. */
  rateAbove: number | null;
  rateBelow: number | null;
  /** Of the users at or above, the share positive: "reach t and you are retained this often". */
  ppv: number | null;
  /** Of the positive users, the share at or above: how many retained users the benchmark covers. */
  sensitivity: number | null;
  /** Of the users below, the share negative: how reliably "below t" predicts churn. */
  npv: number | null;
  /** Of the negative users, the share below: how many churned users the benchmark leaves out. */
  specificity: number | null;
  /** Phi (Matthews) correlation of "at or above" with the outcome; null when a margin is 0. */
  phi: number | null;
  /** rateAbove over the base rate of all these users. */
  lift: number | null;
}

export interface MetricBenchmark {
  name: string;
  label: string;
  definition: string;
  unit: MetricUnit;
  /** The suggested benchmark: the threshold correlating most with the outcome (training users). */
  best:
    | (ThresholdSplit & {
        sentence: string;
        /** Either side has fewer than minUsers users. */
        tooSmall: boolean;
        rateAboveInterval: Interval | null;
        rateBelowInterval: Interval | null;
        /** Percentile bootstrap interval of the best threshold. */
        thresholdInterval: Interval | null;
      })
    | null;
  /** The best threshold applied to the held-out (most recent) starters. */
  holdout:
    | (ThresholdSplit & {
        rateAboveInterval: Interval | null;
        rateBelowInterval: Interval | null;
        tooSmall: boolean;
      })
    | null;
  /** The level `share` of positive users reach, and the share of negative users reaching it. */
  baseline: {
    share: number;
    level: number;
    positiveReaching: number;
    negativeReaching: number | null;
  } | null;
  /** Every candidate threshold, on the training users. */
  candidates: ThresholdSplit[];
  /** The outcome rate by metric value (values binned when there are many). */
  curve: { from: number; to: number; users: number; positive: number; rate: number }[];
  /** The metric's distribution among positive and negative users (same bins as the curve). */
}

export interface HeatmapCell {
  event: string;
  /** By the end of day `day` (1 = the first 24 hours). */
  day: number;
  /** Users who did it by then, and the positive ones among them. */
  did: number;
  didPositive: number;
  notPositive: number;
  rateDid: number | null;
  rateNot: number | null;
  phi: number | null;
}

export interface SplitGroup {
  value: string;
  users: number;
  positive: number;
  benchmarks: {
    metric: string;
    threshold: number | null;
    phi: number | null;
    rateAbove: number | null;
    rateBelow: number | null;
    reach: number | null;
    tooSmall: boolean;
  }[];
}

export interface ThresholdsResult {
  kind: 'thresholds';
  timezone: string;
  /** The outcome in words ("active in days 8-14 after the start"). */
  outcomeWords: string;
  observationDays: number;
  population: {
    users: number;
    positive: number;
    rate: number | null;
    /** First and last local start day of the population. */
    from: string | null;
    to: string | null;
    /** Started too late for their outcome window to be observed: left out. */
    unobserved: number;
    training: { users: number; positive: number };
    holdout: { users: number; positive: number; from: string } | null;
  };
  /** Ranked: the strongest benchmark first. */
  metrics: MetricBenchmark[];
  heatmap: { events: string[]; days: number[]; cells: HeatmapCell[] };
  split: { property: string; groups: SplitGroup[] } | null;
  dynamic: {
    metric: string;
    percentile: number;
    /** The percentile over the population. */
    value: number | null;
    months: { month: string; users: number; value: number | null }[];
  }[];
  sampled: { fraction: number } | null;
}

/** Who is behind a number: a benchmark's side, a heat map cell, a split group, an outcome. */
export const thresholdsSelectionSchema = strictObject(
  {
    kind: z.literal('thresholds'),
    metric: z.string().min(1).optional(),
    threshold: z.number().optional(),
    side: z.enum(['above', 'below']).optional(),
    /** A bar of the outcome-rate curve: the metric's value in [from, to) (to too, when inclusive). */
    from: z.number().optional(),
    to: z.number().optional(),
    inclusive: z.boolean().optional(),
    outcome: z.enum(['positive', 'negative']).optional(),
    /** A heat map cell: did (or not) `event` by day `day`. */
    event: z.string().min(1).optional(),
    day: z.number().int().min(1).max(366).optional(),
    did: z.boolean().optional(),
    group: z.string().optional(),
    set: z.enum(['all', 'training', 'holdout']).default('all'),
  },
  'a thresholds selection',
).superRefine((s, ctx) => {
  if ((s.side !== undefined) !== (s.metric !== undefined && s.threshold !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['side'],
      message: 'a side needs a metric and its threshold, and a threshold a side',
    });
  }
  if ((s.from !== undefined || s.to !== undefined) && s.metric === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: 'a range of values needs the metric it is of',
    });
  }
  if (
    (s.event !== undefined) !== (s.day !== undefined) ||
    (s.did !== undefined) !== (s.event !== undefined)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['event'],
      message: 'a heat map cell needs event, day and did',
    });
  }
});
export type ThresholdsSelection = z.infer<typeof thresholdsSelectionSchema>;

/** "active (any event) in days 8–14 after the start", "did plan_upgraded by week 4". */
export function outcomeWords(o: Outcome): string {
  const events = o.events.map((e: EventFilter) => event(e)).join(' or ');
  const span = o.from === o.to ? `${o.unit} ${o.from}` : `${o.unit}s ${o.from}–${o.to}`;
  return o.type === 'retained'
    ? `active (${events}) in ${span} after the start`
    : `did ${events} in ${span} after the start`;
}

export function thresholdsMeaning(spec: ThresholdsSpec, timezone: string): string {
  const start = spec.startEvent === undefined ? 'first event' : `first ${event(spec.startEvent)}`;
  const range = spec.startRange === undefined ? '' : `, starting ${describeRange(spec.startRange)}`;
  const split =
    spec.split !== undefined
      ? `, by ${spec.split.property}`
      : spec.splitSegments.length > 0
        ? `, by ${spec.splitSegments.length} segments`
        : '';
  const segment = spec.segment === undefined ? '' : ', members of a saved segment';
  return `What separates users ${outcomeWords(spec.outcome)} from the rest: ${spec.metrics.length} metrics over the first ${plural(spec.observationDays, 'day')} after each user's ${start}${range}${filters(spec.filters)}${segment}${split}, the most recent ${Math.round(spec.holdoutShare * 100)}% held out, ${timezone}`;
}

const SPLIT_COLUMNS = [
  'threshold',
  'reach',
  'rateAbove',
  'rateBelow',
  'ppv',
  'sensitivity',
  'npv',
  'specificity',
  'phi',
  'lift',
] as const;

export function thresholdsTable(result: ThresholdsResult): ResultTable {
  const columns = [
    'metric',
    'label',
    ...SPLIT_COLUMNS,
    'above',
    'below',
    'thresholdLow',
    'thresholdHigh',
    'holdoutRateAbove',
    'holdoutRateBelow',
    'holdoutPhi',
    'baselineLevel',
    'baselineNegativeReaching',
    'tooSmall',
    'sentence',
  ];
  const rows = result.metrics.map((m) => {
    const b = m.best;
    return {
      metric: m.name,
      label: m.label,
      ...Object.fromEntries(SPLIT_COLUMNS.map((c) => [c, b === null ? null : b[c]])),
      above: b?.above ?? null,
      below: b?.below ?? null,
      thresholdLow: b?.thresholdInterval?.low ?? null,
      thresholdHigh: b?.thresholdInterval?.high ?? null,
      holdoutRateAbove: m.holdout?.rateAbove ?? null,
      holdoutRateBelow: m.holdout?.rateBelow ?? null,
      holdoutPhi: m.holdout?.phi ?? null,
      baselineLevel: m.baseline?.level ?? null,
      baselineNegativeReaching: m.baseline?.negativeReaching ?? null,
      tooSmall: b?.tooSmall ?? null,
      sentence: b?.sentence ?? 'no threshold separates these users',
    };
  });
  return { columns, rows };
}

export function thresholdsColumns(result: ThresholdsResult): ColumnDescription {
  const percent = (header: string) => ({ kind: 'percent' as const, header });
  // A threshold is a value of its metric: seconds read as durations, shares as percentages.
  const kinds = result.metrics.map((m) =>
    m.unit === 'flag' ? ('value' as const) : metricColumnKind(m.unit),
  );
  const rowKinds = new Map(
    ['threshold', 'thresholdLow', 'thresholdHigh', 'baselineLevel'].map((c) => [c, kinds]),
  );
  return {
    rowKinds,
    columns: {
      metric: TEXT,
      label: { kind: 'text', header: 'Definition' },
      threshold: { kind: 'value', header: 'At least' },
      reach: percent('Users reaching it'),
      rateAbove: percent('Outcome at or above'),
      rateBelow: percent('Outcome below'),
      ppv: percent('PPV'),
      sensitivity: percent('Sensitivity'),
      npv: percent('NPV'),
      specificity: percent('Specificity'),
      phi: { kind: 'value', header: 'Correlation (phi)' },
      lift: { kind: 'value', header: 'Lift' },
      above: { kind: 'count', header: 'Users at or above' },
      below: { kind: 'count', header: 'Users below' },
      thresholdLow: { kind: 'value', header: 'Threshold 95% low' },
      thresholdHigh: { kind: 'value', header: 'Threshold 95% high' },
      holdoutRateAbove: percent('Held out: at or above'),
      holdoutRateBelow: percent('Held out: below'),
      holdoutPhi: { kind: 'value', header: 'Held out: phi' },
      baselineLevel: { kind: 'value', header: 'Level most retained reach' },
      baselineNegativeReaching: percent('Others reaching it'),
      tooSmall: { kind: 'text', header: 'Too few users' },
      sentence: { kind: 'text', header: 'Finding' },
    },
  };
}

export function thresholdsCellSelection(
  result: ThresholdsResult,
  row: TableRow,
  column: string,
): ThresholdsSelection | null {
  const metric = String(row.metric);
  const benchmark = result.metrics.find((m) => m.name === metric);
  const threshold = benchmark?.best?.threshold;
  if (threshold === undefined) return null;
  const pick = (side: 'above' | 'below', set: 'training' | 'holdout'): ThresholdsSelection => ({
    kind: 'thresholds',
    metric,
    threshold,
    side,
    set,
  });
  if (column === 'above' || column === 'reach' || column === 'rateAbove')
    return pick('above', 'training');
  if (column === 'below' || column === 'rateBelow') return pick('below', 'training');
  if (column === 'holdoutRateAbove') return pick('above', 'holdout');
  if (column === 'holdoutRateBelow') return pick('below', 'holdout');
  return null;
}

function bound(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

export function thresholdsSelectionLabel(
  s: ThresholdsSelection,
  spec: ThresholdsSpec | undefined,
): string {
  const parts: string[] = [];
  if (s.metric !== undefined && s.threshold !== undefined && s.side !== undefined) {
    const m = spec?.metrics.find((x) => x.name === s.metric);
    const name = m === undefined ? s.metric : metricLabel(m).toLowerCase();
    parts.push(`${name} ${s.side === 'above' ? 'at least' : 'under'} ${bound(s.threshold)}`);
  }
  if (s.metric !== undefined && (s.from !== undefined || s.to !== undefined)) {
    const m = spec?.metrics.find((x) => x.name === s.metric);
    const name = m === undefined ? s.metric : metricLabel(m).toLowerCase();
    const from = s.from === undefined ? '' : `from ${bound(s.from)}`;
    const to =
      s.to === undefined ? '' : `${s.inclusive === true ? 'to' : 'to under'} ${bound(s.to)}`;
    parts.push(`${name} ${[from, to].filter((x) => x !== '').join(' ')}`);
  }
  if (s.event !== undefined && s.day !== undefined)
    parts.push(`${s.did === true ? 'did' : 'did not do'} ${s.event} by day ${s.day}`);
  if (s.group !== undefined)
    parts.push(
      `${spec?.split?.property ?? (spec?.splitSegments.length ? 'segment' : 'group')} ${s.group}`,
    );
  const outcome =
    s.outcome === undefined
      ? ''
      : s.outcome === 'positive'
        ? spec?.outcome.type === 'converted'
          ? ' who converted'
          : ' who were retained'
        : spec?.outcome.type === 'converted'
          ? ' who did not convert'
          : ' who churned';
  const set =
    s.set === 'holdout' ? ' (held out)' : s.set === 'training' ? ' (earlier starters)' : '';
  return `Users${parts.length === 0 ? '' : ` with ${parts.join(', ')}`}${outcome}${set}`;
}

export const thresholdsDefinition = {
  kind: 'thresholds',
  title: 'Thresholds',
  schema: thresholdsSpecSchema,
  meaning: thresholdsMeaning,
  table: thresholdsTable,
  columns: thresholdsColumns,
  selection: thresholdsSelectionSchema,
  cellSelection: thresholdsCellSelection,
  selectionLabel: thresholdsSelectionLabel,
} satisfies AnalysisDefinition<ThresholdsSpec, ThresholdsResult, ThresholdsSelection>;
