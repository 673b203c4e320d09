import {
  ANY_EVENT,
  type EventFilter,
  type PropertyCondition,
} from '../../../../shared/specs/common';
import type { SqlParams } from '../../duckdb/params';
import { ident, literal } from '../../duckdb/sql';
import { closest, type Catalog } from '../catalog';
import type { SpecIssues } from '../spec-issues';

/** Columns of `events` that are bookkeeping, not properties an analyst filters on. */
const HIDDEN_EVENT_COLUMNS = new Set(['uid', 'insert_key']);
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

export interface PropertyRef {
  /** SQL reading the property (events aliased `e`, users aliased `u`). */
  sql: string;
  /** DuckDB type of the value, VARCHAR for keys inside the JSON properties. */
  type: string;
  needsUsers: boolean;
}

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

/**
 * Resolves a property name: a column of `events` (or `properties.key` inside its JSON), or a
 * column of `users`. Unknown names are reported with the closest known ones.
 */
export function propertyRef(
  catalog: Catalog,
  name: string,
  source: 'event' | 'user',
  issues: SpecIssues,
  path: string,
): PropertyRef | null {
  if (source === 'user') {
    const type = catalog.userColumns.get(name);
    if (type === undefined || name === 'uid') {
      issues.add(
        path,
        `no user property '${name}'; known: ${closest(
          name,
          [...catalog.userColumns.keys()].filter((c) => c !== 'uid'),
        ).join(', ')}`,
      );
      return null;
    }
    return { sql: `u.${ident(name)}`, type, needsUsers: true };
  }
  const type = catalog.eventColumns.get(name);
  if (type !== undefined && !HIDDEN_EVENT_COLUMNS.has(name))
    return { sql: `e.${ident(name)}`, type, needsUsers: false };
  if (
    name.startsWith('properties.') &&
    name.length > 'properties.'.length &&
    catalog.eventColumns.has('properties')
  ) {
    const key = name.slice('properties.'.length);
    const path = `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    return { sql: `(e.properties ->> ${literal(path)})`, type: 'VARCHAR', needsUsers: false };
  }
  const known = [...catalog.eventColumns.keys()].filter((c) => !HIDDEN_EVENT_COLUMNS.has(c));
  issues.add(
    path,
    `no event property '${name}'; known: ${closest(name, known).join(', ')} (keys inside the JSON column are written properties.KEY)`,
  );
  return null;
}

/** SQL for one condition; values are bound, typed after the property's column. */
export function conditionSql(
  ref: PropertyRef,
  condition: PropertyCondition,
  params: SqlParams,
): string {
  const numeric = isNumericType(ref.type);
  const bindOne = (v: string | number | boolean): string => {
    if (numeric) {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? params.bind(n) : 'NULL';
    }
    if (ref.type === 'BOOLEAN')
      return params.bind(typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true');
    return params.bind(String(v));
  };
  const value = condition.value;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const text = `CAST(${ref.sql} AS VARCHAR)`;
  switch (condition.op) {
    case '=':
      return `${ref.sql} = ${bindOne(list[0] ?? '')}`;
    case '!=':
      // As in Mixpanel and PostHog, events without the property count as "not equal".
      return `${ref.sql} IS DISTINCT FROM ${bindOne(list[0] ?? '')}`;
    case 'in':
      return `${ref.sql} IN (${list.map(bindOne).join(', ')})`;
    case 'not in':
      return `NOT coalesce(${ref.sql} IN (${list.map(bindOne).join(', ')}), false)`;
    case 'contains':
      return `contains(lower(${text}), lower(${params.bind(String(list[0] ?? ''))}))`;
    case 'not contains':
      return `NOT coalesce(contains(lower(${text}), lower(${params.bind(String(list[0] ?? ''))})), false)`;
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const v = list[0] ?? 0;
      if (numeric) return `${ref.sql} ${condition.op} ${bindOne(v)}`;
      if (typeof v === 'number')
        return `TRY_CAST(${ref.sql} AS DOUBLE) ${condition.op} ${params.bind(v)}`;
      if (ref.type.startsWith('TIMESTAMP') || ref.type === 'DATE') {
        return `${ref.sql} ${condition.op} CAST(${params.bind(String(v))} AS TIMESTAMP)`;
      }
      return `${text} ${condition.op} ${params.bind(String(v))}`;
    }
    case 'is set':
      return `${ref.sql} IS NOT NULL`;
    case 'is not set':
      return `${ref.sql} IS NULL`;
  }
}

export interface FilterSql {
  where: string;
  needsUsers: boolean;
}

/** The predicate for an event filter plus extra conditions; unknown names go to `issues`. */
export function eventFilterSql(
  catalog: Catalog,
  filter: EventFilter,
  extra: readonly PropertyCondition[],
  params: SqlParams,
  issues: SpecIssues,
  path: string,
): FilterSql {
  const parts: string[] = [];
  let needsUsers = false;
  if (filter.event !== ANY_EVENT) {
    if (!catalog.events.has(filter.event)) {
      issues.add(
        `${path}.event`,
        `no event '${filter.event}' in this workspace; closest: ${closest(filter.event, catalog.events).join(', ')}`,
      );
    }
    parts.push(`e.event = ${params.bind(filter.event)}`);
  }
  const conditions: [PropertyCondition, string][] = [
    ...filter.where.map((c, i): [PropertyCondition, string] => [c, `${path}.where[${i}]`]),
    ...extra.map((c, i): [PropertyCondition, string] => [c, `filters[${i}]`]),
  ];
  for (const [condition, at] of conditions) {
    const ref = propertyRef(
      catalog,
      condition.property,
      condition.source,
      issues,
      `${at}.property`,
    );
    if (ref === null) continue;
    needsUsers ||= ref.needsUsers;
    parts.push(conditionSql(ref, condition, params));
  }
  return {
    where: parts.length === 0 ? 'TRUE' : parts.map((p) => `(${p})`).join(' AND '),
    needsUsers,
  };
}

/** A deterministic share of users: Knuth's multiplicative hash of the uid (stable across versions). */
export function samplingSql(fraction: number | undefined, params: SqlParams): string {
  if (fraction === undefined || fraction >= 1) return 'TRUE';
  return `(CAST(e.uid AS UBIGINT) * 2654435761) % 4294967296 < ${params.bind(Math.floor(fraction * 4294967296))}`;
}

/**
 * The SQL of a breakdown property as text, or NULL without a breakdown. A whole JSON object is
 * refused: a breakdown needs values that repeat, so it must name one key of it.
 */
export function breakdownSql(
  catalog: Catalog,
  breakdown: { property: string; source: 'event' | 'user' } | undefined,
  issues: SpecIssues,
): { sql: string; needsUsers: boolean } {
  if (breakdown === undefined) return { sql: 'NULL', needsUsers: false };
  const ref = propertyRef(
    catalog,
    breakdown.property,
    breakdown.source,
    issues,
    'breakdown.property',
  );
  if (ref === null) return { sql: 'NULL', needsUsers: false };
  if (ref.type === 'JSON') {
    issues.add(
      'breakdown.property',
      `'${breakdown.property}' holds JSON objects; break down by one key of it (properties.KEY)`,
    );
  }
  return { sql: `CAST(${ref.sql} AS VARCHAR)`, needsUsers: ref.needsUsers };
}

/** A numeric event property as DOUBLE-compatible SQL (keys inside the JSON are cast). */
export function numericPropertySql(
  catalog: Catalog,
  property: string,
  issues: SpecIssues,
  path: string,
): string {
  const ref = propertyRef(catalog, property, 'event', issues, path);
  if (ref === null) return 'NULL';
  if (isNumericType(ref.type)) return ref.sql;
  if (ref.type === 'VARCHAR' && property.startsWith('properties.'))
    return `TRY_CAST(${ref.sql} AS DOUBLE)`;
  issues.add(path, `'${property}' is ${ref.type}, not a number`);
  return 'NULL';
}
