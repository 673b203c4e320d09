import type { DateRange } from '../specs/common';

/**
 * Calendar days as the workspace reads them: local dates ('YYYY-MM-DD') in its time zone. Pure,
 * so the engine (which filters by them) and the window (which shows them) cannot disagree.
 */

/** Local calendar days (inclusive) of a range, in the workspace time zone. */
export interface LocalDays {
  from: string;
  to: string;
}

/** The settings a day range depends on (a subset of WorkspaceSettings). */
export interface CalendarSettings {
  timezone: string;
  weekStart: 'monday' | 'sunday';
}

/** The local date of an instant in a zone. */
export function localDate(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Resolves a range to local days against the workspace clock (`now`). Relative ranges include
 * the current (partial) day, week or month: "last 7 days" on a Wednesday is Thursday a week ago
 * through today; "last 2 weeks" is the previous week and this one; "last 1 month" is this
 * calendar month, from its first day through today.
 */
export function resolveDays(range: DateRange, now: Date, settings: CalendarSettings): LocalDays {
  return daysOn(range, localDate(now, settings.timezone), settings.weekStart);
}

/** resolveDays for a clock already read as a local date (the window gets `today` so). */
export function daysOn(
  range: DateRange,
  today: string,
  weekStart: CalendarSettings['weekStart'],
): LocalDays {
  if (range.type === 'absolute') return { from: range.from, to: range.to };
  switch (range.unit) {
    case 'day':
      return { from: addDays(today, -(range.last - 1)), to: today };
    case 'week': {
      const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
      const sinceStart = weekStart === 'monday' ? (weekday + 6) % 7 : weekday;
      return { from: addDays(today, -sinceStart - 7 * (range.last - 1)), to: today };
    }
    case 'month': {
      const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() - (range.last - 1));
      return { from: d.toISOString().slice(0, 10), to: today };
    }
  }
}

/** "This month" of the workspace clock: the current calendar month, today included. */
export const THIS_MONTH: DateRange = { type: 'relative', last: 1, unit: 'month' };
