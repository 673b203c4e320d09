import { describe, expect, it } from 'vitest';
import { metricSchema } from '../../../../shared/specs/user-metrics';
import { choicesOf, isShare, METRIC_PRESETS, presetMetric, presetOf } from './metric-presets';

const choices = {
  event: 'app_opened',
  features: ['report_created', 'search_performed'],
  property: 'revenue',
};

describe('metric presets', () => {
  it('each builds a metric the schema takes, and is recognised again', () => {
    for (const [preset] of METRIC_PRESETS) {
      const m = presetMetric(preset, choices);
      expect(metricSchema.safeParse(m).success).toBe(true);
      expect(presetOf(metricSchema.parse(m))).toBe(preset);
    }
  });
  it('carries the event, features and property from one preset to the next', () => {
    const sum = presetMetric('propertySum', choices);
    const fallback = { event: 'x', features: [], property: 'y' };
    expect(choicesOf(sum, fallback)).toEqual({
      event: 'app_opened',
      features: [],
      property: 'revenue',
    });
    expect(choicesOf(presetMetric('recency', choices), fallback)).toEqual(fallback);
  });
  it('the templates’ metrics are presets; others are kept as they are', () => {
    expect(
      presetOf({ name: 'l', type: 'count', events: [{ event: 'a', where: [] }], per: 'week' }),
    ).toBe('countPerWeek');
    expect(presetOf({ name: 'd', type: 'sessionDepth', stat: 'mean' })).toBeNull();
    expect(isShare(presetMetric('featureShare', choices))).toBe(true);
    expect(isShare(presetMetric('countPerWeek', choices))).toBe(false);
  });
});
