import { describe, expect, it } from 'vitest';
import type { LifecycleResult } from '../../../shared/specs/lifecycle';
import type { TrendsResult } from '../../../shared/specs/trends';
import { selectionOfCell } from './cell-selection';
import { gridTable } from './ResultGrid';

describe('users behind a grid cell', () => {
  it('maps a trend cell, incomplete periods included, to its series and period', () => {
    const result: TrendsResult = {
      kind: 'trends',
      timezone: 'UTC',
      interval: 'day',
      periods: ['2024-01-01', '2024-01-02'],
      incomplete: [false, true],
      series: [
        { series: 0, label: 'a', values: [1, 2], total: 3 },
        { series: 1, label: 'b', breakdown: 'pro', values: [4, 5], total: 9 },
      ],
      sampled: null,
    };
    const table = gridTable(result);
    const second = table.rows[1];
    if (second === undefined) throw new Error('no row');
    expect(table.columns).toContain('2024-01-02 (incomplete)');
    expect(selectionOfCell(result, second, '2024-01-02 (incomplete)')).toEqual({
      kind: 'trends',
      series: 1,
      period: '2024-01-02',
      breakdown: 'pro',
    });
    expect(selectionOfCell(result, second, 'total')).toBeNull();
  });

  it('maps lifecycle counts to their status, not the quick ratio', () => {
    const result: LifecycleResult = {
      kind: 'lifecycle',
      timezone: 'UTC',
      interval: 'week',
      periods: ['2024-01-01'],
      incomplete: [false],
      new: [3],
      returning: [0],
      resurrecting: [0],
      dormant: [-1],
      quickRatio: [3],
      sampled: null,
    };
    const row = gridTable(result).rows[0];
    if (row === undefined) throw new Error('no row');
    expect(selectionOfCell(result, row, 'dormant')).toEqual({
      kind: 'lifecycle',
      period: '2024-01-01',
      status: 'dormant',
    });
    expect(selectionOfCell(result, row, 'quickRatio')).toBeNull();
  });
});
