import { STARTER_METRICS } from '../../../../../shared/specs/metrics';
import type { MetricDefinition } from '../../../../../shared/specs/user-metrics';
import { ev, type KindView } from '../kind-view';
import { MetricsBuilder } from './Builder';
import { metricsOption } from './chart';
import { freeName } from './MetricList';
import { MetricsUserTable } from './UserTable';

/**
 * The starter metrics (engagement, depth, recency, tenure, trend: right for any workspace)
 * and how often users did the workspace's most frequent event.
 */
export function starterMetrics(events: string | readonly string[]): MetricDefinition[] {
  const metrics: MetricDefinition[] = STARTER_METRICS.map((m) => ({ ...m }));
  for (const event of typeof events === 'string' ? [events] : events) {
    if (event === '$any') continue;
    const name = freeName(
      `${event}_count`,
      metrics.map((m) => m.name),
    );
    metrics.push({ name, type: 'count', events: [ev(event)], per: 'window' });
  }
  return metrics;
}

export const metricsView: KindView<'metrics'> = {
  Builder: MetricsBuilder,
  starter: ({ top }) => ({ metrics: starterMetrics(top[0]) }),
  chart: (result, _spec, { pick }) => metricsOption(result, pick),
  chartHeight: () => 300,
  picker: (result) =>
    result.metrics.length < 2
      ? null
      : {
          label: 'Metric shown',
          help: 'The metric whose distribution the chart draws; the grid below has every metric.',
          options: result.metrics.map((m) => [m.name, `${m.name}: ${m.label}`] as const),
        },
  Details: MetricsUserTable,
};
