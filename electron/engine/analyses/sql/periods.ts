import type { WorkspaceSettings } from '../../../../shared/api/workspace-types';
import type { Interval } from '../../../../shared/specs/common';
import type { LocalDays } from '../../../../shared/calendar/local-days';
import type { SqlParams } from '../../duckdb/params';

// Local days live in shared/ so that the window shows the very days the engine filters on.
export {
  resolveDays,
  localDate as localToday,
  type LocalDays,
} from '../../../../shared/calendar/local-days';

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
