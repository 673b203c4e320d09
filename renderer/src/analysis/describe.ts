import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { DateRange, EventFilter, PropertyCondition } from '../../../shared/specs/common';

/**
 * Each spec's meaning in one line, so no number is ambiguous: "Users who did signed_up then
 * report_created within 14 days, any events between, entry 2024-09-01 – 2024-09-30, UTC".
 */
export function describeSpec(spec: AnalysisSpec, timezone: string): string {
  const sample =
    spec.kind !== 'eventTypes' && spec.sample !== undefined
      ? `, ${Math.round(spec.sample.fraction * 100)}% of users sampled`
      : '';
  return `${meaning(spec, timezone)}${sample}`;
}

function meaning(spec: AnalysisSpec, timezone: string): string {
  if (spec.kind === 'eventTypes') return `Event types, ${timezone}`;
  const range = describeRange(spec.dateRange);
  switch (spec.kind) {
    case 'trends':
      return `${spec.series
        .map(
          (s) =>
            `${MEASURES[s.measure] ?? s.measure}${s.property ? ` of ${s.property}` : ''} of ${event(s.events)}`,
        )
        .join(
          '; ',
        )} per ${spec.interval}${breakdown(spec.breakdown)}${filters(spec.filters)}, ${range}, ${timezone}`;
    case 'funnel': {
      const order =
        spec.order === 'strict'
          ? 'no other event between steps'
          : spec.order === 'any'
            ? 'steps in any order'
            : 'any events between';
      const steps = spec.steps
        .map(
          (s, i) =>
            `${event(s.events)}${s.optional ? ' (optional)' : ''}${i > 0 && s.within ? ` within ${s.within.n} ${s.within.unit}s` : ''}`,
        )
        .join(' then ');
      const who =
        spec.countBy === 'users' ? 'Users' : spec.countBy === 'sessions' ? 'Sessions' : 'Attempts';
      const excluded =
        spec.exclusions.length > 0
          ? `, excluding ${spec.exclusions.map((x) => `${event(x.events)} between steps ${x.from + 1} and ${x.to + 1}`).join(', ')}`
          : '';
      return `${who} who did ${steps} within ${spec.window.n} ${spec.window.unit}${spec.window.n === 1 ? '' : 's'}, ${order}${excluded}${breakdown(spec.breakdown)}${filters(spec.filters)}, entry ${range}, ${timezone}`;
    }
    case 'retention': {
      const cohort =
        spec.cohort === 'first_ever'
          ? 'whose first-ever'
          : spec.cohort === 'recurring'
            ? 'with a'
            : 'by their first';
      const criterion =
        spec.criterion === 'on_or_after'
          ? 'in that period or later'
          : spec.criterion === 'brackets'
            ? `in brackets ${(spec.brackets ?? []).join(', ')}`
            : 'in exactly that period';
      const measure =
        spec.measure === 'users'
          ? 'Users'
          : `${spec.measure === 'sum' ? 'Sum' : 'Average'} of ${spec.property ?? ''}`;
      return `${measure} ${cohort} ${event(spec.start)} ${describeRange(spec.dateRange)} who did ${event(spec.return)} ${criterion}, ${spec.periods} ${spec.period}s, ${spec.time === 'rolling' ? 'rolling 24-hour windows' : `calendar ${spec.period}s`}${breakdown(spec.breakdown)}${filters(spec.filters)}, ${timezone}`;
    }
    case 'lifecycle':
      return `New, returning, resurrecting and dormant users of ${event(spec.events)} per ${spec.interval}${filters(spec.filters)}, ${range}, ${timezone}`;
    case 'stickiness':
      return `Users by the number of ${spec.unit}s per ${spec.per} they did ${event(spec.events)}${spec.minEventsPerUnit > 1 ? ` at least ${spec.minEventsPerUnit} times` : ''}${spec.cumulative ? ', cumulative (at least N)' : ''}${filters(spec.filters)}, ${range}, ${timezone}`;
    case 'paths': {
      const anchor = spec.start
        ? `after ${event(spec.start)}`
        : spec.end
          ? `before ${event(spec.end)}`
          : 'from the start of each session';
      return `The ${spec.steps} events ${anchor} within sessions, top ${spec.limit} per step${spec.hide.length > 0 ? `, hiding ${spec.hide.join(', ')}` : ''}${spec.collapseRepeats ? ', repeats collapsed' : ''}, ${range}, ${timezone}`;
    }
    case 'sessions':
      return `Sessions with ${event(spec.events)} per ${spec.interval}${filters(spec.filters)}, ${range}, ${timezone}`;
  }
}

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
  return filter.where.length === 0 ? name : `${name} (${filter.where.map(condition).join(', ')})`;
}

export function condition(c: PropertyCondition): string {
  const value =
    c.value === undefined
      ? ''
      : ` ${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}`;
  return `${c.source === 'user' ? 'user ' : ''}${c.property} ${c.op}${value}`;
}

function filters(list: PropertyCondition[]): string {
  return list.length === 0 ? '' : `, where ${list.map(condition).join(' and ')}`;
}

function breakdown(b: { property: string } | undefined): string {
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
