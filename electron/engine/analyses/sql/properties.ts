import type { ConditionNode, EventFilter } from '../../../../shared/specs/common';
import type { SqlParams } from '../../duckdb/params';
import { isNumericType, type Catalog } from '../../sql/catalog';
import {
  breakdownValueSql,
  eventMatchSql,
  numericPropertySql as numericProperty,
  resolveProperty,
  samplingSql as sampling,
} from '../../sql/conditions';
import type { SpecIssues } from '../spec-issues';

export interface PropertyRef {
  /** SQL reading the property (events aliased `e`, users aliased `u`). */
  sql: string;
  /** DuckDB type of the value, VARCHAR for keys inside the JSON properties. */
  type: string;
  needsUsers: boolean;
}

export { isNumericType };

/*
 * The legacy (text + SqlParams) face of ../../sql/conditions.ts for the kinds not yet on the
 * runner pattern: one resolution of names, conditions and breakdowns for every kind.
 */

export function propertyRef(
  catalog: Catalog,
  name: string,
  source: 'event' | 'user',
  issues: SpecIssues,
  _path: string,
  params: SqlParams,
): PropertyRef {
  const ref = resolveProperty(catalog, name, source, issues);
  return { sql: params.inline(ref.sql), type: ref.type, needsUsers: ref.needsUsers };
}

export interface FilterSql {
  where: string;
  needsUsers: boolean;
}

/** The predicate for an event filter plus extra conditions; unknown names are warnings. */
export function eventFilterSql(
  catalog: Catalog,
  filter: EventFilter,
  extra: readonly ConditionNode[],
  params: SqlParams,
  issues: SpecIssues,
  _path: string,
): FilterSql {
  const match = eventMatchSql(catalog, filter, extra, issues);
  return { where: params.inline(match.sql), needsUsers: match.needsUsers };
}

export function samplingSql(fraction: number | undefined, params: SqlParams): string {
  return params.inline(sampling(fraction));
}

export function breakdownSql(
  catalog: Catalog,
  breakdown: { property: string; source: 'event' | 'user' } | undefined,
  issues: SpecIssues,
  params: SqlParams,
): { sql: string; needsUsers: boolean } {
  if (breakdown === undefined) return { sql: 'NULL', needsUsers: false };
  const value = breakdownValueSql(catalog, breakdown, issues);
  return { sql: params.inline(value.sql), needsUsers: value.needsUsers };
}

export function numericPropertySql(
  catalog: Catalog,
  property: string,
  issues: SpecIssues,
  path: string,
  params: SqlParams,
): string {
  return params.inline(numericProperty(catalog, property, issues, path));
}
