/**
 * Numbers as an analyst reads them, the same in the window (grids, tooltips, axes) and in the
 * CLI's tables. CSV and JSON never go through here: they keep the raw numbers.
 *
 * Every function takes what a result cell may hold (a number, null for "no value") and gives
 * an en dash for nothing, so a missing value never reads as 0.
 */

/** What a cell without a value shows. */
export const EMPTY = '–';

const isNumber = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v);

const grouped = (digits: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });
const whole = grouped(0);
const oneDecimal = grouped(1);
const twoDecimals = grouped(2);
const fixedOneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const threeSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const twoSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });

/**
 * A count of users, events or sessions: 1234567 -> '1,234,567'. A mean of counts (a retention
 * grid's mean row) keeps one decimal: 653.3636 -> '653.4'.
 */
export function formatCount(v: number | null | undefined): string {
  if (!isNumber(v)) return EMPTY;
  return Number.isInteger(v) ? whole.format(v) : oneDecimal.format(v);
}

/**
 * A measured value (a sum of revenue, an average, events per user): grouped, at most two
 * decimals, so float noise never shows (1600.1200000000003 -> '1,600.12'); below 1 in size,
 * three significant digits, so a small average does not round to 0 (0.001234 -> '0.00123').
 */
export function formatValue(v: number | null | undefined): string {
  if (!isNumber(v)) return EMPTY;
  if (v !== 0 && Math.abs(v) < 1) return threeSignificant.format(v);
  return twoDecimals.format(v);
}

/**
 * A share (0..1) as a percentage with one decimal, so a column of them reads evenly:
 * 0.11 -> '11.0%', 0.4567 -> '45.7%'; exactly 1 and 0 are '100%' and '0%'. Below 1%, two
 * significant digits, so small rates stay apart (0.0042 -> '0.42%', 0.00042 -> '0.042%').
 * `trim` drops a trailing '.0' for axes, whose ticks are round: '5%', '12.5%', '0.2%'
 * (never "0%, 0%, 0%").
 */
export function formatPercent(
  v: number | null | undefined,
  options: { trim?: boolean } = {},
): string {
  if (!isNumber(v)) return EMPTY;
  const pct = v * 100;
  if (pct === 0) return '0%';
  if (pct === 100) return '100%';
  if (Math.abs(pct) < 1) return `${twoSignificant.format(pct)}%`;
  return `${(options.trim === true ? oneDecimal : fixedOneDecimal).format(pct)}%`;
}

/**
 * A large number in few characters, for axes and heat-map cells: 1234 -> '1.2K',
 * 3450000 -> '3.5M'; below 1,000 as formatValue.
 */
export function formatCompact(v: number | null | undefined): string {
  if (!isNumber(v)) return EMPTY;
  const size = Math.abs(v);
  for (const [limit, suffix] of [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    // 999,960 rounds to 1,000K: written as the next unit up, 1M.
    if (size >= limit * 0.99995) return `${oneDecimal.format(v / limit)}${suffix}`;
  }
  return formatValue(v);
}

const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

/**
 * A duration in seconds as people say it: its two largest units, the second cut (not rounded)
 * so it never reads longer than it was: 697774.13 -> '8d 1h', 188400 -> '2d 4h', 200 ->
 * '3m 20s', 45 -> '45s', 3600 -> '1h'. Under a second: '0.4s'; under 10 ms: '<0.01s'.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isNumber(seconds)) return EMPTY;
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s === 0) return '0s';
  if (s < 0.01) return `${sign}<0.01s`;
  if (s < 1) return `${sign}${twoSignificant.format(s)}s`;
  const total = Math.floor(s);
  const first = UNITS.findIndex(([, size]) => total >= size);
  const [unit, size] = UNITS[first] ?? UNITS[3];
  const lead = Math.floor(total / size);
  const next = UNITS[first + 1];
  const rest = next === undefined ? 0 : Math.floor((total - lead * size) / next[1]);
  return `${sign}${whole.format(lead)}${unit}${rest > 0 && next !== undefined ? ` ${rest}${next[0]}` : ''}`;
}
