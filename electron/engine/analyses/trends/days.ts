import { addDays, type LocalDays } from '../../../../shared/calendar/local-days';
import type { Interval } from '../../../../shared/specs/common';
import type { Calendar } from '../../sql/calendar';

/**
 * Day arithmetic of trends in JavaScript, on local days ('YYYY-MM-DD'): the days a rolling
 * measure counts, the range compared with, the last day observed. The summary and the users
 * behind a point both use these, so a point and its users cover the same days.
 */
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
 * 4 weeks before them; March against February, the day of the month clamped).
 */
export function previousRange(cal: Calendar, days: LocalDays, interval: Interval): LocalDays {
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
 * The days a rolling measure counts in the period starting on `first`: its days inside the
 * range, up to the last day observed. Null for a period after the data ends.
 */
export function countedDays(
  first: string,
  interval: Interval,
  range: LocalDays,
  observed: string,
): { from: number; to: number } | null {
  const from = Math.max(dayNumber(first), dayNumber(range.from));
  const to = Math.min(
    dayNumber(periodLastDay(first, interval)),
    dayNumber(range.to),
    dayNumber(observed),
  );
  return to >= from ? { from, to } : null;
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
