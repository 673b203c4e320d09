import type { LocalDays } from '../../../shared/calendar/local-days';
import { ANY_EVENT, type ConditionNode, type EventFilter } from '../../../shared/specs/common';
import type { Catalog } from './catalog';
import { onDays, toLocal, type Calendar } from './calendar';
import { eventMatchSql, samplingSql } from './conditions';
import type { PlanNotes } from './notes';
import { join, raw, sql, type Sql } from './fragment';

/**
 * Whether an analysis of `events` reads the import's user_days (one row per user and UTC day
 * with events) instead of every event: any event, without conditions, in a UTC workspace, in
 * periods of a day or more. A tenth of the rows on the demo data, and a day's events are what
 * its day, week or month sums.
 */
export function readsUserDays(
  catalog: Catalog,
  cal: Calendar,
  spec: { events: EventFilter; filters: readonly ConditionNode[]; hourly: boolean },
): boolean {
  return (
    !spec.hourly &&
    cal.timezone === 'UTC' &&
    catalog.tables.has('user_days') &&
    spec.events.event === ANY_EVENT &&
    spec.events.where.length === 0 &&
    spec.filters.length === 0
  );
}

/** The user_days rows (as `e`) of the days in any of `ranges`, for the sampled users. */
export function userDaysWhere(ranges: readonly LocalDays[], fraction: number | undefined): Sql {
  const on = ranges.map(
    (r) => sql`e.day >= CAST(${r.from} AS DATE) AND e.day <= CAST(${r.to} AS DATE)`,
  );
  return sql`(${join(on, ' OR ')}) AND ${samplingSql(fraction)}`;
}

/**
 * The activity an analysis counts, one row per user and local time with `n` events there:
 * uid, local, n; from user_days when readsUserDays, else from the events (n = 1 each).
 */
export function activitySql(
  catalog: Catalog,
  cal: Calendar,
  spec: {
    events: EventFilter;
    filters: readonly ConditionNode[];
    days: LocalDays;
    fraction: number | undefined;
    hourly: boolean;
  },
  notes: PlanNotes,
): Sql {
  const { events, filters, days, fraction } = spec;
  if (readsUserDays(catalog, cal, spec)) {
    return sql`SELECT e.uid, CAST(e.day AS TIMESTAMP) AS local, e.events AS n FROM user_days e
      WHERE ${userDaysWhere([days], fraction)}`;
  }
  const match = eventMatchSql(catalog, events, filters, notes);
  return sql`SELECT e.uid, ${toLocal(cal, raw('e.ts'))} AS local, 1 AS n
    FROM events e ${match.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
    WHERE ${onDays(cal, raw('e.ts'), days)} AND ${match.sql} AND ${samplingSql(fraction)}`;
}
