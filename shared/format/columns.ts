import type { AnalysisResult, AnalysisSpec, ResultTable } from '../specs/analysis-spec';
import { describeColumns, resultTable } from '../specs/analyses';
import type { ColumnKind } from './column-kinds';
import { EMPTY, formatCount, formatDuration, formatPercent, formatValue } from './numbers';

export { NUMERIC_KINDS, retentionColumnHeader, type ColumnKind } from './column-kinds';

export interface ResultColumn {
  /** The machine id, as in resultTable, CSV and JSON. */
  id: string;
  /** What people read. */
  header: string;
  kind: ColumnKind;
  /** Per table row, where rows differ (trends: each series has its measure's kind). */
  rowKinds?: ColumnKind[];
  /**
   * Per table row, the share the number stands for, shown beside it (retention by users: the
   * users retained out of the cohort, as the heat map shows them). Null where there is none.
   */
  shares?: (number | null)[];
}

/** One cell's value in the format of its kind. */
export function formatAs(kind: ColumnKind, value: unknown): string {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'number') {
    switch (kind) {
      case 'count':
        return formatCount(value);
      case 'percent':
        return formatPercent(value);
      case 'duration':
        return formatDuration(value);
      default:
        return formatValue(value);
    }
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A cell as shown: its text, and its share as a percentage where the column has shares. */
export function formatResultCell(
  column: ResultColumn,
  rowIndex: number,
  value: unknown,
): { text: string; share?: string } {
  const kind = column.rowKinds?.[rowIndex] ?? column.kind;
  const text = formatAs(kind, value);
  const share = column.shares?.[rowIndex];
  return share === null || share === undefined ? { text } : { text, share: formatPercent(share) };
}

/**
 * A readable header from a camelCase id: 'conversionFromFirst' -> 'Conversion from first',
 * 'medianSecondsFromPrevious' -> 'Median time from previous' (its cells read as durations, not
 * seconds). Ids that are not words (a period '2024-03-04', a bucket) stay as they are.
 */
export function columnHeader(id: string): string {
  if (!/^[a-z][A-Za-z]*$/.test(id)) return id;
  const words = id
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .split(' ')
    .map((w) => (w === 'seconds' ? 'time' : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The columns of a result's table (resultTable's, in its order) with their headers and kinds.
 * The spec the result answers tells each trend series' measure; without it those cells read as
 * measured values (still grouped, still without float noise).
 */
export function resultColumns(
  result: AnalysisResult,
  spec?: AnalysisSpec,
  table: ResultTable = resultTable(result),
): ResultColumn[] {
  const known = describeColumns(result, spec, table);
  return table.columns.map((id) => {
    const d = known.columns[id];
    const kind = d?.kind ?? guessKind(table, id);
    const rowKinds = known.rowKinds?.get(id);
    const shares = known.shares?.get(id);
    return {
      id,
      header: d?.header ?? columnHeader(id),
      kind,
      ...(rowKinds === undefined ? {} : { rowKinds }),
      ...(shares === undefined ? {} : { shares }),
    };
  });
}

/** A column this module has not been told about: a number is a value, anything else text. */
function guessKind(table: ResultTable, id: string): ColumnKind {
  return table.rows.some((r) => typeof r[id] === 'number') ? 'value' : 'text';
}
