import type { TrendMeasure } from '../../../../shared/specs/trends';

/**
 * Rolling measures of one line, from its users' active days (DESIGN.md: per-user active
 * periods, never a join of each day with its window):
 * - DAU of a day: the users active on it; of a longer period, the average over its days;
 * - WAU / MAU of a period: the users active in the 7 / 30 days ending on its last day counted;
 * - DAU/MAU of a day: its DAU over the MAU of the 30 days ending on it; of a longer period, the
 *   average of its days' ratios (days without any monthly user have no ratio).
 * A period's days counted are those in the range, up to the last day observed (countedDays).
 */
export interface ActiveDays {
  /** Users active on each day (day number -> users). */
  dau: ReadonlyMap<number, number>;
  /**
   * Users active in the window of days ending on a day, as changes: +1 on the day a user's
   * covered stretch starts, -1 on the day after it ends (the stretches of one user never
   * overlap), sorted by day.
   */
  changes: readonly (readonly [day: number, delta: number])[];
}

/** Users active in the window ending on each day, read from the sorted changes. */
function windowCounter(changes: ActiveDays['changes']): (day: number) => number {
  const days = changes.map(([d]) => d);
  const prefix: number[] = [];
  let acc = 0;
  for (const [, delta] of changes) prefix.push((acc += delta));
  return (day) => {
    // The last change on or before `day`.
    let lo = 0;
    let hi = days.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((days[mid] ?? Infinity) <= day) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at < 0 ? 0 : (prefix[at] ?? 0);
  };
}

export function rollingValues(
  measure: TrendMeasure,
  periods: readonly ({ from: number; to: number } | null)[],
  active: ActiveDays,
): (number | null)[] {
  const inWindow = windowCounter(active.changes);
  const dau = (d: number): number => active.dau.get(d) ?? 0;
  return periods.map((days) => {
    if (days === null) return null;
    switch (measure) {
      case 'dau': {
        let sum = 0;
        for (let d = days.from; d <= days.to; d++) sum += dau(d);
        return sum / (days.to - days.from + 1);
      }
      case 'wau':
      case 'mau':
        return inWindow(days.to);
      case 'stickiness': {
        let sum = 0;
        let n = 0;
        for (let d = days.from; d <= days.to; d++) {
          const monthly = inWindow(d);
          if (monthly > 0) {
            sum += dau(d) / monthly;
            n++;
          }
        }
        return n === 0 ? null : sum / n;
      }
      default:
        return null;
    }
  });
}
