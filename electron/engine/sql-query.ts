import {
  StatementType,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { ApiError } from '../../shared/api/errors';
import type { ParsedRequestOf, ResponseOf } from '../../shared/api/contract';
import { encodeArrow } from './browse/arrow-page';
import { plainValueConverter } from './duckdb/convert';
import { toApiError } from './errors';
import { tracked, type JobContext } from './jobs';
import type { Workspace } from './workspace/workspace';

/** Statements that only read. Everything else needs `write` (and a workspace open for writing). */
const READ_ONLY = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

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
  let last: DuckDBPreparedStatement;
  if (!request.write) {
    // Everything is prepared before anything runs, so a write anywhere in the script is refused
    // before the reads ahead of it run.
    const prepared = [];
    for (let i = 0; i < count; i++) prepared.push(await extracted.prepare(i));
    const writer = prepared.find((p) => !READ_ONLY.has(p.statementType));
    if (writer !== undefined) {
      throw new ApiError(
        'READ_ONLY',
        `This query changes the workspace (a ${StatementType[writer.statementType]} statement). Queries are read-only unless you allow writes (CLI: --write).`,
        { statementType: StatementType[writer.statementType] },
      );
    }
    for (const p of prepared.slice(0, -1)) await runOne(c, job, p);
    last = prepared[count - 1] as DuckDBPreparedStatement;
  } else {
    workspace.assertWritable();
    // One at a time: a statement may use a table the one before it creates.
    for (let i = 0; i < count - 1; i++) await runOne(c, job, await extracted.prepare(i));
    last = await extracted.prepare(count - 1);
  }
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
