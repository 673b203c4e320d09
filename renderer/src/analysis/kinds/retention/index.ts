import { ev, type KindView } from '../kind-view';
import { RetentionBuilder } from './Builder';
import { retentionCurveOption, retentionOption } from './chart';

export const retentionView: KindView<'retention'> = {
  Builder: RetentionBuilder,
  starter: ({ lastDays }) => ({ start: ev('$any'), return: ev('$any'), dateRange: lastDays(90) }),
  chart: (result, _spec, { group }) => retentionOption(result, group ?? 0),
  // A row per cohort of the group drawn, up to a height that still leaves the grid in view.
  chartHeight: (result, { group }) =>
    Math.min(520, 80 + 26 * (result.groups[group ?? 0]?.cohorts.length ?? 0)),
  moreCharts: (result) => [
    {
      label: 'Retention curve',
      heading: 'Retention curve',
      option: retentionCurveOption(result),
      height: 240,
    },
  ],
};
