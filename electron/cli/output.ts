import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { ResultTable } from '../../shared/specs/analysis-spec';

export type OutputFormat = 'table' | 'json' | 'csv';

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberFormat.format(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A readable table for people: numbers right-aligned with thousands separators. */
export function renderTable(
  table: ResultTable,
  title?: string,
  bold = process.stdout.isTTY === true,
): string {
  const t = new Table({
    head: table.columns,
    style: { head: bold ? ['bold'] : [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: table.columns.map((c) =>
      table.rows.some((r) => typeof r[c] === 'number') ? ('right' as const) : ('left' as const),
    ),
    wordWrap: false,
  });
  for (const row of table.rows) t.push(table.columns.map((c) => truncate(cell(row[c]), 60)));
  return `${title === undefined ? '' : `${title}\n`}${t.toString()}`;
}

export function renderCsv(table: ResultTable): string {
  return stringify(
    table.rows.map((r) =>
      table.columns.map((c) => {
        const v = r[c];
        return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      }),
    ),
    { header: true, columns: table.columns, cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function render(
  table: ResultTable,
  format: OutputFormat,
  title?: string,
  bold?: boolean,
): string {
  switch (format) {
    case 'json':
      return renderJson(table.rows);
    case 'csv':
      return renderCsv(table);
    case 'table':
      return `${renderTable(table, title, bold)}\n`;
  }
}

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

export const formatCount = (n: number): string => numberFormat.format(n);

export { formatBytes } from '../../shared/util/format-bytes';
