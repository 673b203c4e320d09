import { describe, expect, it } from 'vitest';
import type { FunnelResult } from '../../../shared/specs/funnel';
import type { LifecycleResult } from '../../../shared/specs/lifecycle';
import type { PathsResult } from '../../../shared/specs/paths';
import type { StickinessResult } from '../../../shared/specs/stickiness';
import type { TrendsResult } from '../../../shared/specs/trends';
import { selectionOfCell } from './cell-selection';
import { gridTable } from './ResultGrid';

describe('users behind a grid cell', () => {
  it('reads a paths link as its two ends, each a step and an event, and opens either', () => {
    const result: PathsResult = {
      kind: 'paths',
      direction: 'backward',
      nodes: [
        { id: '-1:a:b', step: -1, event: 'a:b', users: 5, sessions: 6 },
        { id: '0:buy', step: 0, event: 'buy', users: 4, sessions: 4 },
      ],
      links: [{ source: '-1:a:b', target: '0:buy', users: 3, sessions: 3 }],
      sessions: 4,
      sampled: null,
    };
    const table = gridTable(result);
    const [row] = table.rows;
    if (row === undefined) throw new Error('no row');
    expect(table.columns).toEqual(['fromStep', 'from', 'toStep', 'to', 'users', 'sessions']);
    expect(row).toMatchObject({ fromStep: -1, from: 'a:b', toStep: 0, to: 'buy', users: 3 });
    expect(selectionOfCell(result, row, 'from')).toEqual({ kind: 'paths', step: -1, event: 'a:b' });
    expect(selectionOfCell(result, row, 'to')).toEqual({ kind: 'paths', step: 0, event: 'buy' });
    expect(selectionOfCell(result, row, 'users')).toBeNull();
  });

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

  it('names a funnel step by the number the grid shows (from 1), as the CLI and engine do', () => {
    const time = { mean: null, median: null, p25: null, p75: null, p95: null, histogram: [] };
    const step = (label: string, count: number, dropped: number) => ({
      label,
      optional: false,
      count,
      fromFirst: count / 10,
      fromPrevious: count / 10,
      dropped,
      fromPreviousTime: time,
      fromFirstTime: time,
    });
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [0],
      groups: [{ steps: [step('open', 10, 0), step('buy', 4, 6)] }],
      overTime: [],
      sampled: null,
    };
    const [first, second] = gridTable(result).rows;
    if (first === undefined || second === undefined) throw new Error('no rows');
    expect(second.step).toBe(2);
    expect(selectionOfCell(result, second, 'users')).toEqual({
      kind: 'funnel',
      step: 2,
      outcome: 'converted',
    });
    expect(selectionOfCell(result, second, 'dropped')).toEqual({
      kind: 'funnel',
      step: 2,
      outcome: 'dropped',
    });
    // Nobody drops at the first step.
    expect(selectionOfCell(result, first, 'dropped')).toBeNull();
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

  it('maps a stickiness bucket to its period, the summed and different-users rows to any period', () => {
    const period = (p: string, users: number[]) => ({
      period: p,
      to: p,
      incomplete: false,
      units: 7,
      possible: 7,
      users,
    });
    const result: StickinessResult = {
      kind: 'stickiness',
      timezone: 'UTC',
      unit: 'day',
      per: 'week',
      perDays: null,
      cumulative: true,
      eventsPerUnit: { min: 1, max: null },
      buckets: [1, 2],
      users: [5, 1],
      distinctUsers: [4, 1],
      periods: [period('2024-01-01', [2, 1]), period('2024-01-08', [3, 0])],
      sampled: null,
    };
    const rows = gridTable(result).rows;
    expect(rows.map((r) => r.period)).toEqual([
      '2024-01-01',
      '2024-01-08',
      'all periods',
      'different users',
    ]);
    const [first, , all, different] = rows;
    if (first === undefined || all === undefined || different === undefined)
      throw new Error('no rows');
    expect(selectionOfCell(result, first, '>=2')).toEqual({
      kind: 'stickiness',
      bucket: 2,
      period: '2024-01-01',
    });
    expect(selectionOfCell(result, all, '>=1')).toEqual({ kind: 'stickiness', bucket: 1 });
    expect(selectionOfCell(result, different, '>=1')).toEqual({ kind: 'stickiness', bucket: 1 });
    expect(selectionOfCell(result, first, 'possibleUnits')).toBeNull();
    // 2024-01-08 has no user of 2 days or more: no users behind that 0.
    const second = rows[1];
    if (second === undefined) throw new Error('no row');
    expect(selectionOfCell(result, second, '>=2')).toBeNull();
    expect(selectionOfCell(result, second, '>=1')).toEqual({
      kind: 'stickiness',
      bucket: 1,
      period: '2024-01-08',
    });
  });
});
