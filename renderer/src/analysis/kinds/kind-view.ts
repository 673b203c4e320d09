import type { ComponentType } from 'react';
import type { AnalysisKind, AnalysisSpec } from '../../../../shared/specs/analysis-spec';
import type { DateRange, EventFilter } from '../../../../shared/specs/common';

export type ViewKind = Exclude<AnalysisKind, 'eventTypes'>;
type SpecOf<K extends ViewKind> = Extract<AnalysisSpec, { kind: K }>;

/** What a first spec of a kind is started from: the data's days and most frequent events. */
export interface StarterData {
  /** The last 30 days of the data. */
  dateRange: DateRange;
  lastDays: (days: number) => DateRange;
  /** The three most frequent events ('$any' where the workspace has fewer). */
  top: [string, string, string];
}

/**
 * One kind in the window: its builder and what its first spec takes from the data. Everything
 * else of a first spec comes from the schema's defaults (shared/specs/<kind>.ts).
 */
export interface KindView<K extends ViewKind> {
  Builder: ComponentType<{ spec: SpecOf<K>; onChange: (spec: SpecOf<K>) => void }>;
  /** The spec's data-dependent fields; the schema fills the rest. */
  starter: (data: StarterData) => Record<string, unknown>;
}

export const ev = (event: string): EventFilter => ({ event, where: [] });
