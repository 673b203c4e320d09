import { describe, expect, it } from 'vitest';
import { compareCells, nextSort, sortedOrder } from './sort-rows';

describe('sorting a local result', () => {
  const rows = [
    { name: 'b10', n: 3, big: 5n },
    { name: 'b9', n: null, big: 1n },
    { name: 'A', n: 10, big: null },
    { name: null, n: 3, big: 7n },
  ];

  it('sorts numbers, text (naturally, case-blind) and bigints, nulls last both ways', () => {
    expect(sortedOrder(rows, { column: 'n', desc: false })).toEqual([0, 3, 2, 1]);
    expect(sortedOrder(rows, { column: 'n', desc: true })).toEqual([2, 0, 3, 1]);
    expect(sortedOrder(rows, { column: 'name', desc: false })).toEqual([2, 1, 0, 3]);
    expect(sortedOrder(rows, { column: 'big', desc: true })).toEqual([3, 0, 1, 2]);
    expect(sortedOrder(rows, null)).toBeNull();
  });

  it('compares mixed values by kind', () => {
    expect(compareCells(1, 'a')).toBeLessThan(0);
    expect(compareCells('a', null)).toBeLessThan(0);
    expect(compareCells(2n, 10)).toBeLessThan(0);
  });

  it('cycles header clicks', () => {
    expect(nextSort(null, 'n', true)).toEqual({ column: 'n', desc: true });
    expect(nextSort({ column: 'n', desc: true }, 'n', true)).toEqual({ column: 'n', desc: false });
    expect(nextSort({ column: 'n', desc: false }, 'n', true)).toBeNull();
    expect(nextSort(null, 'name', false)).toEqual({ column: 'name', desc: false });
    expect(nextSort({ column: 'name', desc: false }, 'name', false)).toEqual({
      column: 'name',
      desc: true,
    });
    expect(nextSort({ column: 'name', desc: true }, 'other', false)).toEqual({
      column: 'other',
      desc: false,
    });
  });
});
