import {
  ANY_EVENT,
  isConditionGroup,
  isSegmentCondition,
  type ConditionNode,
  type EventFilter,
  type PropertyCondition,
} from '../../../shared/specs/common';
import { closest, HIDDEN_EVENT_COLUMNS, isNumericType, type Catalog } from './catalog';
import { and, ident, or, raw, sql, type Sql, type SqlValue } from './fragment';
import type { PlanNotes } from './notes';

/**
 * Names of a spec resolved against the catalog, as SQL over `events e` (and `users u` when a
 * user property is named). A name the workspace does not have (yet) is not a refusal: it reads
 * as NULL everywhere, like a property nobody set, and the result carries a warning with the
 * nearest existing name.
 */
export interface PropertyRef {
  sql: Sql;
  /** DuckDB type of the value, VARCHAR for keys inside the JSON properties. */
  type: string;
  needsUsers: boolean;
}

const NULL_REF: PropertyRef = { sql: raw('NULL'), type: 'VARCHAR', needsUsers: false };

export function resolveProperty(
  catalog: Catalog,
  name: string,
  source: 'event' | 'user',
  notes: PlanNotes,
): PropertyRef {
  if (source === 'user') {
    const type = catalog.userColumns.get(name);
    if (type !== undefined && name !== 'uid')
      return { sql: sql`u.${ident(name)}`, type, needsUsers: true };
    const known = [...catalog.userColumns.keys()].filter((c) => c !== 'uid');
    notes.warn(
      `No user has the property '${name}' in this workspace, so it counts as not set; nearest: ${closest(name, known).join(', ')}.`,
    );
    return NULL_REF;
  }
  const type = catalog.eventColumns.get(name);
  if (type !== undefined && !HIDDEN_EVENT_COLUMNS.has(name))
    return { sql: sql`e.${ident(name)}`, type, needsUsers: false };
  if (
    name.startsWith('properties.') &&
    name.length > 'properties.'.length &&
    catalog.eventColumns.has('properties')
  ) {
    const key = name.slice('properties.'.length);
    const path = `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    return { sql: sql`(e.properties ->> ${path})`, type: 'VARCHAR', needsUsers: false };
  }
  const known = [...catalog.eventColumns.keys()].filter((c) => !HIDDEN_EVENT_COLUMNS.has(c));
  notes.warn(
    `No event has the property '${name}' in this workspace, so it counts as not set; nearest: ${closest(name, known).join(', ')} (keys inside the JSON column are written properties.KEY).`,
  );
  return NULL_REF;
}

/** One condition; values are bound, typed after the property's column. */
export function conditionSql(ref: PropertyRef, condition: PropertyCondition): Sql {
  const numeric = isNumericType(ref.type);
  const one = (v: string | number | boolean): Sql => {
    if (numeric) {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? sql`${n}` : raw('NULL');
    }
    if (ref.type === 'BOOLEAN')
      return sql`${typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true'}`;
    return sql`${String(v)}`;
  };
  const value = condition.value;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const text = sql`CAST(${ref.sql} AS VARCHAR)`;
  const inList = (): Sql => {
    const items = list.map(one);
    return items.reduce((acc, item, i) => (i === 0 ? item : sql`${acc}, ${item}`), raw(''));
  };
  const first = (list[0] ?? '') as SqlValue;
  switch (condition.op) {
    case '=':
      return sql`${ref.sql} = ${one(list[0] ?? '')}`;
    case '!=':
      // As in Mixpanel and PostHog, events without the property count as "not equal".
      return sql`${ref.sql} IS DISTINCT FROM ${one(list[0] ?? '')}`;
    case 'in':
      return sql`${ref.sql} IN (${inList()})`;
    case 'not in':
      return sql`NOT coalesce(${ref.sql} IN (${inList()}), false)`;
    case 'contains':
      return sql`contains(lower(${text}), lower(${String(first)}))`;
    case 'not contains':
      return sql`NOT coalesce(contains(lower(${text}), lower(${String(first)})), false)`;
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const op = raw(condition.op);
      const v = list[0] ?? 0;
      if (numeric) return sql`${ref.sql} ${op} ${one(v)}`;
      if (typeof v === 'number') return sql`TRY_CAST(${ref.sql} AS DOUBLE) ${op} ${v}`;
      if (ref.type.startsWith('TIMESTAMP') || ref.type === 'DATE')
        return sql`${ref.sql} ${op} CAST(${String(v)} AS TIMESTAMP)`;
      return sql`${text} ${op} ${String(v)}`;
    }
    case 'is set':
      return sql`${ref.sql} IS NOT NULL`;
    case 'is not set':
      return sql`${ref.sql} IS NULL`;
  }
}

