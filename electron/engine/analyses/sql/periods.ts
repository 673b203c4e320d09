import type { WorkspaceSettings } from '../../../../shared/api/workspace-types';
import type { DateRange, Interval } from '../../../../shared/specs/common';
import type { SqlParams } from '../../duckdb/params';

/** Local calendar days (inclusive) of a range, in the workspace time zone. */
export interface LocalDays {
  from: string;
  to: string;
}

/** Today's date in a zone, from the clock the run was given. */
export function localToday(now: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

const addDays = (day: string, n: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/**
 * Resolves a range to local days. Relative ranges include the current (partial) day, week or
 * month: "last 7 days" on a Wednesday is Thursday a week ago through today; "last 2 weeks" is
 * the previous week and this one; "last 3 months" starts on the first of the month two back.
 */
export function resolveDays(range: DateRange, now: Date, settings: WorkspaceSettings): LocalDays {
  if (range.type === 'absolute') return { from: range.from, to: range.to };
  const today = localToday(now, settings.timezone);
  switch (range.unit) {
    case 'day':
      return { from: addDays(today, -(range.last - 1)), to: today };
    case 'week': {
      const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
      const sinceStart = settings.weekStart === 'monday' ? (weekday + 6) % 7 : weekday;
      return { from: addDays(today, -sinceStart - 7 * (range.last - 1)), to: today };
    }
    case 'month': {
      const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() - (range.last - 1));
      return { from: d.toISOString().slice(0, 10), to: today };
    }
  }
}

/** A UTC bound for the local midnight starting `day` (DST-aware, via ICU). */
export function utcMidnight(day: string, timezone: string, params: SqlParams): string {
  if (timezone === 'UTC') return `CAST(CAST(${params.bind(day)} AS DATE) AS TIMESTAMP)`;
  return `timezone('UTC', timezone(${params.bind(timezone)}, CAST(${params.bind(day)} AS DATE)::TIMESTAMP))`;
}

/** `ts` (UTC) as local wall-clock time of the workspace zone. */
export function localTime(ts: string, timezone: string, params: SqlParams): string {
  // Stored times are UTC already: in a UTC workspace the two ICU conversions per row are skipped.
  if (timezone === 'UTC') return ts;
  return `timezone(${params.bind(timezone)}, timezone('UTC', ${ts}))`;
}

/** The start of the local period holding `local`: weeks start on the workspace's week start. */
export function periodStart(
  local: string,
  interval: Interval,
  weekStart: WorkspaceSettings['weekStart'],
): string {
  if (interval === 'week' && weekStart === 'sunday') {
    return `(date_trunc('week', ${local} + INTERVAL 1 DAY) - INTERVAL 1 DAY)`;
  }
  return `date_trunc('${interval}', ${local})`;
}

export function intervalSql(interval: Interval): string {
  return `INTERVAL 1 ${interval.toUpperCase()}`;
}

/** How a period start is written in results. */
export function periodLabel(local: string, interval: Interval): string {
  return interval === 'hour'
    ? `strftime(${local}, '%Y-%m-%d %H:00')`
    : `strftime(${local}, '%Y-%m-%d')`;
}

/** First and last period starts (local) of a range: the series every result is laid out on. */
export function periodBounds(
  days: LocalDays,
  interval: Interval,
  weekStart: WorkspaceSettings['weekStart'],
  params: SqlParams,
): { first: string; last: string } {
  return {
    first: periodStart(`CAST(${params.bind(days.from)} AS TIMESTAMP)`, interval, weekStart),
    last: periodStart(
      `CAST(${params.bind(days.to)} AS TIMESTAMP) + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND`,
      interval,
      weekStart,
    ),
  };
}
