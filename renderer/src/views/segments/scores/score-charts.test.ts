import { describe, expect, it } from 'vitest';
import { chartData } from '../../../analysis/chart-parts';
import { BAND_COLORS, bandsOption, histogramOption, scoreHistoryOption } from './score-charts';

describe('histogramOption', () => {
  it('health: 20 bars of 5 points, the empty ones 0, each coloured by its band', () => {
    const option = histogramOption(
      {
        histogram: [
          { from: 0, to: 5, users: 3 },
          { from: 40, to: 45, users: 7 },
          { from: 95, to: 100, users: 2 },
        ],
      },
      { healthy: 70, watch: 40 },
    );
    const [bars] = chartData(option);
    expect(bars?.values).toHaveLength(20);
    expect(bars?.values[0]).toBe(3);
    expect(bars?.values[8]).toBe(7);
    expect(bars?.values[19]).toBe(2);
    expect(bars?.values.reduce((n: number, v) => n + (v ?? 0), 0)).toBe(12);
    const data = (option.series as { data: { itemStyle: { color: string } }[] }[])[0]?.data ?? [];
    expect(data[7]?.itemStyle.color).toBe(BAND_COLORS['at risk']);
    expect(data[8]?.itemStyle.color).toBe(BAND_COLORS.watch);
    expect(data[14]?.itemStyle.color).toBe(BAND_COLORS.healthy);
    expect((option.xAxis as { data: string[] }).data[14]).toBe('70–75');
  });

  it("behavioural: the engine's bars over the score's own range, one colour", () => {
    const option = histogramOption(
      {
        histogram: [
          { from: 0, to: 1.5, users: 10 },
          { from: 3, to: 4.5, users: 4 },
        ],
      },
      null,
    );
    expect(chartData(option)).toEqual([{ series: 'users', values: [10, 4] }]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['0–1.5', '3–4.5']);
  });
});

describe('bandsOption', () => {
  it('one bar split healthy, watch, at risk, scaled to the total', () => {
    const option = bandsOption([
      { band: 'at risk', users: 5 },
      { band: 'healthy', users: 10 },
      { band: 'watch', users: 0 },
    ]);
    expect(chartData(option)).toEqual([
      { series: 'healthy', values: [10] },
      { series: 'watch', values: [0] },
      { series: 'at risk', values: [5] },
    ]);
    expect((option.xAxis as { max: number }).max).toBe(15);
  });
});

describe('scoreHistoryOption', () => {
  const points = [
    {
      asOf: '2026-01-04',
      mean: 50,
      bands: [
        { band: 'healthy' as const, users: 3 },
        { band: 'watch' as const, users: 4 },
        { band: 'at risk' as const, users: 5 },
      ],
      user: null,
    },
    {
      asOf: '2026-01-11',
      mean: 52.5,
      bands: [
        { band: 'healthy' as const, users: 4 },
        { band: 'watch' as const, users: 4 },
        { band: 'at risk' as const, users: 4 },
      ],
      user: 61,
    },
  ];

  it('health: the bands stacked on their own axis, the mean and the followed user', () => {
    const option = scoreHistoryOption(points, 'health');
    expect(chartData(option)).toEqual([
      { series: 'healthy', values: [3, 4] },
      { series: 'watch', values: [4, 4] },
      { series: 'at risk', values: [5, 4] },
      { series: 'mean score', values: [50, 52.5] },
      { series: 'this user', values: [null, 61] },
    ]);
    expect(option.yAxis).toHaveLength(2);
  });

  it('behavioural: the mean alone, no band axis, no user line unless followed', () => {
    const option = scoreHistoryOption(
      points.map((p) => ({ ...p, bands: null, user: null })),
      'behavioural',
    );
    expect(chartData(option)).toEqual([{ series: 'mean score', values: [50, 52.5] }]);
    expect(option.yAxis).toHaveLength(1);
  });
});
