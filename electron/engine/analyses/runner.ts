import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  AnalysisKind,
  AnalysisResult,
  AnalysisSpec,
} from '../../../shared/specs/analysis-spec';
import type { SelectionOf } from '../../../shared/specs/analyses';
import type { Sql } from '../sql/fragment';
import type { AnalysisContext } from './context';

export type SpecOf<K extends AnalysisKind> = Extract<AnalysisSpec, { kind: K }>;
export type ResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>;

/** What a runner's plan always holds: the part of it that determines the units. */
export interface PlanBase {
  /**
   * Everything the units depend on besides the data (the spec with its defaults, the resolved
   * days): with the data generation, the key the units are cached under.
   */
  unitsKey: unknown;
}

/**
 * How a kind's units come to be: one SELECT (DuckDB does the work), or rows a scan in
 * JavaScript wrote into the table itself (funnel chains, session paths).
 */
export type UnitsSource =
  { sql: Sql } | { create: (c: DuckDBConnection, table: Sql) => Promise<void> };

/**
 * One analysis kind in the engine (DESIGN.md, "Analyses"):
 * - plan: names checked, days resolved, defaults normalised, computed once and shared by the
 *   SQL and any JS scan; spec problems are thrown here, before any SQL runs;
 * - units: a per-user relation keyed by uid, materialised once per spec and data generation;
 * - summarise: the chart and grid numbers, aggregated from the units table;
 * - select: a clicked number as a predicate on the units (the users behind it).
 * Chart, grid, users behind a number, save as segment and CSV read the same units, so they
 * agree by construction.
 */
export interface Runner<K extends AnalysisKind, P extends PlanBase> {
  plan(ctx: AnalysisContext, spec: SpecOf<K>): P | Promise<P>;
  units(ctx: AnalysisContext, plan: P): UnitsSource | Promise<UnitsSource>;
  summarise(ctx: AnalysisContext, plan: P, units: Sql): Promise<ResultOf<K>>;
  /** A predicate over the units table's columns; null when the kind has no users behind it. */
  select: ((plan: P, selection: SelectionOf<K>) => Sql) | null;
  /**
   * The units are a table of the workspace itself (the per-user metrics table): stored in a
   * writable workspace's file, found again after a reopen, recomputed on new data.
   */
  storesUnits?: true;
}

/** A runner with its plan type hidden, as the registry holds it. */
export type AnyRunner<K extends AnalysisKind> = Runner<K, PlanBase>;

/** Registers a runner: its plan type stays private to its module. */
export function defineRunner<K extends AnalysisKind, P extends PlanBase>(
  runner: Runner<K, P>,
): AnyRunner<K> {
  return runner as unknown as AnyRunner<K>;
}