export interface Predicate {
  sql: Sql;
  needsUsers: boolean;
}

/** A list of conditions and groups: all must hold; `{any}` groups hold when one item does. */
export function conditionsSql(
  catalog: Catalog,
  nodes: readonly ConditionNode[],
  notes: PlanNotes,
): Predicate {
  let needsUsers = false;
  const node = (n: ConditionNode): Sql => {
    if (isConditionGroup(n)) {
      return 'any' in n ? or(n.any.map(node)) : and(n.all.map(node));
    }
    if (isSegmentCondition(n)) {
      // On the user, so it holds where only `users u` is read (a population) as where events are.
      needsUsers = true;
      const member = segmentMemberSql(n.segment, raw('u.uid'));
      return n.op === 'in' ? member : sql`NOT ${member}`;
    }
    const ref = resolveProperty(catalog, n.property, n.source, notes);
    needsUsers ||= ref.needsUsers;
    return conditionSql(ref, n);
  };
  return { sql: and(nodes.map(node)), needsUsers };
}

/**
 * Whether `uid` is a member of the saved segment `id`: its members as last saved (a static list)
 * or evaluated (a dynamic segment, re-evaluated after each import). A segment that is gone has
 * none; the plan warns of it (see segmentsOfSpec).
 */
export function segmentMemberSql(id: string, uid: Sql): Sql {
  return sql`${uid} IN (SELECT uid FROM segment_members WHERE segment_id = ${id})`;
}

/** An event filter plus conditions every event must meet; an unknown event matches nothing. */
export function eventMatchSql(
  catalog: Catalog,
  filter: EventFilter,
  extra: readonly ConditionNode[],
  notes: PlanNotes,
): Predicate {
  const parts: Sql[] = [];
  if (filter.event !== ANY_EVENT) {
    if (!catalog.events.has(filter.event)) {
      notes.warn(
        `Nobody did '${filter.event}' in this workspace yet, so it counts zero; nearest: ${closest(filter.event, catalog.events).join(', ')}.`,
      );
    }
    parts.push(sql`e.event = ${filter.event}`);
  }
  const conditions = conditionsSql(catalog, [...filter.where, ...extra], notes);
  parts.push(conditions.sql);
  return { sql: and(parts), needsUsers: conditions.needsUsers };
}

/** A deterministic share of users: Knuth's multiplicative hash of the uid (stable across versions). */
export function samplingSql(fraction: number | undefined, uid: Sql = raw('e.uid')): Sql {
  if (fraction === undefined || fraction >= 1) return raw('TRUE');
  return sql`(CAST(${uid} AS UBIGINT) * 2654435761) % 4294967296 < ${Math.floor(fraction * 4294967296)}`;
}

/**
 * A breakdown property as text. A whole JSON object is refused: a breakdown needs values that
 * repeat, so it must name one key of it.
 */
export function breakdownValueSql(
  catalog: Catalog,
  breakdown: { property: string; source: 'event' | 'user' },
  notes: PlanNotes,
  path = 'breakdown.property',
): Predicate {
  const ref = resolveProperty(catalog, breakdown.property, breakdown.source, notes);
  if (ref.type === 'JSON') {
    notes.issue(
      path,
      `'${breakdown.property}' holds JSON objects; break down by one key of it (properties.KEY)`,
    );
  }
  return { sql: sql`CAST(${ref.sql} AS VARCHAR)`, needsUsers: ref.needsUsers };
}

/** A numeric event property as DOUBLE-compatible SQL (keys inside the JSON are cast). */
export function numericPropertySql(
  catalog: Catalog,
  property: string,
  notes: PlanNotes,
  path: string,
): Sql {
  const ref = resolveProperty(catalog, property, 'event', notes);
  if (isNumericType(ref.type)) return ref.sql;
  if (ref.type === 'VARCHAR') return sql`TRY_CAST(${ref.sql} AS DOUBLE)`;
  notes.issue(path, `'${property}' is ${ref.type}, not a number`);
  return raw('NULL');
}
