import { ev, type KindView } from '../kind-view';
import { LifecycleBuilder } from './Builder';
import { lifecycleOption } from './chart';

export const lifecycleView: KindView<'lifecycle'> = {
  Builder: LifecycleBuilder,
  starter: ({ lastDays }) => ({ events: ev('$any'), dateRange: lastDays(90) }),
  chart: (result) => lifecycleOption(result),
};
