import { describe, expect, it } from 'vitest';
import { chartData } from './chart-parts';

describe('chart data', () => {
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
