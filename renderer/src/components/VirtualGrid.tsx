import { tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { Row } from '../lib/arrow';
import { formatCell } from '../lib/format';

const features = tableFeatures({});
const ROW_HEIGHT = 28;

/**
 * A grid over any number of rows: only the rows in view (plus a margin) exist in the DOM, and
 * rows come from `getRow`, which may answer undefined while their page loads (a grey
 * placeholder row is drawn, never a blank). TanStack Table defines the columns and cells of the
 * rows in view; the virtualizer decides which rows those are.
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
  widths?: Record<string, number>;
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
  const template = columns.map((c) => `${widths[c] ?? 160}px`).join(' ');

  return (
    <div
      className="grid"
      ref={scroller}
      style={{ height }}
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      tabIndex={0}
    >
      <div className="grid-header" role="row" style={{ gridTemplateColumns: template }}>
        {table.getHeaderGroups()[0]?.headers.map((header) => (
          <div key={header.id} role="columnheader" className="grid-cell">
            {String(header.column.columnDef.header ?? header.id)}
          </div>
        ))}
      </div>
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
                    const value = cell.getValue();
                    // Ids are labels, not quantities: no thousands separators.
                    const text = /(^|_)id$/.test(cell.column.id)
                      ? String(value ?? '–')
                      : formatCell(value);
                    const column = cell.column.id;
                    const link = clickable.includes(column) && value !== null;
                    return (
                      <div
                        key={cell.id}
                        role="gridcell"
                        className={`grid-cell${typeof value === 'number' && !/(^|_)id$/.test(cell.column.id) ? ' num' : ''}`}
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
            </div>
          );
        })}
      </div>
    </div>
  );
}
