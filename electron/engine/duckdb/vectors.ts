import { DuckDBDataChunk, type DuckDBType, type DuckDBAppender } from '@duckdb/node-api';

/**
 * A vector's values as its own typed array (no copy): scans read them, writers fill them and
 * flush. Only for columns that hold no NULLs (a NULL's slot holds whatever was there).
 */
export function typedItems<T extends Int32Array | Float64Array>(
  vector: unknown,
  Kind: abstract new (...args: never[]) => T,
): T {
  const items = (vector as { items?: unknown }).items;
  if (!(items instanceof Kind)) throw new Error(`expected a vector of ${Kind.name}`);
  return items;
}

/**
 * Appends columns of typed arrays (equal lengths, `count` rows) in chunks of 2,048 rows: each
 * chunk's vectors are filled with one `set` per column rather than value by value, and one chunk
 * serves every full slice (the appender copies what it is given): a chunk and its vectors made
 * per slice cost as much again as the copying.
 */
export function appendColumns(
  appender: DuckDBAppender,
  types: readonly DuckDBType[],
  columns: readonly (Int32Array | Float64Array)[],
  count: number,
): void {
  const size = 2048;
  let rows = 0;
  let vectors: ReturnType<DuckDBDataChunk['getColumnVector']>[] = [];
  let chunk: DuckDBDataChunk | undefined;
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    if (chunk === undefined || n !== rows) {
      const made = DuckDBDataChunk.create([...types], n);
      chunk = made;
      rows = n;
      vectors = types.map((_, i) => made.getColumnVector(i));
    }
    columns.forEach((values, i) => {
      const vector = vectors[i];
      if (vector === undefined) throw new Error(`no vector for column ${i}`);
      const part = values.subarray(start, start + n);
      if (part instanceof Int32Array) typedItems(vector, Int32Array).set(part);
      else typedItems(vector, Float64Array).set(part);
      vector.flush();
    });
    appender.appendDataChunk(chunk);
  }
}
