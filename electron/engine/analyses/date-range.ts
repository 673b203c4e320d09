import type { SqlParams } from '../duckdb/params';

/**
 * A filter on a UTC timestamp column for whole days [from, to] of the workspace time zone: the
 * day boundaries are local midnights converted to UTC, so DST days are 23 or 25 hours long.
 */
export function dayRangeFilter(
  column: string,
  from: string | undefined,
  to: string | undefined,
  timezone: string,
  params: SqlParams,
): string {
  const parts: string[] = [];
  if (from === undefined && to === undefined) return '';
  const zone = params.bind(timezone);
  if (from !== undefined) {
    parts.push(
      `${column} >= timezone('UTC', timezone(${zone}, CAST(${params.bind(from)} AS DATE)::TIMESTAMP))`,
    );
  }
  if (to !== undefined) {
    parts.push(
      `${column} < timezone('UTC', timezone(${zone}, (CAST(${params.bind(to)} AS DATE) + 1)::TIMESTAMP))`,
    );
  }
  return parts.join(' AND ');
}
