import { describe, expect, it } from 'vitest';
import type {
  FunnelPeriod,
  FunnelResult,
  FunnelStepResult,
} from '../../../../../shared/specs/funnel';
import { selectionOfCell } from '../../cell-selection';
import { funnelOption, funnelOverTimeOption } from './chart';

const time = { mean: null, median: null, p25: null, p75: null, p95: null, histogram: [] };
const steps = (counts: number[]): FunnelStepResult[] =>
  counts.map((count, i) => ({
    label: `s${i}`,
    optional: false,
    count,
    fromFirst: count / (counts[0] ?? 1),
    fromPrevious: 1,
    dropped: 0,
    fromPreviousTime: time,
    fromFirstTime: time,
  }));
const period = (p: string, entered: number, completed: number): FunnelPeriod => ({
  period: p,
  entered,
  completed,
  rate: entered === 0 ? null : completed / entered,
  incomplete: false,
});

describe('conversion over time', () => {
  it('draws a line per breakdown group, each point opening the users who completed then', () => {
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [],
      groups: [
        {
          breakdown: 'free',
          breakdownValues: ['free'],
          steps: steps([4, 2]),
          overTime: [period('2024-01-01', 2, 1), period('2024-01-02', 2, 1)],
        },
        {
          breakdown: 'pro',
          breakdownValues: ['pro'],
          steps: steps([1, 1]),
          overTime: [period('2024-01-01', 1, 1), period('2024-01-02', 0, 0)],
        },
      ],
      overTime: [period('2024-01-01', 3, 2), period('2024-01-02', 2, 1)],
      previous: {
        from: '2023-12-30',
        to: '2023-12-31',
        groups: [
          { breakdown: 'free', steps: steps([1, 0]), overTime: [period('2023-12-30', 1, 0)] },
          { breakdown: 'pro', steps: steps([0, 0]), overTime: [period('2023-12-30', 0, 0)] },
        ],
        overTime: [period('2023-12-30', 1, 0), period('2023-12-31', 0, 0)],
      },
      sampled: null,
    };
    const option = funnelOverTimeOption(result) as {
      series: { name: string; data: { value: number | null; selection?: unknown }[] }[];
    };
    expect(option.series.map((s) => s.name)).toEqual([
      'free',
      'free (range before)',
      'pro',
      'pro (range before)',
    ]);
    expect(option.series[2]?.data.map((d) => d.value)).toEqual([1, null]);
    expect(option.series[0]?.data[1]?.selection).toEqual({
      kind: 'funnel',
      step: 2,
      outcome: 'converted',
      period: '2024-01-02',
      breakdown: 'free',
    });
    expect(option.series[1]?.data[0]?.selection).toMatchObject({ range: 'previous' });
  });
});

describe('the grid of a compared funnel', () => {
  it("opens the range before's users from its count", () => {
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [],
      groups: [{ steps: steps([3, 1]) }],
      overTime: [],
      previous: {
        from: '2024-01-01',
        to: '2024-01-02',
        groups: [{ steps: steps([2, 2]) }],
        overTime: [],
      },
      sampled: null,
    };
    expect(
      selectionOfCell(result, { __row: 1, step: 2, previousCount: 2 }, 'previousCount'),
    ).toEqual({
      kind: 'funnel',
      step: 2,
      outcome: 'converted',
      range: 'previous',
    });
  });
});

describe('the funnel chart', () => {
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

  it('draws the largest funnel groups only, each toggled by one legend entry', () => {
    const step = (count: number) => ({
      label: 'open',
      optional: false,
      count,
      fromFirst: 1,
      fromPrevious: 1,
      dropped: 0,
      fromPreviousTime: time,
      fromFirstTime: time,
    });
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [0],
      groups: Array.from({ length: 12 }, (_, i) => ({
        breakdown: `country ${i} with a very long name indeed`,
        steps: [step(i === 11 ? 500 : 100 - i), step(1)],
      })),
      overTime: [],
      sampled: null,
    };
    const option = funnelOption(result) as {
      legend: { data: string[]; formatter: (n: string) => string };
      series: { name: string }[];
      title: { text: string };
    };
    expect(option.legend.data).toHaveLength(8);
    expect(option.legend.data[0]).toBe('country 11 with a very long name indeed');
    expect(option.legend.formatter(option.legend.data[0] ?? '')).toBe('country 11 with a very …');
    expect(option.series).toHaveLength(16);
    expect(option.series[0]?.name).toBe(option.series[1]?.name);
    expect(option.title.text).toBe('The 8 largest of 12 values at step 1; all are in the grid');
  });

  it('reads small conversion rates on the axis', () => {
    const option = funnelOverTimeOption({
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [0],
      groups: [],
      overTime: [
        { period: '2024-03-04', entered: 1000, completed: 4, rate: 0.004, incomplete: false },
      ],
      sampled: null,
    }) as { yAxis: { axisLabel: { formatter: (v: number) => string } } };
    expect([0, 0.001, 0.002, 0.003].map(option.yAxis.axisLabel.formatter)).toEqual([
      '0%',
      '0.1%',
      '0.2%',
      '0.3%',
    ]);
  });
});
