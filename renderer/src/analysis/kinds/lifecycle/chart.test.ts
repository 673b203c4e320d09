import { describe, expect, it } from 'vitest';
import type { LifecycleResult } from '../../../../../shared/specs/lifecycle';
import { lifecycleOption } from './chart';

describe('the lifecycle chart', () => {
  it('stacks lifecycle statuses with dormant below zero', () => {
    const result: LifecycleResult = {
      kind: 'lifecycle',
      timezone: 'UTC',
      interval: 'week',
      periods: ['2024-01-01', '2024-01-08'],
      incomplete: [false, true],
      new: [5, 2],
      returning: [0, 3],
      resurrecting: [0, 1],
      dormant: [0, -2],
      quickRatio: [null, 1.5],
      sampled: null,
    };
    const series = lifecycleOption(result).series as {
      name: string;
      stack: string;
      data: { value: number; itemStyle?: unknown }[];
    }[];
    const dormant = series.find((s) => s.name === 'dormant');
    expect(dormant?.stack).toBe('lost');
    expect(dormant?.data.map((d) => d.value)).toEqual([0, -2]);
    expect(dormant?.data[1]?.itemStyle).toEqual({ opacity: 0.45 });
  });
});
