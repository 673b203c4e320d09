import type { AnalysisResult } from '../../../shared/specs/analysis-spec';
import { resultTable } from '../../../shared/specs/result-table';
import { SortableTable, type Column } from '../components/SortableTable';
import { formatCell } from '../lib/format';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { selectionOfCell, type GridRow } from './cell-selection';
import { colorOf } from './chart-options';

/** Columns holding shares (0..1), shown as percentages like the chart's labels. */
const SHARES = /^(conversionFrom|bounceRate|rate)/;

/**
 * The numbers of a result in a sortable grid: the same table the CSV export writes (shared
 * resultTable), so the grid, the chart and the file never disagree.
 */
export function ResultGrid({
  result,
  onSelect,
}: {
  result: AnalysisResult;
  /** A count was clicked: show the users behind it. */
  onSelect?: (selection: UserSelection) => void;
}) {
  const table = gridTable(result);
  const columns: Column[] = table.columns.map((c, i) => ({
    id: c,
    header: c,
    numeric: table.rows.some((r) => typeof r[c] === 'number'),
    render: (row) => {
      const v = row[c];
      const text =
        typeof v === 'number' && SHARES.test(c) ? `${(v * 100).toFixed(1)}%` : formatCell(v);
      const selection = onSelect === undefined ? null : selectionOfCell(result, row as GridRow, c);
      if (selection !== null)
        return (
          <button
            type="button"
            className="link cell-link"
            title="Show the users behind this number"
            onClick={() => onSelect?.(selection)}
          >
            {text}
          </button>
        );
      if (i === 0 && typeof row.__color === 'number')
        return (
          <span>
            <span className="dot" style={{ background: colorOf(row.__color) }} /> {text}
          </span>
        );
      return text;
    },
  }));
  return <SortableTable label="Result" columns={columns} rows={table.rows} />;
}

/**
 * resultTable, with incomplete periods marked in headers and each row's index (and series
 * colour) kept in hidden fields, which neither the grid nor the CSV shows.
 */
export function gridTable(result: AnalysisResult): {
  columns: string[];
  rows: GridRow[];
} {
  const table = resultTable(result);
  if (result.kind === 'trends') {
    const incomplete = new Set(result.periods.filter((_, i) => result.incomplete[i] === true));
    const rename = (c: string) => (incomplete.has(c) ? `${c} (incomplete)` : c);
    return {
      columns: table.columns.map(rename),
      rows: table.rows.map((row, i) => {
        const out: GridRow = { __row: i, __color: i };
        for (const c of table.columns) out[rename(c)] = row[c];
        return out;
      }),
    };
  }
  return { columns: table.columns, rows: table.rows.map((row, i) => ({ ...row, __row: i })) };
}
