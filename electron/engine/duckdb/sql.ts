/**
 * The only places where text becomes SQL. Identifiers are always quoted; values go through bound
 * parameters wherever DuckDB accepts them, and through `literal` only where it does not (table
 * function options such as a CSV delimiter).
 */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a SQL literal`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replaceAll("'", "''")}'`;
}

export function stringList(values: readonly string[]): string {
  return `[${values.map(literal).join(', ')}]`;
}
