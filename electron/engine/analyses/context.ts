import type { DuckDBConnection } from '@duckdb/node-api';
import type { WorkspaceSettings } from '../../../shared/api/workspace-types';
import type { Catalog } from './catalog';
import type { PlanNotes } from '../sql/notes';

export interface AnalysisContext {
  c: DuckDBConnection;
  settings: WorkspaceSettings;
  catalog: Catalog;
  /** The clock relative ranges ("last 30 days") are read against. */
  now: Date;
  /**
   * Until when the data has been observed: the clock, or the workspace's last event if that is
   * earlier (an export ends when it was taken). Periods ending later are incomplete.
   */
  observedUntil: Date;
  /** Warnings of this run (an event nobody did yet), carried by the result. */
  notes: PlanNotes;
  /** The job's cancellation, for work outside DuckDB (a scan in a worker thread). */
  signal?: AbortSignal;
}
