import type { z } from 'zod';
import {
  eventTypesDefinition,
  type AnalysisKind,
  type AnalysisResult,
  type AnalysisSpec,
  type ResultTable,
} from './analysis-spec';
import type { ColumnDescription } from '../format/column-kinds';
import type { AnalysisDefinition, TableRow } from './definition';
import { funnelDefinition } from './funnel';
import { lifecycleDefinition } from './lifecycle';
import { pathsDefinition } from './paths';
import { retentionDefinition } from './retention';
import { sessionsDefinition } from './sessions';
import { stickinessDefinition } from './stickiness';
import { trendsDefinition } from './trends';
import { metricsDefinition } from './metrics';
import { thresholdsDefinition } from './thresholds';
import type { UserSelection } from './users-behind';

type SpecOf<K extends AnalysisKind> = Extract<AnalysisSpec, { kind: K }>;
type ResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>;
type SelectOf<K extends AnalysisKind> = Extract<UserSelection, { kind: K }>;

/**
 * Every kind of analysis, each by its one definition. Typed over the kind union: a kind added to
 * the spec union without a definition (or with a slot missing) does not compile.
 */
export const ANALYSES = {
  eventTypes: eventTypesDefinition,
  trends: trendsDefinition,
  lifecycle: lifecycleDefinition,
  stickiness: stickinessDefinition,
  funnel: funnelDefinition,
  retention: retentionDefinition,
  sessions: sessionsDefinition,
  paths: pathsDefinition,
  metrics: metricsDefinition,
  thresholds: thresholdsDefinition,
} satisfies { [K in AnalysisKind]: AnalysisDefinition<SpecOf<K>, ResultOf<K>, SelectOf<K>> };

export type SelectionOf<K extends AnalysisKind> =
  (typeof ANALYSES)[K]['selection'] extends z.ZodType<infer S, unknown> ? S : never;

function definitionOf<K extends AnalysisKind>(
  kind: K,
): AnalysisDefinition<SpecOf<K>, ResultOf<K>, SelectOf<K>> {
  return ANALYSES[kind] as unknown as AnalysisDefinition<SpecOf<K>, ResultOf<K>, SelectOf<K>>;
}

/**
 * Each spec's meaning in one line, so no number is ambiguous: "Users who did signed_up then
 * report_created within 14 days, any events between, entry 2024-09-01 – 2024-09-30, UTC".
 */
export function describeSpec(spec: AnalysisSpec, timezone: string): string {
  const sample =
    spec.kind !== 'eventTypes' && spec.sample !== undefined
      ? `, ${Math.round(spec.sample.fraction * 100)}% of users sampled`
      : '';
  return `${definitionOf(spec.kind).meaning(spec, timezone)}${sample}`;
}

/** Any analysis result as one table: what CSV export and grids show, column for column. */
export function resultTable(result: AnalysisResult): ResultTable {
  return definitionOf(result.kind).table(result);
}

/** What the columns of a result's table hold, by its kind; `spec` counts when it is its kind's. */
export function describeColumns(
  result: AnalysisResult,
  spec: AnalysisSpec | undefined,
  table: ResultTable,
): ColumnDescription {
  const own = spec?.kind === result.kind ? spec : undefined;
  return definitionOf(result.kind).columns(result, own, table);
}

/** The users behind one cell of a result's table, by its kind; null where there are none. */
export function cellSelection(
  result: AnalysisResult,
  row: TableRow,
  column: string,
): UserSelection | null {
  return definitionOf(result.kind).cellSelection(result, row, column);
}

export const KIND_TITLES = Object.fromEntries(
  Object.entries(ANALYSES).map(([kind, d]) => [kind, d.title]),
) as { [K in AnalysisKind]: (typeof ANALYSES)[K]['title'] };

/** The users behind a selection in words, by its kind; `spec` counts when it is that kind's. */
export function selectionLabel(select: UserSelection, spec?: AnalysisSpec): string {
  const own = spec?.kind === select.kind ? spec : undefined;
  return definitionOf(select.kind).selectionLabel(select, own);
}
