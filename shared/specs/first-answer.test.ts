import { describe, expect, it } from 'vitest';
import type { AnalysisSpec } from './analysis-spec';
import { sampledFirst } from './first-answer';

const spec: AnalysisSpec = {
  kind: 'lifecycle',
  version: 1,
  events: { event: '$any', where: [] },
  interval: 'week',
  dateRange: { type: 'relative', last: 8, unit: 'week' },
  filters: [],
};

describe('the first answer', () => {
  it('samples 10% of users first only on large workspaces', () => {
    expect(sampledFirst(spec, 1_500_000)).toBeNull();
    expect(sampledFirst(spec, 10_000_000)).toEqual({ ...spec, sample: { fraction: 0.1 } });
  });
  it('leaves a spec that samples already as it is', () => {
    expect(sampledFirst({ ...spec, sample: { fraction: 0.5 } }, 10_000_000)).toBeNull();
  });
});
