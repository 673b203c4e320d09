import type { AnalysisSpec } from './analysis-spec';

/** Workspaces above this many events get a sampled first answer, then the exact one. */
export const SAMPLE_ABOVE = 3_000_000;
export const SAMPLE_FRACTION = 0.1;

/**
 * The quick first question to ask before the exact one: the same spec on a 10% user sample
 * (exact per sampled user), or null when the workspace is small or the spec samples already.
 */
export function sampledFirst(spec: AnalysisSpec, events: number): AnalysisSpec | null {
  if (events <= SAMPLE_ABOVE || spec.kind === 'eventTypes') return null;
  if (spec.sample !== undefined) return null;
  return { ...spec, sample: { fraction: SAMPLE_FRACTION } };
}
