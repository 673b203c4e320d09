import type { ConditionNode, EventFilter } from '../../../../shared/specs/common';
import type { SqlParams } from '../../duckdb/params';
import type { Catalog } from '../catalog';
import type { SpecIssues } from '../spec-issues';
import { localTime, utcMidnight } from './periods';
import { eventFilterSql, samplingSql } from './properties';

/**
 * The matching events of local days [fromDay, toDay] as (uid, ts, local): the input most
 * analyses start from. Users are joined only when a condition is on a user property.
 */
export function scopedEventsSql(args: {
  catalog: Catalog;
  timezone: string;
  events: EventFilter;
  filters: readonly ConditionNode[];
  fromDay: string;
  toDay: string;
  sample: number | undefined;
  params: SqlParams;
  issues: SpecIssues;
  path: string;
}): string {
  const { params, timezone } = args;
  const filter = eventFilterSql(
    args.catalog,
    args.events,
    args.filters,
    params,
    args.issues,
    args.path,
  );
  const next = new Date(`${args.toDay}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return `SELECT e.uid, e.ts, ${localTime('e.ts', timezone, params)} AS local
    FROM events e ${filter.needsUsers ? 'JOIN users u ON u.uid = e.uid' : ''}
    WHERE e.ts >= ${utcMidnight(args.fromDay, timezone, params)}
      AND e.ts < ${utcMidnight(next.toISOString().slice(0, 10), timezone, params)}
      AND ${filter.where} AND ${samplingSql(args.sample, params)}`;
}

export function shiftDay(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The day before the period holding `day` starts, far enough back to see the previous period. */
export function previousPeriodDay(day: string, interval: 'day' | 'week' | 'month'): string {
  if (interval === 'day') return shiftDay(day, -1);
  if (interval === 'week') return shiftDay(day, -14);
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
}
