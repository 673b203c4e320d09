import { ev, type KindView } from '../kind-view';
import { RetentionBuilder } from './Builder';

export const retentionView: KindView<'retention'> = {
  Builder: RetentionBuilder,
  starter: ({ lastDays }) => ({ start: ev('$any'), return: ev('$any'), dateRange: lastDays(90) }),
};
