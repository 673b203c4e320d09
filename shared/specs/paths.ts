import { z } from 'zod';
import { strictObject } from './strict';
import { type AnalysisDefinition, type TableRow } from './definition';
import { COUNT, TEXT, type ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';
import { event, describeRange } from './words';
import { dateRangeSchema, eventFilterSchema, samplingSchema } from './common';

/**
 * Paths within sessions: from a start event forward (or back from an end event, or forward from
 * each session's first event), the events step by step, shaped for a Sankey chart.
 */
export const pathsSpecSchema = strictObject(
  {
    kind: z.literal('paths'),
    version: z.literal(1).default(1),
    start: eventFilterSchema.optional(),
    end: eventFilterSchema.optional(),
    steps: z.number().int().min(1).max(10).default(5),
    /** Events left out of the paths (e.g. app_opened, page pings). */
    hide: z.array(z.string().min(1)).default([]),
    /** The most frequent events shown at each step; the rest are "(other)". */
    limit: z.number().int().min(1).max(50).default(8),
    /** Count "A, A, B" as "A, B". */
    collapseRepeats: z.boolean().default(false),
    /** The range the sessions' anchor events (start, end, or first event) fall in. */
    dateRange: dateRangeSchema,
    sample: samplingSchema.optional(),
  },
  'a paths spec',
).superRefine((p, ctx) => {
  if (p.start !== undefined && p.end !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['end'],
      message: 'give a start event or an end event, not both',
    });
  }
});
export type PathsSpec = z.infer<typeof pathsSpecSchema>;

export interface PathsResult {
  kind: 'paths';
  direction: 'forward' | 'backward';
  /** id = `${step}:${event}`; step 0 is the anchor, negative steps lead to an end event. */
  nodes: { id: string; step: number; event: string; users: number; sessions: number }[];
  links: { source: string; target: string; users: number; sessions: number }[];
  /** Sessions that had the anchor event in the range. */
  sessions: number;
  sampled: { fraction: number } | null;
}

/** Which number of a paths result to open ("the users behind it"). */
export const pathsSelectionSchema = strictObject(
  {
    kind: z.literal('paths'),
    /** The node: its step (0 = anchor, negative before an end event) and event (or "(other)"). */
    step: z.number().int().min(-10).max(10, 'a path has at most 10 steps'),
    event: z.string().min(1),
  },
  'a paths selection',
);
export type PathsSelection = z.infer<typeof pathsSelectionSchema>;

export function pathsMeaning(spec: PathsSpec, timezone: string): string {
  const range = describeRange(spec.dateRange);
  const anchor = spec.start
    ? `after ${event(spec.start)}`
    : spec.end
      ? `before ${event(spec.end)}`
      : 'from the start of each session';
  return `The ${spec.steps} events ${anchor} within sessions, top ${spec.limit} per step${spec.hide.length > 0 ? `, hiding ${spec.hide.join(', ')}` : ''}${spec.collapseRepeats ? ', repeats collapsed' : ''}, ${range}, ${timezone}`;
}

/**
 * One row per link, each end as its step and event (step 0 the anchor, negative steps before an
 * end event), the way an analyst reads and filters them, not as the chart's node ids.
 */
export function pathsTable(result: PathsResult): ResultTable {
  const nodes = new Map(result.nodes.map((n) => [n.id, n]));
  const end = (id: string): { step: number; event: string } => {
    const node = nodes.get(id);
    if (node !== undefined) return node;
    // Ids are `${step}:${event}`; an event name may itself hold a colon.
    const split = id.indexOf(':');
    return { step: Number(id.slice(0, split)), event: id.slice(split + 1) };
  };
  return {
    columns: ['fromStep', 'from', 'toStep', 'to', 'users', 'sessions'],
    rows: result.links.map((l) => {
      const from = end(l.source);
      const to = end(l.target);
      return {
        fromStep: from.step,
        from: from.event,
        toStep: to.step,
        to: to.event,
        users: l.users,
        sessions: l.sessions,
      };
    }),
  };
}

/** The paths table's columns: each link's ends as steps and events, and its users and sessions. */
export function pathsColumns(): ColumnDescription {
  return {
    columns: {
      fromStep: { kind: 'value' },
      from: TEXT,
      toStep: { kind: 'value' },
      to: TEXT,
      users: COUNT,
      sessions: COUNT,
    },
  };
}

/** Either end of a link: the users of that node (its step and event). */
export function pathsCellSelection(
  _result: PathsResult,
  row: TableRow,
  column: string,
): PathsSelection | null {
  if (column !== 'from' && column !== 'to') return null;
  return {
    kind: 'paths',
    step: Number(row[column === 'from' ? 'fromStep' : 'toStep']),
    event: String(row[column]),
  };
}

/** A node's users: at the start, at a step, or steps before the end (backward paths). */
export function pathsSelectionLabel(select: PathsSelection, spec: PathsSpec | undefined): string {
  const backward = spec?.end !== undefined;
  const at =
    select.step === 0
      ? backward
        ? 'at the end'
        : 'at the start'
      : select.step > 0
        ? `at step ${select.step}`
        : `${-select.step} step${select.step === -1 ? '' : 's'} before the end`;
  return `Users who did ${select.event} ${at}`;
}

export const pathsDefinition = {
  kind: 'paths',
  title: 'Paths',
  schema: pathsSpecSchema,
  meaning: pathsMeaning,
  table: pathsTable,
  columns: pathsColumns,
  selection: pathsSelectionSchema,
  cellSelection: pathsCellSelection,
  selectionLabel: pathsSelectionLabel,
} satisfies AnalysisDefinition<PathsSpec, PathsResult, PathsSelection>;
