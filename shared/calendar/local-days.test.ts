import { describe, expect, it } from 'vitest';
import { daysOn, localDate, resolveDays, THIS_MONTH } from './local-days';

const utc = { timezone: 'UTC', weekStart: 'monday' } as const;

describe('local days', () => {
  it('reads the clock in the workspace zone: 23:30 UTC on 30 Nov is 1 Dec in Berlin', () => {
    const now = new Date('2026-11-30T23:30:00Z');
    expect(localDate(now, 'UTC')).toBe('2026-11-30');
    expect(localDate(now, 'Europe/Berlin')).toBe('2026-12-01');
    expect(resolveDays(THIS_MONTH, now, utc)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(resolveDays(THIS_MONTH, now, { ...utc, timezone: 'Europe/Berlin' })).toEqual({
      from: '2026-12-01',
      to: '2026-12-01',
    });
  });

  it('this month is the calendar month of the clock, whatever the month length', () => {
    expect(daysOn(THIS_MONTH, '2026-12-01', 'monday')).toEqual({
      from: '2026-12-01',
      to: '2026-12-01',
    });
    expect(daysOn(THIS_MONTH, '2024-02-29', 'monday')).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(daysOn({ type: 'relative', last: 3, unit: 'month' }, '2026-01-15', 'monday')).toEqual({
      from: '2025-11-01',
      to: '2026-01-15',
    });
  });

  it('weeks start on the workspace week start, days count today', () => {
    // 2026-12-02 is a Wednesday.
    expect(daysOn({ type: 'relative', last: 1, unit: 'week' }, '2026-12-02', 'monday')).toEqual({
      from: '2026-11-30',
      to: '2026-12-02',
    });
    expect(daysOn({ type: 'relative', last: 2, unit: 'week' }, '2026-12-02', 'sunday')).toEqual({
      from: '2026-11-22',
      to: '2026-12-02',
    });
    expect(daysOn({ type: 'relative', last: 7, unit: 'day' }, '2026-03-01', 'monday')).toEqual({
      from: '2026-02-23',
      to: '2026-03-01',
    });
  });

  it('absolute ranges are kept as written', () => {
    const range = { type: 'absolute', from: '2024-01-01', to: '2024-01-31' } as const;
    expect(daysOn(range, '2026-12-01', 'monday')).toEqual({ from: '2024-01-01', to: '2024-01-31' });
  });
});
