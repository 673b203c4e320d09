import { ev, type KindView } from '../kind-view';
import { StickinessBuilder } from './Builder';

export const stickinessView: KindView<'stickiness'> = {
  Builder: StickinessBuilder,
  starter: ({ dateRange }) => ({ events: ev('$any'), dateRange }),
};
