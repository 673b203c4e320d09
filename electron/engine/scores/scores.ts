import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { renameSync, rmSync } from 'node:fs';
import { ApiError } from '../../../shared/api/errors';
import { addDays } from '../../../shared/calendar/local-days';
import {
  BANDS,
  CHURN_DAYS,
  DROP_SHARE,
  type Band,
  type ScoredUser,
  type ScoreHistoryPoint,
  type ScoreResult,
  type ScoreSpec,
  type ScoreValidation,
} from '../../../shared/specs/score';
import { inAnalysisContext } from '../analyses';
import type { AnalysisContext } from '../analyses/context';
import { systemClock, type Clock } from '../clock';
import { num } from '../duckdb/database';
import type { JobContext } from '../jobs';
import { dayStartUtc, observedDay } from '../sql/calendar';
import { execute, join, query, raw, sql, type Sql } from '../sql/fragment';
import type { Workspace } from '../workspace/workspace';
import { percentileColumn, scoreSql, valueColumn } from './score-sql';

const SCORES = 'score_rows';
const PREVIOUS = 'score_previous';
const HISTOGRAM_BARS = 20;
const DROPPED_SAMPLE = 20;

/** A score's work in an analysis context, its temp tables dropped afterwards. */
function inContext<T>(
  workspace: Workspace,
  job: JobContext,
  clock: Clock,
  label: string,
  work: (ctx: AnalysisContext) => Promise<T>,
): Promise<T> {
  return inAnalysisContext(workspace, job, clock, label, work, [SCORES, PREVIOUS]);
}

const lastDay = (ctx: AnalysisContext): string => observedDay(ctx.settings, ctx.observedUntil).day;

/** The score of every user as of a day, into a temp table. */
async function scoreInto(ctx: AnalysisContext, spec: ScoreSpec, asOf: string, table: string) {
  await execute(
    ctx.c,
    sql`CREATE OR REPLACE TEMP TABLE ${raw(table)} AS ${scoreSql(ctx, spec, asOf)}`,
  );
}

function userRows(spec: ScoreSpec, rows: Record<string, unknown>[]): ScoredUser[] {
  return rows.map((r) => ({
    user_id: String(r.user_id),
    email: r.email === null || r.email === undefined ? null : String(r.email),
    score: Number(r.score),
    band: spec.type === 'health' && r.band !== null ? (String(r.band) as Band) : null,
    components:
      spec.type === 'health'
        ? Object.fromEntries(
            spec.components.map((c, i) => {
              const v = r[valueColumn(i)];
              const p = r[percentileColumn(i)];
              return [
                c.name,
                {
                  value: v === null || v === undefined ? null : Number(v),
                  percentile: p === null || p === undefined ? null : Number(p),
                },
              ];
            }),
          )
        : {},
  }));
}

const withUsers = (table: string): Sql =>
  sql`SELECT u.user_id, u.email, s.* FROM ${raw(table)} s JOIN users u ON u.uid = s.uid`;

/**
 * The score taken CHURN_DAYS before the last day with data against what happened in those days
 * (no event: churned). AUC by the rank-sum of the retained users' scores, ties at their mean rank.
 */
async function validate(ctx: AnalysisContext, spec: ScoreSpec): Promise<ScoreValidation | null> {
  const asOf = addDays(lastDay(ctx), -CHURN_DAYS);
  const [range] = await query(
    ctx.c,
    sql`SELECT min(first_seen) < ${dayStartUtc(ctx.settings, addDays(asOf, 1))} AS ok FROM users`,
  );
  if (range?.ok !== true) return null;
  await scoreInto(ctx, spec, asOf, PREVIOUS);
  const from = dayStartUtc(ctx.settings, addDays(asOf, 1));
  const to = dayStartUtc(ctx.settings, addDays(asOf, 1 + CHURN_DAYS));
  const outcome = sql`SELECT s.uid, s.score, ${spec.type === 'health' ? raw('s.band') : raw('NULL')} AS band,
        NOT EXISTS (SELECT 1 FROM events e WHERE e.uid = s.uid AND e.ts >= ${from} AND e.ts < ${to}) AS churned
      FROM ${raw(PREVIOUS)} s WHERE s.score IS NOT NULL`;
  const [auc] = await query(
    ctx.c,
    sql`WITH o AS (${outcome}),
         r AS (SELECT churned, rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rk FROM o)
        SELECT count(*) AS users, count_if(churned) AS churned,
               (sum(rk) FILTER (WHERE NOT churned) - count_if(NOT churned) * (count_if(NOT churned) + 1) / 2.0)
                 / nullif(count_if(NOT churned) * count_if(churned), 0) AS auc
          FROM r`,
  );
  const byBand =
    spec.type === 'health'
      ? await query(
          ctx.c,
          sql`WITH o AS (${outcome}) SELECT band, count(*) AS users, count_if(NOT churned) AS retained FROM o GROUP BY band`,
        )
      : null;
  return {
    asOf,
    users: num(auc?.users),
    churned: num(auc?.churned),
    auc: auc?.auc === null || auc?.auc === undefined ? null : Number(auc.auc),
    byBand:
      byBand === null
        ? null
        : BANDS.map((band) => {
            const row = byBand.find((r) => r.band === band);
            return { band, users: num(row?.users), retained: num(row?.retained) };
          }),
  };
}

