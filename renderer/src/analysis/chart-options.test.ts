import { describe, expect, it } from 'vitest';
import type { FunnelResult } from '../../../shared/specs/funnel';
import type { LifecycleResult } from '../../../shared/specs/lifecycle';
import { chartData, funnelOption, lifecycleOption } from './chart-options';

const time = { mean: null, median: null, p25: null, p75: null, p95: null, histogram: [] };

describe('chart options', () => {
  it('draws funnel steps as converted and dropped, each opening its users', () => {
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [0],
      groups: [
        {
          steps: [
            {
              label: 'open',
              optional: false,
              count: 10,
              fromFirst: 1,
              fromPrevious: 1,
              dropped: 0,
              fromPreviousTime: time,
              fromFirstTime: time,
            },
            {
              label: 'buy',
              optional: false,
              count: 4,
              fromFirst: 0.4,
              fromPrevious: 0.4,
              dropped: 6,
              fromPreviousTime: time,
              fromFirstTime: time,
            },
          ],
        },
      ],
      overTime: [],
      sampled: null,
    };
    const series = funnelOption(result).series as {
      name: string;
      data: { value: number; selection?: unknown }[];
    }[];
    expect(series.map((s) => [s.name, s.data.map((d) => d.value)])).toEqual([
      ['converted', [10, 4]],
      ['dropped', [0, 6]],
    ]);
    // Steps are numbered from 1 in selections, as in the grid: the second bar is step 2.
    expect(series[1]?.data[1]?.selection).toEqual({ kind: 'funnel', step: 2, outcome: 'dropped' });
    expect(series[1]?.data[0]?.selection).toBeUndefined();
  });

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

  it('lists the numbers a chart draws, heat-map cells and Sankey links included', () => {
    expect(
      chartData({
        series: [
          { name: 'a', data: [1, { value: 2 }, null] },
          { type: 'heatmap', data: [{ value: [0, 1, 0.5] }] },
          { name: 'paths', data: [{ value: 7 }], links: [{ value: 3 }] },
        ],
      }),
    ).toEqual([
      { series: 'a', values: [1, 2, null] },
      { series: 'series 2', values: [0.5] },
      { series: 'paths', values: [7] },
      { series: 'paths links', values: [3] },
    ]);
  });
});
