import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/database';
import { execute, raw, sql, type Sql } from '../sql/fragment';
import type { UnitsSource } from './runner';

/**
 * Units live in an in-memory database attached to the workspace's instance: every connection of
 * the instance sees them, the workspace file is never written (read-only workspaces too), and
 * they vanish with the instance (a reopen starts empty).
 */
const SCHEMA = 'units_cache';

/** Units tables kept per instance; the least recently used go first. */
export const MAX_CACHED_UNITS = 24;

/**
 * Kinds whose units are the workspace's own per-user tables (the metrics table, which segments,
 * scores and exports read) are stored in the workspace file instead, in this schema, so a reopen
 * finds them; the registry beside them says which data generation each was computed on.
 */
export const STORED_SCHEMA = 'per_user';
const REGISTRY = `${STORED_SCHEMA}.stored_units`;
/** Stored tables kept per workspace; other generations' go at once (their data is gone). */
export const MAX_STORED_UNITS = 4;

interface Entry {
  table: string;
  used: number;
  ready: Promise<void>;
  /** In the workspace file: dropped by the stored tables' own rule, not the memory LRU. */
  stored: boolean;
}

interface InstanceCache {
  /** Set when the attachment was made: a reopened instance has a new one. */
  token: string;
  entries: Map<string, Entry>;
}

const caches = new WeakMap<object, InstanceCache>();
let clock = 0;

async function attached(owner: object, c: DuckDBConnection): Promise<InstanceCache> {
  const rows = await queryRows(
    c,
    `SELECT comment FROM duckdb_databases() WHERE database_name = '${SCHEMA}'`,
  );
  const known = caches.get(owner);
  const token = rows[0] === undefined ? undefined : String(rows[0].comment ?? '');
  if (known !== undefined && token === known.token) return known;
  if (token === undefined) {
    // READ_WRITE: a read-only instance would otherwise attach it read-only too (and refuse).
    await c.run(`ATTACH IF NOT EXISTS ':memory:' AS ${SCHEMA} (READ_WRITE)`);
  }
  // The attachment is new (or this owner never saw it): whatever was cached belonged to another.
  const fresh: InstanceCache = { token: token ?? '', entries: new Map() };
  caches.set(owner, fresh);
  return fresh;
}

function keyOf(kind: string, unitsKey: unknown, generation: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ kind, unitsKey, generation }))
    .digest('hex')
    .slice(0, 24);
}

/**
 * The units table of one plan, materialised on first use and reused while the data generation
 * holds. Two requests for the same units share one materialisation; a failed or cancelled one
 * leaves no table behind (CREATE TABLE ... AS is atomic) and is retried by the next request.
 */
export async function unitsTable(
  owner: object,
  c: DuckDBConnection,
  args: {
    kind: string;
    unitsKey: unknown;
    generation: string;
    source: () => UnitsSource | Promise<UnitsSource>;
    /** Keep the table in the workspace file (a writable one), where a reopen finds it. */
    store?: boolean;
  },
): Promise<Sql> {
  const cache = await attached(owner, c);
  const key = keyOf(args.kind, args.unitsKey, args.generation);
  const stored = args.store === true;
  const table = `${stored ? STORED_SCHEMA : SCHEMA}.u_${args.kind.toLowerCase()}_${key}`;
  // Off (WORKBENCH_UNITS_CACHE=off), every answer computes its units: what the bench times.
  const off = process.env.WORKBENCH_UNITS_CACHE === 'off';
  if (off) cache.entries.delete(key);
  let entry = cache.entries.get(key);
  if (entry === undefined) {
    const ready = (async () => {
      if (stored && !off && (await storedExists(c, table))) {
        await touch(c, table, args.generation);
        return;
      }
      const source = await args.source();
      const target = raw(table);
      if (stored) await c.run(`CREATE SCHEMA IF NOT EXISTS ${STORED_SCHEMA}`);
      if ('sql' in source) {
        await execute(c, sql`CREATE OR REPLACE TABLE ${target} AS ${source.sql}`);
      } else {
        await execute(c, sql`DROP TABLE IF EXISTS ${target}`);
        await source.create(c, target);
      }
      if (stored) {
        await touch(c, table, args.generation);
        await dropStale(cache, c, args.generation);
      }
    })();
    entry = { table, used: ++clock, ready, stored };
    cache.entries.set(key, entry);
    ready.catch(() => {
      if (cache.entries.get(key) === entry) cache.entries.delete(key);
    });
    await ready;
    await evict(cache, c);
  } else {
    entry.used = ++clock;
    await entry.ready;
  }
  return raw(table);
}

async function evict(cache: InstanceCache, c: DuckDBConnection): Promise<void> {
  if (cache.entries.size <= MAX_CACHED_UNITS) return;
  const oldest = [...cache.entries].sort(([, a], [, b]) => a.used - b.used);
  for (const [key, entry] of oldest.slice(0, cache.entries.size - MAX_CACHED_UNITS)) {
    cache.entries.delete(key);
    if (!entry.stored) await c.run(`DROP TABLE IF EXISTS ${entry.table}`).catch(() => undefined);
  }
}

async function storedExists(c: DuckDBConnection, table: string): Promise<boolean> {
  const name = table.slice(STORED_SCHEMA.length + 1);
  const rows = await queryRows(
    c,
    `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database()
       AND schema_name = '${STORED_SCHEMA}' AND table_name = '${name}'`,
  );
  return rows.length > 0;
}

/** Records a stored table as used now, on the generation it was computed on. */
async function touch(c: DuckDBConnection, table: string, generation: string): Promise<void> {
  await c.run(
    `CREATE TABLE IF NOT EXISTS ${REGISTRY} (name VARCHAR, generation VARCHAR, used TIMESTAMP)`,
  );
  await execute(c, sql`DELETE FROM ${raw(REGISTRY)} WHERE name = ${table}`);
  await execute(
    c,
    sql`INSERT INTO ${raw(REGISTRY)} VALUES (${table}, ${generation}, current_localtimestamp())`,
  );
}

/**
 * Drops stored tables computed on other data (recomputed when next asked for) and all but the
 * MAX_STORED_UNITS most recently used of this data's, with their registry rows.
 */
async function dropStale(
  cache: InstanceCache,
  c: DuckDBConnection,
  generation: string,
): Promise<void> {
  const rows = await queryRows(
    c,
    `SELECT name FROM (
       SELECT name, generation, row_number() OVER (ORDER BY used DESC, name) AS k FROM ${REGISTRY})
     WHERE generation <> $1 OR k > ${MAX_STORED_UNITS}`,
    [generation],
  );
  const stale = new Set(rows.map((r) => String(r.name)));
  for (const name of stale) {
    await c.run(`DROP TABLE IF EXISTS ${name}`);
    await execute(c, sql`DELETE FROM ${raw(REGISTRY)} WHERE name = ${name}`);
  }
  for (const [key, entry] of cache.entries) if (stale.has(entry.table)) cache.entries.delete(key);
}

/** How many units tables are cached for `owner` (for tests). */
export function cachedUnitsCount(owner: object): number {
  return caches.get(owner)?.entries.size ?? 0;
}
