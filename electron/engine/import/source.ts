import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import { queryRows, str } from '../duckdb/database';
import { literal, stringList } from '../duckdb/sql';
import type { ResolvedInputs } from './inputs';

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
  const describe = await queryRows(connection, `DESCRIBE SELECT * FROM ${from()}`);
  const columns = describe.map((r) => ({
    name: String(r.column_name),
    type: String(r.column_type),
  }));

  if (inputs.format === 'csv' && columns.length === 1) {
    const only = columns[0]?.name ?? '';
    const found = [',', ';', '\t', '|'].filter((d) => only.includes(d));
    if (found.length > 0 || options.delimiter !== undefined) {
      throw new ApiError(
        'BAD_CSV',
        `${inputs.files[0]}: the lines could not be split into columns (one column '${only.slice(0, 60)}' was found). ` +
          `The file may mix delimiters; fix it or pass the delimiter (--delimiter ';').`,
        { file: inputs.files[0], header: only.slice(0, 200) },
      );
    }
  }
  const any = await queryRows(connection, `SELECT 1 AS one FROM ${from()} LIMIT 1`);
  if (any.length === 0) {
    throw new ApiError(
      'NO_ROWS',
      `${inputs.files.join(', ')} holds no rows (only a header, or nothing). Export it again with data.`,
      { files: inputs.files },
    );
  }
  return { inputs, columns, from };
}

function tableFunction(
  inputs: ResolvedInputs,
  options: ReadOptions,
  text: readonly string[],
): string {
  const files = stringList(inputs.files);
  const many = inputs.files.length > 1;
  switch (inputs.format) {
    case 'parquet':
      return `read_parquet(${files}${many ? ', union_by_name = true' : ''})`;
    case 'json':
      // A full pass for the schema: a key first seen after the sample would otherwise be lost.
      return `read_json(${files}, format = 'auto', sample_size = -1, maximum_object_size = 268435456${many ? ', union_by_name = true' : ''})`;
    case 'csv': {
      const args = [files];
      if (many) args.push('union_by_name = true');
      if (options.delimiter !== undefined) {
        args.push(`delim = ${literal(options.delimiter === '\\t' ? '\t' : options.delimiter)}`);
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
