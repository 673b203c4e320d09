import { tableFromIPC } from 'apache-arrow';

export type Row = Record<string, unknown>;

/** Rows of a base64 Arrow IPC stream (a page from the engine), as plain objects. */
export function decodeArrowRows(base64: string): Row[] {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const table = tableFromIPC(bytes);
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((name) => table.getChild(name));
  const rows: Row[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Row = {};
    names.forEach((name, c) => {
      row[name] = columns[c]?.get(i) ?? null;
    });
    rows.push(row);
  }
  return rows;
}
