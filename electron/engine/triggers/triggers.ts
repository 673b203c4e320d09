import { ApiError } from '../../../shared/api/errors';
import { addDays } from '../../../shared/calendar/local-days';
import {
  CAME_BACK_DAYS,
  MAX_BACKTEST_DAYS,
  STALE_HOURS,
  type TriggerBacktestResult,
  type TriggerFire,
  type TriggerRunResult,
  type TriggerSpec,
} from '../../../shared/specs/trigger';
import { inAnalysisContext } from '../analyses';
import type { AnalysisContext } from '../analyses/context';
import { systemClock, type Clock } from '../clock';
import { num } from '../duckdb/database';
import type { JobContext } from '../jobs';
import { dayStartUtc, instant, observedDay, toLocal } from '../sql/calendar';
import { execute, ident, join, query, raw, sql, type Sql } from '../sql/fragment';
import { isoUtc, type Workspace } from '../workspace/workspace';
import { segmentDaysInto } from '../segments/dynamic-segments';
import { daysBetween, keptFiresSql } from './fire-sql';

/** Days a segment trigger looks back to find when the current members entered. */
const SEGMENT_LOOKBACK_DAYS = 30;
const SEGMENT_DAYS = 'trigger_segment_days';
const CURRENT = 'trigger_current';

function withRecursive(ctes: readonly [string, Sql][], body: Sql): Sql {
  return sql`WITH RECURSIVE ${join(
    ctes.map(([name, q]) => sql`${ident(name)} AS (${q})`),
    ',\n',
  )}\n${body}`;
}

/** A trigger's work in an analysis context, its temp tables dropped afterwards. */
function inContext<T>(
  workspace: Workspace,
  job: JobContext,
  clock: Clock,
  label: string,
  work: (ctx: AnalysisContext) => Promise<T>,
): Promise<T> {
  return inAnalysisContext(workspace, job, clock, label, work, [SEGMENT_DAYS, CURRENT]);
}

/** The kept fires of a spec up to the end of `toDay`, its days of segment membership written first. */
async function keptCtes(
  workspace: Workspace,
  ctx: AnalysisContext,
  spec: TriggerSpec,
  fromDay: string,
  toDay: string,
  /** Only fires from `fromDay` on are read (a backtest): the passes may start near it. */
  fromOnly: boolean,
): Promise<[string, Sql][]> {
  const end = dayStartUtc(ctx.settings, addDays(toDay, 1));
  const condition = spec.condition;
  if (condition.type === 'segment') {
    await segmentDaysInto(
      workspace,
      ctx,
      condition.segment,
      daysBetween(addDays(fromDay, -1), toDay),
      SEGMENT_DAYS,
      'spec.condition.segment',
    );
  }
  return keptFiresSql(
    {
      catalog: ctx.catalog,
      settings: ctx.settings,
      notes: ctx.notes,
      end,
      // Without a cooldown no earlier fire can hide a later one: the pass starts near the range.
      ...(fromOnly && spec.cooldownDays === 0 ? { sinceDay: fromDay } : {}),
      ...(condition.type === 'segment' ? { segmentDays: raw(SEGMENT_DAYS) } : {}),
    },
    spec,
  );
}

function lastDay(ctx: AnalysisContext): string {
  return observedDay(ctx.settings, ctx.observedUntil).day;
}

/** Every user the trigger fires for as of the end of a day, most recent fire first. */
async function currentFires(
  workspace: Workspace,
  ctx: AnalysisContext,
  spec: TriggerSpec,
  asOf: string,
  limit: number | null,
): Promise<{ fires: TriggerFire[]; total: number; stale: number; at: Date }> {
  const lookback = spec.condition.type === 'segment' ? addDays(asOf, -SEGMENT_LOOKBACK_DAYS) : asOf;
  const ctes = await keptCtes(workspace, ctx, spec, lookback, asOf, false);
  const end = dayStartUtc(ctx.settings, addDays(asOf, 1));
  const staleBefore = sql`${end} - INTERVAL ${raw(String(STALE_HOURS))} HOUR`;
  // Computed once, read twice (the counts, the page).
  await execute(
    ctx.c,
    sql`CREATE OR REPLACE TEMP TABLE ${raw(CURRENT)} AS ${withRecursive(
      ctes,
      sql`SELECT k.*, k.fired_at < ${staleBefore} AS stale FROM kept k
           WHERE k.fired_at <= ${end} AND (k.ended_at IS NULL OR k.ended_at > ${end})`,
    )}`,
  );
  const [counts] = await query(
    ctx.c,
    sql`SELECT count(*) AS total, count_if(stale) AS stale FROM ${raw(CURRENT)}`,
  );
  const rows = await query(
    ctx.c,
    sql`SELECT u.user_id, u.email, c.fired_at, c.stale, CAST(c.context AS VARCHAR) AS context
          FROM ${raw(CURRENT)} c JOIN users u ON u.uid = c.uid
         ORDER BY c.fired_at DESC, u.user_id ${limit === null ? raw('') : sql`LIMIT ${limit}`}`,
  );
  const [at] = await query(ctx.c, sql`SELECT epoch_ms(${end}) AS at`);
  return {
    total: num(counts?.total),
    stale: num(counts?.stale),
    at: new Date(Number(at?.at)),
    fires: rows.map((r) => ({
      user_id: String(r.user_id),
      email: r.email === null ? null : String(r.email),
      fired_at: isoUtc(r.fired_at),
      stale: r.stale === true,
      context: JSON.parse(String(r.context)) as TriggerFire['context'],
    })),
  };
}

