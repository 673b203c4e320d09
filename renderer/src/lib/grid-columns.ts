import type { Row } from './arrow';
import { formatCell } from './format';

/** Ids are labels, not quantities: shown as is, never with thousands separators. */
export function isIdColumn(name: string): boolean {
  return /(^|_)id$/i.test(name);
}

/** A cell's text in a grid: ids as they are, everything else as formatCell reads it. */
export function cellText(column: string, value: unknown): string {
  if (isIdColumn(column)) return value === null || value === undefined ? '–' : String(value);
  return formatCell(value);
}

/** Columns whose sampled values are all numbers (nulls aside): right-aligned, sorted as numbers. */
export function numericColumns(columns: readonly string[], sample: readonly Row[]): Set<string> {
  const numeric = new Set<string>();
  for (const column of columns) {
    if (isIdColumn(column)) continue;
    let seen = false;
    let all = true;
    for (const row of sample) {
      const v = row[column];
      if (v === null || v === undefined) continue;
      seen = true;
      if (typeof v !== 'number' && typeof v !== 'bigint') {
        all = false;
        break;
      }
    }
    if (seen && all) numeric.add(column);
  }
  return numeric;
}

const CHAR_PX = 7.4;
const PADDING_PX = 24;

/**
 * Column widths that fit the header and the sampled values (the widest, within bounds), so short
 * columns stay narrow and long text is cut with an ellipsis rather than pushing the grid wide.
 */
export function columnWidths(
  columns: readonly string[],
  sample: readonly Row[],
  fixed: Readonly<Record<string, number>> = {},
  bounds: { min: number; max: number } = { min: 64, max: 360 },
): Record<string, number> {
  const widths: Record<string, number> = {};
  for (const column of columns) {
    const given = fixed[column];
    if (given !== undefined) {
      widths[column] = given;
      continue;
    }
    let chars = column.length + 2; // room for the sort mark
    for (const row of sample) chars = Math.max(chars, cellText(column, row[column]).length);
    widths[column] = Math.round(
      Math.min(bounds.max, Math.max(bounds.min, chars * CHAR_PX + PADDING_PX)),
    );
  }
  return widths;
}
