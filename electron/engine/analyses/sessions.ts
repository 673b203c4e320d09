import { ANY_EVENT, INTERVALS, sampledOf } from '../../../shared/specs/common';
import type { SessionsPeriod, SessionsResult, SessionsSpec } from '../../../shared/specs/sessions';
import { queryRows, type Row } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { observedUntilSql, type AnalysisContext } from './context';
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
} from './sql/periods';
import { eventFilterSql, samplingSql } from './sql/properties';
import { shiftDay } from './sql/scoped-events';

export const DURATION_EDGES = [0, 10, 60, 300, 900, 1_800, 3_600, 7_200];
export const EVENT_EDGES = [1, 2, 3, 4, 5, 6, 11, 21];

const bucketSql = (value: string, edges: number[], prefix: string): string =>
  edges
    .map((edge, i) => {
      const next = edges[i + 1];
      return `count(*) FILTER (${value} >= ${edge}${next === undefined ? '' : ` AND ${value} < ${next}`}) AS ${prefix}${i}`;
    })
    .join(', ');

/**
 * Sessions per period of their start. A session belongs to the period its first event falls in,
 * and all its events count, even those after the range: sessions are read whole, by session_id.
 */
export async function runSessions(
  ctx: AnalysisContext,
  spec: SessionsSpec,
): Promise<SessionsResult> {
  const { settings, catalog } = ctx;
  const tz = settings.timezone;
  const issues = new SpecIssues(ctx.notes);
  const params = new SqlParams();
  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const filter = eventFilterSql(catalog, spec.events, spec.filters, params, issues, 'events');
  checkPeriods(issues, {
    days,
    interval: spec.interval,
    weekStart: settings.weekStart,
    intervals: INTERVALS,
  });
  issues.throwIfAny('sessions');
  const from = utcMidnight(days.from, tz, params);
  const to = utcMidnight(shiftDay(days.to, 1), tz, params);
  const filtered =
    spec.events.event !== ANY_EVENT || spec.filters.length > 0 || spec.events.where.length > 0;
  // Sessions with an event in the range (and a matching one, when asked), then read whole.
  // Events of one session are at most the gap apart, so a session that began before the range
  // has an event in the gap before it, and one that runs past the range has an event in the gap
  // before its end: those two small sets make the read exact without scanning other days.
  const gap = `to_microseconds(CAST(${params.bind(settings.sessionGapMinutes)} AS BIGINT) * 60000000)`;
  const begunBefore = `SELECT session_id FROM events WHERE ts >= ${from} - ${gap} AND ts < ${from}`;
  const runningOn = `SELECT session_id FROM events WHERE ts >= ${to} - ${gap} AND ts < ${to}`;
  const sampling = samplingSql(spec.sample?.fraction, params);
  const matching = filtered
    ? `AND e.session_id IN (SELECT e.session_id FROM events e ${filter.needsUsers ? 'JOIN users u ON u.uid = e.uid' : ''}
         WHERE e.ts >= ${from} AND e.ts < ${to} AND ${filter.where})`
    : '';
  // Without an event filter a session is in when it starts in the range (one that started before
  // has an event in the gap before it; one that starts inside has an event inside): the derived
  // session table answers that without reading events.
  const sessions =
    !filtered && catalog.tables.has('session_facts')
      ? `SELECT e.session_id, e.uid, e.started, e.events, e.duration FROM session_facts e
         WHERE e.started >= ${from} AND e.started < ${to} AND ${sampling}`
      : `SELECT e.session_id, any_value(e.uid) AS uid, min(e.ts) AS started, count(*) AS events,
      (epoch_us(max(e.ts)) - epoch_us(min(e.ts))) / 1e6 AS duration
    FROM events e
    WHERE ((e.ts >= ${from} AND e.ts < ${to}) OR (e.ts >= ${to} AND e.session_id IN (${runningOn})))
      AND e.session_id NOT IN (${begunBefore}) AND ${sampling} ${matching}
    GROUP BY e.session_id`;
  const period = periodStart(localTime('started', tz, params), spec.interval, settings.weekStart);
  const measures = `count(*) AS sessions, count(DISTINCT uid) AS users, avg(duration) AS mean_duration,
      median(duration) AS median_duration, avg(events) AS mean_events, median(events) AS median_events,
      avg((events = 1)::INT) AS bounce`;
  const step = intervalSql(spec.interval);
  await ctx.c.run('DROP TABLE IF EXISTS session_stats');
  // The session-table path leaves the gap windows' values unused: keep only the placeholders used.
  const stats = SqlParams.compact(
    `CREATE TEMP TABLE session_stats AS SELECT *, ${period} AS period FROM (${sessions})`,
    params.values,
  );
  await ctx.c.run(stats.sql, stats.values);
  try {
    const p2 = new SqlParams();
    const bounds = periodBounds(days, spec.interval, settings.weekStart, p2);
    const perPeriod = await queryRows(
      ctx.c,
      `WITH periods AS (SELECT g.p AS period FROM generate_series(${bounds.first}, ${bounds.last}, ${step}) g(p))
       SELECT ${periodLabel('periods.period', spec.interval)} AS label,
              timezone('UTC', timezone(${p2.bind(tz)}, periods.period + ${step})) > ${observedUntilSql(ctx, p2)} AS incomplete,
              ${measures.replaceAll('count(*)', 'count(s.session_id)')}
       FROM periods LEFT JOIN session_stats s ON s.period = periods.period
       GROUP BY periods.period ORDER BY periods.period`,
      p2.values,
    );
    const [total] = await queryRows(
      ctx.c,
      `SELECT ${measures}, ${bucketSql('duration', DURATION_EDGES, 'd')}, ${bucketSql('events', EVENT_EDGES, 'e')} FROM session_stats`,
    );
    return {
      kind: 'sessions',
      timezone: tz,
      interval: spec.interval,
      sessionGapMinutes: settings.sessionGapMinutes,
      periods: perPeriod.map((r) => ({
        period: String(r.label),
        incomplete: r.incomplete === true,
        ...measuresOf(r),
      })),
      total: measuresOf(total ?? {}),
      durationEdges: DURATION_EDGES,
      durationHistogram: DURATION_EDGES.map((_, i) => Number(total?.[`d${i}`] ?? 0)),
      eventEdges: EVENT_EDGES,
      eventHistogram: EVENT_EDGES.map((_, i) => Number(total?.[`e${i}`] ?? 0)),
      sampled: sampledOf(spec.sample),
    };
  } finally {
    await ctx.c.run('DROP TABLE IF EXISTS session_stats');
  }
}

function measuresOf(r: Row): Omit<SessionsPeriod, 'period' | 'incomplete'> {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const sessions = Number(r.sessions ?? 0);
  const users = Number(r.users ?? 0);
  return {
    sessions,
    users,
    sessionsPerUser: users === 0 ? null : sessions / users,
    meanDuration: num(r.mean_duration),
    medianDuration: num(r.median_duration),
    meanEvents: num(r.mean_events),
    medianEvents: num(r.median_events),
    bounceRate: num(r.bounce),
  };
}