/** Who the trigger fires for as of the end of a day (default: the last day with data). */
export async function runTrigger(
  workspace: Workspace,
  request: { spec: TriggerSpec; asOf?: string | undefined; limit: number },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<TriggerRunResult> {
  return inContext(workspace, job, clock, 'finding who the trigger fires for', async (ctx) => {
    const started = performance.now();
    const asOf = request.asOf ?? lastDay(ctx);
    const { fires, total, stale, at } = await currentFires(
      workspace,
      ctx,
      request.spec,
      asOf,
      request.limit,
    );
    return {
      asOf,
      at: at.toISOString(),
      total,
      stale,
      fires,
      truncated: total > fires.length,
      seconds: (performance.now() - started) / 1000,
      warnings: ctx.notes.warnings,
    };
  });
}

/** Every fire of the trigger as of a day, for the export files and the webhook. */
export async function allFires(
  workspace: Workspace,
  request: { spec: TriggerSpec; asOf?: string | undefined },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<{ asOf: string; fires: TriggerFire[] }> {
  return inContext(workspace, job, clock, 'finding who the trigger fires for', async (ctx) => {
    const asOf = request.asOf ?? lastDay(ctx);
    return { asOf, fires: (await currentFires(workspace, ctx, request.spec, asOf, null)).fires };
  });
}

/**
 * The trigger replayed over past days: every kept fire in the range, per local day of its fire
 * time, and what happened next: an event within CAME_BACK_DAYS days after it (back on their
 * own), none in those days when all were observed (churned), or not known yet.
 */
export async function backtestTrigger(
  workspace: Workspace,
  request: { spec: TriggerSpec; from: string; to: string },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<TriggerBacktestResult> {
  return inContext(workspace, job, clock, 'replaying the trigger', async (ctx) => {
    const started = performance.now();
    const last = lastDay(ctx);
    const to = request.to > last ? last : request.to;
    if (request.from > to) {
      throw new ApiError(
        'INVALID_REQUEST',
        `The range starts after the last day with data (${last}): nothing to replay.`,
        { field: 'from' },
      );
    }
    const days = daysBetween(request.from, to);
    if (days.length > MAX_BACKTEST_DAYS) {
      throw new ApiError(
        'INVALID_REQUEST',
        `A backtest covers at most ${MAX_BACKTEST_DAYS} days; this range has ${days.length}.`,
        { field: 'to' },
      );
    }
    if (to < request.to) ctx.notes.warn(`The data ends on ${last}: the backtest stops there.`);
    const ctes = await keptCtes(workspace, ctx, request.spec, request.from, to, true);
    const cal = ctx.settings;
    const observed = instant(ctx.observedUntil);
    const back = raw(`INTERVAL ${CAME_BACK_DAYS * 24} HOUR`);
    // One pass: a row per day, and (day NULL) the whole range, whose distinct users no sum of
    // days gives.
    const rows = await query(
      ctx.c,
      withRecursive(
        ctes,
        sql`SELECT strftime(CAST(${toLocal(cal, raw('k.fired_at'))} AS DATE), '%Y-%m-%d') AS day,
                   count(*) AS fires, count(DISTINCT k.uid) AS users,
                   count_if(nx.ts <= k.fired_at + ${back}) AS came_back,
                   count_if((nx.ts IS NULL OR nx.ts > k.fired_at + ${back}) AND k.fired_at + ${back} <= ${observed}) AS churned
              FROM kept k ASOF LEFT JOIN (SELECT uid, ts FROM events WHERE ts > ${dayStartUtc(cal, request.from)}) nx
                ON nx.uid = k.uid AND nx.ts > k.fired_at
             WHERE k.fired_at >= ${dayStartUtc(cal, request.from)} AND k.fired_at < ${dayStartUtc(cal, addDays(to, 1))}
             GROUP BY GROUPING SETS ((1), ())`,
      ),
    );
    const users = rows.find((r) => r.day === null)?.users;
    const byDay = new Map(rows.filter((r) => r.day !== null).map((r) => [String(r.day), r]));
    const perDay = days.map((day) => {
      const r = byDay.get(day);
      const fires = num(r?.fires);
      const cameBack = num(r?.came_back);
      const churned = num(r?.churned);
      return { day, fires, cameBack, churned, unknown: fires - cameBack - churned };
    });
    const total = (k: 'fires' | 'cameBack' | 'churned' | 'unknown'): number =>
      perDay.reduce((n, d) => n + d[k], 0);
    return {
      from: request.from,
      to,
      days: perDay,
      fires: total('fires'),
      users: num(users),
      cameBack: total('cameBack'),
      churned: total('churned'),
      unknown: total('unknown'),
      seconds: (performance.now() - started) / 1000,
      warnings: ctx.notes.warnings,
    };
  });
}
