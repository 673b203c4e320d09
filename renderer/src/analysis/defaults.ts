import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { DateRange } from '../../../shared/specs/common';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';

export type AnalysisKind =
  'trends' | 'funnel' | 'retention' | 'lifecycle' | 'stickiness' | 'paths' | 'sessions';

/** The last `days` days of the data (not of the calendar: an export ends when it was taken). */
export function lastDaysOfData(info: WorkspaceInfo | null, days: number): DateRange {
  // Local days of the workspace zone (info.days), not UTC dates of the first and last events.
  const end = info?.days?.to ?? info?.today ?? new Date().toISOString().slice(0, 10);
  const start = new Date(`${end}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  const first = info?.days?.from;
  const from = start.toISOString().slice(0, 10);
  return { type: 'absolute', from: first !== undefined && first > from ? first : from, to: end };
}

/** The events a first spec starts from: the most frequent ones, as an analyst would pick. */
function topEvents(info: WorkspaceInfo | null, n: number): string[] {
  const names = (info?.eventTypes ?? []).map((t) => t.event);
  return names.length === 0 ? ['$any'] : names.slice(0, n);
}

const ev = (event: string) => ({ event, where: [] });

export function defaultSpec(kind: AnalysisKind, info: WorkspaceInfo | null): AnalysisSpec {
  const dateRange = lastDaysOfData(info, 30);
  const [a = '$any', b = '$any', c = '$any'] = topEvents(info, 3);
  switch (kind) {
    case 'trends':
      return {
        kind,
        version: 1,
        series: [{ events: ev('$any'), measure: 'uniqueUsers' }],
        interval: 'day',
        dateRange,
        filters: [],
      };
    case 'funnel':
      return {
        kind,
        version: 1,
        steps: [a, b, c].map((e) => ({ events: ev(e), optional: false })),
        order: 'ordered',
        window: { n: 14, unit: 'day' },
        exclusions: [],
        countBy: 'users',
        dateRange,
        filters: [],
        interval: 'week',
      };
    case 'retention':
      return {
        kind,
        version: 1,
        start: ev('$any'),
        return: ev('$any'),
        cohort: 'first_time',
        period: 'week',
        periods: 8,
        criterion: 'on',
        time: 'calendar',
        measure: 'users',
        dateRange: lastDaysOfData(info, 90),
        filters: [],
      };
    case 'lifecycle':
      return {
        kind,
        version: 1,
        events: ev('$any'),
        interval: 'week',
        dateRange: lastDaysOfData(info, 90),
        filters: [],
      };
    case 'stickiness':
      return {
        kind,
        version: 1,
        events: ev('$any'),
        unit: 'day',
        per: 'week',
        minEventsPerUnit: 1,
        cumulative: false,
        dateRange,
        filters: [],
      };
    case 'sessions':
      return { kind, version: 1, events: ev('$any'), interval: 'day', dateRange, filters: [] };
    case 'paths':
      return {
        kind,
        version: 1,
        start: ev(a),
        steps: 4,
        hide: [],
        limit: 6,
        collapseRepeats: false,
        dateRange: lastDaysOfData(info, 7),
      };
  }
}
