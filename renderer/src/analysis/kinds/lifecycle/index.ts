import { ev, type KindView } from '../kind-view';
import { LifecycleBuilder } from './Builder';

export const lifecycleView: KindView<'lifecycle'> = {
  Builder: LifecycleBuilder,
  starter: ({ lastDays }) => ({ events: ev('$any'), dateRange: lastDays(90) }),
};
