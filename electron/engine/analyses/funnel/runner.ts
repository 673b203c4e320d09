import { ApiError } from '../../../../shared/api/errors';
import {
  breakdownLabel,
  type FunnelResult,
  type FunnelSpec,
} from '../../../../shared/specs/funnel';
import { and, raw, sql } from '../../sql/fragment';
import type { AnalysisContext } from '../context';
import { defineRunner } from '../runner';
import { planFunnel, previousStep, reachedSql, selectedStep, type FunnelPlan } from './plan';
import { summariseFunnel } from './summary';
import { funnelUnitsSource } from './units';

/**
 * Funnels as PostHog and Amplitude count them (see units.ts for the units, chain.ts and scan.ts
 * for the two computations of the attempts): every first-step event in the range starts an
 * attempt; a unit counts at its furthest attempt, and in conversion over time at its furthest
 * attempt of each entry period. The chart, the grid, the users behind a step or a period and
 * save as segment all read the same units.
 */
export const funnelRunner = defineRunner<'funnel', FunnelPlan>({
  plan: (ctx: AnalysisContext, spec: FunnelSpec) => planFunnel(ctx, spec),

  units: (ctx, plan) => funnelUnitsSource(plan, 'auto', ctx.signal),

  summarise: (ctx, plan, units): Promise<FunnelResult> => summariseFunnel(ctx, plan, units),

  select: (plan, pick) => {
    const step = selectedStep(plan, pick.step);
    const previous = pick.range === 'previous';
    if (previous && plan.previousDays === null) {
      throw new ApiError(
        'INVALID_REQUEST',
        'select.range previous: the funnel does not compare with the range before (compare).',
      );
    }
    const reached = reachedSql(plan, step);
    const outcome =
      pick.outcome === 'converted'
        ? reached
        : sql`(${reachedSql(plan, previousStep(plan, step))}) AND NOT (${reached})`;
    const group =
      pick.breakdown === undefined
        ? raw('TRUE')
        : sql`grp = ${typeof pick.breakdown === 'string' ? pick.breakdown : breakdownLabel(pick.breakdown)}`;
    // A period of conversion over time: the attempts that started in it; else each unit's
    // furthest attempt, as the steps count them.
    const scope = pick.period === undefined ? raw('best') : sql`label = ${pick.period}`;
    return and([raw(`rng = ${previous ? 1 : 0}`), scope, group, outcome]);
  },
});
