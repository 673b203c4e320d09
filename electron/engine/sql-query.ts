import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/errors';
import type { ParsedRequestOf, ResponseOf } from '../../shared/api/contract';
import { arrowBase64 } from './browse/arrow-page';
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

async function execute(
  c: DuckDBConnection,
  workspace: Workspace,
  request: ParsedRequestOf<'sql.query'>,
  job: JobContext,
  started: number,
): Promise<ResponseOf<'sql.query'>> {
  const extracted = await c.extractStatements(request.sql);
  if (extracted.count === 0) throw new ApiError('SQL_ERROR', 'The query holds no statement.');
  const prepared = [];
  for (let i = 0; i < extracted.count; i++) prepared.push(await extracted.prepare(i));
  if (!request.write) {
    const writer = prepared.find((p) => !READ_ONLY.has(p.statementType));
    if (writer !== undefined) {
      throw new ApiError(
        'READ_ONLY',
        `This query changes the workspace (a ${StatementType[writer.statementType]} statement). Queries are read-only unless you allow writes (CLI: --write).`,
        { statementType: StatementType[writer.statementType] },
      );
    }
  } else {
    workspace.assertWritable();
  }
  const last = prepared.pop();
  if (last === undefined) throw new ApiError('SQL_ERROR', 'The query holds no statement.');
  for (const p of prepared)
    await tracked(c, job, { label: 'running SQL', start: 0, end: 0.5 }, () => p.run());
  // One row more than asked tells whether the result was cut.
  const reader = await tracked(c, job, { label: 'running SQL', start: 0.5, end: 1 }, () =>
    last.runAndReadUntil(request.limit + 1),
  );
  const columns = reader.columnNames();
  const values = reader.convertRows(plainValueConverter);
  const truncated = values.length > request.limit;
  const kept = values.slice(0, request.limit);
  const seconds = (performance.now() - started) / 1000;
  if (request.format === 'arrow') {
    return { columns, rows: [], arrow: arrowBase64(columns, kept), truncated, seconds };
  }
  const rows = kept.map((v) => {
    const row: Record<string, unknown> = {};
    columns.forEach((name, i) => {
      row[name] = v[i] ?? null;
    });
    return row;
  });
  return { columns, rows, truncated, seconds };
}
