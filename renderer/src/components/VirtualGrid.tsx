import { tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { Row } from '../lib/arrow';
import { cellText, columnWidths, numericColumns } from '../lib/grid-columns';
import { drawnTop, movedOffset, scrollScale } from '../lib/scroll-scale';
import { nextSort, type SortState } from '../lib/sort-rows';

const features = tableFeatures({});
const ROW_HEIGHT = 28;
/** The sticky header row's height (30 px line + 1 px border). */
const HEADER_HEIGHT = 31;
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
  format = cellText,
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
  /** A cell's text, where the caller knows its columns' units (durations, shares). */
  format?: (column: string, value: unknown) => string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // Millions of rows outgrow what a browser can scroll: past the cap, scroll positions are
  // scaled onto rows (lib/scroll-scale.ts) and the grid keeps its own offset into the rows.
  const viewport = Math.max(ROW_HEIGHT, height - 2 - HEADER_HEIGHT);
  const scaling = scrollScale(rowCount * ROW_HEIGHT, viewport);
  const scalingRef = useRef(scaling);
  scalingRef.current = scaling;
  const offset = useRef(0);
  /** scrollTop the grid itself set last (a scroll event from it is not the user's). */
  const ownScrollTop = useRef<number | null>(null);
  const report = useRef<((offset: number, isScrolling: boolean) => void) | null>(null);

  const observeOffset = useCallback(
    (
      instance: Virtualizer<HTMLDivElement, Element>,
      cb: (offset: number, isScrolling: boolean) => void,
    ) => {
      const el = instance.scrollElement;
      if (el === null) return undefined;
      report.current = cb;
      let idle: ReturnType<typeof setTimeout> | undefined;
      const onScroll = (): void => {
        const own = ownScrollTop.current;
        ownScrollTop.current = null;
        if (own === null || Math.abs(el.scrollTop - own) > 1) {
          offset.current = Math.min(
            scalingRef.current.maxOffset,
            el.scrollTop * scalingRef.current.scale,
          );
        }
        cb(offset.current, true);
        clearTimeout(idle);
        idle = setTimeout(() => cb(offset.current, false), 150);
      };
      offset.current = Math.min(
        scalingRef.current.maxOffset,
        el.scrollTop * scalingRef.current.scale,
      );
      cb(offset.current, false);
      el.addEventListener('scroll', onScroll, { passive: true });
      return () => {
        clearTimeout(idle);
        el.removeEventListener('scroll', onScroll);
        report.current = null;
      };
    },
    [],
  );

  /** Moves the view by `delta` row pixels (wheel, keys), whatever the scale. */
  const moveBy = useCallback((delta: number) => {
    const el = scroller.current;
    if (el === null) return;
    const next = movedOffset(offset.current, delta, scalingRef.current);
    if (next === offset.current) return;
    offset.current = next;
    const top = next / scalingRef.current.scale;
    const before = el.scrollTop;
    ownScrollTop.current = top;
    el.scrollTop = top;
    // Under one scrolled pixel no scroll event comes: tell the virtualizer directly.
    if (Math.abs(el.scrollTop - before) < 0.5) {
      ownScrollTop.current = null;
      report.current?.(next, false);
    }
  }, []);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
    observeElementOffset: observeOffset,
  });
  const items = virtualizer.getVirtualItems();
  const rowOffset = virtualizer.scrollOffset ?? 0;

  // A new row count or scale: the offset follows the scrollbar where it now is.
  useEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    offset.current = Math.min(scaling.maxOffset, el.scrollTop * scaling.scale);
    report.current?.(offset.current, false);
  }, [scaling.scale, scaling.maxOffset]);

  // A scaled grid takes the wheel itself, so a notch moves by rows, not by thousands of them.
  useEffect(() => {
    const el = scroller.current;
    if (el === null || scaling.scale === 1) return;
    const onWheel = (e: WheelEvent): void => {
      if (Math.abs(e.deltaY) <= Math.abs(e.deltaX)) return;
      e.preventDefault();
      const unit = e.deltaMode === 1 ? ROW_HEIGHT : e.deltaMode === 2 ? viewport : 1;
      moveBy(e.deltaY * unit);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [scaling.scale, viewport, moveBy]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = viewport - ROW_HEIGHT;
    const moves: Record<string, number> = {
      ArrowDown: ROW_HEIGHT,
      ArrowUp: -ROW_HEIGHT,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    const delta = moves[e.key];
    if (delta === undefined || e.altKey || e.metaKey) return;
    e.preventDefault();
    moveBy(Number.isFinite(delta) ? delta : delta > 0 ? scaling.maxOffset : -scaling.maxOffset);
  };
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (rowCount === 0 || onRange === undefined) return;
    // The rows in view first (their pages are asked for first), then a margin beyond each edge
    // so scrolling on rarely meets a placeholder.
    onRange(first, last + 1);
    onRange(Math.max(0, first - 200), last + 400);
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
      onKeyDown={onKeyDown}
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
      <div style={{ height: scaling.spacer, position: 'relative' }}>
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
                transform: `translateY(${drawnTop(item.start, rowOffset, scaling.scale)}px)`,
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
                    const text = format(column, value);
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
