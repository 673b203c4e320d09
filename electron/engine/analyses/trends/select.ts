import { ApiError } from '../../../../shared/api/errors';
import type { LocalDays } from '../../../../shared/calendar/local-days';
import { seriesLetter } from '../../../../shared/specs/trends-formula';
import type { TrendsSelection } from '../../../../shared/specs/trends';
import { or, raw, sql, type Sql } from '../../sql/fragment';
import { dayOfNumber, periodFirstDay, shiftPeriod } from '../../sql/calendar';
import { countedDays } from './days';
import { cumulates } from './display';
import type { TrendsPlan } from './plan';

const LABEL = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}):00)?$/;

/**
 * The users behind one point of a series, as a predicate on the units: the users of the units
 * its number aggregates. A plain point: the period's units; cumulative: the range's periods up
 * to it; a rolling average: its window of periods; DAU / WAU / MAU and DAU/MAU: the active days
 * the number counts (DAU: the period's days counted; WAU / MAU / DAU/MAU: the 7 / 30 days ending
 * on its last day counted). A point of the range compared with selects in that range.
 */
export function selectTrends(plan: TrendsPlan, pick: TrendsSelection): Sql {
  const { spec, cal } = plan;
  if (pick.series === undefined) {
    throw new ApiError(
      'INVALID_REQUEST',
      "A formula's point has no users behind it: open a point of one of its series.",
    );
  }
  const series = plan.series[pick.series];
  if (series === undefined) {
    throw new ApiError(
      'INVALID_REQUEST',
      `This trend has ${spec.series.length} series (A to ${seriesLetter(spec.series.length - 1)}); there is no series ${pick.series + 1}.`,
    );
  }
  const match = LABEL.exec(pick.period);
  if (match === null || (match[2] !== undefined) !== (spec.interval === 'hour')) {
    throw new ApiError(
      'INVALID_REQUEST',
      `'${pick.period}' is not a period of this trend: periods are written ${spec.interval === 'hour' ? "'2024-03-04 13:00'" : "'2024-03-04'"}.`,
    );
  }
  const start = `${match[1] ?? ''} ${match[2] ?? '00'}:00:00`;
  const firstOf = (days: LocalDays): string =>
    `${periodFirstDay(cal, days.from, spec.interval)} 00:00:00`;
  const lastOf = (days: LocalDays): string =>
    spec.interval === 'hour'
      ? `${days.to} 23:00:00`
      : `${periodFirstDay(cal, days.to, spec.interval)} 00:00:00`;
  const range = [plan.days, ...(plan.previous === null ? [] : [plan.previous])].find(
    (days) => start >= firstOf(days) && start <= lastOf(days),
  );
  if (range === undefined) return raw('FALSE');
  const first = firstOf(range);
  const line = sql`series = ${series.index}${
    spec.breakdown !== undefined && pick.breakdown !== undefined
      ? sql` AND b = ${pick.breakdown}`
      : raw('')
  }`;
  // The periods the number aggregates, oldest first.
  const average = spec.display.cumulative ? undefined : spec.display.rollingAverage;
  const back = average === undefined ? 0 : average - 1;
  let from = shiftPeriod(start, spec.interval, -back);
  if (from < first) from = first;

  if (series.window === null) {
    const lo = spec.display.cumulative && cumulates(series.measure) ? first : from;
    return sql`${line} AND day IS NULL AND period BETWEEN CAST(${lo} AS TIMESTAMP) AND CAST(${start} AS TIMESTAMP)`;
  }
  const windows: Sql[] = [];
  for (let at = from; at <= start; at = shiftPeriod(at, spec.interval, 1)) {
    const days = countedDays(at.slice(0, 10), spec.interval, range, plan.observed.day);
    if (days === null) continue;
    const lo = series.measure === 'dau' ? days.from : days.to - ((series.window ?? 1) - 1);
    windows.push(
      sql`day BETWEEN CAST(${dayOfNumber(lo)} AS DATE) AND CAST(${dayOfNumber(days.to)} AS DATE)`,
    );
  }
  // A period after the data ends counts nobody.
  if (countedDays(start.slice(0, 10), spec.interval, range, plan.observed.day) === null) {
    return raw('FALSE');
  }
  return sql`${line} AND (${or(windows)})`;
}
