import type { ResultTable } from '../../../shared/specs/analysis-spec';

/** A table as CSV (RFC 4180): the grid's columns and values, exactly. */
export function toCsv(table: ResultTable): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [table.columns.map(cell).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => cell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** Saves text as a file through the browser (Electron and browser mode alike). */
export function download(name: string, content: string | Blob, type = 'text/csv'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
