import type { CSSProperties } from 'react';
import { formatResultCell, NUMERIC_KINDS, resultColumns } from '../../../shared/format/columns';
import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { resultTable } from '../../../shared/specs/result-table';
import { SortableTable, type Column } from '../components/SortableTable';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { selectionOfCell, type GridRow } from './cell-selection';
import { colorOf } from './chart-parts';

/**
 * The numbers of a result in a sortable grid: the same table the CSV export writes (shared
 * resultTable), so the grid, the chart and the file never disagree. Each column reads in its
 * kind's format (shared/format, as `workbench run --format table` prints it): counts grouped,
 * shares as percentages, seconds as durations; a retention count shows its share of the cohort
 * beside it, tinted like the heat map.
 */
export function ResultGrid({
  result,
  spec,
  onSelect,
}: {
  result: AnalysisResult;
  /** The spec the result answers: it tells each trend series' measure. */
  spec?: AnalysisSpec | null;
  /** A count was clicked: show the users behind it. */
  onSelect?: (selection: UserSelection) => void;
}) {
  const table = gridTable(result);
  const described = resultColumns(result, spec ?? undefined);
  const columns: Column[] = table.columns.map((c, i) => {
    // gridTable keeps resultTable's columns in order, some renamed ('… (incomplete)').
    const column = described[i] ?? { id: c, header: c, kind: 'text' as const };
    return {
      id: c,
      header: c === column.id ? column.header : c.replace(column.id, column.header),
      numeric: NUMERIC_KINDS.has(column.kind) || table.rows.some((r) => typeof r[c] === 'number'),
      render: (row) => {
        const { text, share } = formatResultCell(column, Number(row.__row), row[c]);
        const selection =
          onSelect === undefined ? null : selectionOfCell(result, row as GridRow, c);
        const shown =
          selection === null ? (
            text
          ) : (
            <button
              type="button"
              className="link cell-link"
              title="Show the users behind this number"
              onClick={() => onSelect?.(selection)}
            >
              {text}
            </button>
          );
        // A cell whose period is not over holds what was observed so far: faded, and said.
        const partial = isIncompleteCell(result, row as GridRow, c);
        const mark = partial ? { title: INCOMPLETE_CELL } : {};
        if (share !== undefined) {
          const value = column.shares?.[Number(row.__row)] ?? 0;
          return (
            <span
              className={partial ? 'cell-share cell-incomplete' : 'cell-share'}
              style={{ '--share': value } as CSSProperties}
              {...mark}
            >
              <span className="share">{share}</span>{' '}
              {selection === null ? <span className="count">{text}</span> : shown}
            </span>
          );
        }
        if (partial)
          return (
            <span className="cell-incomplete" {...mark}>
              {shown}
            </span>
          );
        if (i === 0 && typeof row.__color === 'number')
          return (
            <span>
              <span className="dot" style={{ background: colorOf(row.__color) }} /> {shown}
            </span>
          );
        return shown;
      },
    };
  });
  return <SortableTable label="Result" columns={columns} rows={table.rows} />;
}

/** What an incomplete cell says when pointed at. */
export const INCOMPLETE_CELL = 'incomplete: observed so far';

/** The cell is a retention period not fully lived by its cohort yet. */
export function isIncompleteCell(result: AnalysisResult, row: GridRow, column: string): boolean {
  if (result.kind !== 'retention' || !Array.isArray(row.__incomplete)) return false;
  const index = result.columns.indexOf(column);
  return index >= 0 && row.__incomplete[index] === true;
}

/**
 * resultTable, with incomplete periods marked in headers (trends) or per cell (retention: each
 * row's flags), and each row's index (and series colour) kept in hidden fields, which neither
 * the grid nor the CSV shows.
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
  if (result.kind === 'retention') {
    // Rows as retentionTable lays them out: each group's cohorts, then its mean rows, which
    // count complete cells only.
    const flags = result.groups.flatMap((g) => [
      ...g.cohorts.map((c) => c.incomplete),
      [],
      ...(g.previous === undefined ? [] : [[]]),
    ]);
    return {
      columns: table.columns,
      rows: table.rows.map((row, i) => ({ ...row, __row: i, __incomplete: flags[i] ?? [] })),
    };
  }
  return { columns: table.columns, rows: table.rows.map((row, i) => ({ ...row, __row: i })) };
}
