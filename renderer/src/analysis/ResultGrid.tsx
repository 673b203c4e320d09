import type { AnalysisResult } from '../../../shared/specs/analysis-spec';
import { resultTable } from '../../../shared/specs/result-table';
import { SortableTable, type Column } from '../components/SortableTable';
import { formatCell } from '../lib/format';
import { colorOf } from './chart-options';

/** Columns holding shares (0..1), shown as percentages like the chart's labels. */
const SHARES = /^(conversionFrom|bounceRate|rate)/;

/**
 * The numbers of a result in a sortable grid: the same table the CSV export writes (shared
 * resultTable), so the grid, the chart and the file never disagree.
 */
export function ResultGrid({ result }: { result: AnalysisResult }) {
  const table = gridTable(result);
  const columns: Column[] = table.columns.map((c, i) => ({
    id: c,
    header: c,
    numeric: table.rows.some((r) => typeof r[c] === 'number'),
    render: (row) => {
      const v = row[c];
      const text =
        typeof v === 'number' && SHARES.test(c) ? `${(v * 100).toFixed(1)}%` : formatCell(v);
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

/** resultTable, with the series colour of each row and incomplete periods marked in headers. */
export function gridTable(result: AnalysisResult): {
  columns: string[];
  rows: Record<string, unknown>[];
} {
  const table = resultTable(result);
  if (result.kind === 'trends') {
    const incomplete = new Set(result.periods.filter((_, i) => result.incomplete[i] === true));
    const rename = (c: string) => (incomplete.has(c) ? `${c} (incomplete)` : c);
    return {
      columns: table.columns.map(rename),
      rows: table.rows.map((row, i) => {
        const out: Record<string, unknown> = { __color: i };
        for (const c of table.columns) out[rename(c)] = row[c];
        return out;
      }),
    };
  }
  return table;
}
