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
import { bitsOf } from './cells';
import { ROLLING_SECONDS, type RetentionPlan } from './plan';

/**
 * The units of a retention spec: one row per cohort entry (a user, or a user and period for
 * recurring cohorts), with
 *   uid, side ('current', or 'previous' for the compared range before), bucket (the cohort's local
 *   period start; hourly the UTC instant its local hour started), label (the cohort as the grid
 *   writes it), start (the start event's time), grp (breakdown group), value (the start event's
 *   breakdown value), mask (bit k set: the user returned in period k after the start period,
 *   i.e. did at least minOccurrences return events in it, period 0 counting those at or after
 *   the start), maxk (the last such period), uv (the user property measured); and when an event
 *   property is measured, ks (those periods, sorted) and vs (the property summed over each).
 *
 * Cost: start events are read once (first_time and first_ever over all time up to the range's
 * end; the first by (ts, rowid), the events' stored order; `users.first_seen` when nothing about
 * the event matters); return events of the cohorts' users once, aggregated per user and period
 * before they meet the entries on (uid, block), see below: a user with many events and many
 * entries costs events + entries x periods, never events x entries. Rolling windows need each
 * return's time; blocks bound those pairs the same way.
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
  // Without a breakdown there is no start value to carry: an aggregate of NULLs still costs.
  const firstB = plan.breakdown === null ? raw('NULL') : sql`arg_min_null(${b}, e.rowid)`;
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
        SELECT e.uid, arg_min(e.ts, e.rowid) AS ts, ${firstB} AS b,
               arg_min(coalesce(${plan.startConditions.sql}, false), e.rowid) AS matches
        FROM events e ${usersJoin}
        WHERE ${plan.startName.sql} AND e.ts < ${end} AND ${sampled}
        GROUP BY e.uid)
      WHERE matches`;
  } else if (spec.cohort === 'first_time') {
    // The first matching start event over all time (not the first inside the range).
    starts = sql`SELECT e.uid, arg_min(e.ts, e.rowid) AS ts, ${firstB} AS b
      FROM events e ${usersJoin}
      WHERE ${plan.startName.sql} AND ${plan.startConditions.sql} AND e.ts < ${end} AND ${sampled}
      GROUP BY e.uid`;
  } else {
    // An entry per user and period with a start event (the range before included, by the first).
    starts = sql`SELECT e.uid, arg_min(e.ts, e.rowid) AS ts, ${firstB} AS b
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
  const eventValue = sql`CAST(${plan.measure.kind === 'event' ? plan.measure.value : raw('NULL')} AS DOUBLE)`;
  const returnValue = plan.sameValue ? b : raw('NULL');
  const returnEvents = sql`FROM events e ${returnUsers}
    WHERE ${plan.returnMatch.sql} AND e.uid IN (SELECT uid FROM entries)
      AND e.ts >= (SELECT min(ts) FROM entries) AND e.ts < ${horizon}`;

  /*
   * Entries meet their returns on (uid, block): time cut into blocks as long as the columns
   * span (n + 1 periods, or windows), an entry looking into its own block and the next. Each
   * entry meets at most 2 (n + 1) return periods of its user (a user's return periods are
   * aggregated first) and, rolling, each return meets at most the entries that started within
   * two blocks before it: never entries x events, whatever a user's history. First-time and
   * first-ever cohorts hold one entry per user: they meet their returns on uid alone.
   */
  const unique = spec.cohort !== 'recurring';
  const span = n + 1;
  const blocks = (number: string): Sql =>
    unique
      ? sql`SELECT * FROM entries`
      : sql`SELECT *, ${raw(number)} // ${span} AS blk FROM entries
        UNION ALL SELECT *, ${raw(number)} // ${span} + 1 AS blk FROM entries`;
  const sameBlock = raw(unique ? '' : 'AND r.blk = x.blk');
  const sameValue = plan.sameValue ? raw('AND r.b IS NOT DISTINCT FROM x.b') : raw('');

  let steps: (readonly [string, Sql])[];
  /** Per entry (uid, and xb unless unique) its (k, n, v) periods; or, direct, `returned` itself. */
  let hits: Sql | null;
  let direct: Sql | null = null;
  const mask = bitsOf(plan);
  if (rolling) {
    // k whole windows after the start; windows are counted from a fixed origin (1800) so that
    // block numbers stay positive.
    const us = `(epoch_us(%) - epoch_us(TIMESTAMP '1800-01-01')) // ${windowUs}`;
    steps = [
      ['entry_blocks', blocks(us.replace('%', 'ts'))],
      [
        'return_events',
        sql`SELECT e.uid, e.ts, ${returnValue} AS b, ${eventValue} AS v,
            ${raw(us.replace('%', 'e.ts'))} // ${span} AS blk ${returnEvents}`,
      ],
    ];
    hits = sql`SELECT x.uid, x.bucket AS xb, CAST((epoch_us(r.ts) - epoch_us(x.ts)) // ${windowUs} AS INTEGER) AS k,
        count(*) AS n, sum(r.v) AS v
      FROM entry_blocks x JOIN return_events r ON r.uid = x.uid ${sameBlock} ${sameValue}
      WHERE r.ts >= x.ts AND r.ts < x.ts + to_microseconds(${windowUs * span})
      GROUP BY x.uid, x.bucket, k`;
  } else {
    // Period numbers count from a fixed origin (1800, before any date a spec may name).
    const numberOf = (bucket: string): string => {
      switch (period) {
        case 'hour':
          return `(epoch_us(${bucket}) - epoch_us(TIMESTAMP '1800-01-01')) // 3600000000`;
        case 'day':
          return `date_diff('day', TIMESTAMP '1800-01-01', ${bucket})`;
        case 'week':
          return `date_diff('day', TIMESTAMP '1800-01-01', ${bucket}) // 7`;
        case 'month':
          return `date_diff('month', TIMESTAMP '1800-01-01', ${bucket})`;
      }
    };
    // Returning with any event in a UTC workspace reads the users' active days instead of
    // their events (~1 row per 4 events). Counting a period once needs per user and period
    // only its count and last event (period 0 holds a return when that is at or after the
    // start); K occurrences or a sum in period 0 need the events at or after the start.
    const exact = plan.minOccurrences > 1 || plan.measure.kind === 'event';
    const fromDays =
      !hourly &&
      !exact &&
      !plan.sameValue &&
      cal.timezone === 'UTC' &&
      plan.userDays &&
      spec.return.event === '$any' &&
      spec.return.where.length === 0;
    const periods = fromDays
      ? sql`SELECT d.uid, NULL AS b, d.bucket, sum(d.events) AS n, max(d.last_ts) AS last,
            NULL::BIGINT AS n0, NULL::DOUBLE AS v, NULL::DOUBLE AS v0
          FROM (SELECT uid, ${periodOf(cal, raw('CAST(day AS TIMESTAMP)'), period)} AS bucket, events, last_ts
                FROM user_days
                WHERE uid IN (SELECT uid FROM entries) AND day >= CAST((SELECT min(ts) FROM entries) AS DATE)
                  AND day < CAST(${horizon} AS DATE)) d
          GROUP BY d.uid, d.bucket`
      : exact
        ? // Period 0's count and sum: the returns at or after the start of the entry in it.
          sql`SELECT r.uid, r.b, r.bucket, count(*) AS n, NULL::TIMESTAMP AS last,
              count(*) FILTER (r.ts >= x.ts) AS n0, sum(r.v) AS v, sum(r.v) FILTER (r.ts >= x.ts) AS v0
            FROM (SELECT e.uid, e.ts, ${bucketOf(raw('e.ts'))} AS bucket, ${returnValue} AS b, ${eventValue} AS v
                  ${returnEvents}) r
            LEFT JOIN entries x ON x.uid = r.uid AND x.bucket = r.bucket
            GROUP BY r.uid, r.b, r.bucket`
        : sql`SELECT e.uid, ${returnValue} AS b, ${bucketOf(raw('e.ts'))} AS bucket, count(*) AS n,
              max(e.ts) AS last, NULL::BIGINT AS n0, NULL::DOUBLE AS v, NULL::DOUBLE AS v0
            ${returnEvents}
            GROUP BY ALL`;
    const periodZero = exact ? raw('r.n0') : raw('CAST(r.last >= x.ts AS BIGINT)');
    if (fromDays && unique) {
      // One entry per user: each active day meets it directly and is counted in its period
      // (k, from the day and the entry's period start: day >= that start, so no negative
      // division), no per-period aggregation or blocks first. minOccurrences is 1 here, so a
      // period holds a return when one of its days has an event (k > 0; event counts are not
      // negative, so that is its sum >= 1) or, period 0, an event at or after the start (its
      // last event at or after it): what the per-period sum and last event say, day by day.
      const day = 'CAST(x.bucket AS DATE)';
      const k =
        period === 'month'
          ? `date_diff('month', ${day}, d.day)`
          : period === 'week'
            ? `(d.day - ${day}) // 7`
            : `(d.day - ${day})`;
      direct = sql`SELECT uid, bit_or(CAST(1 AS ${raw(mask)}) << k) AS mask, max(k) AS maxk
        FROM (SELECT x.uid, CAST(${raw(k)} AS INTEGER) AS k, d.last_ts >= x.ts AS after_start, d.events
              FROM user_days d JOIN entries x ON x.uid = d.uid AND d.day >= ${raw(day)})
        WHERE k <= ${n} AND CASE WHEN k = 0 THEN after_start ELSE events >= 1 END
        GROUP BY uid`;
    }
    steps = [
      ['entry_blocks', blocks(numberOf('bucket'))],
      [
        'return_periods',
        sql`SELECT *, ${raw(numberOf('bucket'))} AS p, ${raw(numberOf('bucket'))} // ${span} AS blk
            FROM (${periods})`,
      ],
    ];
    hits =
      direct === null
        ? sql`SELECT uid, xb, k, CASE WHEN k = 0 THEN n0 ELSE n END AS n, CASE WHEN k = 0 THEN v0 ELSE v END AS v
      FROM (SELECT x.uid, x.bucket AS xb, CAST(r.p - ${raw(numberOf('x.bucket'))} AS INTEGER) AS k,
                   r.n, ${periodZero} AS n0, r.v, r.v0
            FROM entry_blocks x JOIN return_periods r ON r.uid = x.uid ${sameBlock} ${sameValue})`
        : null;
    if (direct !== null) steps = [];
  }
  const keys = unique ? 'uid' : 'uid, xb';
  const event = plan.measure.kind === 'event';
  const returned =
    direct ??
    // The values ride along with their periods only when a property is measured: an ordered
    // aggregate sorts each group. Otherwise the periods are a bitmask (bit k: returned in k).
    sql`SELECT ${raw(keys)}, bit_or(CAST(1 AS ${raw(mask)}) << k) AS mask, max(k) AS maxk${
      event ? raw(', list(k ORDER BY k) AS ks, list(v ORDER BY k) AS vs') : raw('')
    }
      FROM hits WHERE ${and([sql`n >= ${plan.minOccurrences}`, sql`k BETWEEN 0 AND ${n}`])}
      GROUP BY ${raw(keys)}`;

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
      ...steps,
      ...(hits === null ? [] : [['hits', hits] as const]),
      ['returned', returned],
    ],
    sql`SELECT x.uid, x.side, x.bucket, x.label, x.ts AS start, ${grp} AS grp, x.b AS value,
           coalesce(h.mask, 0) AS mask,${
             event
               ? raw(' coalesce(h.ks, []::INTEGER[]) AS ks, coalesce(h.vs, []::DOUBLE[]) AS vs,')
               : raw('')
           }
           h.maxk, CAST(${uv} AS DOUBLE) AS uv
        FROM entries x
        LEFT JOIN returned h ON h.uid = x.uid${raw(unique ? '' : ' AND h.xb = x.bucket')}
        ${raw(plan.measure.kind === 'user' ? 'LEFT JOIN users u ON u.uid = x.uid' : '')}`,
  );
}
