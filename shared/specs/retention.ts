import { z } from 'zod';
import { strictObject } from './strict';
import { rowBreakdown, type AnalysisDefinition, type TableRow } from './definition';
import {
  COUNT,
  DATE,
  TEXT,
  retentionColumnHeader,
  type ColumnDescription,
} from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { event, filters, breakdown, describeRange, groupWords } from './words';
import {
  breakdownSchema,
  dateRangeSchema,
  eventFilterSchema,
  conditionNodeSchema,
  samplingSchema,
} from './common';

/**
 * Retention (cohort grid), as PostHog and Amplitude count it. Cohorts are cut by the start event;
 * column k counts the cohort's users who did the return event in period k (calendar periods of
 * the workspace zone, or rolling multiples of the period from each user's start event). Period 0
 * counts returns at or after the start event.
 */
export const retentionSpecSchema = strictObject(
  {
    kind: z.literal('retention'),
    version: z.literal(1).default(1),
    start: eventFilterSchema,
    /** The return event; `$any` counts any event. */
    return: eventFilterSchema,
    /**
     * first_time: the user's first start event ever that matches the start event's conditions and
     * the filters (over all time, not only the range), cohorted when it falls inside the range
     * (PostHog's "first time", Amplitude's "new users");
     * first_ever: the user's first event of the start event's name ever, whatever its properties,
     * cohorted only when it falls inside the range and itself passes the conditions and filters
     * (a user whose very first one does not match is never cohorted, unlike first_time);
     * recurring: a cohort entry in every period of the range with a matching start event.
     */
    cohort: z.enum(['first_time', 'first_ever', 'recurring']).default('first_time'),
    period: z.enum(['hour', 'day', 'week', 'month']).default('week'),
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
    /**
     * A period counts as a return when the user did the return event at least this many times
     * in it (period 0: at or after the start); the criterion then reads those periods. Absent:
     * once.
     */
    minOccurrences: z
      .number()
      .int()
      .min(1)
      .max(1_000_000, 'at most 1,000,000 occurrences a period')
      .optional(),
    time: z.enum(['calendar', 'rolling']).default('calendar'),
    /**
     * users, or the sum / average per cohort user of a numeric property: of the return events
     * counted as returns (revenue retention), or of the retained users themselves
     * (`propertySource: 'user'`, a column of users such as revenue: each retained user once).
     */
    measure: z.enum(['users', 'sum', 'avg']).default('users'),
    property: z.string().min(1).optional(),
    /** Whose property `property` is; absent: the return events'. */
    propertySource: z.enum(['event', 'user']).optional(),
    /**
     * Split by a property of the start event (or of the user). With an event property a return
     * counts only when the return event carries the cohort's value (its start event's), as in
     * PostHog.
     */
    breakdown: breakdownSchema.optional(),
    /** The range the cohorts' start events fall in. */
    dateRange: dateRangeSchema,
    /**
     * Also the same analysis over the equally long range just before (its cohorts, cut the same
     * way), so the previous mean retention shows beside the current one.
     */
    compare: z.boolean().optional(),
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
      message: `measure '${r.measure}' needs a numeric property of the return event or of the user`,
    });
  }
  if (r.measure === 'users' && r.property !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: "measure 'users' takes no property",
    });
  }
  if (r.propertySource !== undefined && r.property === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['propertySource'],
      message: 'propertySource needs a property',
    });
  }
});
export type RetentionSpec = z.infer<typeof retentionSpecSchema>;

export interface RetentionCohort {
  /** Start of the cohort's period, local ('2024-03-04'; hourly '2024-03-04 13:00'). */
  cohort: string;
  size: number;
  /**
   * Per column: users retained (or the sum / per-cohort-user average). A column whose period
   * has not fully happened yet holds what was observed so far (flagged in `incomplete`).
   */
  values: (number | null)[];
  /** Users retained / cohort size, 0..1 (users measure only, null otherwise). */
  percentages: (number | null)[];
  /** The column's period has not fully happened yet for this cohort: its value may still grow. */
  incomplete: boolean[];
}

/** The mean row of a group: weighted by cohort size over complete cells only. */
export interface RetentionMean {
  values: (number | null)[];
  percentages: (number | null)[];
}

export interface RetentionGroup {
  breakdown?: string;
  cohorts: RetentionCohort[];
  /**
   * Weighted by cohort size over complete cells only (an incomplete cell's observed value
   * would pull the mean down); null in a column no cohort has completed.
   */
  mean: RetentionMean;
  /** With `compare`: the same analysis over the equally long range before. */
  previous?: { cohorts: RetentionCohort[]; mean: RetentionMean };
}

