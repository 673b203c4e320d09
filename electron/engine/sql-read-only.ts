import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/errors';
import { queryRows } from './duckdb/database';

/**
 * The check that read-only SQL only reads the workspace, made on DuckDB's parse tree alone.
 *
 * Nothing is prepared before the check passes: binding is not side-effect free (binding
 * `EXPORT DATABASE 'dir'` creates `dir`, and `EXPLAIN ANALYZE <statement>` reports itself as an
 * EXPLAIN but runs its statement). `json_serialize_sql()` parses with DuckDB's own parser and
 * serialises SELECT statements only, so a script it accepts holds nothing but queries
 * (SELECT, WITH, VALUES, FROM-first, TABLE, DESCRIBE, SHOW, SUMMARIZE: the parser turns the
 * last three into SELECTs). A plain `EXPLAIN` is accepted when it is the script's only
 * statement and what follows the keyword is itself such a query.
 *
 * A query can still reach outside the workspace through table functions (`read_csv`, `glob`,
 * `query`, `read_duckdb`, `checkpoint`), through a table name DuckDB resolves as a file
 * (`FROM 'x.csv'`, `FROM x.csv`: replacement scans), or through a view or macro whose SQL was
 * written with write access. All three are checked on the tree. The caller also runs the
 * statements in a READ ONLY transaction, so a write that got past this check is refused by
 * DuckDB itself.
 */
export async function assertReadOnlySql(
  c: DuckDBConnection,
  sql: string,
  count: number,
  macros: () => Promise<ReadonlySet<string>> = () => userMacros(c),
): Promise<void> {
  const statements = await readStatements(c, sql, count);
  const found = collect(statements);
  checkFunctions(found);
  checkShows(found);
  if (found.calls.size > 0) checkMacros(found, await macros());
  if (found.tables.length > 0) await checkTables(c, found);
}

/**
 * The names of the macros defined in the workspace (lower case). A macro shadows a built-in of
 * the same name (`CREATE MACRO range(x) AS TABLE ...` replaces range()), so any call may be one.
 * duckdb_functions() lists every built-in too: ~70 ms, hence the caller's cache.
 */
export async function userMacros(c: DuckDBConnection): Promise<ReadonlySet<string>> {
  const rows = await queryRows(
    c,
    `SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE NOT internal`,
  );
  return new Set(rows.map((r) => String(r.name)));
}

/** Table functions that only compute or read DuckDB's own catalog. Any other is refused. */
const SAFE_TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'summary',
  'pg_timezone_names',
  'icu_calendar_names',
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_extensions',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_memory',
  'duckdb_optimizers',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_temporary_files',
  'duckdb_types',
  'duckdb_variables',
  'duckdb_views',
  // These take a table name but look it up in the catalog only (no replacement scan).
  'pragma_table_info',
  'pragma_show',
  'pragma_storage_info',
  'pragma_metadata_info',
  'pragma_database_size',
  'pragma_collations',
  'pragma_version',
  'pragma_platform',
  'pragma_user_agent',
  'test_all_types',
  'test_vector_types',
  'sql_auto_complete',
]);

/** SHOW forms that list the catalog; `SHOW <name>` parses into a DESCRIBE of a table ref. */
const SAFE_SHOWS = new Set([
  '"tables"',
  '"databases"',
  '"schemas"',
  '"variables"',
  '__show_tables_expanded',
]);

/** Characters of a table name DuckDB may resolve as a path, a glob or a URL. */
const PATH_LIKE = /[./\\:*?~]/;

interface TableRef {
  catalog: string;
  schema: string;
  name: string;
}

interface Found {
  tableFunctions: { name: string; schema: string; catalog: string }[];
  /** Every function name the query calls (scalar, aggregate, window, table), lower case. */
  calls: Set<string>;
  tables: TableRef[];
  shows: string[];
}

type SerializeResult =
  { ok: true; statements: unknown[] } | { ok: false; notQuery: boolean; message: string };

