import { describe, expect, it } from 'vitest';
import { resultColumns } from '../../../../../shared/format';
import type { RetentionResult } from '../../../../../shared/specs/retention';
import { selectionOfCell } from '../../cell-selection';
import { retentionCurveOption, retentionOption } from './chart';
import { gridTable, isIncompleteCell } from '../../ResultGrid';

/** Two cohorts, the second not over in week 1, compared with the range before. */
const result: RetentionResult = {
  kind: 'retention',
  timezone: 'UTC',
  period: 'week',
  time: 'calendar',
  criterion: 'on',
  measure: 'users',
  minOccurrences: 1,
  columns: ['0', '1'],
  groups: [
    {
      cohorts: [
        {
          cohort: '2024-03-04',
          size: 10,
          values: [10, 4],
          percentages: [1, 0.4],
          incomplete: [false, false],
        },
        {
          cohort: '2024-03-11',
          size: 5,
          values: [5, 1],
          percentages: [1, 0.2],
          incomplete: [false, true],
        },
      ],
      mean: { values: [7.5, 4], percentages: [1, 0.4] },
      previous: {
        cohorts: [
          {
            cohort: '2024-02-26',
            size: 8,
            values: [8, 2],
            percentages: [1, 0.25],
            incomplete: [false, false],
          },
        ],
        mean: { values: [8, 2], percentages: [1, 0.25] },
      },
    },
  ],
  previousRange: { from: '2024-02-19', to: '2024-03-03' },
  sampled: null,
};

describe('retention chart and grid', () => {
  it('draws an incomplete cell with what was observed, faded, and says so', () => {
    const heat = retentionOption(result) as {
      series: { data: { value: unknown; itemStyle?: { opacity: number } }[] }[];
      tooltip: { formatter: (p: { value: [number, number, number | null] }) => string };
    };
    const data = heat.series[0]?.data ?? [];
    expect(data).toHaveLength(4);
    expect(data[3]).toMatchObject({ value: [1, 1, 0.2], itemStyle: { opacity: 0.45 } });
    expect(data[1]?.itemStyle).toBeUndefined();
    expect(heat.tooltip.formatter({ value: [1, 1, 0.2] })).toContain('observed so far');
  });

  it('marks each cell its cohort has not lived yet, and the table says how many are complete', () => {
    const { columns, rows } = gridTable(result);
    expect(columns).toEqual(['cohort', 'size', 'completeColumns', '0', '1']);
    // 03-04 has lived both weeks; 03-11 only week 0; the mean rows count complete cells only.
    expect(rows.map((r) => r.completeColumns)).toEqual([2, 1, null, null]);
    const marked = rows.map((r) => ['0', '1'].map((c) => isIncompleteCell(result, r, c)));
    expect(marked).toEqual([
      [false, false],
      [false, true],
      [false, false],
      [false, false],
    ]);
    // Not a period column: never marked.
    const second = rows[1] ?? { __row: -1 };
    expect(isIncompleteCell(result, second, 'size')).toBe(false);
    expect(isIncompleteCell(result, second, 'completeColumns')).toBe(false);
  });

  it('draws no number in a calendar period that has not begun for its cohort', () => {
    // Three weeks: 03-11 is in week 1 (observed so far) and has not reached week 2.
    const later: RetentionResult = {
      ...result,
      columns: ['0', '1', '2'],
      groups: [
        {
          cohorts: [
            {
              cohort: '2024-03-11',
              size: 5,
              values: [5, 1, 0],
              percentages: [1, 0.2, 0],
              incomplete: [false, true, true],
            },
          ],
          mean: { values: [5, null, null], percentages: [1, null, null] },
        },
      ],
    };
    type Heat = {
      series: { data: { itemStyle?: { opacity: number }; label?: { show?: boolean } }[] }[];
      tooltip: { formatter: (p: { value: [number, number, number | null] }) => string };
    };
    const heat = retentionOption(later) as Heat;
    const data = heat.series[0]?.data ?? [];
    expect(data.map((d) => [d.itemStyle?.opacity ?? 1, d.label?.show ?? true])).toEqual([
      [1, true],
      [0.45, true],
      [0.2, false],
    ]);
    expect(heat.tooltip.formatter({ value: [2, 0, 0] })).toContain('Not begun yet');
    // Rolling windows of some users may have begun: observed so far, never "not begun".
    const rolling = retentionOption({ ...later, time: 'rolling' }) as Heat;
    expect(rolling.series[0]?.data[2]?.itemStyle?.opacity).toBe(0.45);
    expect(rolling.series[0]?.data[2]?.label?.show ?? true).toBe(true);
  });

  it('draws each cohort up to its last complete period, the previous range mean dashed', () => {
    const curve = retentionCurveOption(result) as {
      series: { name: string; data: unknown; lineStyle: { type?: string } }[];
    };
    // 03-11's week 1 is not over: its line stops at week 0 instead of dropping to 20%.
    expect(curve.series.find((s) => s.name === '2024-03-11')?.data).toEqual([1, null]);
    expect(curve.series.find((s) => s.name === '2024-03-04')?.data).toEqual([1, 0.4]);
    const previous = curve.series.find((s) => s.name === 'previous mean');
    expect(previous?.data).toEqual([1, 0.25]);
    expect(previous?.lineStyle.type).toBe('dashed');
  });

  it('opens the users of any cell: a size, a column, the mean rows', () => {
    const table = gridTable(result);
    const rows = table.rows;
    const at = (cohort: string) => rows.find((r) => r.cohort === cohort) ?? { __row: -1 };
    expect(rows.map((r) => r.cohort)).toEqual([
      '2024-03-04',
      '2024-03-11',
      'mean',
      'previous mean',
    ]);
    expect(selectionOfCell(result, at('2024-03-11'), '1')).toEqual({
      kind: 'retention',
      cohort: '2024-03-11',
      column: 1,
    });
    expect(selectionOfCell(result, at('2024-03-04'), 'size')).toEqual({
      kind: 'retention',
      cohort: '2024-03-04',
      column: 'size',
    });
    expect(selectionOfCell(result, at('mean'), '1')).toEqual({
      kind: 'retention',
      cohort: 'mean',
      column: 1,
    });
    expect(selectionOfCell(result, at('previous mean'), '0')).toEqual({
      kind: 'retention',
      cohort: 'mean',
      column: 0,
      range: 'previous',
    });
    expect(selectionOfCell(result, at('mean'), 'size')).toBeNull();
    // A count of 0 retained users has nobody behind it; a sum of 0 may.
    const none = { ...at('2024-03-11'), '1': 0 };
    expect(selectionOfCell(result, none, '1')).toBeNull();
    expect(selectionOfCell({ ...result, measure: 'sum' }, none, '1')).toEqual({
      kind: 'retention',
      cohort: '2024-03-11',
      column: 1,
    });
    // Each row's share beside its count, the previous mean row's too.
    const one = resultColumns(result).find((c) => c.id === '1');
    expect(one?.shares).toEqual([0.4, 0.2, 0.4, 0.25]);
  });
});

describe('the retention chart of a breakdown', () => {
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
