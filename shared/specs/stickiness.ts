import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { DATE, TEXT, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { event, filters, describeRange, periodWords } from './words';
import { dateRangeSchema, eventFilterSchema, conditionNodeSchema, samplingSchema } from './common';

/** What is counted: the hours, days, weeks or months a user was active in. */
export const STICKINESS_UNITS = ['hour', 'day', 'week', 'month'] as const;
export type StickinessUnit = (typeof STICKINESS_UNITS)[number];

/**
 * What the units are counted in: each calendar day, week, month, quarter or year of the range
 * (Amplitude's "days per week", a user counted once per period); N-day intervals from the range's
 * first day ('days' with perDays); or the whole range at once (PostHog's stickiness: "users who
 * did it on N days of the range").
 */
export const STICKINESS_PERS = [
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'days',
  'range',
] as const;
export type StickinessPer = (typeof STICKINESS_PERS)[number];

/**
 * The periods each unit can be counted per: a unit must nest in its period (weeks do not nest in
 * months, so weeks are counted over the whole range).
 */
export const PERS_OF_UNIT: Record<StickinessUnit, readonly StickinessPer[]> = {
  hour: ['day', 'week', 'month', 'quarter', 'year', 'days', 'range'],
  day: ['week', 'month', 'quarter', 'year', 'days', 'range'],
  week: ['range'],
  month: ['quarter', 'year', 'range'],
};

const eventsPerUnit = (field: string) =>
  z.number().int().min(1).max(1_000_000, `${field} is at most 1,000,000`);

/**
 * Stickiness: how many users did the event on exactly (or at least) N of the units of each
 * period: days of a week or month, hours of a day, months of a year, days of the whole range...
 */
export const stickinessSpecSchema = strictObject(
  {
    kind: z.literal('stickiness'),
    version: z.literal(1).default(1),
    events: eventFilterSchema,
    /** What is counted: active hours, days, weeks or months. */
    unit: z.enum(STICKINESS_UNITS).default('day'),
    /** The period the units are counted in. */
    per: z.enum(STICKINESS_PERS).default('week'),
    /** With per 'days': the length of each interval in days, from the range's first day. */
    perDays: z.number().int().min(2).max(366, 'an interval is at most 366 days').optional(),
    /** A unit counts only if the user did at least this many matching events in it. */
    minEventsPerUnit: eventsPerUnit('minEventsPerUnit').default(1),
    /**
     * ...and at most this many (PostHog's "at most K times"; equal to the minimum: exactly K).
     * Units without any matching event never count.
     */
    maxEventsPerUnit: eventsPerUnit('maxEventsPerUnit').optional(),
    /** Users with at least N units instead of exactly N. */
    cumulative: z.boolean().default(false),
    dateRange: dateRangeSchema,
    filters: z.array(conditionNodeSchema).default([]),
    sample: samplingSchema.optional(),
  },
  'a stickiness spec',
).superRefine((s, ctx) => {
  if (!PERS_OF_UNIT[s.unit].includes(s.per)) {
    const message =
      s.unit === 'day' && s.per === 'day'
        ? 'count days per week or month, or hours per day'
        : `${s.unit}s are counted per ${PERS_OF_UNIT[s.unit].join(', ')}, not per ${s.per}`;
    ctx.addIssue({ code: 'custom', path: ['per'], message });
  }
  if (s.per === 'days' && s.perDays === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['perDays'],
      message: "per 'days' needs perDays, the length of each interval (2 to 366 days)",
    });
  }
  if (s.per !== 'days' && s.perDays !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['perDays'],
      message: "perDays applies only with per 'days'",
    });
  }
  if (s.maxEventsPerUnit !== undefined && s.maxEventsPerUnit < s.minEventsPerUnit) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxEventsPerUnit'],
      message: `at most ${s.maxEventsPerUnit} events is fewer than the minimum of ${s.minEventsPerUnit}`,
    });
  }
});
export type StickinessSpec = z.infer<typeof stickinessSpecSchema>;

