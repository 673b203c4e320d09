import type { z } from 'zod';
import type { ColumnDescription } from '../format/column-kinds';
import type { ResultTable } from './analysis-spec';

/** A row of a result's table as a grid shows it: its cells, and its index in the table. */
export type TableRow = Record<string, unknown> & { __row: number };

/**
 * Everything shared/ knows about one kind of analysis, in one place: its strict schema (whose
 * defaults `parse` fills: no second copy anywhere), its meaning line, its result as one table
 * (CSV, grids, `workbench run`), and what selects "the users behind a number" of it. Each kind
 * exports one; shared/specs/analyses.ts registers them in a record typed over the kind union.
 */
export interface AnalysisDefinition<Spec extends { kind: string }, Result, Selection> {
  kind: Spec['kind'];
  /** The view's name in the rail. */
  title: string;
  schema: z.ZodType<Spec, unknown>;
  /** The spec in one line, so no number is ambiguous. */
  meaning: (spec: Spec, timezone: string) => string;
  table: (result: Result) => ResultTable;
  /**
   * What the table's columns hold (counts, shares, durations...) and how they are headed; the
   * spec, when known, tells what the result alone does not (a trend series' measure).
   */
  columns: (result: Result, spec: Spec | undefined, table: ResultTable) => ColumnDescription;
  /** A clicked number of the result; null for kinds without users behind their numbers. */
  selection: z.ZodType<Selection, unknown> | null;
  /**
   * The users behind one cell of the table (column by its id), as behind the same number in
   * the chart; null for cells that are not a count of users (labels, ratios, means).
   */
  cellSelection: (result: Result, row: TableRow, column: string) => Selection | null;
  /**
   * The users behind a selection in words, for the users panel's title and a segment's default
   * name: who they are in the spec's terms ("Users active 2 days per week"), never the engine's.
   */
  selectionLabel: (select: Selection, spec: Spec | undefined) => string;
}

/** A row's breakdown group as a selection carries it (none for the ungrouped rows). */
export function rowBreakdown(row: TableRow): { breakdown?: string } {
  return typeof row.breakdown === 'string' && row.breakdown !== ''
    ? { breakdown: row.breakdown }
    : {};
}