async function serialize(c: DuckDBConnection, sql: string): Promise<SerializeResult> {
  // The text travels as a bound value: it is parsed by json_serialize_sql, never run.
  const [row] = await queryRows(c, 'SELECT json_serialize_sql($1::VARCHAR) AS j', [sql]);
  const parsed = JSON.parse(String(row?.j)) as {
    error: boolean;
    error_type?: string;
    error_message?: string;
    statements?: unknown[];
  };
  if (!parsed.error && Array.isArray(parsed.statements)) {
    return { ok: true, statements: parsed.statements };
  }
  return {
    ok: false,
    notQuery: parsed.error_type === 'not implemented',
    message: parsed.error_message ?? 'unreadable',
  };
}

/**
 * `EXPLAIN` then whitespace at the start, after whitespace and `--` line comments only. A line
 * comment must end in `\n` or `\r\n`, where every SQL lexer ends it; block comments (which nest
 * in DuckDB) are not skipped. Where this reading and DuckDB's could differ, it does not match and
 * the script is refused, so no comment can hide the statement DuckDB would really run.
 */
const LEADING_EXPLAIN = /^(?:[ \t\r\n]|--[^\n\r]*\r?\n)*explain[ \t\r\n]+/i;

async function readStatements(c: DuckDBConnection, sql: string, count: number): Promise<unknown[]> {
  const whole = await serialize(c, sql);
  if (whole.ok && whole.statements.length === count) return whole.statements;
  const explain = LEADING_EXPLAIN.exec(sql);
  if (explain !== null && count === 1) {
    // After the keyword and whitespace DuckDB's lexer starts afresh, so the script is exactly
    // `EXPLAIN <rest>`. `rest` is a query only when it is not `ANALYZE ...`, `(ANALYZE) ...`
    // or any other statement.
    const inner = await serialize(c, sql.slice(explain[0].length));
    if (inner.ok && inner.statements.length === 1) return inner.statements;
  }
  throw await refusedStatement(c, sql);
}

/** Names the first statement that is not a query, for the message only (the check is above). */
async function refusedStatement(c: DuckDBConnection, sql: string): Promise<ApiError> {
  let statement = 'non-query';
  for (const piece of splitStatements(sql)) {
    const result = await serialize(c, piece);
    if (result.ok) continue;
    statement = keywordsOf(piece);
    break;
  }
  const explainAnalyze = /^EXPLAIN ANALY[SZ]E/.test(statement);
  return new ApiError(
    'READ_ONLY',
    explainAnalyze
      ? `EXPLAIN ANALYZE runs the statement it explains, so read-only SQL does not run it. Use EXPLAIN for the plan of a query, or allow writes (CLI: --write) to profile it.`
      : `This is not a read-only query (${statement === 'non-query' ? 'a statement' : `a ${statement} statement`}): read-only SQL runs SELECT, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE and a single EXPLAIN. Allow writes (CLI: --write) to change the workspace or reach files.`,
    { reason: 'statement', statement },
  );
}

function keywordsOf(piece: string): string {
  const words = piece
    .replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '')
    .split(/[^A-Za-z_]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
  const [first = 'non-query', second] = words;
  const pairs = new Set(['EXPLAIN', 'EXPORT', 'IMPORT', 'CREATE', 'DROP', 'ALTER']);
  return pairs.has(first) && second !== undefined ? `${first} ${second}` : first;
}

/**
 * Splits a script at semicolons outside quotes, comments and dollar quotes. Used only to name a
 * refused statement: a wrong split changes a message, never what is allowed.
 */
export function splitStatements(sql: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0];
      const end = tag === undefined ? -1 : sql.indexOf(tag, i + tag.length);
      i = tag === undefined ? i + 1 : end === -1 ? sql.length : end + tag.length;
    } else if (ch === ';') {
      pieces.push(sql.slice(start, i));
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  pieces.push(sql.slice(start));
  return pieces.filter((p) => p.replace(/(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)/g, '') !== '');
}

