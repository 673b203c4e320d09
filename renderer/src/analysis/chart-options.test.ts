import { describe, expect, it } from 'vitest';
import type { FunnelResult } from '../../../shared/specs/funnel';
import type { LifecycleResult } from '../../../shared/specs/lifecycle';
import type { RetentionResult } from '../../../shared/specs/retention';
import type { TrendsResult, TrendsSpec } from '../../../shared/specs/trends';
import {
  chartData,
  funnelOption,
  funnelOverTimeOption,
  lifecycleOption,
  retentionCurveOption,
  retentionOption,
  trendsOption,
} from './chart-options';

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

  it('gives a second unit its own y-axis and formats each series by its measure', () => {
    const result: TrendsResult = {
      kind: 'trends',
      timezone: 'UTC',
      interval: 'week',
      periods: ['2024-03-04', '2024-03-11'],
      incomplete: [false, false],
      series: [
        { series: 0, label: 'users', values: [4322, 4500], total: 6000 },
        { series: 1, label: 'events', values: [9000, 9100], total: 18100 },
        { series: 2, label: 'revenue', values: [1600.1200000000003, 2], total: 1602.12 },
      ],
      sampled: null,
    };
    const ev = { event: '$any', where: [] };
    const spec: TrendsSpec = {
      kind: 'trends',
      version: 1,
      interval: 'week',
      dateRange: { type: 'absolute', from: '2024-03-04', to: '2024-03-17' },
      filters: [],
      formulas: [],
      compare: false,
      display: { chart: 'line', cumulative: false },
      series: [
        { events: ev, measure: 'uniqueUsers' },
        { events: ev, measure: 'total' },
        { events: ev, measure: 'sum', property: 'revenue' },
      ],
    };
    const option = trendsOption(result, spec) as {
      yAxis: { name: string; axisLabel: { formatter: (v: number) => string } }[];
      series: { yAxisIndex: number; tooltip: { valueFormatter: (v: unknown) => string } }[];
    };
    expect(option.yAxis.map((a) => a.name)).toEqual(['users / events', 'revenue']);
    expect(option.series.map((s) => s.yAxisIndex)).toEqual([0, 0, 1]);
    expect(option.series[2]?.tooltip.valueFormatter(1600.1200000000003)).toBe('1,600.12');
    expect(option.series[0]?.tooltip.valueFormatter(4322)).toBe('4,322');
    expect(option.yAxis[0]?.axisLabel.formatter(8000)).toBe('8K');
    // Without the spec the units are unknown: one axis.
    expect((trendsOption(result) as { yAxis: unknown[] }).yAxis).toHaveLength(1);
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

  it('draws a retention group picked by the view, and a curve per group', () => {
    const cohort = (size: number, share: number) => ({
      cohort: '2024-03-04',
      size,
      values: [size, Math.round(size * share)],
      percentages: [1, share],
      incomplete: [false, false],
    });
    const result: RetentionResult = {
      kind: 'retention',
      timezone: 'UTC',
      period: 'week',
      time: 'calendar',
      criterion: 'on',
      measure: 'users',
      columns: ['0', '1'],
      groups: [
        {
          breakdown: 'free',
          cohorts: [cohort(1000, 0.4)],
          mean: { values: [1000, 400], percentages: [1, 0.4] },
        },
        {
          breakdown: 'pro',
          cohorts: [cohort(1200, 0.5)],
          mean: { values: [1200, 600], percentages: [1, 0.5] },
        },
      ],
      sampled: null,
    };
    const heat = retentionOption(result, 1) as {
      yAxis: { data: string[] };
      xAxis: { data: string[] };
      series: { data: { value: unknown; selection: unknown }[] }[];
    };
    expect(heat.yAxis.data).toEqual(['2024-03-04 (1,200)']);
    expect(heat.xAxis.data).toEqual(['Week 0', 'Week 1']);
    expect(heat.series[0]?.data[1]).toEqual({
      value: [1, 0, 0.5],
      selection: { kind: 'retention', cohort: '2024-03-04', column: 1, breakdown: 'pro' },
      // Half retained: past the middle of the scale, so its label is white.
      label: { color: '#ffffff' },
    });
    const curve = retentionCurveOption(result) as { series: { name: string; data: unknown[] }[] };
    expect(curve.series.map((s) => [s.name, s.data])).toEqual([
      ['free', [1, 0.4]],
      ['pro', [1, 0.5]],
    ]);
  });
});
