import { type KindView } from '../kind-view';
import { starterMetrics } from '../metrics';
import { ThresholdsBuilder } from './Builder';
import {
  distributionsOption,
  heatmapHeight,
  heatmapOption,
  outcomeNames,
  shownBenchmark,
  thresholdCurveOption,
} from './chart';
import { ThresholdDetails, ThresholdFindings } from './Findings';

/** How many of the most frequent events a first benchmark counts. */
const FREQUENT_COUNTS = 12;

export const thresholdsView: KindView<'thresholds'> = {
  Builder: ThresholdsBuilder,
  // New users from their first event, with the starter metrics and a count of each of the most
  // frequent events, as Compass tries every event: which early behaviour separates retained
  // users is the question, so the first answer looks at many. The schema sets the 7 observed
  // days and the outcome.
  starter: ({ frequent }) => ({ metrics: starterMetrics(frequent.slice(0, FREQUENT_COUNTS)) }),
  chart: (result, _spec, { pick }) => thresholdCurveOption(result, pick),
  chartHeight: () => 300,
  picker: (result) =>
    result.metrics.length < 2
      ? null
      : {
          label: 'Metric shown',
          help: 'The benchmark the charts draw: the strongest first; the table below has every metric.',
          options: result.metrics.map(
            (m, i) => [m.name, `${i + 1}. ${m.name}: ${m.label}`] as const,
          ),
        },
  moreCharts: (result, { pick }) => {
    const [good, bad] = outcomeNames(result);
    const m = shownBenchmark(result, pick);
    return [
      ...(result.heatmap.events.length === 0
        ? []
        : [
            {
              label: 'Early behaviour heat map',
              heading: `Early behaviour vs being ${good}: phi of doing it by day d (blank: no contrast)`,
              option: heatmapOption(result),
              height: heatmapHeight(result),
            },
          ]),
      ...(m === undefined
        ? []
        : [
            {
              label: 'Distributions',
              heading: `${m.name}: ${good} vs ${bad} users`,
              option: distributionsOption(result, pick),
              height: Math.max(260, heatmapHeight(result)),
            },
          ]),
    ];
  },
  Lead: ThresholdFindings,
  Details: ThresholdDetails,
};
