import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { DateRange } from '../../../shared/specs/common';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';
import { ANALYSES } from '../../../shared/specs/analyses';
import { KIND_VIEWS, type ViewKind } from './kinds';

export type AnalysisKind = ViewKind;

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

/**
 * A first spec of `kind` for this workspace: the view's starter picks what depends on the data
 * (days, the most frequent events), the kind's schema fills every other field with its defaults.
 */
export function defaultSpec(kind: AnalysisKind, info: WorkspaceInfo | null): AnalysisSpec {
  const [a = '$any', b = '$any', c = '$any'] = topEvents(info, 3);
  const starter = KIND_VIEWS[kind].starter({
    dateRange: lastDaysOfData(info, 30),
    lastDays: (days) => lastDaysOfData(info, days),
    top: [a, b, c],
    frequent: (info?.eventTypes ?? []).map((t) => t.event),
  });
  return ANALYSES[kind].schema.parse({ kind, ...starter });
}
