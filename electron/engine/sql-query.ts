import type { DuckDBConnection, DuckDBDataChunk, DuckDBPreparedStatement } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/errors';
import type { ParsedRequestOf, ResponseOf } from '../../shared/api/contract';
import { encodeArrow } from './browse/arrow-page';
import { plainValueConverter } from './duckdb/convert';
import { toApiError } from './errors';
import { tracked, type JobContext } from './jobs';
import { assertReadOnlySql, userMacros } from './sql-read-only';
import type { Workspace } from './workspace/workspace';

/**
 * The macros of each open workspace, for the read-only check. Only write SQL can define one (no
 * other code creates macros, and no other process can write the file while this one has it
 * open), so the list is kept until write SQL runs, which drops it.
 */
const macros = new WeakMap<Workspace, Promise<ReadonlySet<string>>>();

function macrosOf(workspace: Workspace, c: DuckDBConnection): Promise<ReadonlySet<string>> {
  let known = macros.get(workspace);
  if (known === undefined) {
    known = userMacros(c);
    macros.set(workspace, known);
    known.catch(() => macros.delete(workspace));
  }
  return known;
}

export async function runSql(
  workspace: Workspace,
  request: ParsedRequestOf<'sql.query'>,
  job: JobContext,
): Promise<ResponseOf<'sql.query'>> {
  const started = performance.now();
  return workspace.use(async (c) => {
    try {
      return await execute(c, workspace, request, job, started);
    } catch (error) {
      throw toApiError(error, { sql: true });
    }
  });
}

async function runOne(
  c: DuckDBConnection,
  job: JobContext,
  statement: DuckDBPreparedStatement,
): Promise<void> {
  await tracked(c, job, { label: 'running SQL', start: 0, end: 0.5 }, () => statement.run());
}

async function execute(
  c: DuckDBConnection,
  workspace: Workspace,
  request: ParsedRequestOf<'sql.query'>,
  job: JobContext,
  started: number,
): Promise<ResponseOf<'sql.query'>> {
  const extracted = await c.extractStatements(request.sql);
  if (extracted.count === 0) throw new ApiError('SQL_ERROR', 'The query holds no statement.');
  const count = extracted.count;
  if (request.write) {
    workspace.assertWritable();
    try {
      // One at a time: a statement may use a table the one before it creates.
      for (let i = 0; i < count - 1; i++) await runOne(c, job, await extracted.prepare(i));
      return await answer(c, request, job, started, await extracted.prepare(count - 1));
    } finally {
      macros.delete(workspace);
    }
  }
  // The whole script is checked from its parse tree before any statement is prepared (preparing
  // is not side-effect free), so a write anywhere in it is refused before the reads ahead of it
  // run. The READ ONLY transaction is the second line: DuckDB itself refuses any change to the
  // workspace that got past the check.
  await assertReadOnlySql(c, request.sql, count, () => macrosOf(workspace, c));
  await c.run('BEGIN TRANSACTION READ ONLY');
  try {
    for (let i = 0; i < count - 1; i++) await runOne(c, job, await extracted.prepare(i));
    return await answer(c, request, job, started, await extracted.prepare(count - 1));
  } finally {
    await c.run('ROLLBACK').catch(() => undefined);
  }
}

async function answer(
  c: DuckDBConnection,
  request: ParsedRequestOf<'sql.query'>,
  job: JobContext,
  started: number,
  last: DuckDBPreparedStatement,
): Promise<ResponseOf<'sql.query'>> {
  // Streamed, not materialised: `SELECT * FROM events` on 100M rows reads only the chunks it
  // keeps. One row more than asked tells whether the result was cut.
  const read = await tracked(c, job, { label: 'running SQL', start: 0.5, end: 1 }, async () => {
    const result = await last.stream();
    const chunks: DuckDBDataChunk[] = [];
    let count = 0;
    while (count <= request.limit) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      chunks.push(chunk);
      count += chunk.rowCount;
    }
    return { names: result.columnNames(), types: result.columnTypes(), chunks, count };
  });
  const truncated = read.count > request.limit;
  if (request.format === 'arrow') {
    const encoded = encodeArrow(read, request.limit);
    const seconds = (performance.now() - started) / 1000;
    return { columns: encoded.columns, rows: [], arrow: encoded.arrow, truncated, seconds };
  }
  const rows: Record<string, unknown>[] = [];
  for (const chunk of read.chunks) {
    for (const values of chunk.convertRows(plainValueConverter)) {
      if (rows.length === request.limit) break;
      const row: Record<string, unknown> = {};
      read.names.forEach((name, i) => {
        row[name] = values[i] ?? null;
      });
      rows.push(row);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { columns: read.names, rows, truncated, seconds };
}
