import { Bool, Float64, Table, Utf8, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import type { Json } from '@duckdb/node-api';

/**
 * Rows as an Arrow IPC stream, base64-encoded so it crosses every transport inside the JSON reply.
 * Each column gets one Arrow type: numbers stay Float64, booleans Bool, anything else (times,
 * text, nested values) is shown as text, exactly as the CLI prints it.
 */
export function arrowBase64(columns: readonly string[], rows: readonly Json[][]): string {
  const seen = new Map<string, number>();
  const vectors: Record<string, Vector> = {};
  columns.forEach((name, i) => {
    // SQL may repeat a name (SELECT 1 AS a, 2 AS a); Arrow's schema needs them distinct.
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    const key = count === 0 ? name : `${name}_${count + 1}`;
    vectors[key] = columnVector(rows.map((r) => r[i] ?? null));
  });
  const table = new Table(vectors);
  return Buffer.from(tableToIPC(table, 'stream')).toString('base64');
}

function columnVector(values: Json[]): Vector {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    return vectorFromArray(values as (number | null)[], new Float64());
  }
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) {
    return vectorFromArray(values as (boolean | null)[], new Bool());
  }
  return vectorFromArray(
    values.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))),
    new Utf8(),
  );
}
