import { addDays } from '../../../shared/calendar/local-days';
import type { WorkspaceSettings } from '../../../shared/api/workspace-types';
import type { EventFilter } from '../../../shared/specs/common';
import {
  NEGATIVE_HOLD_DAYS,
  type TriggerCondition,
  type TriggerSpec,
} from '../../../shared/specs/trigger';
import { dayStartUtc, toLocal, toUtc } from '../sql/calendar';
import type { Catalog } from '../sql/catalog';
import { eventMatchSql } from '../sql/conditions';
import { raw, sql, type Sql } from '../sql/fragment';
import type { PlanNotes } from '../sql/notes';

/**
 * A trigger's fires as SQL: the CTE `fires` (uid, fired_at, ended_at, context) holds every
 * episode of the condition up to `end` (the end of the as-of day): when it became true
 * (fired_at) and when it stopped being true (ended_at, NULL while it still holds), and the
 * context that explains it as JSON. `kept` applies the cooldown: a user's fire is kept only when
 * the last kept one is at least `cooldownDays` (of 24 hours) earlier, greedily in time order (a
 * recursive step per fire of the same user, not a self-join).
 */
export interface FireInput {
  catalog: Catalog;
  settings: WorkspaceSettings;
  notes: PlanNotes;
  /** The instant evaluated at: later events do not count. */
  end: Sql;
  /** With `sinceDay`, episodes that fire before its start are not needed (a backtest's range). */
  sinceDay?: string | undefined;
  /** Members of a segment per day (segment triggers): a relation of (day DATE, uid). */
  segmentDays?: Sql;
}

function matched(input: FireInput, filter: EventFilter): { from: Sql; where: Sql } {
  const match = eventMatchSql(input.catalog, filter, [], input.notes);
  return {
    from: match.needsUsers ? raw('events e JOIN users u ON u.uid = e.uid') : raw('events e'),
    where: match.sql,
  };
}

/** `ts` moved by `n` days of local wall time (a day across a change of clocks is 23 or 25 hours). */
function shiftDays(input: FireInput, ts: Sql, n: number): Sql {
  return toUtc(
    input.settings,
    sql`(${toLocal(input.settings, ts)} + INTERVAL (${raw(String(n))}) DAY)`,
  );
}

function localDay(input: FireInput, ts: Sql): Sql {
  return sql`CAST(${toLocal(input.settings, ts)} AS DATE)`;
}

