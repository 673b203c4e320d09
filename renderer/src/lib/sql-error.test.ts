import { describe, expect, it } from 'vitest';
import { selectionOf, sqlErrorPosition } from './sql-error';

// Messages as DuckDB 1.5 words them (taken from the engine's SQL_ERROR replies).
describe('SQL error position', () => {
  it('places the caret of a binder error', () => {
    const sql = 'SELECT event, count(*)\nFROM events\nWHERE plan = 1 GROUP BY evnt';
    const message =
      'Binder Error: Referenced column "evnt" not found in FROM clause!\nCandidate bindings: "event"\n\nLINE 3: WHERE plan = 1 GROUP BY evnt\n                                ^';
    const position = sqlErrorPosition(message, sql);
    expect(position).toEqual({ line: 3, column: 25 });
    const range = selectionOf(sql, position ?? { line: 0, column: null });
    expect(range === null ? '' : sql.slice(range.start, range.end)).toBe('evnt');
  });

  it('places the caret of a parser error', () => {
    const sql = 'SELECT event\nFORM events';
    const message =
      'Failed to extract statements: Parser Error: syntax error at or near "events"\n\nLINE 2: FORM events\n             ^';
    expect(sqlErrorPosition(message, sql)).toEqual({ line: 2, column: 6 });
  });

  it('finds the spot when DuckDB cut a long line to a window', () => {
    const sql = `SELECT ${'a'.repeat(20)}, ${'b'.repeat(80)}, evnt FROM events`;
    const message = `Binder Error: x\n\nLINE 1: ...${'b'.repeat(10)}, evnt FROM events\n${' '.repeat(8 + 3 + 12)}^`;
    const position = sqlErrorPosition(message, sql);
    expect(position?.line).toBe(1);
    expect(sql.slice((position?.column ?? 0) - 1).startsWith('evnt')).toBe(true);
  });

  it('gives the line alone, or nothing, when that is all there is', () => {
    expect(sqlErrorPosition('Parser Error: x\nLINE 4: ...', 'a\nb\nc\nd')).toEqual({
      line: 4,
      column: null,
    });
    expect(sqlErrorPosition('Catalog Error: Table with name x does not exist!', 'x')).toBeNull();
    expect(selectionOf('a\nbcd', { line: 2, column: null })).toEqual({ start: 2, end: 5 });
    expect(selectionOf('a', { line: 3, column: null })).toBeNull();
  });
});
