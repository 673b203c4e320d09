import { describe, expect, it } from 'vitest';
import type {
  FunnelPeriod,
  FunnelResult,
  FunnelStepResult,
} from '../../../../../shared/specs/funnel';
import { selectionOfCell } from '../../cell-selection';
import { funnelOverTimeOption } from '../../chart-options';

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
