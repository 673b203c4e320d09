import { addDays, type LocalDays } from '../../../shared/calendar/local-days';
import type { Interval } from '../../../shared/specs/common';
import { raw, sql, type Sql } from './fragment';

/**
 * The one calendar of the SQL: local wall time, local-day bounds, period starts, spines and ends,
 * in the workspace's zone and week start. Stored times are UTC; a local time is a TIMESTAMP read
 * as wall-clock time of the zone (ICU, DST-aware).
 */
export interface Calendar {
  timezone: string;
  weekStart: 'monday' | 'sunday';
}

/** A calendar period: an analysis interval, or a quarter or year (stickiness counts per them). */
export type Span = Interval | 'quarter' | 'year';

/** `ts` (UTC) as local wall-clock time. */
export function toLocal(cal: Calendar, ts: Sql): Sql {
  // In a UTC workspace the two ICU conversions per row are skipped.
  if (cal.timezone === 'UTC') return ts;
  return sql`timezone(${cal.timezone}, timezone('UTC', ${ts}))`;
}

/** A local wall-clock time as its UTC instant. */
export function toUtc(cal: Calendar, local: Sql): Sql {
  if (cal.timezone === 'UTC') return local;
  return sql`timezone('UTC', timezone(${cal.timezone}, ${local}))`;
}

/** The UTC instant of the local midnight that starts `day`. */
export function dayStartUtc(cal: Calendar, day: string): Sql {
  return toUtc(cal, sql`CAST(CAST(${day} AS DATE) AS TIMESTAMP)`);
}

/** `ts` falls on the local days [from, to]: UTC bounds, so a DST day is 23 or 25 hours. */
export function onDays(cal: Calendar, ts: Sql, days: LocalDays): Sql {
  return sql`${ts} >= ${dayStartUtc(cal, days.from)} AND ${ts} < ${dayStartUtc(cal, addDays(days.to, 1))}`;
}

export function intervalOf(interval: Span, n = 1): Sql {
  return raw(`INTERVAL ${Math.trunc(n)} ${interval.toUpperCase()}`);
}

/** The start of the local period holding the local time `local`. */
export function periodOf(cal: Calendar, local: Sql, interval: Span): Sql {
  if (interval === 'week' && cal.weekStart === 'sunday') {
    return sql`(date_trunc('week', ${local} + INTERVAL 1 DAY) - INTERVAL 1 DAY)`;
  }
  return sql`date_trunc(${raw(`'${interval}'`)}, ${local})`;
}

/** How a period start is written in results ('2024-03-04', '2024-03-04 13:00'). */
export function periodLabel(local: Sql, interval: Interval): Sql {
  return interval === 'hour'
    ? sql`strftime(${local}, '%Y-%m-%d %H:00')`
    : sql`strftime(${local}, '%Y-%m-%d')`;
}

/** The local period starts the days [from, to] touch, as one column `period`. */
export function periodSpine(cal: Calendar, days: LocalDays, interval: Span): Sql {
  const first = periodOf(cal, sql`CAST(${days.from} AS TIMESTAMP)`, interval);
  const last = periodOf(
    cal,
    sql`CAST(${days.to} AS TIMESTAMP) + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND`,
    interval,
  );
  return sql`SELECT g.p AS period FROM generate_series(${first}, ${last}, ${intervalOf(interval)}) g(p)`;
}

/** The UTC instant a local period (starting at `period`) ends. */
export function periodEndUtc(cal: Calendar, period: Sql, interval: Span): Sql {
  return toUtc(cal, sql`${period} + ${intervalOf(interval)}`);
}

/**
 * The start of the `n`-day interval holding the local time `local`, the intervals laid end to end
 * from the local day `anchor` (a range's first day): day 0..n-1 of it is the first interval.
 */
export function nDayPeriodOf(local: Sql, anchor: string, n: number): Sql {
  const start = sql`CAST(${anchor} AS TIMESTAMP)`;
  const k = Math.trunc(n);
  return sql`(${start} + to_days(CAST((datediff('day', ${start}, ${local}) // ${raw(String(k))}) * ${raw(String(k))} AS INTEGER)))`;
}

/** The starts of the `n`-day intervals from `days.from` that the days [from, to] touch. */
export function nDaySpine(days: LocalDays, n: number): Sql {
  return sql`SELECT g.p AS period FROM generate_series(CAST(${days.from} AS TIMESTAMP), CAST(${days.to} AS TIMESTAMP), ${intervalOf('day', n)}) g(p)`;
}

/**
 * The instant until which the workspace has been observed, as a TIMESTAMP (UTC). Periods ending
 * after it are incomplete: their counts are what was observed so far.
 */
export function instant(at: Date): Sql {
  return sql`CAST(${at.toISOString().replace('T', ' ').replace('Z', '')} AS TIMESTAMP)`;
}

/**
 * The days [from, to] widened back to cover the whole period before the one holding `from`:
 * what an analysis reads to know who was active the period before its first.
 */
export function withPreviousPeriod(days: LocalDays, interval: 'day' | 'week' | 'month'): LocalDays {
  if (interval === 'day') return { from: addDays(days.from, -1), to: days.to };
  if (interval === 'week') return { from: addDays(days.from, -14), to: days.to };
  const d = new Date(`${days.from.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return { from: d.toISOString().slice(0, 10), to: days.to };
}

/** The days just before [from, to], as many as it has: what "compare to the previous period" reads. */
export function rangeBefore(days: LocalDays): LocalDays {
  const length = Math.round(
    (Date.parse(`${days.to}T00:00:00Z`) - Date.parse(`${days.from}T00:00:00Z`)) / 86_400_000,
  );
  return { from: addDays(days.from, -length - 1), to: addDays(days.from, -1) };
}

/**
 * The UTC instant the local hour holding `ts` (UTC) started: `ts` less the minutes and seconds
 * its local time is past the hour. Unlike a local wall-clock hour turned back into UTC, this is
 * never ambiguous: the repeated hour of a DST change is two hours, the skipped one none, and a
 * zone 30 minutes off UTC starts its hours at :30.
 */
export function hourStartUtc(cal: Calendar, ts: Sql): Sql {
  if (cal.timezone === 'UTC') return sql`date_trunc('hour', ${ts})`;
  const local = toLocal(cal, ts);
  return sql`(${ts} - (${local} - date_trunc('hour', ${local})))`;
}
