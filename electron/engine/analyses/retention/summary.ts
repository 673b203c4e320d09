import { NONE_LABEL, OTHER_LABEL, sampledOf } from '../../../../shared/specs/common';
import type {
  RetentionCohort,
  RetentionGroup,
  RetentionMean,
  RetentionResult,
  RetentionSpec,
} from '../../../../shared/specs/retention';
import { join, query, raw, sql, type Sql } from '../../sql/fragment';
import type { AnalysisContext } from '../context';
import { incompleteIn, returnedIn, valueIn } from './cells';
import type { RetentionPlan } from './plan';

/**
 * The grid from the units: per side (the range, the range before), breakdown group and cohort,
 * the cohort's size and per column the users retained, their sum and whether the column's
 * period is over. Incomplete cells keep what was observed; the mean rows weight complete ones.
 */
export async function summariseRetention(
  ctx: AnalysisContext,
  plan: RetentionPlan,
  units: Sql,
): Promise<RetentionResult> {
  const { spec, columns } = plan;
  const cells = columns.map((c, i) => {
    const hit = returnedIn(plan, c);
    const sum =
      plan.measure.kind === 'users'
        ? raw('')
        : sql`, sum(${valueIn(plan, c)}) FILTER (${hit}) AS ${raw(`s${i}`)}`;
    return sql`count(*) FILTER (${hit}) AS ${raw(`r${i}`)}${sum}, ${incompleteIn(plan, c)} AS ${raw(`i${i}`)}`;
  });
  const rows = await query(
    ctx.c,
    sql`SELECT side, grp, bucket, any_value(label) AS label, count(*) AS size, ${join(cells, ',\n')}
        FROM ${units} GROUP BY side, grp, bucket ORDER BY side, grp, bucket`,
  );

  const sides = {
    current: new Map<string, RetentionCohort[]>(),
    previous: new Map<string, RetentionCohort[]>(),
  };
  for (const row of rows) {
    const size = Number(row.size);
    const cohort: RetentionCohort = {
      cohort: String(row.label),
      size,
      values: [],
      percentages: [],
      incomplete: [],
    };
    columns.forEach((_, i) => {
      const retained = Number(row[`r${i}`] ?? 0);
      const sum = Number(row[`s${i}`] ?? 0);
      cohort.values.push(
        spec.measure === 'users'
          ? retained
          : spec.measure === 'sum'
            ? sum
            : size === 0
              ? 0
              : sum / size,
      );
      cohort.percentages.push(spec.measure === 'users' ? (size === 0 ? 0 : retained / size) : null);
      cohort.incomplete.push(row[`i${i}`] === true);
    });
    const side = row.side === 'previous' ? sides.previous : sides.current;
    const key = row.grp === null ? '' : String(row.grp);
    side.set(key, [...(side.get(key) ?? []), cohort]);
  }

  const rank = (k: string): number => (k === OTHER_LABEL ? 1 : k === NONE_LABEL ? 2 : 0);
  const total = (cohorts: RetentionCohort[] | undefined): number =>
    (cohorts ?? []).reduce((a, c) => a + c.size, 0);
  const keys = [...new Set([...sides.current.keys(), ...sides.previous.keys()])].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      total(sides.current.get(b)) - total(sides.current.get(a)) ||
      a.localeCompare(b),
  );
  const groups = keys.map((key): RetentionGroup => {
    const cohorts = sides.current.get(key) ?? [];
    const previous = sides.previous.get(key) ?? [];
    return {
      ...(spec.breakdown === undefined ? {} : { breakdown: key }),
      cohorts,
      mean: meanRow(cohorts, columns.length, spec.measure),
      ...(plan.previous === null
        ? {}
        : {
            previous: { cohorts: previous, mean: meanRow(previous, columns.length, spec.measure) },
          }),
    };
  });
  return {
    kind: 'retention',
    timezone: plan.cal.timezone,
    period: spec.period,
    time: spec.time,
    criterion: spec.criterion,
    measure: spec.measure,
    minOccurrences: plan.minOccurrences,
    columns: columns.map((c) => c.label),
    groups,
    ...(plan.previous === null ? {} : { previousRange: plan.previous }),
    sampled: sampledOf(spec.sample),
  };
}

/**
 * Weighted by cohort size, over the complete cells of each column only: an incomplete cell holds
 * what was observed so far, which would pull the mean down. Users: the retained share of the
 * complete cohorts' users (values: their mean count per cohort); sum: the mean sum per complete
 * cohort; average: the complete cohorts' sum per user.
 */
export function meanRow(
  cohorts: readonly RetentionCohort[],
  width: number,
  measure: RetentionSpec['measure'],
): RetentionMean {
  const values: (number | null)[] = [];
  const percentages: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    const complete = cohorts.filter((c) => c.incomplete[i] === false);
    const sizes = complete.reduce((a, c) => a + c.size, 0);
    const sum = complete.reduce(
      (a, c) => a + (measure === 'avg' ? (c.values[i] ?? 0) * c.size : (c.values[i] ?? 0)),
      0,
    );
    if (complete.length === 0 || sizes === 0) {
      values.push(null);
      percentages.push(null);
      continue;
    }
    values.push(measure === 'avg' ? sum / sizes : sum / complete.length);
    percentages.push(measure === 'users' ? sum / sizes : null);
  }
  return { values, percentages };
}
