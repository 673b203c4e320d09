import type { AnalysisResult, AnalysisSpec } from '../../../../shared/specs/analysis-spec';
import type { ChartOption } from '../chart-parts';
import { funnelView } from './funnel';
import type {
  ChartChoices,
  ChartPicker,
  KindView,
  MoreChart,
  ResultOf,
  ResultPart,
  SpecOf,
  ViewKind,
} from './kind-view';
import { metricsView } from './metrics';
import { thresholdsView } from './thresholds';
import { lifecycleView } from './lifecycle';
import { pathsView } from './paths';
import { retentionView } from './retention';
import { sessionsView } from './sessions';
import { stickinessView } from './stickiness';
import { trendsView } from './trends';

export type { ChartChoices, ChartPicker, MoreChart, ViewKind } from './kind-view';

/**
 * Every analysis view of the window, by kind; typed over the kinds, so a kind added to the
 * spec union without its view does not compile. (Event types have their own Events view.)
 */
export const KIND_VIEWS: { [K in ViewKind]: KindView<K> } = {
  trends: trendsView,
  funnel: funnelView,
  retention: retentionView,
  lifecycle: lifecycleView,
  stickiness: stickinessView,
  paths: pathsView,
  sessions: sessionsView,
  metrics: metricsView,
  thresholds: thresholdsView,
};

/** The chart, its height and the charts under it, of any view kind's result. */
export interface KindCharts {
  option: ChartOption;
  height: number;
  more: MoreChart[];
}

/** A result's charts as its kind draws them; null for a result no view draws (event types). */
export function kindCharts(
  result: AnalysisResult,
  spec: AnalysisSpec | null | undefined,
  choices: ChartChoices = {},
): KindCharts | null {
  if (result.kind === 'eventTypes') return null;
  return chartsOf(result.kind, result, spec ?? undefined, choices);
}

function chartsOf<K extends ViewKind>(
  kind: K,
  result: ResultOf<K>,
  spec: AnalysisSpec | undefined,
  choices: ChartChoices,
): KindCharts {
  const view: KindView<K> = KIND_VIEWS[kind];
  // The spec the result answers, when it is of the result's kind (always, from the view).
  const answered = spec?.kind === kind ? (spec as SpecOf<K>) : undefined;
  return {
    option: view.chart(result, answered, choices),
    height: view.chartHeight?.(result, choices) ?? 320,
    more: view.moreCharts?.(result, choices) ?? [],
  };
}

/** What a result's charts may be drawn for, where its kind offers a choice. */
export function kindPicker(result: AnalysisResult): ChartPicker | null {
  if (result.kind === 'eventTypes') return null;
  return pickerOf(result.kind, result);
}

function pickerOf<K extends ViewKind>(kind: K, result: ResultOf<K>): ChartPicker | null {
  const view: KindView<K> = KIND_VIEWS[kind];
  return view.picker?.(result) ?? null;
}

/** A result's parts beyond charts and grid, bound to its kind (the cast forgets which). */
export function kindParts(kind: ViewKind): {
  Lead?: ResultPart<ViewKind>;
  Details?: ResultPart<ViewKind>;
} {
  const view = KIND_VIEWS[kind] as KindView<ViewKind>;
  return {
    ...(view.Lead === undefined ? {} : { Lead: view.Lead }),
    ...(view.Details === undefined ? {} : { Details: view.Details }),
  };
}
