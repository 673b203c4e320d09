import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { COUNT, DATE, TEXT, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { event, filters, describeRange, periodWords } from './words';
import {
  dateRangeSchema,
  eventFilterSchema,
  INTERVALS,
  conditionNodeSchema,
  samplingSchema,
} from './common';

/**
 * Sessions (cut at import by the workspace's inactivity gap, 30 minutes by default): how many,
 * how long, how deep, and how many bounce (one event), per period of the session's start.
 */
export const sessionsSpecSchema = strictObject(
  {
    kind: z.literal('sessions'),
    version: z.literal(1).default(1),
    /** Only sessions holding such an event count; `$any` (the default) counts every session. */
    events: eventFilterSchema.default({ event: '$any', where: [] }),
    interval: z.enum(INTERVALS).default('day'),
    dateRange: dateRangeSchema,
    filters: z.array(conditionNodeSchema).default([]),
    sample: samplingSchema.optional(),
  },
  'a sessions spec',
);
export type SessionsSpec = z.infer<typeof sessionsSpecSchema>;

export interface SessionsPeriod {
  period: string;
  incomplete: boolean;
  sessions: number;
  users: number;
  sessionsPerUser: number | null;
  /** Seconds from the session's first to its last event. */
  meanDuration: number | null;
  medianDuration: number | null;
  meanEvents: number | null;
  medianEvents: number | null;
  /** Share of sessions with a single event, 0..1. */
  bounceRate: number | null;
}

export interface SessionsResult {
  kind: 'sessions';
  timezone: string;
  interval: SessionsSpec['interval'];
  sessionGapMinutes: number;
  periods: SessionsPeriod[];
  total: Omit<SessionsPeriod, 'period' | 'incomplete'>;
  /** Sessions by duration: bucket i spans [edges[i], edges[i+1]) seconds, the last is open. */
  durationEdges: number[];
  durationHistogram: number[];
  /** Sessions by events: bucket i spans [edges[i], edges[i+1]) events, the last is open. */
  eventEdges: number[];
  eventHistogram: number[];
  sampled: { fraction: number } | null;
}

/** The table's last row: every session of the range. */
export const SESSIONS_ALL_PERIODS = 'all periods';

/** What a clicked sessions number counts the users of. */
export const SESSIONS_MEASURES = ['sessions', 'users', 'bounced'] as const;

/**
 * Which number of a sessions result to open ("the users behind it"): the users who had a session
 * starting in the period (`sessions` and `users` name the same people), or who had one that
 * bounced. Without a period, every period of the range (the grid's "all periods" row).
 */
export const sessionsSelectionSchema = strictObject(
  {
    kind: z.literal('sessions'),
    period: z.string().min(1).optional(),
    measure: z.enum(SESSIONS_MEASURES),
  },
  'a sessions selection',
);
export type SessionsSelection = z.infer<typeof sessionsSelectionSchema>;

export function sessionsMeaning(spec: SessionsSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  return `Sessions with ${event(spec.events)} per ${spec.interval}${filters(spec.filters)}, ${range}, ${timezone}`;
}

export function sessionsTable(result: SessionsResult): ResultTable {
  const columns = [
    'period',
    'sessions',
    'users',
    'sessionsPerUser',
    'meanDuration',
    'medianDuration',
    'meanEvents',
    'medianEvents',
    'bounceRate',
    'incomplete',
  ];
  return {
    columns,
    rows: [
      ...result.periods,
      { period: SESSIONS_ALL_PERIODS, incomplete: false, ...result.total },
    ].map((p) => ({ ...p })),
  };
}

/** The sessions table's columns: counts, durations, means and the bounce rate. */
export function sessionsColumns(): ColumnDescription {
  return {
    columns: {
      period: DATE,
      sessions: COUNT,
      users: COUNT,
      sessionsPerUser: { kind: 'value' },
      meanDuration: { kind: 'duration' },
      medianDuration: { kind: 'duration' },
      meanEvents: { kind: 'value' },
      medianEvents: { kind: 'value' },
      bounceRate: { kind: 'percent' },
      incomplete: TEXT,
    },
  };
}

/** A period's sessions and users are the same people; its bounce rate's are those who bounced. */
export function sessionsCellSelection(
  _result: SessionsResult,
  row: TableRow,
  column: string,
): SessionsSelection | null {
  const measure =
    column === 'sessions' || column === 'users'
      ? column
      : column === 'bounceRate'
        ? 'bounced'
        : null;
  if (measure === null || Number(row.sessions) === 0) return null;
  return {
    kind: 'sessions',
    measure,
    ...(row.period === SESSIONS_ALL_PERIODS ? {} : { period: String(row.period) }),
  };
}

/** A period's users with a session (or a bounced one). */
export function sessionsSelectionLabel(
  select: SessionsSelection,
  spec: SessionsSpec | undefined,
): string {
  const when = select.period === undefined ? '' : ` ${periodWords(spec?.interval, select.period)}`;
  return select.measure === 'bounced'
    ? `Users with a bounced session${when}`
    : `Users with a session${when}`;
}

export const sessionsDefinition = {
  kind: 'sessions',
  title: 'Sessions',
  schema: sessionsSpecSchema,
  meaning: sessionsMeaning,
  table: sessionsTable,
  columns: sessionsColumns,
  selection: sessionsSelectionSchema,
  cellSelection: sessionsCellSelection,
  selectionLabel: sessionsSelectionLabel,
} satisfies AnalysisDefinition<SessionsSpec, SessionsResult, SessionsSelection>;
