import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Row } from '../duckdb/database';

/** A value a fragment binds as a parameter: a user's string never becomes SQL text. */
export type SqlValue = string | number | boolean | bigint;

/**
 * A piece of SQL that carries its own parameters (Rill's approach). Fragments compose by
 * interpolation: `sql\`... ${other} ...\`` inlines another fragment with its values, any other
 * interpolated value becomes a parameter. Only `render` numbers the placeholders, once, for the
 * whole statement, so a fragment can be reused in any statement without renumbering.
 */
export class Sql {
  /** @internal: build fragments with `sql`, `raw`, `ident`, `join`. */
  constructor(
    readonly strings: readonly string[],
    readonly args: readonly (Sql | SqlValue | null)[],
  ) {}

  /** True for a fragment with no text at all (an omitted clause). */
  get isEmpty(): boolean {
    return this.args.length === 0 && this.strings.every((s) => s.trim() === '');
  }
}

export function sql(strings: TemplateStringsArray, ...args: (Sql | SqlValue | null)[]): Sql {
  return new Sql([...strings], args);
}

/** Text the engine itself wrote (a keyword, an interval unit): never a user's value. */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

export const empty = raw('');

/** A quoted identifier (a column, a table, a CTE name). */
export function ident(name: string): Sql {
  return raw(`"${name.replaceAll('"', '""')}"`);
}

export function join(items: readonly Sql[], separator = ', '): Sql {
  if (items.length === 0) return empty;
  const strings = ['', ...items.slice(1).map(() => separator), ''];
  return new Sql(strings, items);
}

/** `a AND b AND ...` of the non-empty parts, TRUE for none. */
export function and(parts: readonly Sql[]): Sql {
  const kept = parts.filter((p) => !p.isEmpty);
  if (kept.length === 0) return raw('TRUE');
  return join(
    kept.map((p) => sql`(${p})`),
    ' AND ',
  );
}

/**
 * `(a OR b OR ...)` of the non-empty parts, FALSE for none: in parentheses, so that a caller's
 * `${or(...)} AND x` means what it says (a metric's trend once read "a OR b AND before half").
 */
export function or(parts: readonly Sql[]): Sql {
  const kept = parts.filter((p) => !p.isEmpty);
  if (kept.length === 0) return raw('FALSE');
  return sql`(${join(
    kept.map((p) => sql`(${p})`),
    ' OR ',
  )})`;
}

/** `WITH a AS (...), b AS (...) <body>`: named steps make a long statement readable. */
export function withCtes(ctes: readonly (readonly [string, Sql])[], body: Sql): Sql {
  if (ctes.length === 0) return body;
  return sql`WITH ${join(
    ctes.map(([name, query]) => sql`${ident(name)} AS (${query})`),
    ',\n',
  )}\n${body}`;
}

export interface Rendered {
  text: string;
  values: SqlValue[];
}

/** One statement and its values, `$1..$n` in the order they appear. */
export function render(fragment: Sql): Rendered {
  const out: string[] = [];
  const values: SqlValue[] = [];
  const walk = (f: Sql): void => {
    f.strings.forEach((s, i) => {
      out.push(s);
      if (i >= f.args.length) return;
      const arg = f.args[i];
      if (arg instanceof Sql) walk(arg);
      else if (arg === null || arg === undefined) out.push('NULL');
      else {
        values.push(arg);
        out.push(`$${values.length}`);
      }
    });
  };
  walk(fragment);
  return { text: out.join(''), values };
}

export async function query(c: DuckDBConnection, fragment: Sql): Promise<Row[]> {
  const { text, values } = render(fragment);
  return queryRows(c, text, values);
}

export async function execute(c: DuckDBConnection, fragment: Sql): Promise<void> {
  const { text, values } = render(fragment);
  await c.run(text, values);
}
