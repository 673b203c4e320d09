import { describe, expect, it } from 'vitest';
import { metricListSchema, metricSchema } from '../../../../../shared/specs/user-metrics';
import { freeName, METRIC_TYPES, newMetric } from './MetricList';

describe('newMetric', () => {
  const top = ['app_opened', 'report_created', 'dashboard_viewed'];

  it.each(METRIC_TYPES.map(([t]) => t))('makes a %s metric its schema accepts as is', (type) => {
    const metric = newMetric(
      type,
      top,
      ['sessions_per_week'],
      ['sessions_per_week', 'count'],
      undefined,
    );
    expect(metricSchema.parse(metric)).toEqual(metric);
  });

  it('adds metrics under names no other metric has, and a ratio of listed ones', () => {
    const first = newMetric('count', top, []);
    const second = newMetric('count', top, [first.name]);
    expect([first.name, second.name]).toEqual(['count_app_opened', 'count_app_opened_2']);
    const ratio = newMetric('ratio', top, [first.name, second.name], [first.name, second.name]);
    expect(metricListSchema.safeParse([first, second, ratio]).success).toBe(true);
  });

  it('keeps the name and label of a metric whose type changes', () => {
    const m = newMetric('sessions', top, [], [], { name: 'engagement', label: 'Engagement' });
    expect(m).toEqual({ name: 'engagement', label: 'Engagement', type: 'sessions', per: 'week' });
  });

  it('makes column names of any text', () => {
    expect(freeName('Report Created!', [])).toBe('report_created_');
    expect(freeName('42 things', [])).toBe('things');
    expect(freeName('$$$', [])).toBe('metric');
  });
});
