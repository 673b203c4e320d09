import { describe, expect, it } from 'vitest';
import { resultColumns } from '../../../../../shared/format';
import {
  trendsSpecSchema,
  type TrendsResult,
  type TrendsSpec,
} from '../../../../../shared/specs/trends';
import { resultTable } from '../../../../../shared/specs/result-table';
import { selectionOfCell } from '../../cell-selection';
import { chartData } from '../../chart-parts';
import { trendsOption } from './chart';
import { gridTable } from '../../ResultGrid';

/** A trend with two series, a formula and the range compared with, as the engine answers. */
const result: TrendsResult = {
  kind: 'trends',
  timezone: 'UTC',
  interval: 'day',
  periods: ['2024-01-08', '2024-01-09'],
  incomplete: [false, true],
  series: [
    { series: 0, label: 'events', values: [10, 4], total: 14 },
    { series: 1, label: 'users', values: [5, 0], total: 5 },
  ],
  formulas: [{ series: 0, label: 'A / B', values: [2, null], total: 2.8 }],
  compare: {
    periods: ['2024-01-06', '2024-01-07'],
    incomplete: [false, false],
    series: [
      { series: 0, label: 'events', values: [6, 8], total: 14 },
      { series: 1, label: 'users', values: [3, 4], total: 6 },
    ],
    formulas: [{ series: 0, label: 'A / B', values: [2, 2], total: 14 / 6 }],
  },
  sampled: null,
};

const spec = (display: object = {}, formulas = [{ expression: 'A / B' }]): TrendsSpec =>
  trendsSpecSchema.parse({
    kind: 'trends',
    series: [
      { events: { event: 'a' }, measure: 'total' },
      { events: { event: 'a' }, measure: 'uniqueUsers' },
    ],
    formulas,
    compare: true,
    dateRange: { type: 'absolute', from: '2024-01-08', to: '2024-01-09' },
    display,
  });

interface Drawn {
  name: string;
  type: string;
  color: string;
  lineStyle?: { type: string };
  areaStyle?: object;
  data: { value: number | null; selection?: unknown }[];
}

describe('the trends chart and grid', () => {
  it('draws the formulas instead of their series, the previous period dashed in their colour', () => {
    const option = trendsOption(result, spec()) as { series: Drawn[] };
    expect(option.series.map((s) => [s.name, s.lineStyle?.type ?? 'solid'])).toEqual([
      ['A / B', 'solid'],
      ['A / B (previous period)', 'dashed'],
    ]);
    expect(option.series[1]?.color).toBe(option.series[0]?.color);
    // A formula's point opens no users.
    expect(option.series[0]?.data.every((d) => d.selection === undefined)).toBe(true);
  });

  it("draws the series without formulas; a previous point opens its own period's users", () => {
    const { formulas: _f, compare, ...plain } = result;
    const noFormulas: TrendsResult = {
      ...plain,
      ...(compare === undefined ? {} : { compare: { ...compare, formulas: [] } }),
    };
    const option = trendsOption(noFormulas, spec({ chart: 'bar' }, [])) as { series: Drawn[] };
    expect(option.series.map((s) => [s.name, s.type])).toEqual([
      ['events', 'bar'],
      ['users', 'bar'],
      ['events (previous period)', 'bar'],
      ['users (previous period)', 'bar'],
    ]);
    expect(option.series[3]?.data[1]?.selection).toEqual({
      kind: 'trends',
      series: 1,
      period: '2024-01-07',
    });
    expect(chartData(option)[2]).toEqual({ series: 'events (previous period)', values: [6, 8] });
    const area = trendsOption(noFormulas, spec({ chart: 'area' }, [])) as { series: Drawn[] };
    expect(area.series[0]?.areaStyle).toBeDefined();
    // 'table': nothing drawn, the grid has the numbers.
    expect(chartData(trendsOption(result, spec({ chart: 'table' })))).toEqual([]);
  });

  it('lists series, formulas and the previous lines in the grid; their cells open the right users', () => {
    const table = resultTable(result);
    expect(table.columns).toEqual(['series', 'range', 'total', '2024-01-08', '2024-01-09']);
    expect(table.rows.map((r) => [r.series, r.range, r['2024-01-08']])).toEqual([
      ['events', 'current', 10],
      ['users', 'current', 5],
      ['A / B', 'current', 2],
      ['events', 'previous', 6],
      ['users', 'previous', 3],
      ['A / B', 'previous', 2],
    ]);
    const grid = gridTable(result);
    const row = (i: number) => grid.rows[i] ?? { __row: -1 };
    expect(selectionOfCell(result, row(1), '2024-01-09 (incomplete)')).toEqual({
      kind: 'trends',
      series: 1,
      period: '2024-01-09',
    });
    expect(selectionOfCell(result, row(2), '2024-01-08')).toBeNull();
    expect(selectionOfCell(result, row(3), '2024-01-08')).toEqual({
      kind: 'trends',
      series: 0,
      period: '2024-01-06',
    });
    expect(selectionOfCell(result, row(5), '2024-01-08')).toBeNull();
    // Each row in its line's kind: counts for the series, values for the formula.
    const day = resultColumns(result, spec()).find((c) => c.id === '2024-01-08');
    expect(day?.rowKinds).toEqual(['count', 'count', 'value', 'count', 'count', 'value']);
  });
});

describe('the trends axes', () => {
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
});
