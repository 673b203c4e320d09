import { formatValue, type ColumnKind } from '../../../../../shared/format';
import { metricColumnKind } from '../../../../../shared/specs/metrics';
import type { MetricUnit } from '../../../../../shared/specs/user-metrics';
import { AXIS_FORMAT, TOOLTIP_FORMAT } from '../../chart-parts';

/*
 * Histograms and curves over bins of a metric's values, drawn as category bars, with values
 * (percentiles, a threshold) marked on a hidden value axis laid over the bars: bin i spans
 * [i, i + 1] of it, so a value sits at its place inside its bin whatever the bins' widths.
 */

export interface Bin {
  from: number;
  to: number;
}

/** How a metric's values read: shares as percentages, seconds as durations, flags as 0/1. */
export function unitKind(unit: MetricUnit): ColumnKind {
  return unit === 'flag' ? 'value' : metricColumnKind(unit);
}

/**
 * Where `v` falls on the bins' axis: i + its fraction of bin i ([from, to), the last bin's end
 * included); before the first bin 0, after the last one the bins' count.
 */
export function binCoord(bins: readonly Bin[], v: number): number {
  if (bins.length === 0) return 0;
  for (let i = 0; i < bins.length; i++) {
    const b = bins[i] as Bin;
    const last = i === bins.length - 1;
    if (v < b.from) return i;
    if (v < b.to || (last && v <= b.to)) {
      if (b.to === b.from) return i + 0.5;
      return i + (v - b.from) / (b.to - b.from);
    }
  }
  return bins.length;
}

/** A bin's label on the axis: '3' for a bin of one whole number, '1.5–2' otherwise. */
export function binLabel(bin: Bin, kind: ColumnKind, last: boolean): string {
  const f = AXIS_FORMAT[kind];
  if (bin.from === bin.to) return f(bin.from);
  // A bin of integers [k, k + 1) holds only k (counts, days): named by it.
  if (
    kind !== 'percent' &&
    kind !== 'duration' &&
    Number.isInteger(bin.from) &&
    bin.to === bin.from + 1 &&
    !last
  )
    return f(bin.from);
  return `${f(bin.from)}–${f(bin.to)}`;
}

/** A bin in words for a tooltip: 'from 2 to under 3', '4 to 5 (included)'. */
export function binWords(bin: Bin, kind: ColumnKind, last: boolean): string {
  const f = TOOLTIP_FORMAT[kind];
  if (bin.from === bin.to) return `exactly ${f(bin.from)}`;
  return last
    ? `${f(bin.from)} to ${f(bin.to)} (included)`
    : `${f(bin.from)} to under ${f(bin.to)}`;
}

/** A value as its unit reads it, for marker labels. */
export function valueText(kind: ColumnKind, v: number | null): string {
  return v === null ? '–' : kind === 'value' ? formatValue(v) : TOOLTIP_FORMAT[kind](v);
}

/**
 * A vertical line at bin coordinate `x` from 0 to `top` on the hidden value axis (xAxisIndex 1),
 * labelled at its top end; its points carry the marked value as their third number, so the chart's
 * data table reads the value, not the coordinate.
 */
export function marker(
  name: string,
  x: number,
  value: number,
  top: number,
  color: string,
  label: string,
  dashed = true,
): Record<string, unknown> {
  return {
    type: 'line',
    name,
    xAxisIndex: 1,
    color,
    symbol: 'none',
    silent: true,
    lineStyle: { width: dashed ? 1.5 : 2.5, type: dashed ? 'dashed' : 'solid', color },
    data: [
      [x, 0, value],
      [x, top, value],
    ],
    // At the line's top end: a symbol-less line draws no label of its points.
    endLabel: { show: true, formatter: label, color, fontSize: 11, distance: 4 },
    tooltip: { show: false },
    z: 5,
  };
}

/** The hidden value axis the markers stand on: [0, bins] over the category bars. */
export function markerAxis(bins: number): Record<string, unknown> {
  return { type: 'value', min: 0, max: Math.max(1, bins), show: false };
}
