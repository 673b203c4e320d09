import type { DynamicSegmentSpec, SegmentRule } from './segment';
import type { ThresholdsSpec } from './thresholds';
import { metricWords, type MetricDefinition } from './user-metrics';

/**
 * A benchmark ("at least t of this metric in the first N days") as a dynamic segment. A count
 * of events over the window becomes the same condition on each user's own first N days (the
 * benchmark's very question, for every user as they get there); other metrics (rates per week,
 * shares, sessions) are read over the N days up to the as-of day, which the description says.
 */
export function benchmarkSegment(
  spec: ThresholdsSpec,
  metric: MetricDefinition,
  threshold: number,
): DynamicSegmentSpec {
  const days = spec.observationDays;
  const start = spec.startEvent === undefined ? {} : { start: spec.startEvent };
  const startWords =
    spec.startEvent === undefined ? 'first seen' : `their first ${spec.startEvent.event}`;
  let rule: SegmentRule;
  let description: string;
  if (metric.type === 'count' && metric.per === 'window' && metric.events.length === 1) {
    const [event] = metric.events;
    if (event === undefined) throw new Error('a count metric without its event');
    rule = {
      type: 'event',
      event,
      op: 'at least',
      times: Math.ceil(threshold),
      when: { type: 'sinceStart', from: 0, to: days, ...start },
    };
    description = `The benchmark: ${metricWords(metric)} at least ${Math.ceil(threshold)} times within ${days} days of ${startWords}.`;
  } else if (metric.type === 'ratio') {
    throw new Error('a ratio is compared by its two metrics, not as one condition');
  } else {
    rule = { type: 'metric', metric, days, op: '>=', value: threshold };
    description = `The benchmark's level (${metricWords(metric)} at least ${threshold}), read over the ${days} days up to the as-of day rather than each user's first ${days}.`;
  }
  const segmentFilters: SegmentRule[] =
    spec.segment === undefined ? [] : [{ type: 'segment', segment: spec.segment, op: 'in' }];
  return {
    type: 'dynamic',
    version: 1,
    rule: segmentFilters.length === 0 ? rule : { all: [...segmentFilters, rule] },
    description,
  };
}
