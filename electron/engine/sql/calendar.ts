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

const DAY_MS = 86_400_000;

/** A local day ('YYYY-MM-DD') as a day number (days since 1970-01-01), for day arithmetic. */
export function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

/** The local day of a day number. */
export function dayOfNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** `day` moved by `n` calendar months, the day of the month clamped (03-31 - 1 month = 02-29). */
export function addMonths(day: string, n: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + n;
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(Number(day.slice(8, 10)), last));
  return first.toISOString().slice(0, 10);
}

/** The first local day of the period holding `day` (the same day for hours and days). */
export function periodFirstDay(cal: Calendar, day: string, interval: Interval): string {
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  if (interval !== 'week') return day;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -(cal.weekStart === 'monday' ? (weekday + 6) % 7 : weekday));
}

/** The last local day of the period starting on `first` (a period label's day). */
export function periodLastDay(first: string, interval: Interval): string {
  if (interval === 'week') return addDays(first, 6);
  if (interval === 'month') return addDays(addMonths(`${first.slice(0, 7)}-01`, 1), -1);
  return first;
}

/**
 * The range just before `days`, as many periods long: moved back by the number of periods it
 * touches, so the two line up period by period (the last 4 weeks of a Wednesday against the
 * 4 weeks before them; March against February, the day of the month clamped). rangeBefore
 * moves by days instead: the same for days and hours.
 */
export function periodsBefore(cal: Calendar, days: LocalDays, interval: Interval): LocalDays {
  if (interval === 'hour' || interval === 'day') {
    const n = dayNumber(days.to) - dayNumber(days.from) + 1;
    return { from: addDays(days.from, -n), to: addDays(days.to, -n) };
  }
  if (interval === 'week') {
    const weeks =
      (dayNumber(periodFirstDay(cal, days.to, 'week')) -
        dayNumber(periodFirstDay(cal, days.from, 'week'))) /
        7 +
      1;
    return { from: addDays(days.from, -7 * weeks), to: addDays(days.to, -7 * weeks) };
  }
  const months =
    Number(days.to.slice(0, 4)) * 12 +
    Number(days.to.slice(5, 7)) -
    (Number(days.from.slice(0, 4)) * 12 + Number(days.from.slice(5, 7))) +
    1;
  return { from: addMonths(days.from, -months), to: addMonths(days.to, -months) };
}

/**
 * The last local day the data was observed on, from the instant it was observed until
 * (AnalysisContext.observedUntil): that instant's day, or the day before when it is a local
 * midnight (an export of whole days is observed until the midnight that ends its last day).
 * `exclusive` says the instant itself was not observed.
 */
export function observedDay(cal: Calendar, until: Date): { day: string; exclusive: boolean } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: cal.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(until);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '00';
  const day = `${part('year')}-${part('month')}-${part('day')}`;
  const midnight =
    part('hour') === '00' &&
    part('minute') === '00' &&
    part('second') === '00' &&
    until.getUTCMilliseconds() === 0;
  return midnight ? { day: addDays(day, -1), exclusive: true } : { day, exclusive: false };
}

/**
 * A period start ('YYYY-MM-DD HH:MM:SS', local wall time) moved by `n` periods: the spine's own
 * steps (hours of wall-clock time, weeks of 7 days, calendar months).
 */
export function shiftPeriod(start: string, interval: Interval, n: number): string {
  const day = start.slice(0, 10);
  const time = start.slice(11) || '00:00:00';
  switch (interval) {
    case 'hour': {
      const d = new Date(`${day}T${time}Z`);
      d.setUTCHours(d.getUTCHours() + n);
      return d.toISOString().slice(0, 19).replace('T', ' ');
    }
    case 'day':
      return `${addDays(day, n)} ${time}`;
    case 'week':
      return `${addDays(day, 7 * n)} ${time}`;
    case 'month':
      return `${addMonths(day, n)} ${time}`;
  }
}
