import type { Row } from './arrow';

export interface SortState {
  column: string;
  desc: boolean;
}

function rank(value: unknown): number {
  if (value === null || value === undefined) return 3;
  if (typeof value === 'number' || typeof value === 'bigint') return 0;
  if (typeof value === 'boolean') return 1;
  return 2;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Orders any two cell values: numbers, then booleans, then text; nulls always last. */
export function compareCells(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) {
    const x = a as number | bigint;
    const y = b as number | bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra === 1) return Number(a) - Number(b);
  if (ra === 2) {
    const x = typeof a === 'string' ? a : JSON.stringify(a);
    const y = typeof b === 'string' ? b : JSON.stringify(b);
    return collator.compare(x, y);
  }
  return 0;
}

/**
 * The row order of a local result sorted by one column: an index array into `rows`, so the rows
 * themselves are never copied. Stable (ties keep the query's order); nulls stay last either way.
 */
export function sortedOrder(rows: readonly Row[], sort: SortState | null): number[] | null {
  if (sort === null) return null;
  const order = rows.map((_, i) => i);
  const values = rows.map((r) => r[sort.column]);
  const sign = sort.desc ? -1 : 1;
  order.sort((i, j) => {
    const a = values[i];
    const b = values[j];
    const nullA = a === null || a === undefined;
    const nullB = b === null || b === undefined;
    if (nullA || nullB) return nullA === nullB ? i - j : nullA ? 1 : -1;
    return sign * compareCells(a, b) || i - j;
  });
  return order;
}

/** Header clicks cycle: ascending (descending first for numbers), the other way, unsorted. */
export function nextSort(
  current: SortState | null,
  column: string,
  numeric: boolean,
): SortState | null {
  if (current === null || current.column !== column) return { column, desc: numeric };
  if (current.desc === numeric) return { column, desc: !numeric };
  return null;
}
