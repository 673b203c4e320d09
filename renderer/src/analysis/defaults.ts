import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';
import { ANALYSES } from '../../../shared/specs/analyses';
import { KIND_VIEWS, type ViewKind } from './kinds';
import { lastDaysOfData } from './data-days';

export { lastDaysOfData };

export type AnalysisKind = ViewKind;

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
