import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Json } from '@duckdb/node-api';
import { plainValueConverter } from './convert';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, Json>;

/**
 * Nothing may reach for the network: every extension we use (parquet, json, icu) is built in.
 * The session time zone is pinned to UTC so that TIMESTAMPTZ arithmetic never depends on the
 * laptop's zone; analyses apply the workspace zone explicitly.
 */
const BASE_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

export async function openInstance(
  path: string,
  options: { readOnly?: boolean; threads?: number } = {},
): Promise<DuckDBInstance> {
  const config: Record<string, string> = { ...BASE_OPTIONS };
  if (options.readOnly) config.access_mode = 'READ_ONLY';
  if (options.threads !== undefined) config.threads = String(options.threads);
  return DuckDBInstance.create(path, config);
}

export async function connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return connection;
}

export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
  params?: Params,
): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql, params);
  const columns = reader.columnNames();
  const rows = reader.convertRows(plainValueConverter);
  return rows.map((values) => {
    const row: Row = {};
    columns.forEach((name, i) => {
      row[name] = values[i] ?? null;
    });
    return row;
  });
}

export async function queryOne(
  connection: DuckDBConnection,
  sql: string,
  params?: Params,
): Promise<Row> {
  const rows = await queryRows(connection, sql, params);
  const first = rows[0];
  if (first === undefined) throw new Error(`query returned no row: ${sql.slice(0, 80)}`);
  return first;
}

export function num(value: Json | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return 0;
}

export function str(value: Json | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
