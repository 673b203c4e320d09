import { ev, type KindView } from '../kind-view';
import { PathsBuilder } from './Builder';
import { pathsOption } from './chart';

export const pathsView: KindView<'paths'> = {
  Builder: PathsBuilder,
  starter: ({ lastDays, top: [a] }) => ({
    start: ev(a),
    steps: 4,
    limit: 6,
    dateRange: lastDays(7),
  }),
  chart: (result) => pathsOption(result),
  chartHeight: () => 460,
};
