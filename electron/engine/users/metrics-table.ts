import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ArrowPage } from '../../../shared/api/browse-types';
import { ApiError } from '../../../shared/api/errors';
import type { metricsColumnFilterSchema, MetricsSpec } from '../../../shared/specs/metrics';
import { systemClock, type Clock } from '../clock';
import { num } from '../duckdb/database';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import { readPage } from '../browse/read-page';
import { analysisContext, unitsOf } from '../analyses';
import { ident, join, query, raw, render, sql, type Sql } from '../sql/fragment';
import type { Workspace } from '../workspace/workspace';

type ColumnFilter = z.infer<typeof metricsColumnFilterSchema>;

/** The columns of the per-user table besides the metrics, in the order grids and files show them. */
const FIXED = ['user_id', 'window_start', 'window_end', 'complete'];

function columnsOf(spec: MetricsSpec): string[] {
  return [...FIXED, ...spec.metrics.map((m) => m.name)];
}

function checkColumn(spec: MetricsSpec, column: string, field: string): void {
  const known = columnsOf(spec);
  if (!known.includes(column)) {
    throw new ApiError(
      'INVALID_REQUEST',
      `No column '${column}' in this metrics table; its columns are ${known.join(', ')}.`,
      { field },
    );
  }
}

function filterSql(spec: MetricsSpec, filters: readonly ColumnFilter[]): Sql {
  const parts = filters.map((f, i) => {
    checkColumn(spec, f.column, `filters.${i}.column`);
    if (FIXED.includes(f.column) && f.op !== 'is set' && f.op !== 'is not set') {
      throw new ApiError(
        'INVALID_REQUEST',
        `'${f.column}' is not a number; filter a metric column with ${f.op}.`,
        { field: `filters.${i}.column` },
      );
    }
    const column = ident(f.column);
    if (f.op === 'is set') return sql`${column} IS NOT NULL`;
    if (f.op === 'is not set') return sql`${column} IS NULL`;
    return sql`${column} ${raw(f.op === '!=' ? '<>' : f.op)} ${f.value ?? 0}`;
  });
  return parts.length === 0 ? raw('TRUE') : join(parts, ' AND ');
}

/**
 * The per-user rows as the grid and files show them: user_id first, then the table's columns.
 * Filtered outside the join, where each name is one column: a metric may be named like a column
 * of users (email, last_seen), which beside the join was an ambiguous reference.
 */
function rowsSql(spec: MetricsSpec, units: Sql, filters: readonly ColumnFilter[]): Sql {
  const metrics = join(spec.metrics.map((m) => sql`m.${ident(m.name)}`));
  return sql`SELECT * FROM (SELECT u.user_id, m.window_start, m.window_end, m.complete, ${metrics}
    FROM ${units} m JOIN users u ON u.uid = m.uid) WHERE ${filterSql(spec, filters)}`;
}

/** A page of the per-user metrics table, sorted (ties by user id) and filtered. */
export async function metricsPage(
  workspace: Workspace,
  request: {
    spec: MetricsSpec;
    sort?: { column: string; descending: boolean } | undefined;
    filters: ColumnFilter[];
    offset: number;
    limit: number;
  },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<ArrowPage> {
  const started = performance.now();
  return workspace.use(async (c) => {
    try {
      return await tracked(
        c,
        job,
        { label: 'computing the metrics', start: 0, end: 1 },
        async () => {
          const ctx = await analysisContext(workspace, c, clock, job.signal);
          const sort = request.sort;
          if (sort !== undefined) checkColumn(request.spec, sort.column, 'sort.column');
          const units = await unitsOf(workspace, ctx, request.spec);
          const rows = rowsSql(request.spec, units, request.filters);
          const [count] = await query(c, sql`SELECT count(*) AS n FROM (${rows})`);
          const order =
            sort === undefined || sort.column === 'user_id'
              ? raw(`user_id${sort?.descending === true ? ' DESC' : ''}`)
              : sql`${ident(sort.column)} ${raw(sort.descending ? 'DESC' : 'ASC')} NULLS LAST, user_id`;
          const page = render(
            sql`SELECT * FROM (${rows}) ORDER BY ${order}
              LIMIT ${raw(String(request.limit))} OFFSET ${raw(String(request.offset))}`,
          );
          return readPage(c, page.text, page.values, {
            offset: request.offset,
            total: num(count?.n),
            started,
          });
        },
      );
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    }
  });
}

function formatOf(file: string, format: 'csv' | 'parquet' | undefined): 'csv' | 'parquet' {
  if (format !== undefined) return format;
  if (/\.parquet$/i.test(file)) return 'parquet';
  if (/\.csv$/i.test(file)) return 'csv';
  throw new ApiError(
    'INVALID_REQUEST',
    `Cannot tell the format of ${path.basename(file)}: name it .csv or .parquet, or give the format.`,
    { field: 'format' },
  );
}

/**
 * The whole per-user table written to a file in user id order. Written beside the target and
 * renamed, so a failed or cancelled export never leaves half a file where the old one was.
 */
export async function exportMetrics(
  workspace: Workspace,
  request: {
    spec: MetricsSpec;
    path: string;
    format?: 'csv' | 'parquet' | undefined;
    filters: ColumnFilter[];
  },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<{ path: string; format: 'csv' | 'parquet'; rows: number }> {
  const target = path.resolve(request.path);
  const format = formatOf(target, request.format);
  const dir = path.dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ApiError('INVALID_REQUEST', `The folder ${dir} does not exist.`, { field: 'path' });
  }
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new ApiError('INVALID_REQUEST', `${target} is a folder; name a file.`, { field: 'path' });
  }
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.partial`);
  return workspace.use(async (c) => {
    try {
      return await tracked(
        c,
        job,
        { label: 'exporting the metrics', start: 0, end: 1 },
        async () => {
          const ctx = await analysisContext(workspace, c, clock, job.signal);
          const units = await unitsOf(workspace, ctx, request.spec);
          const rows = rowsSql(request.spec, units, request.filters);
          const options =
            format === 'parquet' ? raw('(FORMAT parquet)') : raw('(FORMAT csv, HEADER true)');
          try {
            // COPY takes its file as a literal, not a parameter: quoted, never spliced unescaped.
            const file = raw(`'${temp.replaceAll("'", "''")}'`);
            const copy = render(
              sql`COPY (SELECT * FROM (${rows}) ORDER BY user_id) TO ${file} ${options}`,
            );
            const result = await c.run(copy.text, copy.values);
            const written = result.rowsChanged;
            renameSync(temp, target);
            return { path: target, format, rows: written };
          } finally {
            rmSync(temp, { force: true });
          }
        },
      );
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    }
  });
}
