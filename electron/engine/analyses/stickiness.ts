import { sampledOf } from '../../../shared/specs/common';
import type { StickinessResult, StickinessSpec } from '../../../shared/specs/stickiness';
import { queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { SpecIssues } from './spec-issues';
import {
  checkPeriods,
  intervalSql,
  periodBounds,
  periodLabel,
  periodStart,
  resolveDays,
} from './sql/periods';
import { scopedEventsSql } from './sql/scoped-events';
import { observedUntilSql, type AnalysisContext, type UidQuery } from './context';

const MOST_UNITS: Record<StickinessSpec['per'], number> = { day: 24, week: 7, month: 31 };

/** Users by the number of active days (of a week or month) or hours (of a day), per period. */
function stickinessSql(ctx: AnalysisContext, spec: StickinessSpec) {
  const { settings } = ctx;
  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const issues = new SpecIssues(ctx.notes);
  const params = new SqlParams();
  const scoped = scopedEventsSql({
    catalog: ctx.catalog,
    timezone: settings.timezone,
    events: spec.events,
    filters: spec.filters,
    fromDay: days.from,
    toDay: days.to,
    sample: spec.sample?.fraction,
    params,
    issues,
    path: 'events',
  });
  // One bucket per possible count of active units (hours of a day, days of a week or month).
  checkPeriods(issues, {
    days,
    interval: spec.per,
    weekStart: settings.weekStart,
    intervals: spec.unit === 'hour' ? ['day'] : ['week', 'month'],
    path: 'per',
    cellsPerPeriod: MOST_UNITS[spec.per],
    cellsAre: 'buckets',
  });
  issues.throwIfAny('stickiness');
  const per = (local: string): string => periodStart(local, spec.per, settings.weekStart);
  const bounds = periodBounds(days, spec.per, settings.weekStart, params);
  const minEvents = params.bind(spec.minEventsPerUnit);
  const zone = params.bind(settings.timezone);
  const observed = observedUntilSql(ctx, params);
  return {
    params,
    ctes: `units AS (
       SELECT uid, ${per('local')} AS period, date_trunc('${spec.unit}', local) AS unit
       FROM (${scoped}) GROUP BY ALL HAVING count(*) >= ${minEvents}),
     per_user AS (SELECT period, uid, count(*) AS k FROM units GROUP BY ALL),
     periods AS (SELECT g.p AS period FROM generate_series(${bounds.first}, ${bounds.last}, ${intervalSql(spec.per)}) g(p))`,
    final: `     SELECT ${periodLabel('periods.period', spec.per === 'day' ? 'day' : spec.per)} AS label,
            timezone('UTC', timezone(${zone}, periods.period + ${intervalSql(spec.per)})) > ${observed} AS incomplete,
            per_user.k, count(per_user.uid) AS users
     FROM periods LEFT JOIN per_user ON per_user.period = periods.period
     GROUP BY periods.period, per_user.k ORDER BY periods.period, per_user.k`,
    label: (p: string) => periodLabel(p, spec.per),
  };
}

export async function runStickiness(
  ctx: AnalysisContext,
  spec: StickinessSpec,
): Promise<StickinessResult> {
  const { params, ctes, final } = stickinessSql(ctx, spec);
  const rows = await queryRows(ctx.c, `WITH ${ctes} ${final}`, params.values);
  const most = MOST_UNITS[spec.per];
  const buckets = Array.from({ length: most }, (_, i) => i + 1);
  const periods: StickinessResult['periods'] = [];
  for (const row of rows) {
    const label = String(row.label);
    let entry = periods[periods.length - 1];
    if (entry === undefined || entry.period !== label) {
      entry = { period: label, incomplete: row.incomplete === true, users: buckets.map(() => 0) };
      periods.push(entry);
    }
    const k = Number(row.k ?? 0);
    if (k >= 1 && k <= most) entry.users[k - 1] = Number(row.users ?? 0);
  }
  if (spec.cumulative) {
    for (const entry of periods) {
      for (let i = most - 2; i >= 0; i--)
        entry.users[i] = (entry.users[i] ?? 0) + (entry.users[i + 1] ?? 0);
    }
  }
  return {
    kind: 'stickiness',
    timezone: ctx.settings.timezone,
    unit: spec.unit,
    per: spec.per,
    cumulative: spec.cumulative,
    buckets,
    users: buckets.map((_, i) => periods.reduce((sum, p) => sum + (p.users[i] ?? 0), 0)),
    periods,
    sampled: sampledOf(spec.sample),
  };
}

/** The users behind one bucket: active on exactly (or at least) N units, in one period or all. */
export function stickinessUsers(
  ctx: AnalysisContext,
  spec: StickinessSpec,
  pick: { bucket: number; period?: string },
): UidQuery {
  const { params, ctes, label } = stickinessSql(ctx, spec);
  const k = params.bind(pick.bucket);
  const period =
    pick.period === undefined ? '' : ` AND ${label('period')} = ${params.bind(pick.period)}`;
  return {
    sql: `WITH ${ctes} SELECT DISTINCT uid FROM per_user WHERE k ${spec.cumulative ? '>=' : '='} ${k}${period}`,
    params,
  };
}
