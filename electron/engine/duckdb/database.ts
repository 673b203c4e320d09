import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmdirSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** What the OS, the window (Electron's renderer) and the Node heap keep, whatever DuckDB does. */
const RESERVED_FOR_THE_REST = 4 * GiB;
/** Below this an import of a few million events thrashes; small machines still get it. */
const MEMORY_FLOOR = 1 * GiB;

/**
 * DuckDB's own default is 80% of RAM, which let a 30M-event import pass 12 GB resident in a
 * minute: the laptop swaps, and the window and the Node heap starve. So DuckDB gets
 * min(half the RAM, RAM - 4 GB), at least 1 GB (but never more than half of a very small
 * machine), and spills beyond it; with 8 GB the same import completes.
 *
 * Free memory (os.freemem) is deliberately not used: on macOS it counts only untouched pages
 * (a few hundred MB on a busy laptop, with gigabytes of reclaimable cache), and it is a snapshot
 * of the moment the workspace opens. The limit is a ceiling, not a reservation: DuckDB only
 * takes what a query needs, so a generous ceiling costs nothing when the machine is busy.
 */
export function defaultMemoryLimit(totalBytes: number = os.totalmem()): number {
  const share = Math.min(totalBytes / 2, totalBytes - RESERVED_FOR_THE_REST);
  return Math.floor(Math.max(share, Math.min(MEMORY_FLOOR, totalBytes / 2)));
}

/**
 * Spilled data may take at most half of the disk's free space (DuckDB's default is 90%): the
 * import spills on the disk that also has to hold the rebuilt events table, and a full disk
 * must stay a clean "not enough space" error, not a disk the laptop cannot write to. Never less
 * than 256 MB, so a nearly full disk still lets a query spill a little.
 */
export function tempBudget(freeBytes: number): number {
  return Math.floor(Math.max(freeBytes / 2, 256 * MiB));
}

/** Free bytes for an unprivileged writer on the file system holding `dir` (or its nearest parent). */
export function freeSpace(dir: string, statfs: typeof statfsSync = statfsSync): number {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  const s = statfs(at);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Where an instance spills. A writable workspace spills beside itself (`<workspace>.tmp/`): the
 * file lock makes it the only writer, and it is the disk the analyst chose for the data. An
 * in-memory database or a read-only open spills into its own folder in the OS temp directory:
 * several readers of one workspace may be open at once and must not share (or delete) each
 * other's spill files, and a read-only workspace may sit where nothing can be written.
 */
export function tempDirectoryFor(file: string, readOnly: boolean): string {
  if (file !== ':memory:' && !readOnly) return `${file}.tmp`;
  return path.join(
    os.tmpdir(),
    `retention-workbench-${process.pid}-${randomUUID().slice(0, 8)}.tmp`,
  );
}

/** DuckDB writes its spill files under these names; only those are ever removed. */
const SPILL_FILE = /^duckdb_temp_(storage|block)/;

/**
 * Removes the spill files in `dir` and the folder itself once empty. DuckDB removes its own on
 * a clean close, but not after a crash (or when a connection outlived the instance), and the
 * files of a crashed import can be gigabytes. Only call this while no instance spills there.
 */
export function removeSpillFiles(dir: string): void {
  if (!existsSync(dir)) return;
  try {
    for (const name of readdirSync(dir)) {
      if (SPILL_FILE.test(name)) rmSync(path.join(dir, name), { force: true });
    }
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Best effort: a spill file that cannot be removed now is removed at the next open.
  }
}

/**
 * WORKBENCH_DUCKDB_THREADS: how many threads a workspace's DuckDB may use (unset or empty: every
 * core). Anything but a whole number from 1 to 256 is refused with what to write, rather than
 * passed on to DuckDB or silently ignored.
 */
export function threadsFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(
      `WORKBENCH_DUCKDB_THREADS is '${value}': write a whole number of threads from 1 to 256, or unset it to use every core.`,
    );
  }
  return n;
}

export interface InstanceOptions {
  readOnly?: boolean;
  threads?: number;
  /** Bytes DuckDB may use before spilling; default defaultMemoryLimit(). */
  memoryLimit?: number;
  /** Default tempDirectoryFor(path, readOnly). */
  tempDirectory?: string;
}

/**
 * Every instance runs with a memory limit, a known spill folder and a bound on what it spills,
 * set before any statement of ours runs. A workspace's own memory setting can only be read once
 * the instance is open; Workspace.open applies it then (setMemoryLimit).
 */
export async function openInstance(
  file: string,
  options: InstanceOptions = {},
): Promise<DuckDBInstance> {
  const readOnly = options.readOnly ?? false;
  const tempDirectory = options.tempDirectory ?? tempDirectoryFor(file, readOnly);
  const config: Record<string, string> = {
    ...BASE_OPTIONS,
    memory_limit: `${Math.floor((options.memoryLimit ?? defaultMemoryLimit()) / MiB)}MiB`,
    temp_directory: tempDirectory,
  };
  if (readOnly) config.access_mode = 'READ_ONLY';
  const threads = options.threads ?? threadsFromEnv(process.env.WORKBENCH_DUCKDB_THREADS);
  if (threads !== undefined) config.threads = String(threads);
  const instance = await DuckDBInstance.create(file, config);
  try {
    const c = await instance.connect();
    try {
      // In the config, DuckDB 1.5.5 reports this limit but does not enforce it (a 50 MB bound
      // let 210 MB spill); SET on the open instance is enforced.
      await setTempBudget(c, tempBudget(freeSpace(tempDirectory)));
    } finally {
      c.closeSync();
    }
  } catch (error) {
    instance.closeSync();
    throw error;
  }
  return instance;
}

/** Bounds what the instance behind `connection` may spill (a global setting). */
export async function setTempBudget(connection: DuckDBConnection, bytes: number): Promise<void> {
  await connection.run(
    `SET max_temp_directory_size = '${Math.max(1, Math.floor(bytes / MiB))}MiB'`,
  );
}

/** Changes the memory limit of the instance behind `connection` (a global setting). */
export async function setMemoryLimit(connection: DuckDBConnection, bytes: number): Promise<void> {
  // A whole number of MiB: the value is ours, never the analyst's text, so it is safe as SQL.
  await connection.run(`SET memory_limit = '${Math.max(1, Math.floor(bytes / MiB))}MiB'`);
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

/** A column of a workspace table, as DuckDB names its type. */
export interface TableColumn {
  name: string;
  type: string;
}

/**
 * The columns of a table of the workspace (schema main), in order. pragma_table_info reads that
 * one table; the first duckdb_columns() of an instance costs ~40 ms, since it lists every
 * catalog's columns, and every workspace opened would pay it.
 */
export async function tableColumns(
  connection: DuckDBConnection,
  table: 'events' | 'users',
): Promise<TableColumn[]> {
  const rows = await queryRows(connection, `SELECT name, type FROM pragma_table_info($1)`, [
    `main.${table}`,
  ]);
  return rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
}

export function num(value: Json | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return 0;
}

export function str(value: Json | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
