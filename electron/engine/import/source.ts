import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import { queryRows, str } from '../duckdb/database';
import { literal, stringList } from '../duckdb/sql';
import { diagnoseCsv } from './csv-diagnosis';
import { readHead, type ResolvedInputs } from './inputs';

export interface FileColumn {
  name: string;
  /** DuckDB's type as text: 'VARCHAR', 'BIGINT', 'STRUCT("time" BIGINT, ...)'. */
  type: string;
}

export interface ReadOptions {
  delimiter?: string;
  header?: boolean;
}

/** The import's files as one DuckDB table function, with the columns DuckDB sees in them. */
export interface SourceTable {
  inputs: ResolvedInputs;
  columns: FileColumn[];
  /** The FROM clause. CSV columns listed in `text` are read as VARCHAR so ids keep every digit. */
  from(text?: readonly string[]): string;
}

export async function openSource(
  connection: DuckDBConnection,
  inputs: ResolvedInputs,
  options: ReadOptions,
): Promise<SourceTable> {
  const from = (text: readonly string[] = []): string => tableFunction(inputs, options, text);
  let columns: FileColumn[];
  try {
    const describe = await queryRows(connection, `DESCRIBE SELECT * FROM ${from()}`);
    columns = describe.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (error) {
    const raw = error instanceof Error ? error.message : '';
    if (inputs.format === 'csv' && /sniffing file|detect the CSV parsing dialect/.test(raw)) {
      throw await diagnoseCsv(
        inputs.paths[0] ?? '',
        delimiterChar(options.delimiter),
        inputs.files[0],
      );
    }
    throw error;
  }
  // A delimiter inside a column name means the lines were split on the wrong character.
  const split = columns.some((c) => [',', ';', '\t', '|'].some((d) => c.name.includes(d)));
  if (inputs.format === 'csv' && split) {
    throw await diagnoseCsv(
      inputs.paths[0] ?? '',
      delimiterChar(options.delimiter),
      inputs.files[0],
    );
  }
  const any = (await plainlyHasRows(inputs, options))
    ? [{ one: 1 }]
    : await queryRows(connection, `SELECT 1 AS one FROM ${from()} LIMIT 1`);
  if (any.length === 0) {
    throw new ApiError(
      'NO_ROWS',
      `${inputs.files.join(', ')} holds no rows (only a header, or nothing). Export it again with data.`,
      { files: inputs.files },
    );
  }
  return { inputs, columns, from };
}

/**
 * Whether a CSV plainly holds a row: a one-line header (no quotes that could carry it over
 * several lines) followed by a line that is not blank, in its first 64 KiB. Asking DuckDB
 * instead sniffs the file's dialect once more (100 ms for a 5 MB CSV, 270 ms for one of 1,000
 * columns); a file that is not so plain is asked. A file whose rows are all comments or skipped
 * lines then meets NO_ROWS when its rows are checked, as any file without events does.
 */
async function plainlyHasRows(inputs: ResolvedInputs, options: ReadOptions): Promise<boolean> {
  const file = inputs.paths[0];
  if (inputs.format !== 'csv' || options.header === false || file === undefined) return false;
  const head = await readHead(file).catch(() => undefined);
  if (head === undefined) return false;
  const [header, ...rest] = head.text.split(/\r?\n/);
  return (
    header !== undefined &&
    header.trim() !== '' &&
    !header.includes('"') &&
    rest.some((line) => line.trim() !== '')
  );
}

function tableFunction(
  inputs: ResolvedInputs,
  options: ReadOptions,
  text: readonly string[],
): string {
  const files = stringList(inputs.paths);
  const many = inputs.paths.length > 1;
  switch (inputs.format) {
    case 'parquet':
      return `read_parquet(${files}${many ? ', union_by_name = true' : ''})`;
    case 'json':
      // A full pass for the schema: a key first seen after the sample would otherwise be lost.
      // Types are inferred 16 levels deep and deeper values kept as JSON text: inferring them all
      // took 4 GB for one line nested 5,000 levels (guards.ts refuses deeper than 1,000).
      return `read_json(${files}, format = 'auto', sample_size = -1, maximum_depth = 16, maximum_object_size = 268435456${many ? ', union_by_name = true' : ''})`;
    case 'csv': {
      const args = [files];
      if (many) args.push('union_by_name = true');
      if (options.delimiter !== undefined) {
        args.push(`delim = ${literal(delimiterChar(options.delimiter) ?? ',')}`);
      }
      if (options.header !== undefined) args.push(`header = ${literal(options.header)}`);
      if (inputs.gzipUnnamed) args.push(`compression = 'gzip'`);
      if (text.length > 0) {
        args.push(`types = {${text.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`);
      }
      return `read_csv(${args.join(', ')})`;
    }
  }
}

/** `\t` as typed on a command line means a tab. */
function delimiterChar(delimiter: string | undefined): string | undefined {
  return delimiter === '\\t' ? '\t' : delimiter;
}

/** Top-level fields of a STRUCT type string, with their types; [] for any other type. */
export function structFields(type: string): FileColumn[] {
  const match = /^STRUCT\((.*)\)$/s.exec(type.trim());
  if (match === null || match[1] === undefined) return [];
  return splitTopLevel(match[1]).map((part) => {
    const field = /^\s*("(?:[^"]|"")*"|[^\s]+)\s+(.*)$/s.exec(part);
    if (field === null || field[1] === undefined || field[2] === undefined) {
      return { name: part.trim(), type: 'VARCHAR' };
    }
    const raw = field[1];
    const name = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw;
    return { name, type: field[2].trim() };
  });
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.slice(start).trim() !== '') parts.push(text.slice(start));
  return parts;
}

export function isNestedType(type: string): 'struct' | 'map' | 'json' | 'list' | null {
  if (type.startsWith('STRUCT(')) return 'struct';
  if (type.startsWith('MAP(')) return 'map';
  if (type === 'JSON') return 'json';
  if (type.endsWith('[]')) return 'list';
  return null;
}

export async function columnNamesOf(connection: DuckDBConnection, sql: string): Promise<string[]> {
  const rows = await queryRows(connection, `DESCRIBE ${sql}`);
  return rows.map((r) => str(r.column_name) ?? '');
}
