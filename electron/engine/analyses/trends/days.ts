import type { LocalDays } from '../../../../shared/calendar/local-days';
import type { Interval } from '../../../../shared/specs/common';
import { dayNumber, periodLastDay } from '../../sql/calendar';

// The rule of which days a rolling measure counts, shared by the summary and the users behind a
// point, so a point and its users cover the same days.

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
