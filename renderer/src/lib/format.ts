/** Numbers and times as an analyst reads them in a dense grid. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** A cell of any type: numbers grouped, text as is, null as an en dash. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return evenFraction(value);
  return JSON.stringify(value);
}

/**
 * DuckDB writes timestamps with as few fraction digits as they need (`09:00:01.5`,
 * `09:00:01.874`); a column of them reads evenly with milliseconds (or microseconds) always shown.
 */
function evenFraction(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})\.(\d{1,6})$/.exec(text);
  if (match === null) return text;
  const digits = match[2] ?? '';
  return `${match[1] ?? ''}.${digits.padEnd(digits.length <= 3 ? 3 : 6, '0')}`;
}

/** '2024-03-01 09:00:00' -> '2024-03-01 09:00'; dates stay dates. */
export function formatTime(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(?::(\d{2}))?)?/.exec(value);
  if (match === null) return value;
  const [, day, minutes] = match;
  return minutes === undefined ? (day ?? value) : `${day ?? ''} ${minutes}`;
}

/** A time range in one line: '2024-03-01 → 2024-03-31'. */
export function formatRange(range: { from: string; to: string } | null): string {
  if (range === null) return 'no events yet';
  return `${range.from.slice(0, 10)} → ${range.to.slice(0, 10)}`;
}

export { formatBytes } from '../../../shared/util/format-bytes';

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
