import { describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { incompleteBecause } from './spec-check';

const funnel = (where: unknown[], filters: unknown[] = []): AnalysisSpec =>
  ({
    kind: 'funnel',
    version: 1,
    steps: [
      { events: { event: 'a', where }, optional: false },
      { events: { event: 'b', where: [] }, optional: false },
    ],
    order: 'ordered',
    window: { n: 14, unit: 'day' },
    exclusions: [],
    countBy: 'users',
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-31' },
    filters,
    interval: 'day',
  }) as AnalysisSpec;

describe('a question that cannot run yet', () => {
  it('is complete when it parses', () => {
    expect(incompleteBecause(funnel([]))).toBeNull();
  });

  it('names a condition left without its property, in a step, a group or the filters', () => {
    const blank = { property: '', source: 'event', op: '=', value: '' };
    expect(incompleteBecause(funnel([blank]))).toBe(
      'A condition has no property yet: pick one, or remove the condition.',
    );
    expect(incompleteBecause(funnel([{ any: [blank] }], [blank]))).toBe(
      '2 conditions have no property yet: pick one for each, or remove them.',
    );
  });

  it('says what else is missing in the schema’s words, never as raw JSON', () => {
    const spec = { ...funnel([]), window: { n: 0, unit: 'day' } } as AnalysisSpec;
    expect(incompleteBecause(spec)).toMatch(/^The question is not complete yet: window\.n: /);
  });
});
