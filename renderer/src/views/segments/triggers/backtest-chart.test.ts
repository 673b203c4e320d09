import { describe, expect, it } from 'vitest';
import { chartData } from '../../../analysis/chart-parts';
import { backtestOption } from './backtest-chart';

describe('backtestOption', () => {
  it('stacks came back, churned and not known yet per day', () => {
    const option = backtestOption([
      { day: '2026-03-01', fires: 5, cameBack: 2, churned: 3, unknown: 0 },
      { day: '2026-03-02', fires: 4, cameBack: 1, churned: 0, unknown: 3 },
    ]);
    expect(chartData(option)).toEqual([
      { series: 'came back within 14 days', values: [2, 1] },
      { series: 'churned', values: [3, 0] },
      { series: 'not known yet', values: [0, 3] },
    ]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['2026-03-01', '2026-03-02']);
  });
});
