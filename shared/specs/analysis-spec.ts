import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { COUNT, DATE, TEXT, type ColumnDescription } from '../format/column-kinds';
import { funnelSpecSchema, type FunnelResult } from './funnel';
import { pathsSpecSchema, type PathsResult } from './paths';
import { sessionsSpecSchema, type SessionsResult } from './sessions';
import { retentionSpecSchema, type RetentionResult } from './retention';
import { lifecycleSpecSchema, type LifecycleResult } from './lifecycle';
import { stickinessSpecSchema, type StickinessResult } from './stickiness';
import { trendsSpecSchema, type TrendsResult } from './trends';
import { metricsSpecSchema, type MetricsResult } from './metrics';
import { thresholdsSpecSchema, type ThresholdsResult } from './thresholds';

/**
 * Analysis specs: plain JSON the UI edits, the workspace saves and `workbench run` reads. They hold
 * names, enums and numbers, never SQL text, and carry a version so old saved specs stay readable.
 * Each kind is one member of the discriminated union; later analyses add members here.
 */
const isoDate = z.iso.date({ message: 'dates are written YYYY-MM-DD' });

export const eventTypesSpecSchema = strictObject(
  {
    kind: z.literal('eventTypes'),
    version: z.literal(1).default(1),
    /** Inclusive first and last day, in the workspace time zone; omitted = all time. */
    from: isoDate.optional(),
    to: isoDate.optional(),
  },
  'an eventTypes spec',
);
export type EventTypesSpec = z.infer<typeof eventTypesSpecSchema>;

export const analysisSpecSchema = z.discriminatedUnion('kind', [
  eventTypesSpecSchema,
  trendsSpecSchema,
  lifecycleSpecSchema,
  stickinessSpecSchema,
  funnelSpecSchema,
  retentionSpecSchema,
  sessionsSpecSchema,
  pathsSpecSchema,
  metricsSpecSchema,
  thresholdsSpecSchema,
]);
export type AnalysisSpec = z.infer<typeof analysisSpecSchema>;
export type AnalysisKind = AnalysisSpec['kind'];

export interface EventTypesResult {
  kind: 'eventTypes';
  timezone: string;
  from: string | null;
  to: string | null;
  rows: { event: string; events: number; users: number; firstSeen: string; lastSeen: string }[];
}

/**
 * What any result carries besides its numbers: warnings an analyst should read with them (an
 * event nobody did yet answers zeros, and says so with the nearest existing name).
 */
export interface ResultNotes {
  warnings?: string[];
}

export type AnalysisResult = ResultNotes &
  (
    | EventTypesResult
    | TrendsResult
    | LifecycleResult
    | StickinessResult
    | FunnelResult
    | RetentionResult
    | SessionsResult
    | PathsResult
    | MetricsResult
    | ThresholdsResult
  );

/** A tabular view of any result, for CSV output and grids. */
export interface ResultTable {
  columns: string[];
  rows: Record<string, unknown>[];
}

export function eventTypesTable(result: EventTypesResult): ResultTable {
  return { columns: ['event', 'events', 'users', 'firstSeen', 'lastSeen'], rows: result.rows };
}

/** Which number of an event types result to open: the users who did the event (in the range). */
export const eventTypesSelectionSchema = strictObject(
  { kind: z.literal('eventTypes'), event: z.string().min(1) },
  'an eventTypes selection',
);
export type EventTypesSelection = z.infer<typeof eventTypesSelectionSchema>;

/** The event types table's columns. */
export function eventTypesColumns(): ColumnDescription {
  return {
    columns: { event: TEXT, events: COUNT, users: COUNT, firstSeen: DATE, lastSeen: DATE },
  };
}

/** The users who did an event (in the range). */
export function eventTypesCellSelection(
  _result: EventTypesResult,
  row: TableRow,
  column: string,
): EventTypesSelection | null {
  return column === 'users' ? { kind: 'eventTypes', event: String(row.event) } : null;
}

/** The users who did an event. */
export function eventTypesSelectionLabel(select: EventTypesSelection): string {
  return `Users who did ${select.event}`;
}

export const eventTypesDefinition = {
  kind: 'eventTypes',
  title: 'Events',
  schema: eventTypesSpecSchema,
  meaning: (_spec: EventTypesSpec, timezone: string) => `Event types, ${timezone}`,
  table: eventTypesTable,
  columns: eventTypesColumns,
  selection: eventTypesSelectionSchema,
  cellSelection: eventTypesCellSelection,
  selectionLabel: eventTypesSelectionLabel,
} satisfies AnalysisDefinition<EventTypesSpec, EventTypesResult, EventTypesSelection>;
