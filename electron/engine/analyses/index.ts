import type { DuckDBConnection } from '@duckdb/node-api';
import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { ApiError } from '../../../shared/api/errors';
import type { UserSelection, UsersBehindResult } from '../../../shared/specs/users-behind';
import { num, queryOne, queryRows, str } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { systemClock, type Clock } from '../clock';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import { isoUtc, type Workspace } from '../workspace/workspace';
import { loadCatalog } from './catalog';
import { PlanNotes } from '../sql/notes';
import type { AnalysisContext, UidQuery } from './context';
import { runEventTypes } from './event-types';
import { funnelUsers, runFunnel } from './funnel';
import { lifecycleUsers, runLifecycle } from './lifecycle';
import { pathsUsers, runPaths } from './paths';
import { retentionUsers, runRetention } from './retention';
import { runSessions } from './sessions';
import { runStickiness, stickinessUsers } from './stickiness';
import { runTrends, trendsUsers } from './trends';

export type { Clock } from '../clock';

/** The context every analysis runs in: settings, names to check specs against, the clocks. */
export async function analysisContext(
  workspace: Workspace,
  c: DuckDBConnection,
  clock: Clock,
): Promise<AnalysisContext> {
  const settings = await workspace.settings(c);
  const now = clock();
  const [last] = await queryRows(c, 'SELECT max(ts) AS last FROM events');
  const lastEvent = last?.last ? new Date(`${String(last.last).replace(' ', 'T')}Z`) : now;
  return {
    c,
    settings,
    catalog: await loadCatalog(c, workspace),
    now,
    observedUntil: lastEvent < now ? lastEvent : now,
    notes: new PlanNotes(),
  };
}

/** Runs any analysis spec on the workspace; each kind is one module beside this file. */
export async function runAnalysis(
  workspace: Workspace,
  spec: AnalysisSpec,
  job: JobContext,
  clock: Clock = systemClock,
): Promise<AnalysisResult> {
  return workspace.use(async (c) => {
    try {
      return await tracked(
        c,
        job,
        { label: `running ${spec.kind}`, start: 0, end: 1 },
        async () => {
          const ctx = await analysisContext(workspace, c, clock);
          const result = await runKind(ctx, spec);
          return { ...result, warnings: ctx.notes.warnings };
        },
      );
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    }
  });
}

function runKind(ctx: AnalysisContext, spec: AnalysisSpec): Promise<AnalysisResult> {
  const c = ctx.c;
  switch (spec.kind) {
    case 'eventTypes':
      return runEventTypes(c, spec, ctx.settings.timezone);
    case 'trends':
      return runTrends(ctx, spec);
    case 'lifecycle':
      return runLifecycle(ctx, spec);
    case 'stickiness':
      return runStickiness(ctx, spec);
    case 'funnel':
      return runFunnel(ctx, spec);
    case 'retention':
      return runRetention(ctx, spec);
    case 'sessions':
      return runSessions(ctx, spec);
    case 'paths':
      return runPaths(ctx, spec);
  }
}

export function uidQuery(
  ctx: AnalysisContext,
  spec: AnalysisSpec,
  select: UserSelection,
): Promise<UidQuery> | UidQuery {
  if (spec.kind === 'funnel' && select.kind === 'funnel') return funnelUsers(ctx, spec, select);
  if (spec.kind === 'trends' && select.kind === 'trends') return trendsUsers(ctx, spec, select);
  if (spec.kind === 'paths' && select.kind === 'paths') return pathsUsers(ctx, spec, select);
  if (spec.kind === 'retention' && select.kind === 'retention')
    return retentionUsers(ctx, spec, select);
  if (spec.kind === 'lifecycle' && select.kind === 'lifecycle')
    return lifecycleUsers(ctx, spec, select);
  if (spec.kind === 'stickiness' && select.kind === 'stickiness')
    return stickinessUsers(ctx, spec, select);
  throw new ApiError(
    'INVALID_REQUEST',
    `Users behind a number are not available for '${spec.kind}' with a '${select.kind}' selection.`,
  );
}

/**
 * The users behind one number of a result, computed by the same SQL as the number itself, so
 * the list always has exactly as many users as the number says.
 */
export async function usersBehind(
  workspace: Workspace,
  request: { spec: AnalysisSpec; select: UserSelection; limit: number },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<UsersBehindResult> {
  return workspace.use(async (c) => {
    try {
      return await tracked(c, job, { label: 'finding the users', start: 0, end: 1 }, async () => {
        const ctx = await analysisContext(workspace, c, clock);
        const query = await uidQuery(ctx, request.spec, request.select);
        const { sql, values } = SqlParams.compact(query.sql, query.params.values);
        await c.run('DROP TABLE IF EXISTS picked_users');
        await c.run(`CREATE TEMP TABLE picked_users AS ${sql}`, values);
        try {
          const total = await queryOne(c, 'SELECT count(*) AS n FROM picked_users');
          const rows = await queryRows(
            c,
            `SELECT u.user_id, u.email, u.first_seen, u.last_seen, u.event_count
             FROM users u JOIN picked_users p ON p.uid = u.uid ORDER BY u.user_id LIMIT ${Number(request.limit)}`,
          );
          return {
            total: num(total.n),
            truncated: num(total.n) > rows.length,
            users: rows.map((r) => ({
              user_id: String(r.user_id),
              email: str(r.email),
              first_seen: r.first_seen === null ? null : isoUtc(r.first_seen),
              last_seen: r.last_seen === null ? null : isoUtc(r.last_seen),
              event_count: num(r.event_count),
            })),
          };
        } finally {
          await c.run('DROP TABLE IF EXISTS picked_users');
        }
      });
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    }
  });
}
