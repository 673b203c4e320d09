import type { StickinessUnit } from '../../../../shared/specs/stickiness';
import { periodOf, toUtc, type Calendar } from '../../sql/calendar';
import { raw, sql, type Sql } from '../../sql/fragment';

/**
 * How many units (hours, days, weeks, months) the local times [a, b) touch: a unit counts when
 * any part of it lies inside (a week the range starts on Thursday is one). Counted on local wall
 * time, where days and months have no DST; an hour count is capped by the real hours between
 * the bounds, so a spring-forward day holds 23 hours (a fall-back day's repeated hour is one
 * local hour, so it holds 24).
 */
export function unitsTouched(cal: Calendar, unit: StickinessUnit, a: Sql, b: Sql): Sql {
  const first = periodOf(cal, a, unit);
  const last = periodOf(cal, sql`${b} - INTERVAL 1 MICROSECOND`, unit);
  const between =
    unit === 'week'
      ? sql`datediff('day', ${first}, ${last}) // 7`
      : sql`datediff(${raw(`'${unit}'`)}, ${first}, ${last})`;
  let count = sql`(${between} + 1)`;
  if (unit === 'hour' && cal.timezone !== 'UTC') {
    const real = sql`CAST(ceil((epoch(${toUtc(cal, b)}) - epoch(${toUtc(cal, first)})) / 3600) AS BIGINT)`;
    count = sql`least(${count}, ${real})`;
  }
  return sql`CASE WHEN ${b} <= ${a} THEN 0 ELSE ${count} END`;
}
