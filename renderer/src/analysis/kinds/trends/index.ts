import { ev, type KindView } from '../kind-view';
import { TrendsBuilder } from './Builder';
import { trendsOption } from './chart';

export const trendsView: KindView<'trends'> = {
  Builder: TrendsBuilder,
  starter: ({ dateRange }) => ({
    series: [{ events: ev('$any'), measure: 'uniqueUsers' }],
    dateRange,
  }),
  chart: (result, spec) => trendsOption(result, spec),
};
