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
  let dialect: CsvDialect | undefined;
  const from = (text: readonly string[] = []): string =>
    dialect === undefined ? tableFunction(inputs, options, text) : sniffedCsv(dialect, text);
  let columns: FileColumn[];
  try {
    if (inputs.format === 'csv' && inputs.paths.length === 1) {
      dialect = await sniffCsv(connection, inputs, options);
      columns = dialect.columns;
    } else {
      const describe = await queryRows(connection, `DESCRIBE SELECT * FROM ${from()}`);
      columns = describe.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    }
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
 * instead starts a read (and sniffs each of several files once more: 100 ms for a 5 MB CSV, 270
 * ms for one of 1,000 columns); a file that is not so plain is asked. A file whose rows are all comments or skipped
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
      const args = [files, ...csvOptions(inputs, options)];
      if (many) args.push('union_by_name = true');
      if (text.length > 0) {
        args.push(`types = {${text.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`);
      }
      return `read_csv(${args.join(', ')})`;
    }
  }
}

/** One CSV file's dialect and columns as DuckDB's sniffer found them. */
interface CsvDialect {
  /** read_csv's arguments that fix the dialect: the file, auto_detect = false, delim, ... */
  args: string[];
  columns: FileColumn[];
}

/**
 * Sniffs a single CSV once. Every read_csv without a dialect sniffs it again (parsing a sample of
 * up to 20,480 rows under each candidate dialect: ~0.1 s for 800 rows of 5 columns, ~0.25 s for
 * 20 rows of 1,000), and an import reads the file five times; read with the sniffed dialect and
 * columns, as sniff_csv's own prompt does, it reads as auto-detection would (but for quotes, below).
 */
async function sniffCsv(
  connection: DuckDBConnection,
  inputs: ResolvedInputs,
  options: ReadOptions,
): Promise<CsvDialect> {
  const [file] = inputs.paths;
  if (file === undefined) throw new Error('no CSV file to sniff');
  const given = `sniff_csv(${[literal(file), ...csvOptions(inputs, options)].join(', ')})`;
  const [row] = await queryRows(
    connection,
    `SELECT Delimiter AS delim, Quote AS quote, Escape AS escape, NewLineDelimiter AS new_line,
            Comment AS comment, SkipRows AS skip, HasHeader AS header, DateFormat AS dateformat,
            TimestampFormat AS timestampformat,
            list_transform(Columns, c -> c.name) AS names, list_transform(Columns, c -> c.type) AS types
     FROM ${given}`,
  );
  if (row === undefined) throw new Error('sniff_csv returned no dialect');
  // The sniffer writes a character it did not find as '(empty)'.
  const char = (v: unknown): string => (v === '(empty)' || v === null ? '' : String(v));
  // A sample without a quoted field leaves the quote unset, and a later field quoted to hold a
  // comma (writers quote only then) would split its row: read '"' as the quote, as RFC 4180 and
  // read_csv without sniffing do; a stray quote inside an unquoted value still reads as itself.
  const quote = char(row.quote) === '' ? '"' : char(row.quote);
  const escape = char(row.escape) === '' ? quote : char(row.escape);
  const names = (row.names ?? []) as unknown[];
  const types = (row.types ?? []) as unknown[];
  const args = [
    literal(file),
    'auto_detect = false',
    `delim = ${literal(char(row.delim))}`,
    `quote = ${literal(quote)}`,
    `escape = ${literal(escape)}`,
    `new_line = ${literal(char(row.new_line))}`,
    `skip = ${Number(row.skip ?? 0)}`,
    `comment = ${literal(char(row.comment))}`,
    `header = ${row.header === true ? 'true' : 'false'}`,
  ];
  if (row.dateformat !== null && row.dateformat !== undefined) {
    args.push(`dateformat = ${literal(String(row.dateformat))}`);
  }
  if (row.timestampformat !== null && row.timestampformat !== undefined) {
    args.push(`timestampformat = ${literal(String(row.timestampformat))}`);
  }
  if (inputs.gzipUnnamed) args.push(`compression = 'gzip'`);
  return {
    args,
    columns: names.map((name, i) => ({ name: String(name), type: String(types[i]) })),
  };
}

/** The sniffed CSV with its columns typed as sniffed, those in `text` as VARCHAR. */
function sniffedCsv(dialect: CsvDialect, text: readonly string[]): string {
  const columns = dialect.columns.map(
    (c) => `${literal(c.name)}: ${literal(text.includes(c.name) ? 'VARCHAR' : c.type)}`,
  );
  return `read_csv(${[...dialect.args, `columns = {${columns.join(', ')}}`].join(', ')})`;
}

/** The CSV options the analyst gave, and the compression a file's name does not tell. */
function csvOptions(inputs: ResolvedInputs, options: ReadOptions): string[] {
  const args: string[] = [];
  if (options.delimiter !== undefined) {
    args.push(`delim = ${literal(delimiterChar(options.delimiter) ?? ',')}`);
  }
  if (options.header !== undefined) args.push(`header = ${literal(options.header)}`);
  if (inputs.gzipUnnamed) args.push(`compression = 'gzip'`);
  return args;
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
