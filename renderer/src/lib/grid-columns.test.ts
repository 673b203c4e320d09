import { describe, expect, it } from 'vitest';
import { cellText, columnWidths, isIdColumn, numericColumns } from './grid-columns';

describe('grid columns', () => {
  const sample = [
    { user_id: 'u_1', n: 1200, note: 'x'.repeat(200), revenue: null },
    { user_id: 'u_22', n: 3, note: 'short', revenue: 49.5 },
  ];

  it('reads ids as labels', () => {
    expect(isIdColumn('session_id')).toBe(true);
    expect(isIdColumn('identity')).toBe(false);
    expect(cellText('session_id', 1000001)).toBe('1000001');
    expect(cellText('n', 1000001)).toBe('1,000,001');
    expect(cellText('user_id', null)).toBe('–');
  });

  it('finds numeric columns, ignoring nulls and ids', () => {
    expect([...numericColumns(['user_id', 'n', 'note', 'revenue'], sample)]).toEqual([
      'n',
      'revenue',
    ]);
    expect(numericColumns(['revenue'], [{ revenue: null }]).size).toBe(0);
  });

  it('sizes columns to their content within bounds', () => {
    const widths = columnWidths(['user_id', 'n', 'note'], sample, { n: 99 });
    expect(widths.n).toBe(99);
    expect(widths.note).toBe(360);
    expect(widths.user_id).toBeGreaterThanOrEqual(64);
    expect(widths.user_id).toBeLessThan(120);
  });
});