/** Walks the whole tree: every node kind, so a table ref inside an expression is found too. */
function collect(statements: unknown[]): Found {
  const found: Found = {
    tableFunctions: [],
    calls: new Set(),
    tables: [],
    shows: [],
  };
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (typeof n.function_name === 'string') found.calls.add(n.function_name.toLowerCase());
    if (n.type === 'TABLE_FUNCTION') {
      const f = (n.function ?? {}) as Record<string, unknown>;
      found.tableFunctions.push({
        name: text(f.function_name).toLowerCase(),
        schema: text(f.schema).toLowerCase(),
        catalog: text(f.catalog).toLowerCase(),
      });
    } else if (n.type === 'BASE_TABLE') {
      found.tables.push({
        catalog: text(n.catalog_name),
        schema: text(n.schema_name),
        name: text(n.table_name),
      });
    } else if (n.type === 'SHOW_REF' && text(n.table_name) !== '') {
      found.shows.push(text(n.table_name));
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(statements);
  return found;
}

function checkFunctions(found: Found): void {
  for (const f of found.tableFunctions) {
    const qualified =
      ['', 'main', 'pg_catalog'].includes(f.schema) && ['', 'system'].includes(f.catalog);
    if (SAFE_TABLE_FUNCTIONS.has(f.name) && qualified) continue;
    const name = f.name === '' ? 'this table function' : `${f.name}()`;
    throw new ApiError(
      'READ_ONLY',
      `Read-only SQL reads the workspace's tables only, so it does not run ${name} (it can read files or change DuckDB's state). Import the file into the workspace first, or allow writes (CLI: --write).`,
      { reason: 'function', function: f.name },
    );
  }
}

function checkShows(found: Found): void {
  const show = found.shows.find((s) => !SAFE_SHOWS.has(s));
  if (show === undefined) return;
  throw new ApiError('READ_ONLY', `Read-only SQL does not run SHOW ${show}.`, {
    reason: 'statement',
    statement: `SHOW ${show}`,
  });
}

interface CatalogEntry {
  database: string;
  schema: string;
  name: string;
  userView: boolean;
}

function checkMacros(found: Found, macros: ReadonlySet<string>): void {
  const macro = [...found.calls].find((name) => macros.has(name));
  if (macro === undefined) return;
  throw new ApiError(
    'READ_ONLY',
    `${macro} is a macro defined in the workspace; read-only SQL does not run macros, whose SQL is not checked. Write its expression into the query, or allow writes (CLI: --write).`,
    { reason: 'macro', function: macro },
  );
}

async function checkTables(c: DuckDBConnection, found: Found): Promise<void> {
  const entries: CatalogEntry[] = (
    await queryRows(
      c,
      `SELECT database_name AS d, schema_name AS s, table_name AS n, false AS v FROM duckdb_tables()
       UNION ALL
       SELECT database_name, schema_name, view_name, NOT internal FROM duckdb_views()`,
    )
  ).map((r) => ({
    database: String(r.d).toLowerCase(),
    schema: String(r.s).toLowerCase(),
    name: String(r.n).toLowerCase(),
    userView: r.v === true,
  }));
  for (const ref of found.tables) checkTable(ref, entries);
}

/** The catalog entries a reference may bind to, by DuckDB's rules, ignoring case. */
function candidates(ref: TableRef, entries: CatalogEntry[]): CatalogEntry[] {
  const [catalog, schema, name] = [ref.catalog, ref.schema, ref.name].map((s) => s.toLowerCase());
  return entries.filter((e) => {
    if (e.name !== name) return false;
    if (catalog !== '') return e.database === catalog && e.schema === schema;
    if (schema !== '') return e.schema === schema || (e.database === schema && e.schema === 'main');
    return true;
  });
}

function checkTable(ref: TableRef, entries: CatalogEntry[]): void {
  const shown = [ref.catalog, ref.schema, ref.name].filter((s) => s !== '').join('.');
  const matches = candidates(ref, entries);
  if (matches.some((e) => e.userView)) {
    throw new ApiError(
      'READ_ONLY',
      `${shown} is a view defined in the workspace; read-only SQL does not run views, whose SQL is not checked. Query its SELECT directly, or allow writes (CLI: --write).`,
      { reason: 'view', table: shown },
    );
  }
  if (matches.length > 0) return;
  // Replacement scans take a name for a file by its extension or path, so a plain name without
  // path characters binds to a CTE or a table, or fails as a missing table. Anything else that
  // is not in the catalog (`'x.csv'`, `x.csv`, a path-like CTE name used out of its scope) is
  // refused.
  if (ref.catalog === '' && ref.schema === '' && !PATH_LIKE.test(ref.name)) return;
  throw new ApiError(
    'READ_ONLY',
    `${shown} is not a table of the workspace, and read-only SQL does not read files. Import the file into the workspace first, or allow writes (CLI: --write).`,
    { reason: 'file', table: shown },
  );
}
