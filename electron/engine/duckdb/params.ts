import type { DuckDBValue } from '@duckdb/node-api';

/**
 * Collects the values of a statement as positional parameters: a user's string (an event name,
 * a rule value, a time zone) never becomes SQL text.
 */
export class SqlParams {
  readonly values: DuckDBValue[] = [];

  bind(value: string | number | boolean): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
