import type { WorkspaceSettings } from '../../../shared/api/workspace-types';
import type { Interval } from '../../../shared/specs/common';
import type { LocalDays } from '../../../shared/calendar/local-days';
import type { PlanNotes } from './notes';

/*
 * The guard rails of every analysis laid out on periods, checked in its plan before any SQL runs.
 * The periods themselves are laid out by calendar.ts (periodSpine); countPeriods counts the same
 * series in JavaScript.
 */

/**
 * Periods one result may be laid out on. A valid trends spec, hourly over the years 1500-2499
 * (8.8 million periods), ran 103 s and then took the engine down with "JavaScript heap out of
 * memory" (and browser mode's server with it). 10,000 is 13 months of hours or 27 years of days,
 * more than a chart can show point by point (PostHog's guard rails are of the same order).
 */
export const MAX_PERIODS = 10_000;

/**
 * Numbers one result may hold (periods x series x breakdown values, cohorts x columns, ...): a
 * million is ~10 MB of JSON to send and draw; past it the window stalls before it shows anything.
 */
export const MAX_RESULT_CELLS = 1_000_000;

const DAY_MS = 86_400_000;
const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/**
 * How many periods of `interval` the local days [from, to] touch: the length of the series the
 * result is laid out on (periodBounds), counted in JavaScript so it can be refused before any SQL
 * runs. Hours count 24 a day: a DST day has 23 or 25, which moves the count by at most one a day
 * of the range, well inside the limits.
 */
export function countPeriods(
  days: LocalDays,
  interval: Interval,
  weekStart: WorkspaceSettings['weekStart'],
): number {
  const from = dayNumber(days.from);
  const to = dayNumber(days.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return 0;
  switch (interval) {
    case 'hour':
      return (to - from + 1) * 24;
    case 'day':
      return to - from + 1;
    case 'week': {
      // Day 0 (1970-01-01) was a Thursday: shift so that weeks start on the workspace's day.
      const offset = weekStart === 'monday' ? 3 : 4;
      const week = (d: number): number => Math.floor((d + offset) / 7);
      return week(to) - week(from) + 1;
    }
    case 'month': {
      const month = (day: string): number => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7));
      return month(days.to) - month(days.from) + 1;
    }
  }
}

const ADJECTIVE: Record<Interval, string> = {
  hour: 'hourly',
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
};
const DAYS_PER: Record<Interval, number> = { hour: 1 / 24, day: 1, week: 7, month: 30.44 };
const count = (n: number): string => n.toLocaleString('en-US');
/** A span of days as people say it: days up to two years, whole years beyond. */
const span = (days: number): string =>
  days < 730 ? `${count(Math.floor(days))} days` : `${count(Math.floor(days / 365.25))} years`;

/**
 * The one guard rail every analysis laid out on periods passes in its plan, before any SQL runs:
 * at most MAX_PERIODS periods, and at most MAX_RESULT_CELLS numbers (`cellsPerPeriod` numbers
 * per period: series x breakdown values, columns, statuses, ...). A refusal is a spec problem
 * on `path` (the interval field), naming the range and interval and what would fit.
 */
export function checkPeriods(
  issues: PlanNotes,
  check: {
    days: LocalDays;
    interval: Interval;
    weekStart: WorkspaceSettings['weekStart'];
    /** The intervals this kind offers, to suggest the coarser ones. */
    intervals: readonly Interval[];
    path?: string;
    cellsPerPeriod?: number;
    /** What the numbers per period are, for the message ('series x breakdown values'). */
    cellsAre?: string;
    /** What else would make it fit ('fewer series or a smaller breakdown limit'). */
    orElse?: string;
  },
): void {
  const { days, interval, weekStart } = check;
  const path = check.path ?? 'interval';
  const periods = countPeriods(days, interval, weekStart);
  const range = `from ${days.from} to ${days.to}`;
  const perPeriod = check.cellsPerPeriod ?? 1;
  // The most periods this result may have, by either limit.
  const most = Math.min(MAX_PERIODS, Math.floor(MAX_RESULT_CELLS / perPeriod));
  const fits = (i: Interval): boolean => countPeriods(days, i, weekStart) <= most;
  const coarser = check.intervals.filter((i) => DAYS_PER[i] > DAYS_PER[interval]);
  const instead = (): string => {
    const shorter = `a range of at most ${span(most * DAYS_PER[interval])}`;
    const whole = coarser.filter(fits);
    if (whole.length > 0) return `choose a coarser interval (${whole.join(' or ')}) or ${shorter}`;
    if (coarser.length === 0) return `choose ${shorter}`;
    // Not even the coarsest interval covers this range: say how far each would go.
    const reach = coarser.map((i) => `${ADJECTIVE[i]} up to ${span(most * DAYS_PER[i])}`);
    return `choose ${shorter}, or a coarser interval over a shorter range (${reach.join(', ')})`;
  };
  if (periods > MAX_PERIODS) {
    issues.issue(
      path,
      `${count(periods)} ${ADJECTIVE[interval]} periods ${range} are more than the ${count(MAX_PERIODS)} one result can be laid out on; ${instead()}`,
    );
    return;
  }
  const cells = periods * perPeriod;
  if (cells > MAX_RESULT_CELLS) {
    const orElse = check.orElse === undefined ? '' : `, or ${check.orElse}`;
    issues.issue(
      path,
      `${count(periods)} ${ADJECTIVE[interval]} periods ${range} x ${count(perPeriod)} ${check.cellsAre ?? 'numbers'} are ${count(cells)} numbers, more than the ${count(MAX_RESULT_CELLS)} one result can hold; ${instead()}${orElse}`,
    );
  }
}
