import { instant, intervalOf, periodEndUtc } from '../../sql/calendar';
import { raw, sql, type Sql } from '../../sql/fragment';
import { ROLLING_SECONDS, type Column, type RetentionPlan } from './plan';

/*
 * What a cell of the grid is, as predicates over one units row (an entry: uid, side, bucket,
 * label, grp, mask, maxk, uv, and ks, vs when an event property is measured). The summary counts
 * with them and the users behind a cell filter with them, so the two cannot disagree.
 */

/**
 * The integer type of `mask`, the periods an entry returned in (bit k: period k): 63 bits hold
 * periods 0..62, more (up to 100) need a HUGEINT. A bit test is far cheaper than a sorted list.
 */
export function bitsOf(plan: RetentionPlan): 'BIGINT' | 'HUGEINT' {
  return plan.spec.periods <= 62 ? 'BIGINT' : 'HUGEINT';
}

/** The entry returned in the column: in period lo exactly, in one of [lo, hi], or in lo or later. */
export function returnedIn(plan: RetentionPlan, column: Column): Sql {
  if (plan.spec.criterion === 'on_or_after') return sql`maxk >= ${column.lo}`;
  // lo and hi are whole numbers from the plan (0..100): written into the text as such.
  const width = column.hi - column.lo + 1;
  const bits = ((1n << BigInt(width)) - 1n).toString();
  return sql`(mask >> ${raw(String(column.lo))}) & CAST(${raw(bits)} AS ${raw(bitsOf(plan))}) <> 0`;
}

/** What one entry adds to the column's sum (the sum and average measures). */
export function valueIn(plan: RetentionPlan, column: Column): Sql {
  switch (plan.measure.kind) {
    case 'users':
      return raw('0');
    case 'user':
      return raw('coalesce(uv, 0)');
    case 'event': {
      const keep =
        plan.spec.criterion === 'on_or_after'
          ? sql`ks[j] >= ${column.lo}`
          : sql`ks[j] BETWEEN ${column.lo} AND ${column.hi}`;
      return sql`coalesce(list_sum(list_filter(vs, lambda v, j: ${keep})), 0)`;
    }
  }
}

/**
 * The column has not fully happened for the cohort starting at `bucket` (its local period start;
 * hourly, the UTC instant its local hour started): the cell's last period ends after the data was
 * observed. Rolling windows end their column a whole window after the cohort's last start. An
 * on_or_after cell k reads returns in k up to the last period shown, so it may grow until that
 * last period is over.
 */
export function incompleteIn(
  plan: RetentionPlan,
  column: Column,
  bucket: Sql = raw('bucket'),
): Sql {
  const { spec, cal } = plan;
  const hourly = spec.period === 'hour';
  const observed = instant(plan.observedUntil);
  const last = spec.criterion === 'on_or_after' ? spec.periods : column.hi;
  if (spec.time === 'rolling') {
    const cohortEnd = hourly
      ? sql`${bucket} + INTERVAL 1 HOUR`
      : periodEndUtc(cal, bucket, spec.period);
    const seconds = ROLLING_SECONDS[spec.period] * (last + 1);
    return sql`${cohortEnd} + to_seconds(${seconds}) > ${observed}`;
  }
  if (hourly) return sql`${bucket} + to_hours(${last + 1}) > ${observed}`;
  return sql`${periodEndUtc(cal, sql`${bucket} + ${intervalOf(spec.period, last)}`, spec.period)} > ${observed}`;
}
