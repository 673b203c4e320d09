import { EMPTY, formatValue } from './numbers';

/**
 * Cells whose meaning is not known (a SQL result, a raw event's property): numbers grouped
 * without float noise, text as is, null as an en dash. Result tables know their columns' kinds
 * and format through `formatAs` instead.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'number') return Number.isNaN(value) ? EMPTY : formatValue(value);
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return evenFraction(value);
  return JSON.stringify(value);
}

/** A number of unknown meaning, as in formatCell; kept under its old name for the views. */
export const formatNumber = (value: number | null | undefined): string => formatValue(value);

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
  if (value === null || value === undefined || value === '') return EMPTY;
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

/** How long a computation took: '42 ms', '3.2 s', '1 min 15 s'. */
export function formatElapsed(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min${whole % 60 === 0 ? '' : ` ${whole % 60} s`}`;
}
