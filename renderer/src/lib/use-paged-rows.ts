import { useCallback, useEffect, useState } from 'react';
import type { Row } from './arrow';
import type { PagedRows } from './paged-rows';

/**
 * Binds a PagedRows to a grid: the first page is loaded, and every page that lands gives the grid
 * a new `getRow`, which is what makes it draw the rows that were placeholders.
 */
export function usePagedRows(rows: PagedRows): {
  getRow: (index: number) => Row | undefined;
  onRange: (start: number, end: number) => void;
  total: number;
  error: Error | null;
  loaded: boolean;
} {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const unsubscribe = rows.subscribe(() => setVersion((v) => v + 1));
    void rows.start();
    return unsubscribe;
  }, [rows]);
  const getRow = useCallback(
    (index: number) => (version >= 0 ? rows.get(index) : undefined),
    [rows, version],
  );
  const onRange = useCallback((start: number, end: number) => rows.ensure(start, end), [rows]);
  return { getRow, onRange, total: rows.total, error: rows.error, loaded: rows.ready };
}
