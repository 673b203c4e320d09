import { ApiError } from '../../../../shared/api/errors';
import {
  MEAN_ROW,
  type RetentionSelection,
  type RetentionSpec,
} from '../../../../shared/specs/retention';
import { and, sql, type Sql } from '../../sql/fragment';
import type { AnalysisContext } from '../context';
import { defineRunner } from '../runner';
import { incompleteIn, returnedIn } from './cells';
import { planRetention, type RetentionPlan } from './plan';
import { summariseRetention } from './summary';
import { retentionUnitsSql } from './units';

/**
 * Retention as PostHog and Amplitude count it: cohorts by the start event (first_time: the
 * first matching one ever; first_ever: the first of its name ever, if it matches; recurring:
 * every period with one), a column per period k after the cohort's (or bracket, or "k or
 * later"), a period counting when the user did the return event at least minOccurrences times
 * in it (period 0: at or after the start), and with an event-property breakdown only returns
 * carrying the cohort's value. Optionally the same over the equally long range before.
 *
 * Units: one row per cohort entry with the periods it returned in (see units.ts); the grid,
 * the mean rows and the users behind any cell read them through the same predicates (cells.ts).
 */
export const retentionRunner = defineRunner<'retention', RetentionPlan>({
  plan: (ctx: AnalysisContext, spec: RetentionSpec) => planRetention(ctx, spec),
  units: (_ctx, plan) => ({ sql: retentionUnitsSql(plan) }),
  summarise: summariseRetention,
  select: (plan, pick) => selectCell(plan, pick),
});

/**
 * The users behind one number: a cohort's users (the size), those retained in a column, or the
 * mean row's: the users retained in that column in every cohort whose cell is complete (the
 * cells the mean weights).
 */
function selectCell(plan: RetentionPlan, pick: RetentionSelection): Sql {
  const side = pick.range ?? 'current';
  if (side === 'previous' && plan.previous === null) {
    throw new ApiError(
      'INVALID_REQUEST',
      "This retention spec compares with no range before: its cells have no 'previous' side (set compare).",
    );
  }
  const column = pick.column === 'size' ? null : plan.columns[pick.column];
  if (column === undefined) {
    throw new ApiError(
      'INVALID_REQUEST',
      `This retention grid has ${plan.columns.length} columns, numbered 0 to ${plan.columns.length - 1}.`,
    );
  }
  return and([
    sql`side = ${side}`,
    pick.breakdown === undefined ? sql`` : sql`grp = ${pick.breakdown}`,
    pick.cohort === MEAN_ROW
      ? column === null
        ? sql``
        : sql`NOT (${incompleteIn(plan, column)})`
      : sql`label = ${pick.cohort}`,
    column === null ? sql`` : returnedIn(plan, column),
  ]);
}
