import type { KindView } from '../kind-view';
import { SessionsBuilder } from './Builder';

export const sessionsView: KindView<'sessions'> = {
  Builder: SessionsBuilder,
  starter: ({ dateRange }) => ({ dateRange }),
};
