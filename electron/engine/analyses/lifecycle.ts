import { sampledOf } from '../../../shared/specs/common';
import type {
  LifecycleResult,
  LifecycleSpec,
  LifecycleStatus,
} from '../../../shared/specs/lifecycle';
import { queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { SpecIssues } from './spec-issues';
import {
  checkPeriods,
  intervalSql,
  localTime,
  periodBounds,
  periodLabel,
  periodStart,
  resolveDays,
} from './sql/periods';
import { previousPeriodDay, scopedEventsSql } from './sql/scoped-events';
import { observedUntilSql, type AnalysisContext, type UidQuery } from './context';

interface LifecycleSql {
  params: SqlParams;
  /** act (uid, period), periods (period), status (uid, period, status). */
  ctes: string;
  final: string;
  label: (period: string) => string;
}

function lifecycleSql(ctx: AnalysisContext, spec: LifecycleSpec): LifecycleSql {
  const { settings } = ctx;
  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const issues = new SpecIssues(ctx.notes);
  const params = new SqlParams();
  const step = intervalSql(spec.interval);
  const period = (local: string): string => periodStart(local, spec.interval, settings.weekStart);
  const scoped = scopedEventsSql({
    catalog: ctx.catalog,
    timezone: settings.timezone,
    events: spec.events,
    filters: spec.filters,
    fromDay: previousPeriodDay(days.from, spec.interval),
    toDay: days.to,
    sample: spec.sample?.fraction,
    params,
    issues,
    path: 'events',
  });
  checkPeriods(issues, {
    days,
    interval: spec.interval,
    weekStart: settings.weekStart,
    intervals: ['day', 'week', 'month'],
  });
  issues.throwIfAny('lifecycle');
  const bounds = periodBounds(days, spec.interval, settings.weekStart, params);
  const firstSeen = period(localTime('u.first_seen', settings.timezone, params));
  const observed = observedUntilSql(ctx, params);
  const zone = params.bind(settings.timezone);
  return {
    params,
    ctes: `act AS (SELECT DISTINCT uid, ${period('local')} AS period FROM (${scoped})),
     periods AS (SELECT g.p AS period FROM generate_series(${bounds.first}, ${bounds.last}, ${step}) g(p)),
     status AS (
       SELECT a.uid, a.period,
              CASE WHEN ${firstSeen} = a.period THEN 'new'
                   WHEN prev.uid IS NOT NULL THEN 'returning'
                   ELSE 'resurrecting' END AS status
       FROM act a
       JOIN users u ON u.uid = a.uid
       LEFT JOIN act prev ON prev.uid = a.uid AND prev.period = a.period - ${step}
       UNION ALL
       SELECT p.uid, p.period + ${step} AS period, 'dormant' AS status
       FROM act p LEFT JOIN act n ON n.uid = p.uid AND n.period = p.period + ${step}
       WHERE n.uid IS NULL)`,
    final: `     SELECT ${periodLabel('periods.period', spec.interval)} AS label,
            timezone('UTC', timezone(${zone}, periods.period + ${step})) > ${observed} AS incomplete,
            count(*) FILTER (status = 'new') AS new,
            count(*) FILTER (status = 'returning') AS returning,
            count(*) FILTER (status = 'resurrecting') AS resurrecting,
            count(*) FILTER (status = 'dormant') AS dormant
     FROM periods LEFT JOIN status ON status.period = periods.period
     GROUP BY periods.period ORDER BY periods.period`,
    label: (p: string) => periodLabel(p, spec.interval),
  };
}

/**
 * Lifecycle per period of the workspace zone. "New" follows the user's first event of any kind
 * in the whole workspace (users.first_seen); the period before the range is read too, so the
 * first period has returning and dormant users.
 */
export async function runLifecycle(
  ctx: AnalysisContext,
  spec: LifecycleSpec,
): Promise<LifecycleResult> {
  const { settings } = ctx;
  const { params, ctes, final } = lifecycleSql(ctx, spec);
  const rows = await queryRows(ctx.c, `WITH ${ctes} ${final}`, params.values);
  const n = (v: unknown): number => Number(v ?? 0);
  return {
    kind: 'lifecycle',
    timezone: settings.timezone,
    interval: spec.interval,
    periods: rows.map((r) => String(r.label)),
    incomplete: rows.map((r) => r.incomplete === true),
    new: rows.map((r) => n(r.new)),
    returning: rows.map((r) => n(r.returning)),
    resurrecting: rows.map((r) => n(r.resurrecting)),
    dormant: rows.map((r) => -n(r.dormant)),
    quickRatio: rows.map((r) =>
      n(r.dormant) === 0 ? null : (n(r.new) + n(r.resurrecting)) / n(r.dormant),
    ),
    sampled: sampledOf(spec.sample),
  };
}

/** The users behind one bar: a period's new, returning, resurrecting or dormant users. */
export async function lifecycleUsers(
  ctx: AnalysisContext,
  spec: LifecycleSpec,
  pick: { period: string; status: LifecycleStatus },
): Promise<UidQuery> {
  const { params, ctes, label } = lifecycleSql(ctx, spec);
  const sql = `WITH ${ctes} SELECT DISTINCT uid FROM status WHERE ${label('period')} = ${params.bind(pick.period)} AND status = ${params.bind(pick.status)}`;
  return { sql, params };
}