export interface StickinessPeriod {
  /** The period's first local day ('2024-01-01'; the range's first day when per 'range'). */
  period: string;
  /** Its last local day inside the range. */
  to: string;
  /**
   * Cut by the range's start or end (or the range cuts an edge unit: a week half in the range),
   * or not over when the data ends: its counts are what was observed, out of `possible` units.
   */
  incomplete: boolean;
  /** Units the whole period holds (7 days of a week, 29 of February 2024). */
  units: number;
  /** Units it could hold here: inside the range and observed (4 of a week the range starts on Thursday). */
  possible: number;
  /** Users per bucket (a user counts in one bucket of a period). */
  users: number[];
}

export interface StickinessResult {
  kind: 'stickiness';
  timezone: string;
  unit: StickinessSpec['unit'];
  per: StickinessSpec['per'];
  /** The interval length with per 'days', else null. */
  perDays: number | null;
  cumulative: boolean;
  /** Events a unit needs to count: at least min, at most max (null: no limit). */
  eventsPerUnit: { min: number; max: number | null };
  /** N = 1 .. the most units a period can hold (7, 31, 24, the range's days...). */
  buckets: number[];
  /**
   * Users per bucket, summed over the periods of the range: a user counts once per period, so a
   * user of 2 days in each of two weeks counts twice in "2 days" (Amplitude's user-weeks).
   */
  users: number[];
  /** The different users per bucket over all periods: whom "the users behind" it lists. */
  distinctUsers: number[];
  /** The same per period. */
  periods: StickinessPeriod[];
  sampled: { fraction: number } | null;
}

/** Which number of a stickiness result to open ("the users behind it"). */
export const stickinessSelectionSchema = strictObject(
  {
    kind: z.literal('stickiness'),
    bucket: z.number().int().min(1).max(1_000_000),
    /** One period's label; without it, the users of that bucket in any period. */
    period: z.string().min(1).optional(),
  },
  'a stickiness selection',
);
export type StickinessSelection = z.infer<typeof stickinessSelectionSchema>;

/** "per week", "per 14-day interval", "in the range": how the period reads after the units. */
export function stickinessPerWords(s: { per: StickinessPer; perDays?: number | null }): string {
  if (s.per === 'range') return 'in the range';
  if (s.per === 'days') return `per ${s.perDays ?? '?'}-day interval`;
  return `per ${s.per}`;
}

/** One bucket's words: "3 days", "at least 1 week". */
export function stickinessBucketWords(
  r: { unit: StickinessUnit; cumulative: boolean },
  k: number,
): string {
  return `${r.cumulative ? 'at least ' : ''}${k} ${r.unit}${k === 1 ? '' : 's'}`;
}

function criteriaWords(unit: StickinessUnit, min: number, max: number | undefined): string {
  if (min === 1 && max === undefined) return '';
  const times =
    max === undefined
      ? `at least ${min}`
      : max === min
        ? `exactly ${min}`
        : min === 1
          ? `at most ${max}`
          : `${min} to ${max}`;
  return `, counting a${unit === 'hour' ? 'n' : ''} ${unit} with ${times} such events`;
}

export function stickinessMeaning(spec: StickinessSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  const from = spec.per === 'days' ? " from the range's first day" : '';
  return `Users by the number of ${spec.unit}s ${stickinessPerWords(spec)}${from} they did ${event(spec.events)}${criteriaWords(spec.unit, spec.minEventsPerUnit, spec.maxEventsPerUnit)}${spec.cumulative ? ', cumulative (at least N)' : ''}${filters(spec.filters)}, ${range}, ${timezone}`;
}

/** The row of the summed buckets, and of the different users behind them. */
export const ALL_PERIODS = 'all periods';
export const DISTINCT_USERS = 'different users';