function firesOf(input: FireInput, c: TriggerCondition): [string, Sql][] {
  const { end } = input;
  switch (c.type) {
    case 'inactivity': {
      const q = matched(input, c.event);
      // Gaps that fire in a backtest's range start at most `days` days before it.
      const lower =
        input.sinceDay === undefined
          ? raw('TRUE')
          : sql`e.ts >= ${shiftDays(input, dayStartUtc(input.settings, input.sinceDay), -c.days)}`;
      const lowerU =
        input.sinceDay === undefined
          ? raw('TRUE')
          : sql`u.first_seen >= ${shiftDays(input, dayStartUtc(input.settings, input.sinceDay), -c.days)}`;
      return [
        // One row per user and local day: a gap of N whole days of wall time never falls
        // inside a day, so the last event of a day and the first of the next active one bound
        // every gap that can fire (a sort of a few rows per user, not of every event).
        [
          'active_days',
          sql`SELECT e.uid, ${localDay(input, raw('e.ts'))} AS d, min(e.ts) AS first_ts, max(e.ts) AS last_ts,
                     arg_max(e.event, e.ts) AS last_event
                FROM ${q.from} WHERE ${q.where} AND e.ts < ${end} AND ${lower} GROUP BY ALL`,
        ],
        [
          'anchors',
          // Being first seen starts the first gap: someone who never logs in is inactive too.
          sql`SELECT uid, first_ts, last_ts, last_event FROM active_days
              UNION ALL
              SELECT u.uid, u.first_seen, u.first_seen, NULL FROM users u WHERE u.first_seen < ${end} AND ${lowerU}`,
        ],
        // Being first seen sorts before an event at the same instant: the gap after it is the
        // event's, with its name.
        [
          'gaps',
          sql`SELECT uid, last_ts AS ts, last_event AS event,
                     lead(first_ts) OVER (PARTITION BY uid ORDER BY last_ts, last_event NULLS FIRST) AS next,
                     ${shiftDays(input, raw('last_ts'), c.days)} AS due
                FROM anchors`,
        ],
        [
          'fires',
          sql`SELECT uid, due AS fired_at, next AS ended_at,
                     to_json({ 'last_event': event, 'last_event_at': strftime(ts, '%Y-%m-%dT%H:%M:%SZ'),
                               'days_inactive': round(epoch(least(coalesce(next, ${end}), ${end}) - ts) / 86400, 1) }) AS context
                FROM gaps
               WHERE due <= ${end} AND (next IS NULL OR next > due)`,
        ],
      ];
    }
    case 'underuse': {
      const q = matched(input, c.event);
      const n = c.days;
      return [
        [
          'uses',
          sql`SELECT e.uid, ${localDay(input, raw('e.ts'))} AS d, count(*) AS n
                FROM ${q.from} WHERE ${q.where} AND e.ts < ${end} GROUP BY ALL`,
        ],
        // The first day a whole window of `days` days after being first seen ends.
        [
          'eligible',
          sql`SELECT u.uid, ${localDay(input, raw('u.first_seen'))} + ${n - 1} AS d
                FROM users u WHERE u.first_seen < ${end}`,
        ],
        // The count of the trailing window changes only on a day of use and on the day a use
        // leaves it: the state is read on those days.
        [
          'points',
          sql`SELECT uid, d, sum(n) AS n FROM (
                SELECT uid, d, n FROM uses
                UNION ALL SELECT uid, d + ${n}, 0 FROM uses
                UNION ALL SELECT uid, d, 0 FROM eligible) GROUP BY uid, d`,
        ],
        [
          'states',
          sql`SELECT p.uid, p.d, p.c, p.c < ${c.fewerThan} AS under FROM (
                SELECT uid, d, sum(n) OVER (PARTITION BY uid ORDER BY d
                  RANGE BETWEEN INTERVAL ${raw(String(n - 1))} DAY PRECEDING AND CURRENT ROW) AS c
                  FROM points) p
                JOIN eligible el ON el.uid = p.uid
               WHERE p.d >= el.d AND p.d < ${localDay(input, end)}`,
        ],
        [
          'runs',
          sql`SELECT *, lag(under) OVER (PARTITION BY uid ORDER BY d) AS before,
                     min(CASE WHEN NOT under THEN d END) OVER (PARTITION BY uid ORDER BY d
                       ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS back_on
                FROM states`,
        ],
        [
          'fires',
          sql`SELECT uid, ${toUtc(input.settings, sql`CAST(d + 1 AS TIMESTAMP)`)} AS fired_at,
                     CASE WHEN back_on IS NOT NULL THEN ${toUtc(input.settings, sql`CAST(back_on AS TIMESTAMP)`)} END AS ended_at,
                     to_json({ 'uses_in_window': c, 'window_days': ${n}, 'fewer_than': ${c.fewerThan},
                               'on_day': strftime(d, '%Y-%m-%d') }) AS context
                FROM runs WHERE under AND NOT coalesce(before, false)`,
        ],
      ];
    }
    case 'negative': {
      const q = matched(input, c.event);
      const within = raw(`INTERVAL ${c.hours} HOUR`);
      return [
        [
          'bursts',
          sql`SELECT e.uid, e.ts, e.event,
                     count(*) OVER w AS n, min(e.ts) OVER w AS first_at
                FROM ${q.from} WHERE ${q.where} AND e.ts < ${end}
              WINDOW w AS (PARTITION BY e.uid ORDER BY e.ts RANGE BETWEEN ${within} PRECEDING AND CURRENT ROW)`,
        ],
        [
          'fires',
          sql`SELECT uid, ts AS fired_at, ts + INTERVAL ${raw(String(NEGATIVE_HOLD_DAYS * 24))} HOUR AS ended_at,
                     to_json({ 'events_in_window': n, 'window_hours': ${c.hours},
                               'first_at': strftime(first_at, '%Y-%m-%dT%H:%M:%SZ'), 'last_event': event }) AS context
                FROM (SELECT *, lag(n) OVER (PARTITION BY uid ORDER BY ts) AS before FROM bursts)
               WHERE n >= ${c.atLeast} AND coalesce(before, 0) < ${c.atLeast}`,
        ],
      ];
    }
    case 'milestone': {
      const done = matched(input, c.milestone);
      const starts: Sql =
        c.after === undefined
          ? sql`SELECT u.uid, u.first_seen AS s FROM users u WHERE u.first_seen < ${end}`
          : (() => {
              const after = matched(input, c.after);
              return sql`SELECT e.uid, min(e.ts) AS s FROM ${after.from}
                          WHERE ${after.where} AND e.ts < ${end} GROUP BY e.uid`;
            })();
      return [
        [
          'starts',
          sql`SELECT uid, s, ${shiftDays(input, raw('s'), c.days)} AS deadline FROM (${starts})`,
        ],
        [
          'done',
          sql`SELECT e.uid, min(e.ts) AS t FROM ${done.from} JOIN starts st ON st.uid = e.uid
               WHERE ${done.where} AND e.ts >= st.s AND e.ts < ${end} GROUP BY e.uid`,
        ],
        [
          'fires',
          sql`SELECT st.uid, st.deadline AS fired_at, d.t AS ended_at,
                     to_json({ 'started_at': strftime(st.s, '%Y-%m-%dT%H:%M:%SZ'), 'deadline_days': ${c.days},
                               'done_late_at': strftime(d.t, '%Y-%m-%dT%H:%M:%SZ') }) AS context
                FROM starts st LEFT JOIN done d ON d.uid = st.uid
               WHERE st.deadline <= ${end} AND (d.t IS NULL OR d.t >= st.deadline)`,
        ],
      ];
    }
    case 'segment': {
      const days =
        input.segmentDays ?? raw('(SELECT NULL::DATE AS day, NULL::INTEGER AS uid WHERE FALSE)');
      return [
        ['memberships', sql`SELECT DISTINCT day, uid FROM ${days}`],
        // Consecutive member days share day - their rank: one island per run of membership.
        [
          'runs',
          sql`SELECT uid, min(day) AS first_day, max(day) + 1 AS out_day FROM (
                SELECT uid, day, day - CAST(row_number() OVER (PARTITION BY uid ORDER BY day) AS INTEGER) AS island
                  FROM memberships) GROUP BY uid, island`,
        ],
        [
          'fires',
          sql`SELECT uid, ${toUtc(input.settings, sql`CAST(first_day + 1 AS TIMESTAMP)`)} AS fired_at,
                     CASE WHEN out_day <= ${localDay(input, end)} - 1 THEN ${toUtc(input.settings, sql`CAST(out_day + 1 AS TIMESTAMP)`)} END AS ended_at,
                     to_json({ 'member_since': strftime(first_day, '%Y-%m-%d') }) AS context
                FROM runs`,
        ],
      ];
    }
  }
}

