import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { TEXT, type ColumnKind, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import {
  event,
  filters,
  breakdown,
  describeRange,
  groupWords,
  MEASURES,
  periodWords,
} from './words';
import { FormulaError, formulaSeries, parseFormula, seriesLetter } from './trends-formula';
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

/**
 * A line computed from the series' numbers, period by period: `A / B` (letters are series in
 * spec order), + - * /, numbers and parentheses. A division by zero is no value (null).
 */
export const trendFormulaSchema = strictObject(
  {
    expression: z.string().min(1, 'a formula needs an expression, such as A / B'),
    label: z.string().min(1).optional(),
  },
  'a trend formula',
);
export type TrendFormula = z.infer<typeof trendFormulaSchema>;

export const TREND_CHARTS = ['line', 'bar', 'area', 'table'] as const;
export type TrendChart = (typeof TREND_CHARTS)[number];

/**
 * How the numbers are shown, computed from the same units: the chart drawn (display only), a
 * cumulative line (each period the measure over the range so far: events and sums add up,
 * unique users count each user once, as in PostHog), or the average of the last N periods.
 */
export const trendDisplaySchema = strictObject(
  {
    chart: z.enum(TREND_CHARTS).default('line'),
    cumulative: z.boolean().default(false),
    /** Each period shows the average of itself and the N - 1 periods before it, in the range. */
    rollingAverage: z.number().int().min(2).max(365).optional(),
  },
  'a trend display',
).superRefine((d, ctx) => {
  if (d.cumulative && d.rollingAverage !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rollingAverage'],
      message: 'choose a cumulative line or a rolling average, not both',
    });
  }
});
export type TrendDisplay = z.infer<typeof trendDisplaySchema>;

