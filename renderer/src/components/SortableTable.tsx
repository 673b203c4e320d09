import {
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  useTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { useMemo, useState, type ReactNode } from 'react';
import type { Row } from '../lib/arrow';
import { formatCell } from '../lib/format';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
});

export interface Column {
  id: string;
  header: string;
  /** Right-aligned, sorted as numbers. */
  numeric?: boolean;
  render?: (row: Row) => ReactNode;
}

/** A small table held in memory (event types, sources): every header sorts on click or Enter. */
export function SortableTable({
  columns,
  rows,
  label,
  initialSort,
  empty = 'Nothing here yet.',
}: {
  columns: Column[];
  rows: Row[];
  label: string;
  initialSort?: SortingState;
  empty?: string;
}) {
  const [sorting, setSorting] = useState<SortingState>(initialSort ?? []);
  const defs = useMemo<ColumnDef<typeof features, Row>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        accessorFn: (row: Row) => row[c.id],
        header: c.header,
        sortFn: c.numeric === true ? 'basic' : 'alphanumeric',
        sortDescFirst: c.numeric === true,
      })),
    [columns],
  );
  const table = useTable({
    features,
    columns: defs,
    data: rows,
    state: { sorting },
    onSortingChange: setSorting,
  });
  const byId = new Map(columns.map((c) => [c.id, c]));
  return (
    <table className="table" aria-label={label}>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const column = byId.get(header.column.id);
              return (
                <th
                  key={header.id}
                  className={column?.numeric === true ? 'num' : undefined}
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                  }
                >
                  <button
                    type="button"
                    className="sort"
                    onClick={header.column.getToggleSortingHandler()}
                  >
                    {column?.header ?? header.id}
                    <span className="sort-mark" aria-hidden>
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.length === 0 && (
          <tr>
            <td colSpan={columns.length} className="empty">
              {empty}
            </td>
          </tr>
        )}
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getAllCells().map((cell) => {
              const column = byId.get(cell.column.id);
              return (
                <td key={cell.id} className={column?.numeric === true ? 'num' : undefined}>
                  {column?.render !== undefined
                    ? column.render(row.original)
                    : formatCell(cell.getValue())}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