export interface RetentionResult {
  kind: 'retention';
  timezone: string;
  period: RetentionSpec['period'];
  time: RetentionSpec['time'];
  criterion: RetentionSpec['criterion'];
  measure: RetentionSpec['measure'];
  /** Return events a period needs to count (1 unless the spec says otherwise). */
  minOccurrences?: number;
  /** Column labels: '0', '1', ... or bracket labels ('1-2', '3-6', '7+'). */
  columns: string[];
  groups: RetentionGroup[];
  /** With `compare`: the local days of the range before, which `previous` of each group covers. */
  previousRange?: { from: string; to: string };
  sampled: { fraction: number } | null;
}

/** The mean row's name in tables and selections; the previous range's mean row. */
export const MEAN_ROW = 'mean';
export const PREVIOUS_MEAN_ROW = 'previous mean';

/** Which number of a retention result to open ("the users behind it"). */
export const retentionSelectionSchema = strictObject(
  {
    kind: z.literal('retention'),
    /** The cohort as the grid writes it, or 'mean' for the mean row (its complete cells). */
    cohort: z
      .string()
      .regex(
        /^(\d{4}-\d{2}-\d{2}( \d{2}:00)?|mean)$/,
        "a cohort is written YYYY-MM-DD (hourly YYYY-MM-DD HH:00), or 'mean' for the mean row",
      ),
    /** 0-based column of the grid (period k, or bracket), or 'size': the cohort's users. */
    column: z.union([
      z.number().int().min(0).max(100, 'a retention grid has at most 101 columns'),
      z.literal('size'),
    ]),
    breakdown: z.string().optional(),
    /** A cell of the compared range before (`compare`); absent: the range itself. */
    range: z.enum(['current', 'previous']).optional(),
  },
  'a retention selection',
);
export type RetentionSelection = z.infer<typeof retentionSelectionSchema>;

const PERIOD_WORDS: Record<RetentionSpec['period'], string> = {
  hour: 'hours',
  day: 'days',
  week: 'weeks',
  month: 'months',
};

export function retentionMeaning(spec: RetentionSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  const cohort =
    spec.cohort === 'first_ever'
      ? `whose first ${event({ event: spec.start.event, where: [] })} ever is in ${range}${spec.start.where.length === 0 ? '' : ` and is ${event(spec.start)}`}${spec.filters.length === 0 ? '' : ' and passes the filters'}`
      : spec.cohort === 'recurring'
        ? `with a ${event(spec.start)} in ${range}, per period`
        : `whose first matching ${event(spec.start)} ever is in ${range}`;
  const criterion =
    spec.criterion === 'on_or_after'
      ? 'in that period or later'
      : spec.criterion === 'brackets'
        ? `in brackets ${(spec.brackets ?? []).join(', ')}`
        : 'in exactly that period';
  const times =
    (spec.minOccurrences ?? 1) > 1 ? ` at least ${spec.minOccurrences ?? 1} times a period` : '';
  const property = `${spec.propertySource === 'user' ? 'user ' : ''}${spec.property ?? ''}`;
  const measure =
    spec.measure === 'users'
      ? 'Users'
      : spec.measure === 'sum'
        ? `Sum of ${property}`
        : `Average of ${property} per cohort user`;
  const time =
    spec.time === 'rolling'
      ? `rolling ${spec.period === 'hour' ? '1-hour' : spec.period === 'day' ? '24-hour' : spec.period === 'week' ? '7-day' : '30-day'} windows`
      : `calendar ${PERIOD_WORDS[spec.period]}`;
  const sameValue = spec.breakdown?.source === 'event' ? ' (returns with the same value)' : '';
  const compare = spec.compare === true ? ', compared with the range before' : '';
  return `${measure} ${cohort}, who did ${event(spec.return)}${times} ${criterion}, ${spec.periods} ${PERIOD_WORDS[spec.period]}, ${time}${breakdown(spec.breakdown)}${sameValue}${filters(spec.filters)}${compare}, ${timezone}`;
}

/**
 * The table column saying how many of a cohort's period columns, from the first, hold final
 * numbers; the cells after them hold what was observed so far. (A cell is incomplete only when
 * every later one is too: its period, or the last it reads, ends later.) Null on mean rows,
 * which count complete cells only.
 */
export const COMPLETE_COLUMNS = 'completeColumns';

/** How many of a cohort's columns, from the first, are complete. */
export function completeColumns(cohort: RetentionCohort): number {
  const first = cohort.incomplete.indexOf(true);
  return first < 0 ? cohort.incomplete.length : first;
}