export const trendsSpecSchema = strictObject(
  {
    kind: z.literal('trends'),
    version: z.literal(1).default(1),
    series: z
      .array(trendSeriesSchema)
      .min(1, 'give at least one series')
      .max(10, 'at most 10 series'),
    /** Lines computed from the series (PostHog's formula mode): drawn instead of the series. */
    formulas: z.array(trendFormulaSchema).max(10, 'at most 10 formulas').default([]),
    interval: z.enum(INTERVALS).default('day'),
    dateRange: dateRangeSchema,
    /** Conditions every series' events must meet, on top of their own. */
    filters: z.array(conditionNodeSchema).default([]),
    breakdown: breakdownSchema.optional(),
    /**
     * The same trend over the range just before, as many periods long, drawn aligned period by
     * period (the first beside the first).
     */
    compare: z.boolean().default(false),
    display: trendDisplaySchema.prefault({}),
    sample: samplingSchema.optional(),
  },
  'a trends spec',
).superRefine((spec, ctx) => {
  spec.formulas.forEach((f, i) => {
    const path = ['formulas', i, 'expression'];
    try {
      for (const s of formulaSeries(parseFormula(f.expression))) {
        if (s.index < 0 || s.index >= spec.series.length) {
          const last = seriesLetter(spec.series.length - 1);
          ctx.addIssue({
            code: 'custom',
            path,
            message: `'${s.letter}' at character ${s.at} names no series: this trend has ${spec.series.length === 1 ? 'series A only' : `series A to ${last}`}`,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
      ctx.addIssue({ code: 'custom', path, message: error.message });
    }
  });
});
export type TrendsSpec = z.infer<typeof trendsSpecSchema>;

/** One line of a trends result: a series (or formula), for one breakdown value. */
export interface TrendsLine {
  /** Index into spec.series (for a formula line: the formula's index into spec.formulas). */
  series: number;
  label: string;
  /** The breakdown value, when the spec has a breakdown. */
  breakdown?: string;
  /**
   * One per period, as displayed (cumulative or rolling average when the spec asks): null where
   * there is no value (an average of no events) and for periods after the data ends.
   */
  values: (number | null)[];
  /** Over the whole range: events, users, or the measure over all matching events. */
  total: number | null;
}

export interface TrendsResult {
  kind: 'trends';
  timezone: string;
  interval: (typeof INTERVALS)[number];
  /** Start of each period, local wall time of the workspace zone ('2024-03-04' or '2024-03-04 13:00'). */
  periods: string[];
  /**
   * Periods that end after the data was observed (the clock, or the export's last event): their
   * numbers are what was observed so far. Those starting after it have no values (null).
   */
  incomplete: boolean[];
  series: TrendsLine[];
  /** The formulas' lines (spec.formulas), per breakdown value; absent without formulas. */
  formulas?: TrendsLine[];
  /**
   * The previous range, as many periods long, aligned with `periods` index by index; absent
   * unless the spec compares.
   */
  compare?: {
    periods: string[];
    incomplete: boolean[];
    series: TrendsLine[];
    formulas?: TrendsLine[];
  };
  sampled: { fraction: number } | null;
}

/** Where a line sits in the result, in the order of the table's rows (trendsRows). */
export interface TrendsRowRef {
  line: TrendsLine;
  /** A formula's line: no users behind its numbers. */
  formula: boolean;
  /** A line of the previous range (compare): its numbers are those of `periods`. */
  previous: boolean;
  /** The period each column stands for (the previous range's periods for its lines). */
  periods: string[];
}

/** The lines of a result as the table lists them: series, formulas, then the previous range's. */
export function trendsRows(result: TrendsResult): TrendsRowRef[] {
  const rows = (
    lines: TrendsLine[] | undefined,
    formula: boolean,
    previous: boolean,
    periods: string[],
  ): TrendsRowRef[] => (lines ?? []).map((line) => ({ line, formula, previous, periods }));
  const c = result.compare;
  return [
    ...rows(result.series, false, false, result.periods),
    ...rows(result.formulas, true, false, result.periods),
    ...(c === undefined
      ? []
      : [...rows(c.series, false, true, c.periods), ...rows(c.formulas, true, true, c.periods)]),
  ];
}

/**
 * Which number of a trends result to open ("the users behind it"): a series' point, for one
 * period (of the range, or of the previous range when comparing) and breakdown value. A
 * formula's point has no users behind it (a ratio of two counts is not a set of users), so a
 * selection naming a formula is refused.
 */
export const trendsSelectionSchema = strictObject(
  {
    kind: z.literal('trends'),
    /** 0-based series of the spec. */
    series: z.number().int().min(0).max(9, 'a trend has at most 10 series').optional(),
    /** A formula's point: refused, see above. */
    formula: z.number().int().min(0).optional(),
    /** The period as the result labels it ('2024-03-04' or '2024-03-04 13:00'). */
    period: z.string().min(1),
    breakdown: z.string().optional(),
  },
  'a trends selection',
).superRefine((s, ctx) => {
  if (s.formula !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['formula'],
      message:
        "a formula's point has no users behind it (it combines the series' numbers, not their users): open a point of one of its series",
    });
  } else if (s.series === undefined) {
    ctx.addIssue({ code: 'custom', path: ['series'], message: 'name the series (0 for A)' });
  }
});
export type TrendsSelection = z.infer<typeof trendsSelectionSchema>;

export function trendsMeaning(spec: TrendsSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  const lettered = spec.formulas.length > 0;
  const series = spec.series.map(
    (s, i) =>
      `${lettered ? `${seriesLetter(i)}: ` : ''}${MEASURES[s.measure] ?? s.measure}${s.property ? ` of ${s.property}` : ''} of ${event(s.events)}`,
  );
  const formulas = spec.formulas.map(
    (f) => `${f.expression}${f.label === undefined ? '' : ` (${f.label})`}`,
  );
  const shown = spec.display.cumulative
    ? ', cumulative'
    : spec.display.rollingAverage !== undefined
      ? `, rolling average of ${spec.display.rollingAverage} ${spec.interval}s`
      : '';
  const compare = spec.compare ? ', compared with the period before' : '';
  return `${[...series, ...formulas].join('; ')} per ${spec.interval}${breakdown(spec.breakdown)}${filters(spec.filters)}${shown}, ${range}${compare}, ${timezone}`;
}

export function trendsTable(result: TrendsResult): ResultTable {
  // One row per line (series, formula; by breakdown value), one column per period: the grid
  // analysts read. The previous range's lines follow, under the periods they align with.
  const refs = trendsRows(result);
  const hasBreakdown = refs.some((r) => r.line.breakdown !== undefined);
  const compared = result.compare !== undefined;
  const columns = [
    'series',
    ...(hasBreakdown ? ['breakdown'] : []),
    ...(compared ? ['range'] : []),
    'total',
    ...result.periods,
  ];
  const rows = refs.map(({ line, previous }) => {
    const row: Record<string, unknown> = { series: line.label };
    if (hasBreakdown) row.breakdown = line.breakdown ?? '';
    if (compared) row.range = previous ? 'previous' : 'current';
    row.total = line.total;
    result.periods.forEach((p, i) => {
      row[p] = line.values[i] ?? null;
    });
    return row;
  });
  return { columns, rows };
}

/** The kind of every measure's numbers: counts of events or users, shares, measured values. */
export const MEASURE_KINDS: Record<TrendMeasure, ColumnKind> = {
  total: 'count',
  uniqueUsers: 'count',
  dau: 'count',
  wau: 'count',
  mau: 'count',
  perUser: 'value',
  sum: 'value',
  avg: 'value',
  min: 'value',
  max: 'value',
  median: 'value',
  stickiness: 'percent',
};

/**
 * The trends table's columns: each line in its series' measure's kind (the spec tells it;
 * without it they read as measured values), formulas as values.
 */
export function trendsColumns(
  result: TrendsResult,
  spec: TrendsSpec | undefined,
): ColumnDescription {
  const measures = spec?.series ?? [];
  const kinds = trendsRows(result).map(({ line, formula }): ColumnKind => {
    const measure = formula ? undefined : measures[line.series]?.measure;
    return measure === undefined ? 'value' : MEASURE_KINDS[measure];
  });
  // One kind for the whole column when every series shares it; per row otherwise.
  const same = kinds.every((k) => k === kinds[0]);
  const kind = same ? (kinds[0] ?? 'value') : 'value';
  const columns: ColumnDescription['columns'] = {
    series: TEXT,
    breakdown: TEXT,
    range: TEXT,
    total: { kind },
  };
  for (const p of result.periods) columns[p] = { kind };
  const valueColumns = ['total', ...result.periods];
  return {
    columns,
    ...(same ? {} : { rowKinds: new Map(valueColumns.map((c) => [c, kinds])) }),
  };
}

/**
 * A point of a series: rows as the table lists them (series, formulas, which have no users
 * behind them, then the lines of the range compared with, whose columns are its periods).
 */
export function trendsCellSelection(
  result: TrendsResult,
  row: TableRow,
  column: string,
): TrendsSelection | null {
  const ref = trendsRows(result)[row.__row];
  const index = result.periods.indexOf(column);
  const period = ref?.periods[index];
  if (ref === undefined || ref.formula || period === undefined) return null;
  return {
    kind: 'trends',
    series: ref.line.series,
    period,
    ...(ref.line.breakdown === undefined ? {} : { breakdown: ref.line.breakdown }),
  };
}

/** A series' users in a period, the series by its name or its number among several. */
export function trendsSelectionLabel(
  select: TrendsSelection,
  spec: TrendsSpec | undefined,
): string {
  const index = select.series ?? 0;
  const series = spec?.series[index];
  const did = series === undefined ? '' : ` who did ${event(series.events)}`;
  const which =
    series?.label !== undefined
      ? ` (${series.label})`
      : spec === undefined || spec.series.length > 1
        ? `, series ${index + 1}`
        : '';
  return `Users${did} ${periodWords(spec?.interval, select.period)}${which}${groupWords(select.breakdown)}`;
}

export const trendsDefinition = {
  kind: 'trends',
  title: 'Trends',
  schema: trendsSpecSchema,
  meaning: trendsMeaning,
  table: trendsTable,
  columns: trendsColumns,
  selection: trendsSelectionSchema,
  cellSelection: trendsCellSelection,
  selectionLabel: trendsSelectionLabel,
} satisfies AnalysisDefinition<TrendsSpec, TrendsResult, TrendsSelection>;