/**
 * The fires with the cooldown applied: CTEs ending in `kept` (uid, fired_at, ended_at, context),
 * to read in a `WITH RECURSIVE` statement.
 */
export function keptFiresSql(input: FireInput, spec: TriggerSpec): [string, Sql][] {
  const cooldown = raw(`INTERVAL ${spec.cooldownDays * 24} HOUR`);
  return [
    ...firesOf(input, spec.condition),
    [
      'numbered',
      sql`SELECT *, row_number() OVER (PARTITION BY uid ORDER BY fired_at) AS rn FROM fires`,
    ],
    [
      'cooled',
      sql`SELECT uid, rn, fired_at, fired_at AS last_kept, true AS keep FROM numbered WHERE rn = 1
          UNION ALL
          SELECT f.uid, f.rn, f.fired_at,
                 CASE WHEN f.fired_at >= k.last_kept + ${cooldown} THEN f.fired_at ELSE k.last_kept END,
                 f.fired_at >= k.last_kept + ${cooldown}
            FROM cooled k JOIN numbered f ON f.uid = k.uid AND f.rn = k.rn + 1`,
    ],
    [
      'kept',
      sql`SELECT n.uid, n.fired_at, n.ended_at, n.context FROM numbered n
            JOIN cooled k ON k.uid = n.uid AND k.rn = n.rn WHERE k.keep`,
    ],
  ];
}

/** The local days from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}
