import type { AnalysisResult } from '../../../shared/specs/analysis-spec';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { MEAN_ROW, PREVIOUS_MEAN_ROW } from '../../../shared/specs/retention';
import { SESSIONS_ALL_PERIODS } from '../../../shared/specs/sessions';
import { trendsRows } from '../../../shared/specs/trends';
import { ALL_PERIODS, DISTINCT_USERS } from '../../../shared/specs/stickiness';

/** A grid row as gridTable builds it: the result table's cells, plus the row's index. */
export type GridRow = Record<string, unknown> & { __row: number };

const INCOMPLETE = / \(incomplete\)$/;

/**
 * The users behind one cell of the numbers grid, as behind the same number in the chart: a
 * funnel step's users (or those who dropped there), a retention cell, a trend point, a
 * lifecycle count, a stickiness bucket, a path node. Null for cells that are not a count of
 * users (labels, ratios, means).
 */
export function selectionOfCell(
  result: AnalysisResult,
  row: GridRow,
  column: string,
): UserSelection | null {
  const breakdown =
    typeof row.breakdown === 'string' && row.breakdown !== '' ? { breakdown: row.breakdown } : {};
  switch (result.kind) {
    case 'funnel': {
      // The row's step as the grid shows it: selections number steps from 1 too.
      const step = Number(row.step);
      if (column === result.countBy)
        return { kind: 'funnel', step, outcome: 'converted', ...breakdown };
      if (column === 'dropped' && step > 1)
        return { kind: 'funnel', step, outcome: 'dropped', ...breakdown };
      // With compare: the same step over the range before.
      if (column === 'previousCount')
        return { kind: 'funnel', step, outcome: 'converted', range: 'previous', ...breakdown };
      return null;
    }
    case 'retention': {
      // Any cell: a cohort's size or column, a mean row's column (the users of its complete
      // cells), the compared range's mean row too.
      const previous = row.cohort === PREVIOUS_MEAN_ROW;
      const cohort = previous ? MEAN_ROW : String(row.cohort);
      const range = previous ? { range: 'previous' as const } : {};
      if (column === 'size')
        return cohort === MEAN_ROW ? null : { kind: 'retention', cohort, column, ...breakdown };
      const index = result.columns.indexOf(column);
      // No users retained: nobody to list (a sum of 0 may still have users behind it).
      const nobody = result.measure === 'users' && row[column] === 0;
      if (index < 0 || row[column] === null || nobody) return null;
      return { kind: 'retention', cohort, column: index, ...breakdown, ...range };
    }
    case 'trends': {
      // Rows as the table lists them: series, formulas (no users behind them), then the lines
      // of the range compared with, whose columns stand for that range's periods.
      const ref = trendsRows(result)[row.__row];
      const index = result.periods.indexOf(column.replace(INCOMPLETE, ''));
      const period = ref?.periods[index];
      if (ref === undefined || ref.formula || period === undefined) return null;
      return {
        kind: 'trends',
        series: ref.line.series,
        period,
        ...(ref.line.breakdown === undefined ? {} : { breakdown: ref.line.breakdown }),
      };
    }
    case 'lifecycle':
      return column === 'new' ||
        column === 'returning' ||
        column === 'resurrecting' ||
        column === 'dormant'
        ? { kind: 'lifecycle', period: String(row.period), status: column }
        : null;
    case 'stickiness': {
      const bucket = Number(column.replace('>=', ''));
      // A bucket of no users (5 days of a week the range cuts to 2) has nobody to list.
      if (!Number.isInteger(bucket) || bucket < 1 || row[column] === 0) return null;
      return {
        kind: 'stickiness',
        bucket,
        // The summed row and the different users' row: the bucket in any period.
        ...(row.period === ALL_PERIODS || row.period === DISTINCT_USERS
          ? {}
          : { period: String(row.period) }),
      };
    }
    case 'paths': {
      if (column !== 'from' && column !== 'to') return null;
      return {
        kind: 'paths',
        step: Number(row[column === 'from' ? 'fromStep' : 'toStep']),
        event: String(row[column]),
      };
    }
    case 'eventTypes':
      return column === 'users' ? { kind: 'eventTypes', event: String(row.event) } : null;
    case 'sessions': {
      // A period's sessions and users are the same people; its bounce rate's are those who bounced.
      const measure =
        column === 'sessions' || column === 'users'
          ? column
          : column === 'bounceRate'
            ? 'bounced'
            : null;
      if (measure === null || Number(row.sessions) === 0) return null;
      return {
        kind: 'sessions',
        measure,
        ...(row.period === SESSIONS_ALL_PERIODS ? {} : { period: String(row.period) }),
      };
    }
    default:
      return null;
  }
}
