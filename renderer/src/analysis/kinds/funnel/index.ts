import { ev, type KindView } from '../kind-view';
import { FunnelBuilder } from './Builder';

export const funnelView: KindView<'funnel'> = {
  Builder: FunnelBuilder,
  starter: ({ dateRange, top: [a, b, c] }) => ({
    steps: [a, b, c].map((e) => ({ events: ev(e) })),
    dateRange,
    // Weekly conversion over time reads better than daily on a month of data.
    interval: 'week',
  }),
};
