import type { KindView } from '../kind-view';
import { SessionsBuilder } from './Builder';
import { sessionsDurationOption, sessionsOption } from './chart';

export const sessionsView: KindView<'sessions'> = {
  Builder: SessionsBuilder,
  starter: ({ dateRange }) => ({ dateRange }),
  chart: (result) => sessionsOption(result),
  moreCharts: (result) => [
    { label: 'Session duration', option: sessionsDurationOption(result), height: 220 },
  ],
};
