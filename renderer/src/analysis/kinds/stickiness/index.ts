import { ev, type KindView } from '../kind-view';
import { StickinessBuilder } from './Builder';
import { stickinessOption } from './chart';

export const stickinessView: KindView<'stickiness'> = {
  Builder: StickinessBuilder,
  starter: ({ dateRange }) => ({ events: ev('$any'), dateRange }),
  chart: (result) => stickinessOption(result),
};
