import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { COUNT, DATE, TEXT, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { event, filters, describeRange, periodWords } from './words';
import { dateRangeSchema, eventFilterSchema, conditionNodeSchema, samplingSchema } from './common';

/**
 * Lifecycle: each period's active users split into new (first event in the whole workspace in
 * this period), returning (also active the period before), resurrecting (not active the period
 * before, not new), and dormant (active the period before, not now; counted negative).
 */
export const lifecycleSpecSchema = strictObject(
  {
    kind: z.literal('lifecycle'),
    version: z.literal(1).default(1),
    events: eventFilterSchema,
    interval: z.enum(['day', 'week', 'month']).default('week'),
    dateRange: dateRangeSchema,
    filters: z.array(conditionNodeSchema).default([]),
    sample: samplingSchema.optional(),
  },
  'a lifecycle spec',
);
export type LifecycleSpec = z.infer<typeof lifecycleSpecSchema>;

export const LIFECYCLE_STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export interface LifecycleResult {
  kind: 'lifecycle';
  timezone: string;
  interval: LifecycleSpec['interval'];
  periods: string[];
  incomplete: boolean[];
  new: number[];
  returning: number[];
  resurrecting: number[];
  /** Negative: users lost since the previous period. */
  dormant: number[];
  /** (new + resurrecting) / dormant users; null where no one went dormant. */
  quickRatio: (number | null)[];
  sampled: { fraction: number } | null;
}

/** Which number of a lifecycle result to open ("the users behind it"). */
export const lifecycleSelectionSchema = strictObject(
  {
    kind: z.literal('lifecycle'),
    period: z.string().min(1),
    status: z.enum(LIFECYCLE_STATUSES),
  },
  'a lifecycle selection',
);
export type LifecycleSelection = z.infer<typeof lifecycleSelectionSchema>;

export function lifecycleMeaning(spec: LifecycleSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  return `New, returning, resurrecting and dormant users of ${event(spec.events)} per ${spec.interval}${filters(spec.filters)}, ${range}, ${timezone}`;
}

export function lifecycleTable(result: LifecycleResult): ResultTable {
  return {
    columns: ['period', 'new', 'returning', 'resurrecting', 'dormant', 'quickRatio', 'incomplete'],
    rows: result.periods.map((period, i) => ({
      period,
      new: result.new[i],
      returning: result.returning[i],
      resurrecting: result.resurrecting[i],
      dormant: result.dormant[i],
      quickRatio: result.quickRatio[i],
      incomplete: result.incomplete[i],
    })),
  };
}

/** The lifecycle table's columns: the users of each status per period. */
export function lifecycleColumns(): ColumnDescription {
  return {
    columns: {
      period: DATE,
      new: COUNT,
      returning: COUNT,
      resurrecting: COUNT,
      dormant: COUNT,
      quickRatio: { kind: 'value' },
      incomplete: TEXT,
    },
  };
}

/** A status' users in a period. */
export function lifecycleCellSelection(
  _result: LifecycleResult,
  row: TableRow,
  column: string,
): LifecycleSelection | null {
  return column === 'new' ||
    column === 'returning' ||
    column === 'resurrecting' ||
    column === 'dormant'
    ? { kind: 'lifecycle', period: String(row.period), status: column }
    : null;
}

const STATUS_WORDS = {
  new: 'New',
  returning: 'Returning',
  resurrecting: 'Resurrecting',
  dormant: 'Dormant',
} as const;

/** A status' users in a period. */
export function lifecycleSelectionLabel(
  select: LifecycleSelection,
  spec: LifecycleSpec | undefined,
): string {
  return `${STATUS_WORDS[select.status]} users ${periodWords(spec?.interval, select.period)}`;
}

export const lifecycleDefinition = {
  kind: 'lifecycle',
  title: 'Lifecycle',
  schema: lifecycleSpecSchema,
  meaning: lifecycleMeaning,
  table: lifecycleTable,
  columns: lifecycleColumns,
  selection: lifecycleSelectionSchema,
  cellSelection: lifecycleCellSelection,
  selectionLabel: lifecycleSelectionLabel,
} satisfies AnalysisDefinition<LifecycleSpec, LifecycleResult, LifecycleSelection>;
