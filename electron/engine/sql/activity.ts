import type { LocalDays } from '../../../shared/calendar/local-days';
import { ANY_EVENT, type ConditionNode, type EventFilter } from '../../../shared/specs/common';
import type { Catalog } from './catalog';
import { onDays, toLocal, type Calendar } from './calendar';
import { eventMatchSql, samplingSql } from './conditions';
import type { PlanNotes } from './notes';
import { raw, sql, type Sql } from './fragment';

/**
 * The activity an analysis counts, one row per user and local time with `n` events there:
 * uid, local, n. An analysis of any event, without conditions, in a UTC workspace reads the
 * import's user_days (one row per user and UTC day with events) instead of every event: a tenth
 * of the rows on the demo data, and a day's events are what a day, week or month sums. Periods
 * of an hour, local days of another zone, and conditions read the events (n = 1 each).
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
  const byDay =
    !spec.hourly &&
    cal.timezone === 'UTC' &&
    catalog.tables.has('user_days') &&
    events.event === ANY_EVENT &&
    events.where.length === 0 &&
    filters.length === 0;
  if (byDay) {
    return sql`SELECT e.uid, CAST(e.day AS TIMESTAMP) AS local, e.events AS n FROM user_days e
      WHERE e.day >= CAST(${days.from} AS DATE) AND e.day <= CAST(${days.to} AS DATE)
        AND ${samplingSql(fraction)}`;
  }
  const match = eventMatchSql(catalog, events, filters, notes);
  return sql`SELECT e.uid, ${toLocal(cal, raw('e.ts'))} AS local, 1 AS n
    FROM events e ${match.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
    WHERE ${onDays(cal, raw('e.ts'), days)} AND ${match.sql} AND ${samplingSql(fraction)}`;
}
