import { tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { Row } from '../lib/arrow';
import { cellText, columnWidths, numericColumns } from '../lib/grid-columns';
import { nextSort, type SortState } from '../lib/sort-rows';

const features = tableFeatures({});
const ROW_HEIGHT = 28;
/** Rows read to size columns and find numeric ones: the first page is enough. */
const SAMPLE = 200;

/**
 * A grid over any number of rows: only the rows in view (plus a margin) exist in the DOM, and
 * rows come from `getRow`, which may answer undefined while their page loads (a grey
 * placeholder row is drawn, never a blank). TanStack Table defines the columns and cells of the
 * rows in view; the virtualizer decides which rows those are. Where the caller holds every row
 * (a query result), it passes `sort`/`onSort` and the headers sort; paged data is not sortable
 * here (its order is the engine's).
 */
export function VirtualGrid({
  columns,
  rowCount,
  getRow,
  onRange,
  onCellClick,
  clickable = [],
  height = 420,
  label,
  widths = {},
  sort,
  onSort,
  empty = 'No rows.',
}: {
  columns: string[];
  rowCount: number;
  getRow: (index: number) => Row | undefined;
  /** The rows in view changed: fetch what is missing around [start, end). */
  onRange?: (start: number, end: number) => void;
  onCellClick?: (column: string, row: Row) => void;
  /** Columns whose cells are links (e.g. user_id opens the user's timeline). */
  clickable?: string[];
  height?: number;
  label: string;
  /** Fixed widths in px; other columns are sized to their header and first rows. */
  widths?: Record<string, number>;
  sort?: SortState | null;
  onSort?: (sort: SortState | null) => void;
  /** Shown when there are no rows at all. */
  empty?: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    // Ask for a screenful beyond each edge so fast scrolling rarely meets a placeholder.
    if (rowCount > 0) onRange?.(Math.max(0, first - 200), last + 400);
  }, [first, last, rowCount, onRange]);

  // Sized once per set of columns, from the first rows that are there: columns do not jump
  // as more pages arrive.
  const layout = useRef<{ key: string; widths: Record<string, number>; numeric: Set<string> }>(
    null,
  );
  const key = `${columns.join('\u0000')}|${JSON.stringify(widths)}`;
  const sampleReady = rowCount === 0 || getRow(0) !== undefined;
  if (layout.current?.key !== key && sampleReady) {
    const sample: Row[] = [];
    for (let i = 0; i < Math.min(rowCount, SAMPLE); i++) {
      const row = getRow(i);
      if (row !== undefined) sample.push(row);
    }
    layout.current = {
      key,
      widths: columnWidths(columns, sample, widths),
      numeric: numericColumns(columns, sample),
    };
  }
  const sized = layout.current?.key === key ? layout.current : null;
  const numeric = sized?.numeric ?? new Set<string>();

  const windowRows = useMemo(
    () => items.map((item) => getRow(item.index) ?? { __loading: true }),
    // getRow's answers change as pages arrive: the caller passes a new getRow when they do.
    [items, getRow],
  );
  const defs = useMemo<ColumnDef<typeof features, Row>[]>(
    () =>
      columns.map((name) => ({
        id: name,
        accessorFn: (row: Row) => row[name],
        header: name,
      })),
    [columns],
  );
  const table = useTable({ features, columns: defs, data: windowRows });
  const rows = table.getRowModel().rows;
  const template = columns
    .map((c) => `${sized?.widths[c] ?? widths[c] ?? 140}px`)
    .concat(['minmax(0, 1fr)'])
    .join(' ');

  return (
    <div
      className="grid"
      ref={scroller}
      style={{ height }}
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length}
      tabIndex={0}
    >
      <div className="grid-header" role="row" style={{ gridTemplateColumns: template }}>
        {table.getHeaderGroups()[0]?.headers.map((header) => {
          const id = header.column.id;
          const sorted = sort?.column === id ? (sort.desc ? 'descending' : 'ascending') : 'none';
          const text = String(header.column.columnDef.header ?? id);
          return (
            <div
              key={header.id}
              role="columnheader"
              aria-sort={onSort === undefined ? undefined : sorted}
              className={`grid-cell${numeric.has(id) ? ' num' : ''}`}
              title={text}
            >
              {onSort === undefined ? (
                text
              ) : (
                <button
                  type="button"
                  className="sort"
                  onClick={() => onSort(nextSort(sort ?? null, id, numeric.has(id)))}
                >
                  {text}
                  <span className="sort-mark" aria-hidden>
                    {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
                  </span>
                </button>
              )}
            </div>
          );
        })}
        <div className="grid-cell filler" aria-hidden />
      </div>
      {rowCount === 0 && <div className="grid-empty">{empty}</div>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item, i) => {
          const row = rows[i];
          const data = windowRows[i];
          const loading = data !== undefined && '__loading' in data;
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-busy={loading || undefined}
              className={`grid-row${loading ? ' loading' : ''}${item.index % 2 === 1 ? ' odd' : ''}`}
              style={{
                transform: `translateY(${item.start}px)`,
                height: ROW_HEIGHT,
                gridTemplateColumns: template,
              }}
            >
              {loading || row === undefined
                ? columns.map((c) => (
                    <div key={c} role="gridcell" className="grid-cell">
                      <span className="placeholder" />
                    </div>
                  ))
                : row.getAllCells().map((cell) => {
                    const column = cell.column.id;
                    const value = cell.getValue();
                    const text = cellText(column, value);
                    const link = clickable.includes(column) && value !== null;
                    return (
                      <div
                        key={cell.id}
                        role="gridcell"
                        className={`grid-cell${numeric.has(column) ? ' num' : ''}${value === null ? ' null' : ''}`}
                        title={text}
                      >
                        {link ? (
                          <button
                            type="button"
                            className="link"
                            onClick={() => data !== undefined && onCellClick?.(column, data)}
                          >
                            {text}
                          </button>
                        ) : (
                          text
                        )}
                      </div>
                    );
                  })}
              <div className="grid-cell filler" aria-hidden />
            </div>
          );
        })}
      </div>
    </div>
  );
}