export function retentionTable(result: RetentionResult): ResultTable {
  // One row per cohort (and breakdown value), then the mean row (and the previous range's, with
  // compare); a column per period. Incomplete cells hold what was observed so far, and each
  // cohort row says how many of its columns are complete, so a file read without the grid
  // still tells them apart.
  const hasBreakdown = result.groups.some((g) => g.breakdown !== undefined);
  const columns = [
    ...(hasBreakdown ? ['breakdown'] : []),
    'cohort',
    'size',
    COMPLETE_COLUMNS,
    ...result.columns,
  ];
  const rows = result.groups.flatMap((g) => {
    const row = (
      cohort: string,
      size: number | null,
      complete: number | null,
      values: (number | null)[],
    ): Record<string, unknown> => {
      const r: Record<string, unknown> = { cohort, size, [COMPLETE_COLUMNS]: complete };
      if (hasBreakdown) r.breakdown = g.breakdown ?? '';
      result.columns.forEach((c, i) => {
        r[c] = values[i] ?? null;
      });
      return r;
    };
    return [
      ...g.cohorts.map((c) => row(c.cohort, c.size, completeColumns(c), c.values)),
      row(MEAN_ROW, null, null, g.mean.values),
      ...(g.previous === undefined
        ? []
        : [row(PREVIOUS_MEAN_ROW, null, null, g.previous.mean.values)]),
    ];
  });
  return { columns, rows };
}

/**
 * The retention table's columns: each period headed as people read it ('Week 1'), counts of
 * users (with the share of the cohort beside each) or measured values.
 */
export function retentionColumns(
  result: RetentionResult,
  _spec: RetentionSpec | undefined,
  table: ResultTable,
): ColumnDescription {
  const kind = result.measure === 'users' ? 'count' : 'value';
  const columns: ColumnDescription['columns'] = {
    breakdown: TEXT,
    cohort: DATE,
    size: COUNT,
    [COMPLETE_COLUMNS]: COUNT,
  };
  result.columns.forEach((c) => {
    columns[c] = { kind, header: retentionColumnHeader(result.period, c) };
  });
  if (result.measure !== 'users') return { columns };
  // Rows as retentionTable lays them out: each group's cohorts, then its mean row (and the
  // previous range's mean row, with compare).
  const rows = result.groups.flatMap((g) => [
    ...g.cohorts.map((c) => c.percentages),
    g.mean.percentages,
    ...(g.previous === undefined ? [] : [g.previous.mean.percentages]),
  ]);
  const shares = new Map(
    result.columns.map((c, i) => [c, rows.map((percentages) => percentages[i] ?? null)]),
  );
  // A table laid out otherwise gets no shares rather than wrong ones.
  return rows.length === table.rows.length ? { columns, shares } : { columns };
}

/**
 * Any cell: a cohort's size or column, a mean row's column (the users of its complete cells),
 * the compared range's mean row too.
 */
export function retentionCellSelection(
  result: RetentionResult,
  row: TableRow,
  column: string,
): RetentionSelection | null {
  const previous = row.cohort === PREVIOUS_MEAN_ROW;
  const cohort = previous ? MEAN_ROW : String(row.cohort);
  const range = previous ? { range: 'previous' as const } : {};
  const breakdown = rowBreakdown(row);
  if (column === 'size')
    return cohort === MEAN_ROW ? null : { kind: 'retention', cohort, column, ...breakdown };
  const index = result.columns.indexOf(column);
  // No users retained: nobody to list (a sum of 0 may still have users behind it).
  const nobody = result.measure === 'users' && row[column] === 0;
  if (index < 0 || row[column] === null || nobody) return null;
  return { kind: 'retention', cohort, column: index, ...breakdown, ...range };
}

/** A retention column in words, as the grid heads it: 'week 1', 'weeks 3-6', 'week 1 or later'. */
function retentionColumnWords(spec: RetentionSpec | undefined, column: number): string {
  if (spec === undefined) return `column ${column}`;
  let label = String(column);
  if (spec.criterion === 'brackets') {
    // The bracket's periods as the engine cuts them: from its start to the next one's, the
    // last up to `periods`.
    const b = spec.brackets ?? [];
    const lo = b[column] ?? column;
    const hi = column + 1 < b.length ? (b[column + 1] ?? lo + 1) - 1 : spec.periods;
    label = lo === hi ? String(lo) : `${lo}-${hi}`;
  }
  const words = retentionColumnHeader(spec.period, label).toLowerCase();
  return spec.criterion === 'on_or_after' ? `${words} or later` : words;
}

/** A cohort's users, or those of it retained in a column, in the spec's words. */
export function retentionSelectionLabel(
  select: RetentionSelection,
  spec: RetentionSpec | undefined,
): string {
  const before = select.range === 'previous' ? ' (range before)' : '';
  const of = select.cohort === 'mean' ? `the complete cohorts${before}` : `cohort ${select.cohort}`;
  return select.column === 'size'
    ? `Users of ${of}${groupWords(select.breakdown)}`
    : `Users of ${of} retained in ${retentionColumnWords(spec, select.column)}${groupWords(select.breakdown)}`;
}

export const retentionDefinition = {
  kind: 'retention',
  title: 'Retention',
  schema: retentionSpecSchema,
  meaning: retentionMeaning,
  table: retentionTable,
  columns: retentionColumns,
  selection: retentionSelectionSchema,
  cellSelection: retentionCellSelection,
  selectionLabel: retentionSelectionLabel,
} satisfies AnalysisDefinition<RetentionSpec, RetentionResult, RetentionSelection>;
