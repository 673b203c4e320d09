import { breakdownValueSql, type Predicate } from '../sql/conditions';
import { raw } from '../sql/fragment';
import {
  ANY_EVENT,
  INTERVALS,
  NONE_LABEL,
  OTHER_LABEL,
  sampledOf,
} from '../../../shared/specs/common';
import {
  PROPERTY_MEASURES,
  type TrendMeasure,
  type TrendsResult,
  type TrendsSpec,
} from '../../../shared/specs/trends';
import { queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { observedUntilSql, type AnalysisContext, type UidQuery } from './context';
import { SpecIssues } from './spec-issues';
import {
  checkPeriods,
  intervalSql,
  localTime,
  periodBounds,
  periodLabel,
  periodStart,
  resolveDays,
  utcMidnight,
  type LocalDays,
} from './sql/periods';
import { eventFilterSql, numericPropertySql, samplingSql } from './sql/properties';

export type { AnalysisContext } from './context';

/** Days of look-back the rolling measures need before the first period ends. */
const ROLLING_DAYS: Partial<Record<TrendMeasure, number>> = {
  dau: 1,
  wau: 7,
  mau: 30,
  stickiness: 30,
};

const MEASURE_LABELS: Record<TrendMeasure, string> = {
  total: 'total events',
  uniqueUsers: 'unique users',
  perUser: 'events per user',
  sum: 'sum',
  avg: 'average',
  min: 'minimum',
  max: 'maximum',
  median: 'median',
  dau: 'daily active users',
  wau: 'weekly active users',
  mau: 'monthly active users',
  stickiness: 'DAU/MAU',
};

interface SeriesQuery {
  index: number;
  label: string;
  sql: string;
  params: SqlParams;
  /** The CTEs up to `ev` (uid, local, period, b, in_range): what the users behind a point use. */
  base: string;
}

/**
 * Trends: per period of the workspace zone, a measure of the matching events (counts, users,
 * a property's sum/avg/min/max/median) or of rolling activity (DAU, WAU, MAU, DAU/MAU), for
 * several series, optionally split by one property's top values.
 */
export async function runTrends(ctx: AnalysisContext, spec: TrendsSpec): Promise<TrendsResult> {
  const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
  const issues = new SpecIssues(ctx.notes);
  // One breakdown for every series: resolved (and its problems reported) once.
  const breakdown = trendBreakdown(ctx, spec, issues);
  const queries = spec.series.map((_, index) =>
    buildSeriesQuery(ctx, spec, index, days, issues, breakdown),
  );
  // Every series x breakdown value (top N, other, none) is one line over every period.
  const lines = spec.series.length * (spec.breakdown === undefined ? 1 : spec.breakdown.limit + 2);
  checkPeriods(issues, {
    days,
    interval: spec.interval,
    weekStart: ctx.settings.weekStart,
    intervals: INTERVALS,
    cellsPerPeriod: lines,
    cellsAre: spec.breakdown === undefined ? 'series' : 'series x breakdown values',
    orElse:
      spec.breakdown === undefined ? 'fewer series' : 'fewer series or a smaller breakdown limit',
  });
  issues.throwIfAny('trends');

  const periods = await periodList(ctx, spec, days);
  const series: TrendsResult['series'] = [];
  for (const q of queries) {
    const rows = await queryRows(ctx.c, q.sql, q.params.values);
    const byBreakdown = new Map<
      string,
      { values: (number | null)[]; total: number | null; rank: number }
    >();
    for (const row of rows) {
      const key = row.b === null ? '' : String(row.b);
      let entry = byBreakdown.get(key);
      if (entry === undefined) {
        entry = {
          values: periods.labels.map(() => emptyValue(spec.series[q.index]?.measure ?? 'total')),
          total: null,
          rank: 0,
        };
        byBreakdown.set(key, entry);
      }
      if (row.period === null) {
        entry.total = row.value === null ? null : Number(row.value);
        entry.rank = Number(row.events ?? 0);
      } else {
        const at = periods.index.get(String(row.period));
        if (at !== undefined) entry.values[at] = row.value === null ? null : Number(row.value);
      }
    }
    const ordered = [...byBreakdown.entries()].sort(([a, x], [b, y]) => {
      const special = (k: string): number => (k === OTHER_LABEL ? 1 : k === NONE_LABEL ? 2 : 0);
      return special(a) - special(b) || y.rank - x.rank || a.localeCompare(b);
    });
    if (ordered.length === 0) {
      const measure = spec.series[q.index]?.measure ?? 'total';
      series.push({
        series: q.index,
        label: q.label,
        values: periods.labels.map(() => emptyValue(measure)),
        total: emptyValue(measure),
      });
    }
    for (const [key, entry] of ordered) {
      series.push({
        series: q.index,
        label: q.label,
        ...(spec.breakdown === undefined ? {} : { breakdown: key }),
        values: entry.values,
        total: entry.total,
      });
    }
  }
  return {
    kind: 'trends',
    timezone: ctx.settings.timezone,
    interval: spec.interval,
    periods: periods.labels,
    incomplete: periods.incomplete,
    series,
    sampled: sampledOf(spec.sample),
  };
}

/** Counts are 0 where nothing happened; averages and the like have no value there. */
function emptyValue(measure: TrendMeasure): number | null {
  return ['total', 'uniqueUsers', 'sum', 'dau', 'wau', 'mau'].includes(measure) ? 0 : null;
}

async function periodList(
  ctx: AnalysisContext,
  spec: TrendsSpec,
  days: LocalDays,
): Promise<{ labels: string[]; incomplete: boolean[]; index: Map<string, number> }> {
  const p = new SqlParams();
  const { timezone, weekStart } = ctx.settings;
  const { first, last } = periodBounds(days, spec.interval, weekStart, p);
  const rows = await queryRows(
    ctx.c,
    `SELECT ${periodLabel('g.p', spec.interval)} AS label,
            timezone('UTC', timezone(${p.bind(timezone)}, g.p + ${intervalSql(spec.interval)})) > ${observedUntilSql(ctx, p)} AS incomplete
     FROM generate_series(${first}, ${last}, ${intervalSql(spec.interval)}) g(p) ORDER BY g.p`,
    p.values,
  );
  const labels = rows.map((r) => String(r.label));
  return {
    labels,
    incomplete: rows.map((r) => r.incomplete === true),
    index: new Map(labels.map((l, i) => [l, i])),
  };
}

/** The breakdown value of every series (a fragment: each series' statement binds it itself). */
function trendBreakdown(ctx: AnalysisContext, spec: TrendsSpec, issues: SpecIssues): Predicate {
  return spec.breakdown === undefined
    ? { sql: raw('NULL'), needsUsers: false }
    : breakdownValueSql(ctx.catalog, spec.breakdown, issues);
}

function buildSeriesQuery(
  ctx: AnalysisContext,
  spec: TrendsSpec,
  index: number,
  days: LocalDays,
  issues: SpecIssues,
  breakdown: Predicate,
): SeriesQuery {
  const series = spec.series[index];
  const params = new SqlParams();
  const path = `series[${index}]`;
  if (series === undefined) return { index, label: '', sql: '', params, base: '' };
  const { catalog, settings } = ctx;
  const filter = eventFilterSql(
    catalog,
    series.events,
    spec.filters,
    params,
    issues,
    `${path}.events`,
  );
  let needsUsers = filter.needsUsers;

  const valueSql =
    series.property !== undefined && PROPERTY_MEASURES.includes(series.measure)
      ? numericPropertySql(catalog, series.property, issues, `${path}.property`, params)
      : 'NULL';
  needsUsers ||= breakdown.needsUsers;
  const rolling = ROLLING_DAYS[series.measure];
  if (rolling !== undefined && spec.interval === 'hour') {
    issues.add(
      `${path}.measure`,
      `'${series.measure}' counts users over whole days: use a day, week or month interval`,
    );
  }

  const tz = settings.timezone;
  // Rolling measures look back before the first period: MAU on the first day needs 29 days more.
  const lowerDay = rolling === undefined ? days.from : shiftDay(days.from, -(rolling - 1));
  const local = localTime('e.ts', tz, params);
  const from = utcMidnight(lowerDay, tz, params);
  const to = utcMidnight(shiftDay(days.to, 1), tz, params);
  const rangeStart = utcMidnight(days.from, tz, params);
  const sampling = samplingSql(spec.sample?.fraction, params);
  const limit = spec.breakdown?.limit ?? 0;

  const base = `ev_raw AS (
      SELECT e.uid, ${local} AS local, ${params.inline(breakdown.sql)} AS b, ${valueSql} AS v, e.ts >= ${rangeStart} AS in_range
      FROM events e ${needsUsers ? 'JOIN users u ON u.uid = e.uid' : ''}
      WHERE e.ts >= ${from} AND e.ts < ${to} AND ${filter.where} AND ${sampling}),
    top AS (
      SELECT b FROM ev_raw WHERE b IS NOT NULL AND in_range GROUP BY b ORDER BY count(*) DESC, b LIMIT ${limit}),
    ev AS (
      SELECT uid, local, ${periodStart('local', spec.interval, settings.weekStart)} AS period, v, in_range,
             ${spec.breakdown === undefined ? 'NULL' : `CASE WHEN b IS NULL THEN ${params.bind(NONE_LABEL)} WHEN b IN (SELECT b FROM top) THEN b ELSE ${params.bind(OTHER_LABEL)} END`} AS b
      FROM ev_raw)`;

  let sql: string;
  if (rolling === undefined) {
    const agg = aggregate(series.measure);
    sql = `WITH ${base}
      SELECT ${periodLabel('period', spec.interval)} AS period, b, ${agg} AS value, count(*) AS events FROM ev WHERE in_range GROUP BY period, b
      UNION ALL
      SELECT NULL AS period, b, ${agg} AS value, count(*) AS events FROM ev WHERE in_range GROUP BY b`;
  } else {
    // Users active in the N local days ending on each period's last day.
    const window = series.measure === 'stickiness' ? 30 : rolling;
    const bounds = periodBounds(days, spec.interval, settings.weekStart, params);
    const lastDay = `CAST(p.period + ${intervalSql(spec.interval)} - INTERVAL 1 DAY AS DATE)`;
    const active = (n: number): string =>
      `(SELECT count(DISTINCT d.uid) FROM days d WHERE d.b IS NOT DISTINCT FROM p.b AND d.day BETWEEN ${lastDay} - ${n - 1} AND ${lastDay})`;
    const value =
      series.measure === 'stickiness'
        ? `(SELECT count(*) FROM days d WHERE d.b IS NOT DISTINCT FROM p.b AND d.day >= CAST(p.period AS DATE) AND d.day <= ${lastDay})
             / (CAST(${lastDay} - CAST(p.period AS DATE) AS DOUBLE) + 1) / nullif(${active(30)}, 0)`
        : active(window);
    sql = `WITH ${base},
      days AS (SELECT DISTINCT uid, b, CAST(local AS DATE) AS day FROM ev),
      keys AS (SELECT DISTINCT b FROM ev WHERE in_range),
      p AS (SELECT g.p AS period, k.b FROM generate_series(${bounds.first}, ${bounds.last}, ${intervalSql(spec.interval)}) g(p), keys k)
      SELECT ${periodLabel('p.period', spec.interval)} AS period, p.b, ${value} AS value,
             (SELECT count(*) FROM ev WHERE in_range AND ev.b IS NOT DISTINCT FROM p.b) AS events
      FROM p
      UNION ALL
      SELECT NULL, b, NULL, count(*) FROM ev WHERE in_range GROUP BY b`;
  }
  const label =
    series.label ??
    `${series.events.event === ANY_EVENT ? 'Any event' : series.events.event} (${MEASURE_LABELS[series.measure]}${series.property === undefined ? '' : ` of ${series.property}`})`;
  return { index, label, sql, params, base };
}

function aggregate(measure: TrendMeasure): string {
  switch (measure) {
    case 'total':
      return 'count(*)';
    case 'uniqueUsers':
      return 'count(DISTINCT uid)';
    case 'perUser':
      return 'count(*) / count(DISTINCT uid)';
    case 'sum':
      return 'coalesce(sum(v), 0)';
    case 'avg':
      return 'avg(v)';
    case 'min':
      return 'min(v)';
    case 'max':
      return 'max(v)';
    case 'median':
      return 'median(v)';
    default:
      return 'NULL';
  }
}

function shiftDay(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The users behind one point: those whose matching events make the series' value in that period
 * (for DAU/WAU/MAU and DAU/MAU: those active in the days the value counts).
 */
export function trendsUsers(
  ctx: AnalysisContext,
  spec: TrendsSpec,
  pick: { series: number; period: string; breakdown?: string },
): UidQuery {
  const { settings } = ctx;
  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const issues = new SpecIssues(ctx.notes);
  const breakdown = trendBreakdown(ctx, spec, issues);
  const query = buildSeriesQuery(ctx, spec, pick.series, days, issues, breakdown);
  issues.throwIfAny('trends');
  const { params, base } = query;
  const measure = spec.series[pick.series]?.measure ?? 'total';
  const rolling = ROLLING_DAYS[measure];
  const label = periodLabel('period', spec.interval);
  const group = pick.breakdown === undefined ? '' : ` AND b = ${params.bind(pick.breakdown)}`;
  if (rolling === undefined) {
    return {
      sql: `WITH ${base} SELECT DISTINCT uid FROM ev WHERE in_range AND ${label} = ${params.bind(pick.period)}${group}`,
      params,
    };
  }
  const n = measure === 'stickiness' ? 30 : rolling;
  // The period's label is its first local day; the value counts the N days ending on its last.
  const lastDay = `CAST(CAST(${params.bind(pick.period)} AS TIMESTAMP) + ${intervalSql(spec.interval)} - INTERVAL 1 DAY AS DATE)`;
  return {
    sql: `WITH ${base} SELECT DISTINCT uid FROM ev
      WHERE CAST(local AS DATE) BETWEEN ${lastDay} - ${n - 1} AND ${lastDay}${group}`,
    params,
  };
}
