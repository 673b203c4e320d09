import { formatAs } from '../../../../../shared/format';
import type { MetricsResult } from '../../../../../shared/specs/metrics';
import type { Row } from '../../../lib/arrow';
import { formatTime } from '../../../lib/format';
import { cellText } from '../../../lib/grid-columns';
import { unitKind } from './bins';

/** A condition on one column of the per-user table, as metrics.page takes it. */
export interface ColumnFilter {
  column: string;
  op: '>=' | '>' | '<=' | '<' | '=' | '!=' | 'is set' | 'is not set';
  value?: number;
}

export const FILTER_OPS: readonly ColumnFilter['op'][] = [
  '>=',
  '>',
  '<=',
  '<',
  '=',
  '!=',
  'is set',
  'is not set',
];

/** A filter in words, for its chip: 'sessions_per_week ≥ 2', 'activity_trend is set'. */
export function filterWords(f: ColumnFilter): string {
  const op = { '>=': '≥', '<=': '≤', '!=': '≠' }[f.op as string] ?? f.op;
  return f.value === undefined ? `${f.column} ${op}` : `${f.column} ${op} ${f.value}`;
}

/**
 * How the grid reads a per-user cell: a metric's value in its unit (seconds as durations,
 * shares as percentages), user ids as they are, the rest as any cell.
 */
export function userCellFormatter(
  result: MetricsResult | null,
): (column: string, value: unknown) => string {
  const kinds = new Map((result?.metrics ?? []).map((m) => [m.name, unitKind(m.unit)]));
  return (column, value) => {
    // A window's ends to the minute; whether it was observed whole as yes or no.
    if ((column === 'window_start' || column === 'window_end') && typeof value === 'string')
      return formatTime(value);
    if (column === 'complete' && typeof value === 'boolean') return value ? 'yes' : 'no';
    const kind = kinds.get(column);
    if (kind === undefined || (typeof value !== 'number' && typeof value !== 'bigint'))
      return cellText(column, value);
    return formatAs(kind, Number(value));
  };
}

/** A cell as the CSV writes it: numbers and text raw, a timestamp as DuckDB prints it. */
export function csvValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * The whole per-user table, page by page as the grid reads it (same sort, same filters), in
 * the grid's column order: what "Export CSV" writes in browser mode, where no file dialog can
 * name a path for metrics.export.
 */
export async function allRows(
  fetchPage: (offset: number, limit: number) => Promise<{ rows: Row[]; total: number | null }>,
  pageSize = 50_000,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (;;) {
    const page = await fetchPage(rows.length, pageSize);
    rows.push(...page.rows);
    if (page.rows.length < pageSize || (page.total !== null && rows.length >= page.total))
      return rows;
  }
}
