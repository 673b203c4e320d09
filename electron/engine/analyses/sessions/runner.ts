import { ANY_EVENT, INTERVALS, sampledOf } from '../../../../shared/specs/common';
import type {
  SessionsPeriod,
  SessionsResult,
  SessionsSpec,
} from '../../../../shared/specs/sessions';
import { addDays, resolveDays, type LocalDays } from '../../../../shared/calendar/local-days';
import type { Row } from '../../duckdb/database';
import {
  dayStartUtc,
  instant,
  periodEndUtc,
  periodLabel,
  periodOf,
  periodSpine,
  toLocal,
  type Calendar,
} from '../../sql/calendar';
import { eventMatchSql, samplingSql, type Predicate } from '../../sql/conditions';
import { and, join, query, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import type { AnalysisContext } from '../context';
import { defineRunner, type PlanBase } from '../runner';
import { checkPeriods } from '../../sql/period-limits';

export const DURATION_EDGES = [0, 10, 60, 300, 900, 1_800, 3_600, 7_200];
export const EVENT_EDGES = [1, 2, 3, 4, 5, 6, 11, 21];

interface SessionsPlan extends PlanBase {
  spec: SessionsSpec;
  cal: Calendar;
  days: LocalDays;
  gapMinutes: number;
  /** Sessions must hold a matching event in the range; null counts every session. */
  match: Predicate | null;
  /** session_facts exists (a workspace of an older version may lack it). */
  sessionFacts: boolean;
}

/**
 * Sessions as PostHog and Amplitude count them, cut at import by the workspace's inactivity gap:
 * a session belongs to the period its first event falls in, and is read whole (its events after
 * the range count too); it lasts from its first to its last event; it bounces when it holds a
 * single event. With an event filter, only sessions holding a matching event in the range count.
 *
 * Units: one row per session (uid, session_id, period, duration, events, bounce).
 */
export const sessionsRunner = defineRunner<'sessions', SessionsPlan>({
  plan(ctx: AnalysisContext, spec: SessionsSpec): SessionsPlan {
    const notes = new PlanNotes();
    const cal: Calendar = ctx.settings;
    const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
    checkPeriods(notes, {
      days,
      interval: spec.interval,
      weekStart: cal.weekStart,
      intervals: INTERVALS,
    });
    const filtered =
      spec.events.event !== ANY_EVENT || spec.events.where.length > 0 || spec.filters.length > 0;
    const match = filtered ? eventMatchSql(ctx.catalog, spec.events, spec.filters, notes) : null;
    notes.throwIfIssues('sessions');
    for (const w of notes.warnings) ctx.notes.warn(w);
    const gapMinutes = ctx.settings.sessionGapMinutes;
    return {
      unitsKey: { spec, days, cal, gapMinutes },
      spec,
      cal,
      days,
      gapMinutes,
      match,
      sessionFacts: ctx.catalog.tables.has('session_facts'),
    };
  },

  units(_ctx, plan) {
    const { spec, cal, days, match } = plan;
    const from = dayStartUtc(cal, days.from);
    const to = dayStartUtc(cal, addDays(days.to, 1));
    const sampling = samplingSql(spec.sample?.fraction);
    let sessions: Sql;
    if (match === null && plan.sessionFacts) {
      // Every session that starts in the range: the derived table answers without reading events.
      sessions = sql`SELECT e.session_id, e.uid, e.started, e.events, e.duration FROM session_facts e
                     WHERE e.started >= ${from} AND e.started < ${to} AND ${sampling}`;
    } else {
      // Sessions with an event in the range (and a matching one, when asked), then read whole.
      // Events of one session are at most the gap apart, so a session that began before the
      // range has an event in the gap before it, and one that runs past the range has an event
      // in the gap before its end: those two small sets make the read exact without other days.
      const gap = sql`to_microseconds(CAST(${plan.gapMinutes} AS BIGINT) * 60000000)`;
      const matching =
        match === null
          ? raw('TRUE')
          : sql`e.session_id IN (SELECT e.session_id FROM events e ${match.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
                  WHERE e.ts >= ${from} AND e.ts < ${to} AND ${match.sql})`;
      sessions = sql`SELECT e.session_id, any_value(e.uid) AS uid, min(e.ts) AS started, count(*) AS events,
                            (epoch_us(max(e.ts)) - epoch_us(min(e.ts))) / 1e6 AS duration
                     FROM events e
                     WHERE ((e.ts >= ${from} AND e.ts < ${to})
                            OR (e.ts >= ${to} AND e.session_id IN (SELECT session_id FROM events WHERE ts >= ${to} - ${gap} AND ts < ${to})))
                       AND e.session_id NOT IN (SELECT session_id FROM events WHERE ts >= ${from} - ${gap} AND ts < ${from})
                       AND ${and([sampling, matching])}
                     GROUP BY e.session_id`;
    }
    const period = periodOf(cal, toLocal(cal, raw('s.started')), spec.interval);
    return {
      // No label per row: the users behind a period compare its start (as lifecycle's do).
      sql: sql`SELECT s.uid, CAST(s.session_id AS BIGINT) AS session_id, s.started, ${period} AS period,
                      CAST(s.duration AS DOUBLE) AS duration, CAST(s.events AS BIGINT) AS events,
                      s.events = 1 AS bounce
               FROM (${sessions}) s`,
    };
  },

  async summarise(ctx, plan, units): Promise<SessionsResult> {
    const { spec, cal, days } = plan;
    const measures = sql`count(u.session_id) AS sessions, count(DISTINCT u.uid) AS users,
        avg(u.duration) AS mean_duration, median(u.duration) AS median_duration,
        avg(u.events) AS mean_events, median(u.events) AS median_events,
        avg(CAST(u.bounce AS INTEGER)) AS bounce`;
    const perPeriod = await query(
      ctx.c,
      withCtes(
        [['periods', periodSpine(cal, days, spec.interval)]],
        sql`SELECT ${periodLabel(raw('periods.period'), spec.interval)} AS label,
                   ${periodEndUtc(cal, raw('periods.period'), spec.interval)} > ${instant(ctx.observedUntil)} AS incomplete,
                   ${measures}
            FROM periods LEFT JOIN ${units} u ON u.period = periods.period
            GROUP BY periods.period ORDER BY periods.period`,
      ),
    );
    const [total] = await query(
      ctx.c,
      sql`SELECT ${measures}, ${bucketSql(raw('u.duration'), DURATION_EDGES, 'd')}, ${bucketSql(raw('u.events'), EVENT_EDGES, 'e')}
          FROM ${units} u`,
    );
    return {
      kind: 'sessions',
      timezone: cal.timezone,
      interval: spec.interval,
      sessionGapMinutes: plan.gapMinutes,
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
  },

  select: (_plan, pick) =>
    and([
      pick.period === undefined ? raw('') : sql`period = TRY_CAST(${pick.period} AS TIMESTAMP)`,
      pick.measure === 'bounced' ? raw('bounce') : raw(''),
    ]),
});

/** Sessions per bucket: bucket i spans [edges[i], edges[i+1]), the last is open. */
function bucketSql(value: Sql, edges: number[], prefix: string): Sql {
  return join(
    edges.map((edge, i) => {
      const next = edges[i + 1];
      const below = next === undefined ? raw('') : sql` AND ${value} < ${next}`;
      return sql`count(*) FILTER (${value} >= ${edge}${below}) AS ${raw(`${prefix}${i}`)}`;
    }),
  );
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
