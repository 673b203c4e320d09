import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/database';

/** What specs are checked against: the workspace's event names and property columns. */
export interface Catalog {
  events: Set<string>;
  /** Tables of the workspace (derived tables such as user_days may be missing in old ones). */
  tables: Set<string>;
  eventColumns: Map<string, string>;
  userColumns: Map<string, string>;
}

export async function loadCatalog(c: DuckDBConnection): Promise<Catalog> {
  const events = await queryRows(c, `SELECT DISTINCT event FROM events`);
  const columns = await queryRows(
    c,
    `SELECT table_name, column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ('events', 'users')`,
  );
  const of = (table: string): Map<string, string> =>
    new Map(
      columns
        .filter((r) => r.table_name === table)
        .map((r) => [String(r.column_name), String(r.data_type)]),
    );
  const tables = await queryRows(
    c,
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()`,
  );
  return {
    events: new Set(events.map((r) => String(r.event))),
    tables: new Set(tables.map((r) => String(r.table_name))),
    eventColumns: of('events'),
    userColumns: of('users'),
  };
}

/** Closest names first (for "did you mean"), by a cheap edit-distance-like score. */
export function closest(name: string, candidates: Iterable<string>, count = 3): string[] {
  const lower = name.toLowerCase();
  const score = (c: string): number => {
    const l = c.toLowerCase();
    if (l === lower) return 0;
    if (l.includes(lower) || lower.includes(l)) return 1;
    let common = 0;
    for (const ch of new Set(lower)) if (l.includes(ch)) common++;
    return 2 + (1 - common / Math.max(1, new Set(lower).size));
  };
  return [...candidates].sort((a, b) => score(a) - score(b) || a.localeCompare(b)).slice(0, count);
}
