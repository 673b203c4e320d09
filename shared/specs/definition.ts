import type { z } from 'zod';
import type { ResultTable } from './analysis-spec';

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
  /** A clicked number of the result; null for kinds without users behind their numbers. */
  selection: z.ZodType<Selection, unknown> | null;
}
