/** Where DuckDB says a query went wrong, read from its message. */
export interface SqlErrorPosition {
  /** 1-based line of the query */
  line: number;
  /** 1-based column in that line, when the caret could be placed in the query's own text */
  column: number | null;
}

/**
 * DuckDB ends a parser or binder error with the line and a caret under the spot:
 *
 *     LINE 3: WHERE plan = 1 GROUP BY evnt
 *                                     ^
 *
 * The shown line may be cut to a window with "..." at either end, so the caret is placed by
 * finding the shown text in the query's line rather than by counting characters alone.
 */
export function sqlErrorPosition(message: string, sql: string): SqlErrorPosition | null {
  const match = /(^|\n)(LINE (\d+): )([^\n]*)\n( *)\^/.exec(message);
  if (match === null) {
    const lineOnly = /\bLINE (\d+):/.exec(message);
    return lineOnly === null ? null : { line: Number(lineOnly[1]), column: null };
  }
  const prefix = match[2] ?? '';
  const line = Number(match[3]);
  const shown = match[4] ?? '';
  const caret = (match[5] ?? '').length - prefix.length;
  const source = sql.split('\n')[line - 1];
  if (source === undefined || caret < 0) return { line, column: null };
  const lead = shown.startsWith('...') ? 3 : 0;
  const core = shown.slice(lead).replace(/\.\.\.$/, '');
  const at = core === '' ? -1 : source.indexOf(core);
  if (at < 0) return { line, column: null };
  return { line, column: at + (caret - lead) + 1 };
}

/** Character offsets of a line (and the column, to the end of its word) in the query text. */
export function selectionOf(
  sql: string,
  position: SqlErrorPosition,
): { start: number; end: number } | null {
  const lines = sql.split('\n');
  if (position.line < 1 || position.line > lines.length) return null;
  let start = 0;
  for (let i = 0; i < position.line - 1; i++) start += (lines[i]?.length ?? 0) + 1;
  const text = lines[position.line - 1] ?? '';
  if (position.column === null) return { start, end: start + text.length };
  const from = Math.min(text.length, position.column - 1);
  const word = /^[\w$."]+/.exec(text.slice(from))?.[0].length ?? 1;
  return { start: start + from, end: start + Math.min(text.length, from + Math.max(1, word)) };
}