export function stickinessTable(result: StickinessResult): ResultTable {
  const key = (k: number): string => `${result.cumulative ? '>=' : ''}${k}`;
  const columns = ['period', 'to', 'incomplete', 'possibleUnits', ...result.buckets.map(key)];
  const row = (
    period: StickinessPeriod | { period: string },
    users: number[],
  ): Record<string, unknown> => {
    const r: Record<string, unknown> =
      'to' in period
        ? {
            period: period.period,
            to: period.to,
            incomplete: period.incomplete,
            possibleUnits: period.possible,
          }
        : { period: period.period, to: null, incomplete: null, possibleUnits: null };
    result.buckets.forEach((k, i) => {
      r[key(k)] = users[i] ?? 0;
    });
    return r;
  };
  const rows = result.periods.map((p) => row(p, p.users));
  // One period: its row already is the whole answer.
  if (result.periods.length > 1) {
    rows.push(row({ period: ALL_PERIODS }, result.users));
    rows.push(row({ period: DISTINCT_USERS }, result.distinctUsers));
  }
  return { columns, rows };
}

/** The stickiness table's columns: per period the users of each bucket of active units. */
export function stickinessColumns(result: StickinessResult): ColumnDescription {
  const columns: ColumnDescription['columns'] = {
    period: DATE,
    to: DATE,
    incomplete: TEXT,
    // The units the period could hold here: "Possible days" (4 of a week cut by the range).
    possibleUnits: { kind: 'count', header: `Possible ${result.unit}s` },
  };
  for (const k of result.buckets) {
    const units = `${result.unit}${k === 1 && !result.cumulative ? '' : 's'}`;
    columns[`${result.cumulative ? '>=' : ''}${k}`] = {
      kind: 'count',
      header: `${result.cumulative ? '≥ ' : ''}${k} ${units}`,
    };
  }
  return { columns };
}

/** A bucket's users in a period, or in any period (the summed and the distinct users' rows). */
export function stickinessCellSelection(
  _result: StickinessResult,
  row: TableRow,
  column: string,
): StickinessSelection | null {
  const bucket = Number(column.replace('>=', ''));
  // A bucket of no users (5 days of a week the range cuts to 2) has nobody to list.
  if (!Number.isInteger(bucket) || bucket < 1 || row[column] === 0) return null;
  return {
    kind: 'stickiness',
    bucket,
    ...(row.period === ALL_PERIODS || row.period === DISTINCT_USERS
      ? {}
      : { period: String(row.period) }),
  };
}

/**
 * What a stickiness bucket counts, in the spec's unit: 'Users active 2 days per week' over every
 * period, 'Users active 2 days in the week of 2024-03-04' in one.
 */
export function stickinessSelectionLabel(
  select: StickinessSelection,
  spec: StickinessSpec | undefined,
): string {
  const { bucket, period } = select;
  if (spec === undefined)
    return `Users active ${bucket} times${period === undefined ? '' : ` ${periodWords(undefined, period)}`}`;
  const units = stickinessBucketWords(spec, bucket);
  if (period === undefined) return `Users active ${units} ${stickinessPerWords(spec)}`;
  if (spec.per === 'range') return `Users active ${units} in the range`;
  if (spec.per === 'days')
    return `Users active ${units} in the ${spec.perDays ?? '?'}-day interval from ${period}`;
  return `Users active ${units} ${periodWords(spec.per, period)}`;
}

export const stickinessDefinition = {
  kind: 'stickiness',
  title: 'Stickiness',
  schema: stickinessSpecSchema,
  meaning: stickinessMeaning,
  table: stickinessTable,
  columns: stickinessColumns,
  selection: stickinessSelectionSchema,
  cellSelection: stickinessCellSelection,
  selectionLabel: stickinessSelectionLabel,
} satisfies AnalysisDefinition<StickinessSpec, StickinessResult, StickinessSelection>;
