/** Small edits of query text: quoting names, inserting at the cursor. */

/** DuckDB keywords that cannot be bare column names (the ones event exports tend to use). */
const RESERVED = new Set([
  'all',
  'and',
  'as',
  'asc',
  'case',
  'cast',
  'check',
  'column',
  'create',
  'default',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'from',
  'group',
  'having',
  'in',
  'limit',
  'not',
  'null',
  'offset',
  'on',
  'or',
  'order',
  'select',
  'table',
  'then',
  'to',
  'union',
  'user',
  'using',
  'when',
  'where',
  'window',
  'with',
]);

/** A name as SQL needs it: bare when it can be, double-quoted otherwise. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)
    ? name
    : `"${name.replaceAll('"', '""')}"`;
}

/** The text with `insert` replacing the selection, and where the cursor goes after it. */
export function insertAt(
  text: string,
  start: number,
  end: number,
  insert: string,
): { text: string; cursor: number } {
  const before = text.slice(0, start);
  const after = text.slice(end);
  // Keep words apart: "FROMevents" helps nobody.
  const lead = before !== '' && /[\w"]$/.test(before) ? ' ' : '';
  const trail = after !== '' && /^[\w"]/.test(after) ? ' ' : '';
  const inserted = `${lead}${insert}${trail}`;
  return {
    text: `${before}${inserted}${after}`,
    cursor: before.length + lead.length + insert.length,
  };
}