/** Every user's score as of a day: its distribution, bands, extremes, drops and validation. */
export async function runScore(
  workspace: Workspace,
  request: { spec: ScoreSpec; limit: number },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<ScoreResult> {
  return inContext(workspace, job, clock, 'scoring the users', async (ctx) => {
    const started = performance.now();
    const { spec } = request;
    const asOf = spec.asOf ?? lastDay(ctx);
    await scoreInto(ctx, spec, asOf, SCORES);
    const [stats] = await query(
      ctx.c,
      sql`SELECT count(score) AS users, avg(score) AS mean, quantile_cont(score, 0.5) AS median,
                 min(score) AS lo, max(score) AS hi FROM ${raw(SCORES)}`,
    );
    const lo = Number(stats?.lo ?? 0);
    const hi = Number(stats?.hi ?? 0);
    // Health scores are bars of 5 points over 0-100; behavioural ones 20 bars over their range.
    const [start, width] =
      spec.type === 'health' ? [0, 5] : [lo, hi > lo ? (hi - lo) / HISTOGRAM_BARS : 1];
    const bars = await query(
      ctx.c,
      sql`SELECT least(CAST(floor((score - ${start}) / ${width}) AS INTEGER), ${HISTOGRAM_BARS - 1}) AS bar,
                 count(*) AS users FROM ${raw(SCORES)} WHERE score IS NOT NULL GROUP BY ALL ORDER BY bar`,
    );
    const bands =
      spec.type === 'health'
        ? await query(
            ctx.c,
            sql`SELECT band, count(*) AS users FROM ${raw(SCORES)} WHERE band IS NOT NULL GROUP BY band`,
          )
        : null;
    const top = await query(
      ctx.c,
      sql`${withUsers(SCORES)} WHERE s.score IS NOT NULL ORDER BY s.score DESC, u.user_id LIMIT ${request.limit}`,
    );
    const bottom = await query(
      ctx.c,
      sql`${withUsers(SCORES)} WHERE s.score IS NOT NULL ORDER BY s.score ASC, u.user_id LIMIT ${request.limit}`,
    );
    // Against the same score one window earlier: who dropped by more than DROP_SHARE.
    await scoreInto(ctx, spec, addDays(asOf, -spec.days), PREVIOUS);
    const dropCondition = sql`p.score > 0 AND s.score < p.score * ${1 - DROP_SHARE}`;
    const [dropped] = await query(
      ctx.c,
      sql`SELECT count(*) AS n FROM ${raw(SCORES)} s JOIN ${raw(PREVIOUS)} p ON p.uid = s.uid WHERE ${dropCondition}`,
    );
    const droppedSample = await query(
      ctx.c,
      sql`SELECT u.user_id, u.email, s.*, p.score AS previous FROM ${raw(SCORES)} s
            JOIN ${raw(PREVIOUS)} p ON p.uid = s.uid JOIN users u ON u.uid = s.uid
           WHERE ${dropCondition} ORDER BY s.score / p.score, u.user_id LIMIT ${DROPPED_SAMPLE}`,
    );
    const cal = ctx.settings;
    const [usage] = await query(
      ctx.c,
      sql`SELECT count(*) AS n FROM (
            SELECT e.uid,
                   count_if(e.ts >= ${dayStartUtc(cal, addDays(asOf, 1 - spec.days))}) AS now,
                   count_if(e.ts < ${dayStartUtc(cal, addDays(asOf, 1 - spec.days))}) AS before
              FROM events e
             WHERE e.ts >= ${dayStartUtc(cal, addDays(asOf, 1 - 2 * spec.days))} AND e.ts < ${dayStartUtc(cal, addDays(asOf, 1))}
             GROUP BY e.uid)
          WHERE before > 0 AND now < before * ${1 - DROP_SHARE}`,
    );
    const validation = await validate(ctx, spec);
    return {
      type: spec.type,
      asOf,
      window: { from: addDays(asOf, 1 - spec.days), to: asOf },
      users: num(stats?.users),
      mean: stats?.mean === null ? null : Number(stats?.mean),
      median: stats?.median === null ? null : Number(stats?.median),
      bands:
        bands === null
          ? null
          : BANDS.map((band) => ({ band, users: num(bands.find((r) => r.band === band)?.users) })),
      histogram: bars.map((b) => ({
        from: start + Number(b.bar) * width,
        to: start + (Number(b.bar) + 1) * width,
        users: num(b.users),
      })),
      top: userRows(spec, top),
      bottom: userRows(spec, bottom),
      dropped: {
        users: num(dropped?.n),
        usage: num(usage?.n),
        sample: userRows(spec, droppedSample).map((u, i) => ({
          ...u,
          previous: Number(droppedSample[i]?.previous),
        })),
      },
      validation,
      seconds: (performance.now() - started) / 1000,
      warnings: ctx.notes.warnings,
    };
  });
}

/** The score week by week back from the as-of day: its mean, the bands, and one user's own. */
export async function scoreHistory(
  workspace: Workspace,
  request: { spec: ScoreSpec; weeks: number; userId?: string | undefined },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<ScoreHistoryPoint[]> {
  return inContext(workspace, job, clock, 'scoring week by week', async (ctx) => {
    const { spec } = request;
    const last = spec.asOf ?? lastDay(ctx);
    const days = Array.from({ length: request.weeks }, (_, i) =>
      addDays(last, -7 * (request.weeks - 1 - i)),
    );
    // Every week's scores in one statement, so DuckDB shares the work between them.
    const union = join(
      days.map(
        (d, i) =>
          sql`SELECT ${i} AS point, uid, score, ${spec.type === 'health' ? raw('band') : raw('NULL::VARCHAR AS band')} FROM (${scoreSql(ctx, spec, d)})`,
      ),
      ' UNION ALL ',
    );
    await execute(ctx.c, sql`CREATE OR REPLACE TEMP TABLE ${raw(SCORES)} AS ${union}`);
    const rows = await query(
      ctx.c,
      sql`SELECT point, avg(score) AS mean,
                 count_if(band = 'healthy') AS healthy, count_if(band = 'watch') AS watch,
                 count_if(band = 'at risk') AS at_risk,
                 max(CASE WHEN uid = (SELECT uid FROM users WHERE user_id = ${request.userId ?? ''}) THEN score END) AS own
            FROM ${raw(SCORES)} GROUP BY point ORDER BY point`,
    );
    if (request.userId !== undefined) {
      const [known] = await query(
        ctx.c,
        sql`SELECT count(*) AS n FROM users WHERE user_id = ${request.userId}`,
      );
      if (num(known?.n) === 0)
        throw new ApiError('INVALID_REQUEST', `No user '${request.userId}' in this workspace.`, {
          field: 'userId',
        });
    }
    return days.map((asOf, i) => {
      const r = rows.find((x) => Number(x.point) === i);
      return {
        asOf,
        mean: r?.mean === null || r?.mean === undefined ? null : Number(r.mean),
        bands:
          spec.type === 'health'
            ? [
                { band: 'healthy' as const, users: num(r?.healthy) },
                { band: 'watch' as const, users: num(r?.watch) },
                { band: 'at risk' as const, users: num(r?.at_risk) },
              ]
            : null,
        user: r?.own === null || r?.own === undefined ? null : Number(r.own),
      };
    });
  });
}

/** Every user's score (and band and components) to a CSV, written beside the target and renamed. */
export async function exportScore(
  workspace: Workspace,
  request: { spec: ScoreSpec; path: string },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<{ path: string; rows: number; asOf: string }> {
  const target = path.resolve(request.path);
  const dir = path.dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ApiError('INVALID_REQUEST', `The folder ${dir} does not exist.`, { field: 'path' });
  if (path.extname(target).toLowerCase() !== '.csv')
    throw new ApiError('INVALID_REQUEST', 'Name a .csv file.', { field: 'path' });
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.partial`);
  return inContext(workspace, job, clock, 'exporting the scores', async (ctx) => {
    const { spec } = request;
    const asOf = spec.asOf ?? lastDay(ctx);
    await scoreInto(ctx, spec, asOf, SCORES);
    const components =
      spec.type === 'health'
        ? spec.components.flatMap((c, i) => [
            sql`s.${raw(valueColumn(i))} AS ${raw(`"${c.name.replaceAll('"', '""')}"`)}`,
            sql`round(s.${raw(percentileColumn(i))}, 1) AS ${raw(`"${`${c.name}_percentile`.replaceAll('"', '""')}"`)}`,
          ])
        : [];
    try {
      await execute(
        ctx.c,
        sql`COPY (SELECT u.user_id, u.email, round(s.score, 2) AS score${spec.type === 'health' ? raw(', s.band') : raw('')}
                   ${components.length === 0 ? raw('') : sql`, ${join(components)}`}
                   FROM ${raw(SCORES)} s JOIN users u ON u.uid = s.uid ORDER BY u.user_id)
            TO ${temp} (FORMAT csv, HEADER true)`,
      );
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const [n] = await query(ctx.c, sql`SELECT count(*) AS n FROM ${raw(SCORES)}`);
    return { path: target, rows: num(n?.n), asOf };
  });
}
