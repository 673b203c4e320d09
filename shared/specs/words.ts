import {
  isConditionGroup,
  isSegmentCondition,
  type ConditionNode,
  type DateRange,
  type EventFilter,
  type PropertyCondition,
} from './common';

/**
 * The words of meaning lines ("Users who did signed_up then report_created within 14 days..."),
 * shared by every kind's definition so each says events, conditions and ranges the same way.
 */

export const MEASURES: Record<string, string> = {
  total: 'Total',
  uniqueUsers: 'Unique users',
  perUser: 'Events per user',
  sum: 'Sum',
  avg: 'Average',
  min: 'Minimum',
  max: 'Maximum',
  median: 'Median',
  dau: 'DAU',
  wau: 'WAU',
  mau: 'MAU',
  stickiness: 'DAU/MAU',
};

export function event(filter: EventFilter): string {
  const name = filter.event === '$any' ? 'any event' : filter.event;
  const where = filter.where.filter(written);
  return where.length === 0 ? name : `${name} (${where.map(node).join(', ')})`;
}

/** A condition still being written in the builder (no property yet) says nothing yet. */
function written(n: ConditionNode): boolean {
  return isConditionGroup(n) || isSegmentCondition(n) || n.property.trim() !== '';
}

export function condition(c: PropertyCondition): string {
  const value =
    c.value === undefined
      ? ''
      : ` ${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}`;
  return `${c.source === 'user' ? 'user ' : ''}${c.property} ${c.op}${value}`;
}

/** A condition or a group: "(country = DE or plan = pro)". */
export function node(n: ConditionNode): string {
  if (isSegmentCondition(n)) return `${n.op === 'in' ? 'in' : 'not in'} a saved segment`;
  if (!isConditionGroup(n)) return condition(n);
  const items = 'any' in n ? n.any : n.all;
  const text = items.map(node).join('any' in n ? ' or ' : ' and ');
  return items.length === 1 ? text : `(${text})`;
}

export function filters(list: readonly ConditionNode[]): string {
  const shown = list.filter(written);
  return shown.length === 0 ? '' : `, where ${shown.map(node).join(' and ')}`;
}

export function breakdown(b: { property: string } | undefined): string {
  return b === undefined ? '' : `, by ${b.property}`;
}

export function describeRange(range: DateRange): string {
  return range.type === 'absolute'
    ? range.from === range.to
      ? range.from
      : `${range.from} – ${range.to}`
    : range.last === 1
      ? range.unit === 'day'
        ? 'today'
        : `this ${range.unit}`
      : `last ${range.last} ${range.unit}s`;
}

export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A period as its label reads in a sentence: 'on 2024-03-04' (a day), 'in the week of
 * 2024-03-04', 'at 2024-03-04 13:00' (an hour); 'in 2024-03-04' when the period kind is unknown.
 */
export function periodWords(per: string | undefined, period: string): string {
  if (per === 'hour') return `at ${period}`;
  if (per === 'day') return `on ${period}`;
  if (per === 'week' || per === 'month' || per === 'quarter' || per === 'year')
    return `in the ${per} of ${period}`;
  return `in ${period}`;
}

/** A breakdown group by its value, or its values over several properties: ' (pro · EU)'. */
export function groupWords(value: string | string[] | undefined): string {
  return value === undefined || value.length === 0
    ? ''
    : ` (${Array.isArray(value) ? value.join(' · ') : value})`;
}
