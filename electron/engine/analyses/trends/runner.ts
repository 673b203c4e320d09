import type { TrendsSpec } from '../../../../shared/specs/trends';
import type { AnalysisContext } from '../context';
import { defineRunner } from '../runner';
import { planTrends, type TrendsPlan } from './plan';
import { selectTrends } from './select';
import { summariseTrends } from './summary';
import { trendsUnitsSql } from './units';

/**
 * Trends as PostHog, Amplitude and Mixpanel draw them, per period of the workspace zone: each
 * series' measure of its matching events (events, unique users, events per user, a numeric
 * property's sum / average / minimum / maximum / median) or of rolling activity (DAU, WAU, MAU,
 * DAU/MAU), by the top values of one breakdown; formulas over the series; cumulative or
 * rolling-average lines; the range before it to compare with.
 *
 * Units: one row per (uid, series, period, day, breakdown value), see units.ts.
 */
export const trendsRunner = defineRunner<'trends', TrendsPlan>({
  plan: (ctx: AnalysisContext, spec: TrendsSpec) => planTrends(ctx, spec),
  units: (_ctx, plan) => ({ sql: trendsUnitsSql(plan) }),
  summarise: summariseTrends,
  select: selectTrends,
});
