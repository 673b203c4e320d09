import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, tableColumns } from '../duckdb/database';

/** Columns of `events` that are bookkeeping, not properties an analyst filters on. */
export const HIDDEN_EVENT_COLUMNS = new Set([
  'uid',
  'insert_key',
  'source_id',
  'source_file',
  'source_row',
]);
const HIDDEN_USER_COLUMNS = new Set(['uid']);

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

/** One property a spec may name: where it lives, its type, and what it can be used for. */
export interface PropertyDescriptor {
  name: string;
  source: 'event' | 'user';
  type: string;
  /** Conditions may test it (everything but whole JSON objects compares). */
  filterable: boolean;
  /** Values repeat, so results can be split by it (not a whole JSON object). */
  breakdownable: boolean;
  numeric: boolean;
}

/** What specs are checked against, read once per data generation. */
export interface Catalog {
  /** Changes whenever the data or the settings change: the key of every cache. */
  generation: string;
  events: Set<string>;
  /** Tables of the workspace (derived tables such as user_days may be missing in old ones). */
  tables: Set<string>;
  eventColumns: Map<string, string>;
  userColumns: Map<string, string>;
  properties: PropertyDescriptor[];
}

/**
 * A fingerprint of the data and settings, from catalog statistics (no scan of `events`): row
 * counts, the sources' last import, the settings row and the columns of events and users. Writes the engine makes outside an
 * import (SQL with --write) bump `writes` as well, since they may keep every count.
 */
export async function dataGeneration(c: DuckDBConnection, writes = 0): Promise<string> {
  const [row] = await queryRows(
    c,
    `SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM users) AS u,
            (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(CAST(max(imported_at) AS VARCHAR), '') FROM sources) AS s,
            (SELECT coalesce(string_agg(key || '=' || value, ';' ORDER BY key), '') FROM workbench_meta) AS m,
            (SELECT string_agg(name || ':' || type, ',' ORDER BY cid) FROM pragma_table_info('main.events')) || '/' ||
            (SELECT string_agg(name || ':' || type, ',' ORDER BY cid) FROM pragma_table_info('main.users')) AS d`,
  );
  return [row?.e, row?.u, row?.s, row?.m, row?.d, writes].map(String).join('|');
}

async function readCatalog(c: DuckDBConnection, generation: string): Promise<Catalog> {
  const events = await queryRows(c, `SELECT DISTINCT event FROM events`);
  const of = async (table: 'events' | 'users'): Promise<Map<string, string>> =>
    new Map((await tableColumns(c, table)).map((col) => [col.name, col.type]));
  const tables = await queryRows(
    c,
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()`,
  );
  const eventColumns = await of('events');
  const userColumns = await of('users');
  const describe = (
    source: 'event' | 'user',
    hidden: Set<string>,
    map: Map<string, string>,
  ): PropertyDescriptor[] =>
    [...map]
      .filter(([name]) => !hidden.has(name))
      .map(([name, type]) => ({
        name,
        source,
        type,
        filterable: true,
        breakdownable: type !== 'JSON',
        numeric: isNumericType(type),
      }));
  return {
    generation,
    events: new Set(events.map((r) => String(r.event))),
    tables: new Set(tables.map((r) => String(r.table_name))),
    eventColumns,
    userColumns,
    properties: [
      ...describe('event', HIDDEN_EVENT_COLUMNS, eventColumns),
      ...describe('user', HIDDEN_USER_COLUMNS, userColumns),
    ],
  };
}

const cached = new WeakMap<object, Catalog>();

/**
 * The catalog of `owner`'s data (the workspace), reused while its generation holds: listing
 * the distinct events of 100M rows on every call was most of a small analysis' time.
 */
export async function catalogOf(owner: object, c: DuckDBConnection, writes = 0): Promise<Catalog> {
  const generation = await dataGeneration(c, writes);
  const hit = cached.get(owner);
  if (hit?.generation === generation) return hit;
  const catalog = await readCatalog(c, generation);
  cached.set(owner, catalog);
  return catalog;
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
