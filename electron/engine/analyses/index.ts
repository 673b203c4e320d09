import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  AnalysisKind,
  AnalysisResult,
  AnalysisSpec,
} from '../../../shared/specs/analysis-spec';
import { ApiError } from '../../../shared/api/errors';
import type { UserSelection, UsersBehindResult } from '../../../shared/specs/users-behind';
import { num, queryOne, queryRows, str } from '../duckdb/database';
import { systemClock, type Clock } from '../clock';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import { isoUtc, type Workspace } from '../workspace/workspace';
import { loadCatalog } from './catalog';
import { PlanNotes } from '../sql/notes';
import { render, sql, type Rendered, type Sql } from '../sql/fragment';
import type { AnyRunner, PlanBase, SpecOf } from './runner';
import { unitsTable } from './units-cache';
import { segmentDigests } from '../segments/segment-refs';
import { segmentsOfSpec } from '../../../shared/specs/common';
import type { AnalysisContext } from './context';
import { eventTypesRunner } from './eventTypes/runner';
import { funnelRunner } from './funnel/runner';
import { lifecycleRunner } from './lifecycle/runner';
import { pathsRunner } from './paths/runner';
import { retentionRunner } from './retention/runner';
import { sessionsRunner } from './sessions/runner';
import { stickinessRunner } from './stickiness/runner';
import { trendsRunner } from './trends/runner';
import { metricsRunner } from './metrics/runner';
import { thresholdsRunner } from './thresholds/runner';

export type { Clock } from '../clock';

/** The context every analysis runs in: settings, names to check specs against, the clocks. */
export async function analysisContext(
  workspace: Workspace,
  c: DuckDBConnection,
  clock: Clock,
  signal?: AbortSignal,
): Promise<AnalysisContext> {
  const settings = await workspace.settings(c);
  const now = clock();
  const observed = await observedThrough(c, settings.timezone);
  return {
    c,
    settings,
    catalog: await loadCatalog(c, workspace),
    now,
    observedUntil: observed !== null && observed < now ? observed : now,
    notes: new PlanNotes(),
    signal,
  };
}

/**
 * Work on the workspace in an analysis context, as one tracked job: progress under `label`,
 * cancellation, engine errors made API errors. `cleanup` runs on the same connection after it,
 * whatever happened (temp tables the work made).
 */
export async function inAnalysisContext<T>(
  workspace: Workspace,
  job: JobContext,
  clock: Clock,
  label: string,
  work: (ctx: AnalysisContext) => Promise<T>,
  cleanup: readonly string[] = [],
): Promise<T> {
  return workspace.use(async (c) => {
    try {
      return await tracked(c, job, { label, start: 0, end: 1 }, async () =>
        work(await analysisContext(workspace, c, clock, job.signal)),
      );
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    } finally {
      for (const table of cleanup)
        await c.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    }
  });
}

/**
 * Until when the data was observed: its last event. An export of dates without times (CDNOW's
 * purchases, a daily warehouse extract) puts every event at midnight: its last day was observed
 * whole, so its periods end complete rather than blanked as if the day had just begun.
 */
async function observedThrough(c: DuckDBConnection, timezone: string): Promise<Date | null> {
  const [row] = await queryRows(
    c,
    `SELECT epoch_ms(max(ts)) AS last,
            strftime(timezone($1, timezone('UTC', max(ts))), '%H:%M:%S.%f') = '00:00:00.000000' AS at_midnight,
            epoch_ms(timezone('UTC', timezone($1, CAST(CAST(timezone($1, timezone('UTC', max(ts))) AS DATE) + 1 AS TIMESTAMP)))) AS day_end
     FROM events`,
    [timezone],
  );
  if (row?.last === null || row?.last === undefined) return null;
  return new Date(Number(row.at_midnight === true ? row.day_end : row.last));
}

/** The engine runner of each kind: typed over the kinds, so a kind without one does not compile. */
const RUNNERS: { [K in AnalysisKind]: AnyRunner<K> } = {
  eventTypes: eventTypesRunner,
  lifecycle: lifecycleRunner,
  funnel: funnelRunner,
  paths: pathsRunner,
  sessions: sessionsRunner,
  retention: retentionRunner,
  trends: trendsRunner,
  stickiness: stickinessRunner,
  metrics: metricsRunner,
  thresholds: thresholdsRunner,
};

function runnerOf<K extends AnalysisKind>(kind: K): AnyRunner<K> {
  return RUNNERS[kind] as AnyRunner<K>;
}

/** A spec planned and its units materialised (or found): what every reader of it starts from. */
async function prepare<K extends AnalysisKind>(
  workspace: Workspace,
  ctx: AnalysisContext,
  runner: AnyRunner<K>,
  spec: SpecOf<K>,
): Promise<{ plan: PlanBase; units: Sql }> {
  const plan = await runner.plan(ctx, spec);
  // Segment filters read members the data generation does not see: their digests key the units.
  const segments = await segmentDigests(ctx, segmentsOfSpec(spec));
  const units = await unitsTable(workspace, ctx.c, {
    kind: spec.kind,
    unitsKey: segments.length === 0 ? plan.unitsKey : { plan: plan.unitsKey, segments },
    generation: ctx.catalog.generation,
    source: () => runner.units(ctx, plan),
    store: runner.storesUnits === true && !workspace.readOnly,
  });
  return { plan, units };
}

/**
 * The units table of a spec, materialised or found: what readers of a kind's per-user rows
 * (the metrics grid, its exports, thresholds) start from, with the plan's warnings in ctx.notes.
 */
export async function unitsOf(
  workspace: Workspace,
  ctx: AnalysisContext,
  spec: AnalysisSpec,
): Promise<Sql> {
  return (await prepare(workspace, ctx, runnerOf(spec.kind), spec)).units;
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
          const ctx = await analysisContext(workspace, c, clock, job.signal);
          const runner = runnerOf(spec.kind);
          const { plan, units } = await prepare(workspace, ctx, runner, spec);
          const result: AnalysisResult = await runner.summarise(ctx, plan, units);
          return { ...result, warnings: ctx.notes.warnings };
        },
      );
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    }
  });
}

/** The uids behind one number, as one statement and its values. */
export async function uidQuery(
  workspace: Workspace,
  ctx: AnalysisContext,
  spec: AnalysisSpec,
  select: UserSelection,
): Promise<Rendered> {
  return render(await uidsSql(workspace, ctx, spec, select));
}

/** The uids behind one number, as a SELECT of `uid` to read inside a larger statement. */
export async function uidsSql(
  workspace: Workspace,
  ctx: AnalysisContext,
  spec: AnalysisSpec,
  select: UserSelection,
): Promise<Sql> {
  const runner = runnerOf(spec.kind);
  if (runner.select === null || select.kind !== spec.kind) {
    throw new ApiError(
      'INVALID_REQUEST',
      `Users behind a number are not available for '${spec.kind}' with a '${select.kind}' selection.`,
    );
  }
  const { plan, units } = await prepare(workspace, ctx, runner, spec);
  const predicate = (runner.select as (p: PlanBase, s: UserSelection) => Sql)(plan, select);
  return sql`SELECT DISTINCT uid FROM ${units} WHERE ${predicate}`;
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
        const ctx = await analysisContext(workspace, c, clock, job.signal);
        const { text, values } = await uidQuery(workspace, ctx, request.spec, request.select);
        await c.run('DROP TABLE IF EXISTS picked_users');
        await c.run(`CREATE TEMP TABLE picked_users AS ${text}`, values);
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
