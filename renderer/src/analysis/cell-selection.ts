import type { AnalysisResult } from '../../../shared/specs/analysis-spec';
import { cellSelection } from '../../../shared/specs/analyses';
import type { TableRow } from '../../../shared/specs/definition';
import type { UserSelection } from '../../../shared/specs/users-behind';

/** A grid row as gridTable builds it: the result table's cells, plus the row's index. */
export type GridRow = TableRow;

/** gridTable marks the header of a period not over yet; the column is the period's. */
const INCOMPLETE = / \(incomplete\)$/;

/**
 * The users behind one cell of the numbers grid, as behind the same number in the chart: each
 * kind's definition maps its table's cells (shared/specs/<kind>.ts, cellSelection). Null for
 * cells that are not a count of users (labels, ratios, means).
 */
export function selectionOfCell(
  result: AnalysisResult,
  row: GridRow,
  column: string,
): UserSelection | null {
  return cellSelection(result, row, column.replace(INCOMPLETE, ''));
}
