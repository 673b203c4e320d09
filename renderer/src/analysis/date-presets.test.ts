import { describe, expect, it } from 'vitest';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';
import { noDataNote, presetOf, presetRange, rangeDays } from './date-presets';

/** A workspace whose data ends on 30 November, read on a clock of the caller's choosing. */
const infoOn = (today: string): WorkspaceInfo =>
  ({
    workspace: { settings: { timezone: 'UTC', weekStart: 'monday', sessionGapMinutes: 30 } },
    range: { from: '2026-08-03T00:10:00Z', to: '2026-11-30T23:50:00Z' },
    days: { from: '2026-08-03', to: '2026-11-30' },
    today,
  }) as unknown as WorkspaceInfo;

describe('date presets', () => {
  it('"This month" is the calendar month of the workspace clock, not of the data', () => {
    const info = infoOn('2026-12-01');
    const month = presetRange('month', info);
    expect(month).toEqual({ type: 'relative', last: 1, unit: 'month' });
    expect(rangeDays(month, info)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    // On the first of a month after a 30-day month, it is not the last 30 days of data.
    expect(presetRange('30', info)).toEqual({
      type: 'absolute',
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(presetOf(month, info)).toBe('month');
    expect(presetOf(presetRange('30', info), info)).toBe('30');
  });

  it('says when this month has no data yet, and says nothing when it has', () => {
    expect(noDataNote(presetRange('month', infoOn('2026-12-01')), infoOn('2026-12-01'))).toBe(
      'this month: no data yet (the data ends on 2026-11-30)',
    );
    const inside = infoOn('2026-11-30');
    expect(rangeDays(presetRange('month', inside), inside)).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(noDataNote(presetRange('month', inside), inside)).toBeNull();
    expect(noDataNote(presetRange('30', inside), inside)).toBeNull();
  });

  it('says when a custom range lies before the data', () => {
    const info = infoOn('2026-12-01');
    const early = { type: 'absolute', from: '2025-01-01', to: '2025-01-31' } as const;
    expect(presetOf(early, info)).toBe('custom');
    expect(noDataNote(early, info)).toBe(
      '2025-01-01 → 2025-01-31: no data (the data starts on 2026-08-03)',
    );
  });

  it('"All data" spans the local days of the data', () => {
    expect(presetRange('all', infoOn('2026-12-01'))).toEqual({
      type: 'absolute',
      from: '2026-08-03',
      to: '2026-11-30',
    });
  });
});
