import type { TrendMeasure } from '../../../../shared/specs/trends';

/**
 * What a period's units add up to for one line (a series and breakdown value): events, users,
 * and the sum, minimum, maximum and count of the property's values.
 */
export interface Cell {
  events: number;
  users: number;
  vsum: number;
  vmin: number | null;
  vmax: number | null;
  vn: number;
}

export const EMPTY_CELL: Cell = { events: 0, users: 0, vsum: 0, vmin: null, vmax: null, vn: 0 };

/** Measures that count: 0 where nothing happened. The others have no value there. */
const COUNTS: ReadonlySet<TrendMeasure> = new Set([
  'total',
  'uniqueUsers',
  'sum',
  'dau',
  'wau',
  'mau',
]);

export function emptyValue(measure: TrendMeasure): number | null {
  return COUNTS.has(measure) ? 0 : null;
}

/** Measures computed per day from active users: they look back a window of days themselves. */
export const ROLLING_WINDOW: Partial<Record<TrendMeasure, number>> = {
  dau: 1,
  wau: 7,
  mau: 30,
  stickiness: 30,
};

/** A measure of one cell (the median is computed from the events, not here). */
export function cellValue(measure: TrendMeasure, c: Cell): number | null {
  switch (measure) {
    case 'total':
      return c.events;
    case 'uniqueUsers':
      return c.users;
    case 'perUser':
      return c.users === 0 ? null : c.events / c.users;
    case 'sum':
      return c.vn === 0 ? 0 : c.vsum;
    case 'avg':
      return c.vn === 0 ? null : c.vsum / c.vn;
    case 'min':
      return c.vmin;
    case 'max':
      return c.vmax;
    default:
      return null;
  }
}

/** Whether a cumulative line of this measure is defined: the measure over the range so far. */
export function cumulates(measure: TrendMeasure): boolean {
  return measure !== 'median' && ROLLING_WINDOW[measure] === undefined;
}

/**
 * The cumulative line: each period the measure over the range's events so far. Events and sums
 * add up; a user counts once, in the period of their first matching event (`firstUsers`, as
 * PostHog counts cumulative unique users); averages, minima and maxima are those of every value
 * so far. `observed[i]` false: the period is after the data ends and has no value.
 */
export function cumulativeValues(
  measure: TrendMeasure,
  cells: readonly Cell[],
  firstUsers: readonly number[],
  observed: readonly boolean[],
): (number | null)[] {
  let acc: Cell = { ...EMPTY_CELL };
  return cells.map((c, i) => {
    acc = {
      events: acc.events + c.events,
      users: acc.users + (firstUsers[i] ?? 0),
      vsum: acc.vsum + c.vsum,
      vmin: acc.vmin === null ? c.vmin : c.vmin === null ? acc.vmin : Math.min(acc.vmin, c.vmin),
      vmax: acc.vmax === null ? c.vmax : c.vmax === null ? acc.vmax : Math.max(acc.vmax, c.vmax),
      vn: acc.vn + c.vn,
    };
    return observed[i] === false ? null : cellValue(measure, acc);
  });
}

/**
 * The average of each period and the n - 1 before it, over those of the range that have a
 * value (the first periods average fewer). A period after the data ends has none.
 */
export function rollingAverage(
  values: readonly (number | null)[],
  n: number,
  observed: readonly boolean[],
): (number | null)[] {
  return values.map((_, i) => {
    if (observed[i] === false) return null;
    const window = values.slice(Math.max(0, i - n + 1), i + 1).filter((x) => x !== null);
    return window.length === 0 ? null : window.reduce((a, b) => a + b, 0) / window.length;
  });
}
