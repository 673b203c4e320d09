import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/database';
import { SCHEMA_VERSION } from './schema';

/**
 * Brings a workspace written in an older format up to SCHEMA_VERSION, in one transaction, when it
 * is opened for writing. Read-only, an older workspace is read as it is: analyses need nothing
 * that a migration adds (they break ties by rowid, and its order is already the stored order).
 */
export async function migrateSchema(c: DuckDBConnection, from: number): Promise<void> {
  if (from >= SCHEMA_VERSION) return;
  await c.run('BEGIN TRANSACTION');
  try {
    if (from < 2) await addSourceColumns(c);
    await c.run(`DELETE FROM workbench_meta WHERE key = 'schema_version'`);
    await c.run(`INSERT INTO workbench_meta VALUES ('schema_version', $1)`, [
      String(SCHEMA_VERSION),
    ]);
    await c.run('COMMIT');
  } catch (error) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Format 1 -> 2: `events` gains source_id, source_file, source_row. Which import or file a stored
 * event came from was not kept, so they are derived from the stored order: source 0, file 0, row
 * = its place in the table. Events of one user at one time keep the order they have now, and
 * events imported later follow them (their source ids are 1 and up).
 */
async function addSourceColumns(c: DuckDBConnection): Promise<void> {
  const columns = await queryRows(
    c,
    `SELECT column_name FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'events'`,
  );
  const names = new Set(columns.map((r) => String(r.column_name)));
  if (names.size === 0 || names.has('source_row')) return;
  const front = ['uid', 'ts', 'event', 'session_id', 'insert_key'].filter((n) => names.has(n));
  const rest = names.size > front.length ? `, * EXCLUDE (${front.join(', ')})` : '';
  // A plain scan keeps the table's order (preserve_insertion_order), so no sort is needed.
  await c.run(`CREATE TABLE events_next AS
    SELECT ${front.join(', ')}, CAST(0 AS INTEGER) AS source_id, CAST(0 AS INTEGER) AS source_file,
           CAST(rowid + 1 AS BIGINT) AS source_row${rest}
    FROM events`);
  await c.run('DROP TABLE events');
  await c.run('ALTER TABLE events_next RENAME TO events');
}
