import type { DuckDBValue } from '@duckdb/node-api';
import { render, type Sql } from '../sql/fragment';

/**
 * Collects the values of a statement as positional parameters: a user's string (an event name,
 * a rule value, a time zone) never becomes SQL text.
 */
export class SqlParams {
  readonly values: DuckDBValue[] = [];

  bind(value: string | number | boolean | bigint): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A fragment's text with its values bound here: how fragment-built parts join a legacy statement. */
  inline(fragment: Sql): string {
    const { text, values } = render(fragment);
    return text.replace(/\$(\d+)\b/g, (_, n: string) => {
      const value = values[Number(n) - 1];
      return value === undefined ? 'NULL' : this.bind(value);
    });
  }

  /**
   * Renumbers the placeholders of `sql` to the values it really uses: a statement built from a
   * larger one's parts (the users behind one number) leaves some values unused, and DuckDB
   * refuses values without a placeholder.
   */
  static compact(
    sql: string,
    values: readonly DuckDBValue[],
  ): { sql: string; values: DuckDBValue[] } {
    const used = new Map<number, number>();
    const kept: DuckDBValue[] = [];
    const rewritten = sql.replace(/\$(\d+)\b/g, (_, n: string) => {
      const index = Number(n);
      let next = used.get(index);
      if (next === undefined) {
        kept.push(values[index - 1] ?? null);
        next = kept.length;
        used.set(index, next);
      }
      return `$${next}`;
    });
    return { sql: rewritten, values: kept };
  }
}
