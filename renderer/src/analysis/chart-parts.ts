import {
  formatCompact,
  formatCount,
  formatDuration,
  formatPercent,
  formatValue,
  type ColumnKind,
} from '../../../shared/format';
import type { UserSelection } from '../../../shared/specs/users-behind';

/*
 * What every kind's chart (kinds/<kind>/chart.ts) draws with: the palette, the clickable data
 * point, axis and tooltip formats by column kind, and the chart's numbers as a table.
 */

/** Series colours, shared by the chart and the grid's legend dots. */
export const PALETTE = [
  '#5b6cff',
  '#22a39f',
  '#f59e0b',
  '#e8467c',
  '#8b5cf6',
  '#10b981',
  '#ef6c2c',
  '#3b82f6',
  '#a3a3a3',
  '#d946ef',
];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length] ?? '#5b6cff';

/** A data point that opens the users behind it when clicked. */
export interface Clickable {
  value: number | null | [number, number, number | null];
  selection?: UserSelection;
  [key: string]: unknown;
}

export type ChartOption = Record<string, unknown>;

export const axisGrid = { left: 56, right: 24, top: 36, bottom: 32, containLabel: false };

/** How a value of a kind reads in a tooltip: in full (counts grouped, shares as percentages). */
export const TOOLTIP_FORMAT: Record<ColumnKind, (v: number | null) => string> = {
  count: formatCount,
  percent: (v) => formatPercent(v),
  duration: formatDuration,
  value: formatValue,
  date: formatValue,
  text: formatValue,
};

/** How a value of a kind reads on an axis: short (800, 1.5K, 1.2M), shares as percentages. */
export const AXIS_FORMAT: Record<ColumnKind, (v: number) => string> = {
  count: (v) => (Math.abs(v) >= 1_000 ? formatCompact(v) : formatCount(v)),
  percent: (v) => formatPercent(v, { trim: true }),
  duration: formatDuration,
  value: (v) => (Math.abs(v) >= 1_000 ? formatCompact(v) : formatValue(v)),
  date: formatValue,
  text: formatValue,
};

/** ECharts' tooltip value formatter for a kind (it passes the raw value, maybe an array). */
export const tooltipValue =
  (kind: ColumnKind) =>
  (v: unknown): string =>
    TOOLTIP_FORMAT[kind](typeof v === 'number' ? v : null);

export const axisLabel = (kind: ColumnKind) => ({ formatter: (v: number) => AXIS_FORMAT[kind](v) });

export interface AxisTooltipItem {
  seriesIndex: number;
  dataIndex: number;
  marker?: string;
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Histogram buckets as durations: '0s–10s', '5m–15m', '≥ 30d'. */
export const durationBuckets = (edges: number[]): string[] =>
  edges.map((e, i) =>
    i + 1 < edges.length
      ? `${formatDuration(e)}–${formatDuration(edges[i + 1] ?? e)}`
      : `≥ ${formatDuration(e)}`,
  );

/**
 * The numbers a chart draws, series by series, as a table: what screen readers read instead of
 * the canvas (and what tests compare with the engine's answer).
 */
export function chartData(option: ChartOption): { series: string; values: (number | null)[] }[] {
  const series = Array.isArray(option.series) ? (option.series as Record<string, unknown>[]) : [];
  const valueOf = (d: unknown): number | null => {
    const v =
      typeof d === 'object' && d !== null && 'value' in d ? (d as { value: unknown }).value : d;
    const n = Array.isArray(v) ? v[2] : v;
    return typeof n === 'number' ? n : null;
  };
  return series.flatMap((s, i) => {
    const name = typeof s.name === 'string' ? s.name : `series ${i + 1}`;
    const rows = [{ series: name, values: (Array.isArray(s.data) ? s.data : []).map(valueOf) }];
    if (Array.isArray(s.links))
      rows.push({ series: `${name} links`, values: s.links.map(valueOf) });
    return rows;
  });
}
