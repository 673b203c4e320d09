import { ev, type KindView } from '../kind-view';
import { FunnelBuilder } from './Builder';
import { funnelOption, funnelOverTimeOption, funnelTimeOption } from './chart';

export const funnelView: KindView<'funnel'> = {
  Builder: FunnelBuilder,
  starter: ({ dateRange, top: [a, b, c] }) => ({
    steps: [a, b, c].map((e) => ({ events: ev(e) })),
    dateRange,
    // Weekly conversion over time reads better than daily on a month of data.
    interval: 'week',
  }),
  chart: (result) => funnelOption(result),
  moreCharts: (result) => [
    { label: 'Time to convert', option: funnelTimeOption(result), height: 220 },
    { label: 'Conversion over time', option: funnelOverTimeOption(result), height: 220 },
  ],
};
