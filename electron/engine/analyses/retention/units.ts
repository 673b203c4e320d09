import { addDays } from '../../../../shared/calendar/local-days';
import { NONE_LABEL, OTHER_LABEL } from '../../../../shared/specs/common';
import {
  dayStartUtc,
  hourStartUtc,
  intervalOf,
  periodLabel,
  periodOf,
  toLocal,
  toUtc,
} from '../../sql/calendar';
import { samplingSql } from '../../sql/conditions';
import { and, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import { ROLLING_SECONDS, type RetentionPlan } from './plan';

/**
 * The units of a retention spec: one row per cohort entry (a user, or a user and period for
 * recurring cohorts), with
 *   uid, side ('current', or 'previous' for the compared range before), bucket (the cohort's local
 *   period start; hourly the UTC instant its local hour started), label (the cohort as the grid
 *   writes it), start (the start event's time), grp (breakdown group), value (the start event's
 *   breakdown value), ks (the periods after the start period the user returned in, sorted:
 *   periods with at least minOccurrences return events, period 0 counting those at or after the
 *   start), vs (the event property summed over each of those periods), maxk, uv (the user
 *   property measured).
 *
 * Cost: start events are read once (first_time and first_ever over all time up to the range's
 * end; the first by (ts, rowid), the events' stored order); return events of the cohorts' users
 * once, aggregated per user and period before they meet the entries (an equi-join on the
 * period k periods after the cohort's, so a user with many events and many entries costs events
 * + entries x periods, never events x entries). Rolling windows need each return's time: an
 * entry meets its user's returns inside its window only.
 */
export function retentionUnitsSql(plan: RetentionPlan): Sql {
  const { spec, cal } = plan;
  const period = spec.period;
  const hourly = period === 'hour';
  const first = plan.previous?.from ?? plan.days.from;
  const rangeStart = dayStartUtc(cal, plan.days.from);
  const firstStart = dayStartUtc(cal, first);
  const end = dayStartUtc(cal, addDays(plan.days.to, 1));
  /** The period a UTC time falls in: the join key of entries and returns. */
  const bucketOf = (ts: Sql): Sql =>
    hourly ? hourStartUtc(cal, ts) : periodOf(cal, toLocal(cal, ts), period);
  const labelOf = (ts: Sql): Sql =>
    periodLabel(hourly ? periodOf(cal, toLocal(cal, ts), 'hour') : bucketOf(ts), period);

  const needsUsers = plan.startConditions.needsUsers || (plan.breakdown?.needsUsers ?? false);
  const usersJoin = raw(needsUsers ? 'JOIN users u ON u.uid = e.uid' : '');
  const b = plan.breakdown?.sql ?? raw('NULL');
  const sampled = samplingSql(spec.sample?.fraction);
  // First start events of users can be read off `users` when nothing about the event matters.
  const fromUsers = spec.cohort !== 'recurring' && plan.userConditionsOnly && !plan.sameValue;
  let starts: Sql;
  if (fromUsers) {
    starts = sql`SELECT u.uid, u.first_seen AS ts, ${b} AS b FROM users u
      WHERE u.first_seen IS NOT NULL AND u.first_seen < ${end} AND ${plan.startConditions.sql}
        AND ${samplingSql(spec.sample?.fraction, raw('u.uid'))}`;
  } else if (spec.cohort === 'first_ever') {
    // The first event of the name ever, whatever its properties: cohorted only if it matches.
    starts = sql`SELECT uid, ts, b FROM (
        SELECT e.uid, arg_min(e.ts, e.rowid) AS ts, arg_min_null(${b}, e.rowid) AS b,
               arg_min(coalesce(${plan.startConditions.sql}, false), e.rowid) AS matches
        FROM events e ${usersJoin}
        WHERE ${plan.startName.sql} AND e.ts < ${end} AND ${sampled}
        GROUP BY e.uid)
      WHERE matches`;
  } else if (spec.cohort === 'first_time') {
    // The first matching start event over all time (not the first inside the range).
    starts = sql`SELECT e.uid, arg_min(e.ts, e.rowid) AS ts, arg_min_null(${b}, e.rowid) AS b
      FROM events e ${usersJoin}
      WHERE ${plan.startName.sql} AND ${plan.startConditions.sql} AND e.ts < ${end} AND ${sampled}
      GROUP BY e.uid`;
  } else {
    // An entry per user and period with a start event (the range before included, by the first).
    starts = sql`SELECT e.uid, arg_min(e.ts, e.rowid) AS ts, arg_min_null(${b}, e.rowid) AS b
      FROM events e ${usersJoin}
      WHERE ${plan.startName.sql} AND ${plan.startConditions.sql}
        AND e.ts >= ${firstStart} AND e.ts < ${end} AND ${sampled}
      GROUP BY e.uid, ${bucketOf(raw('e.ts'))}`;
  }

  const n = spec.periods;
  const rolling = spec.time === 'rolling';
  const windowUs = ROLLING_SECONDS[period] * 1_000_000;
  const horizon = rolling
    ? sql`(SELECT max(ts) FROM entries) + to_microseconds(${windowUs * (n + 1)})`
    : hourly
      ? sql`(SELECT max(bucket) FROM entries) + to_hours(${n + 1})`
      : toUtc(cal, sql`(SELECT max(bucket) FROM entries) + ${intervalOf(period, n + 1)}`);
  const returnUsers = raw(plan.returnMatch.needsUsers ? 'JOIN users u ON u.uid = e.uid' : '');
  const sameValue = plan.sameValue ? raw('AND r.b IS NOT DISTINCT FROM x.b') : raw('');
  const eventValue = plan.measure.kind === 'event' ? plan.measure.value : raw('NULL');
  const returns = sql`SELECT e.uid, e.ts, ${rolling ? raw('NULL') : bucketOf(raw('e.ts'))} AS bucket,
      ${plan.sameValue ? b : raw('NULL')} AS b, CAST(${eventValue} AS DOUBLE) AS v
    FROM events e ${returnUsers}
    WHERE ${plan.returnMatch.sql} AND e.uid IN (SELECT uid FROM entries)
      AND e.ts >= (SELECT min(ts) FROM entries) AND e.ts < ${horizon}`;

  // Returning with any event in a UTC workspace reads the users' active days instead of their
  // events (~1 row per 4 events): a period's count is its days' counts, and period 0 holds a
  // return when one of its days' last event is at or after the start. Counting once is enough
  // for that; more needs the events' times.
  const fromDays =
    !rolling &&
    !hourly &&
    cal.timezone === 'UTC' &&
    plan.userDays &&
    plan.minOccurrences === 1 &&
    plan.measure.kind !== 'event' &&
    !plan.sameValue &&
    spec.return.event === '$any' &&
    spec.return.where.length === 0;
  const returnPeriods = fromDays
    ? sql`SELECT d.uid, NULL AS b, d.bucket, sum(d.events) AS n,
             count(*) FILTER (d.last_ts >= x.ts) AS n0, NULL::DOUBLE AS v, NULL::DOUBLE AS v0
      FROM (SELECT uid, ${periodOf(cal, raw('CAST(day AS TIMESTAMP)'), period)} AS bucket, events, last_ts
            FROM user_days
            WHERE uid IN (SELECT uid FROM entries) AND day >= CAST((SELECT min(ts) FROM entries) AS DATE)
              AND day < CAST(${horizon} AS DATE)) d
      LEFT JOIN entries x ON x.uid = d.uid AND x.bucket = d.bucket
      GROUP BY d.uid, d.bucket`
    : sql`SELECT r.uid, r.b, r.bucket, count(*) AS n, count(*) FILTER (r.ts >= x.ts) AS n0,
             sum(r.v) AS v, sum(r.v) FILTER (r.ts >= x.ts) AS v0
      FROM returns r LEFT JOIN entries x ON x.uid = r.uid AND x.bucket = r.bucket
      GROUP BY r.uid, r.b, r.bucket`;
  const step: Record<typeof period, Sql> = {
    hour: raw('to_hours(t.k)'),
    day: raw('to_days(CAST(t.k AS INTEGER))'),
    week: raw('to_days(CAST(7 * t.k AS INTEGER))'),
    month: raw('to_months(CAST(t.k AS INTEGER))'),
  };
  const hits = rolling
    ? sql`SELECT x.uid, x.bucket AS xb, CAST((epoch_us(r.ts) - epoch_us(x.ts)) // ${windowUs} AS INTEGER) AS k,
             count(*) AS n, sum(r.v) AS v
      FROM entries x JOIN returns r ON r.uid = x.uid AND r.ts >= x.ts
        AND r.ts < x.ts + to_microseconds(${windowUs * (n + 1)}) ${sameValue}
      GROUP BY x.uid, x.bucket, k`
    : sql`SELECT x.uid, x.bucket AS xb, CAST(t.k AS INTEGER) AS k,
             CASE WHEN t.k = 0 THEN r.n0 ELSE r.n END AS n,
             CASE WHEN t.k = 0 THEN r.v0 ELSE r.v END AS v
      FROM entries x CROSS JOIN range(0, ${n + 1}) t(k)
      JOIN return_periods r ON r.uid = x.uid AND r.bucket = x.bucket + ${step[period]} ${sameValue}`;

  const grp =
    spec.breakdown === undefined
      ? raw('NULL')
      : sql`CASE WHEN x.b IS NULL THEN ${NONE_LABEL} WHEN x.b IN (SELECT b FROM top) THEN x.b ELSE ${OTHER_LABEL} END`;
  const uv = plan.measure.kind === 'user' ? plan.measure.value : raw('NULL');
  return withCtes(
    [
      ['starts', starts],
      [
        'entries',
        sql`SELECT uid, ts, b, CASE WHEN ts >= ${rangeStart} THEN 'current' ELSE 'previous' END AS side,
               ${bucketOf(raw('ts'))} AS bucket, ${labelOf(raw('ts'))} AS label
            FROM starts WHERE ts >= ${firstStart} AND ts < ${end}`,
      ],
      [
        'top',
        sql`SELECT b FROM entries WHERE side = 'current' AND b IS NOT NULL
            GROUP BY b ORDER BY count(*) DESC, b LIMIT ${spec.breakdown?.limit ?? 0}`,
      ],
      ['returns', returns],
      ...(rolling ? [] : [['return_periods', returnPeriods] as const]),
      ['hits', hits],
      [
        'returned',
        sql`SELECT uid, xb, list(k ORDER BY k) AS ks, list(v ORDER BY k) AS vs, max(k) AS maxk
            FROM hits WHERE ${and([sql`n >= ${plan.minOccurrences}`, sql`k BETWEEN 0 AND ${n}`])}
            GROUP BY uid, xb`,
      ],
    ],
    sql`SELECT x.uid, x.side, x.bucket, x.label, x.ts AS start, ${grp} AS grp, x.b AS value,
           coalesce(h.ks, []::INTEGER[]) AS ks,
           ${plan.measure.kind === 'event' ? raw('coalesce(h.vs, []::DOUBLE[])') : raw('[]::DOUBLE[]')} AS vs,
           h.maxk, CAST(${uv} AS DOUBLE) AS uv
        FROM entries x
        LEFT JOIN returned h ON h.uid = x.uid AND h.xb = x.bucket
        ${raw(plan.measure.kind === 'user' ? 'LEFT JOIN users u ON u.uid = x.uid' : '')}`,
  );
}
