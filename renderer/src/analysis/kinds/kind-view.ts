import type { ComponentType } from 'react';
import type {
  AnalysisKind,
  AnalysisResult,
  AnalysisSpec,
} from '../../../../shared/specs/analysis-spec';
import type { DateRange, EventFilter } from '../../../../shared/specs/common';
import type { UserSelection } from '../../../../shared/specs/users-behind';
import type { ChartOption } from '../chart-parts';

export type ViewKind = Exclude<AnalysisKind, 'eventTypes'>;
export type SpecOf<K extends ViewKind> = Extract<AnalysisSpec, { kind: K }>;
export type ResultOf<K extends ViewKind> = Extract<AnalysisResult, { kind: K }>;

/** What the view tells a chart beyond the result: the breakdown group a heat map draws. */
export interface ChartChoices {
  group?: number;
  /** The option picked in the view's picker (KindView.picker): the metric a chart draws. */
  pick?: string;
}

/** A choice of what the charts draw (one of several metrics), offered above the chart. */
export interface ChartPicker {
  label: string;
  help: string;
  /** [value, text]; the first is the default. */
  options: readonly (readonly [string, string])[];
}

/** Parts of a view beyond charts and grid: they read the result and the spec it answers. */
export type ResultPart<K extends ViewKind> = ComponentType<{
  result: ResultOf<K>;
  spec: SpecOf<K>;
  /** Opens the users behind a number, as a chart or grid click does. */
  onSelect: (selection: UserSelection) => void;
}>;

/** A chart under the main one: the funnel's time to convert, the retention curve... */
export interface MoreChart {
  label: string;
  /** A heading above it; charts without one title themselves inside the canvas. */
  heading?: string;
  option: ChartOption;
  height: number;
}

/** What a first spec of a kind is started from: the data's days and most frequent events. */
export interface StarterData {
  /** The last 30 days of the data. */
  dateRange: DateRange;
  lastDays: (days: number) => DateRange;
  /** The three most frequent events ('$any' where the workspace has fewer). */
  top: [string, string, string];
  /** The workspace's events, most frequent first (empty before any import). */
  frequent: string[];
}

/**
 * One kind in the window: its builder, what its first spec takes from the data (everything else
 * of a first spec comes from the schema's defaults, shared/specs/<kind>.ts), and its charts as
 * ECharts options: pure functions of the result and the spec it answers.
 */
export interface KindView<K extends ViewKind> {
  Builder: ComponentType<{ spec: SpecOf<K>; onChange: (spec: SpecOf<K>) => void }>;
  /** The spec's data-dependent fields; the schema fills the rest. */
  starter: (data: StarterData) => Record<string, unknown>;
  /** The main chart. Its data points carry the selection of the users behind them. */
  chart: (result: ResultOf<K>, spec: SpecOf<K> | undefined, choices: ChartChoices) => ChartOption;
  /** Its height in pixels, where it depends on the result (320 otherwise). */
  chartHeight?: (result: ResultOf<K>, choices: ChartChoices) => number;
  /** Charts under the main one, side by side when there are two. */
  moreCharts?: (result: ResultOf<K>, choices: ChartChoices) => MoreChart[];
  /** What the charts may be drawn for (null: nothing to pick). */
  picker?: (result: ResultOf<K>) => ChartPicker | null;
  /** Shown above the chart: the result's findings in words. */
  Lead?: ResultPart<K>;
  /** Shown under the numbers grid: a per-user table, further tables. */
  Details?: ResultPart<K>;
}

export const ev = (event: string): EventFilter => ({ event, where: [] });
