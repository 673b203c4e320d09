import {
  formatCount,
  formatPercent,
  formatValue,
  truncateLabel,
} from '../../../../../shared/format';
import type { MetricBenchmark, ThresholdsResult } from '../../../../../shared/specs/thresholds';
import {
  axisLabel,
  colorOf,
  escapeHtml,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';
import {
  binCoord,
  binLabel,
  binWords,
  marker,
  markerAxis,
  unitKind,
  valueText,
} from '../metrics/bins';

/** The benchmark a chart draws: the picked metric, else the top-ranked one. */
export function shownBenchmark(
  result: ThresholdsResult,
  pick?: string,
): MetricBenchmark | undefined {
  return result.metrics.find((m) => m.name === pick) ?? result.metrics[0];
}

/** What the outcome's two sides are called: retained and churned, or converted and not. */
export function outcomeNames(result: ThresholdsResult): [string, string] {
  return result.outcomeWords.startsWith('active')
    ? ['retained', 'churned']
    : ['converted', 'not converted'];
}

/** The curve's bins that hold users: an empty one has no rate (not a rate of 0). */
export function observedBins(m: MetricBenchmark): MetricBenchmark['curve'] {
  return m.curve.filter((b) => b.users > 0);
}

const ABOVE = '#5b6cff';
const BELOW = '#b7bccb';

/**
 * The outcome rate by the metric's value (a bar per bin of the curve), the benchmark threshold
 * marked where it falls ("at least t": the bars from it on are in colour), and the base rate of
 * all new users as a dashed line across.
 */
export function thresholdCurveOption(result: ThresholdsResult, pick?: string): ChartOption {
  const m = shownBenchmark(result, pick);
  if (m === undefined) return { series: [] };
  const kind = unitKind(m.unit);
  const bins = observedBins(m);
  const last = bins.length - 1;
  const [good] = outcomeNames(result);
  const threshold = m.best?.threshold ?? null;
  const base = result.population.rate;
  const top = Math.min(1, Math.max(base ?? 0, ...bins.map((b) => b.rate)) * 1.12 + 0.04);
  // The curve's last bar holds its end (the largest value); bars without users are not drawn.
  const lastBar = m.curve[m.curve.length - 1];
  const data: Clickable[] = bins.map((b) => ({
    value: b.rate,
    itemStyle: { color: threshold !== null && b.from >= threshold ? ABOVE : BELOW },
    selection: {
      kind: 'thresholds',
      metric: m.name,
      from: b.from,
      to: b.to,
      inclusive: b === lastBar,
      set: 'all',
    },
  }));
  const series: Record<string, unknown>[] = [
    { type: 'bar', name: `${good} rate`, barCategoryGap: '10%', data },
  ];
  if (base !== null)
    series.push({
      type: 'line',
      name: `all new users: ${formatPercent(base)}`,
      color: '#e8467c',
      symbol: 'none',
      lineStyle: { type: 'dashed', width: 1.5 },
      data: bins.map(() => base),
      z: 4,
    });
  if (threshold !== null && bins.length > 0)
    series.push(
      marker(
        'threshold',
        binCoord(bins, threshold),
        threshold,
        top,
        // Amber reads on the light and the dark theme alike (near-black vanished on dark).
        '#d97706',
        `at least ${valueText(kind, threshold)}`,
        false,
      ),
    );
  return {
    grid: { left: 56, right: 96, top: 36, bottom: 52 },
    legend: { top: 0, data: series.slice(0, 2).map((x) => x.name as string) },
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesIndex: number; dataIndex: number }) => {
        const b = bins[p.dataIndex];
        if (p.seriesIndex !== 0 || b === undefined) return '';
        return `<b>${escapeHtml(truncateLabel(m.label, 60))}</b> ${binWords(b, kind, p.dataIndex === last)}<br/><b>${formatPercent(b.rate)}</b> ${good}: ${formatCount(b.positive)} of ${formatCount(b.users)} users`;
      },
    },
    xAxis: [
      {
        type: 'category',
        name: truncateLabel(m.label, 80),
        nameLocation: 'middle',
        nameGap: 30,
        data: bins.map((b, i) => binLabel(b, kind, i === last)),
        axisLabel: { hideOverlap: true },
      },
      markerAxis(bins.length),
    ],
    yAxis: { type: 'value', name: `${good}`, min: 0, max: 1, axisLabel: axisLabel('percent') },
    series,
  };
}

/**
 * The metric's distribution among the users who reached the outcome and those who did not:
 * each side's share of its users per bin of the curve, side by side.
 */
export function distributionsOption(result: ThresholdsResult, pick?: string): ChartOption {
  const m = shownBenchmark(result, pick);
  if (m === undefined) return { series: [] };
  const kind = unitKind(m.unit);
  const bins = observedBins(m);
  const last = bins.length - 1;
  const [good, bad] = outcomeNames(result);
  const positive = bins.reduce((s, b) => s + b.positive, 0);
  const negative = bins.reduce((s, b) => s + b.users - b.positive, 0);
  const share = (n: number, of: number): number | null => (of === 0 ? null : n / of);
  return {
    grid: { left: 56, right: 24, top: 36, bottom: 52 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      formatter: (items: { dataIndex: number }[]) => {
        const i = items[0]?.dataIndex ?? 0;
        const b = bins[i];
        if (b === undefined) return '';
        return `${escapeHtml(truncateLabel(m.label, 60))} ${binWords(b, kind, i === last)}<br/>${good}: <b>${formatPercent(share(b.positive, positive))}</b> (${formatCount(b.positive)})<br/>${bad}: <b>${formatPercent(share(b.users - b.positive, negative))}</b> (${formatCount(b.users - b.positive)})`;
      },
    },
    xAxis: {
      type: 'category',
      name: truncateLabel(m.label, 80),
      nameLocation: 'middle',
      nameGap: 30,
      data: bins.map((b, i) => binLabel(b, kind, i === last)),
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', name: 'share of users', axisLabel: axisLabel('percent') },
    series: [
      {
        type: 'bar',
        name: good,
        color: colorOf(1),
        data: bins.map((b) => share(b.positive, positive)),
      },
      {
        type: 'bar',
        name: bad,
        color: BELOW,
        data: bins.map((b) => share(b.users - b.positive, negative)),
      },
    ],
  };
}

/** A phi in a cell: two decimals, never '-0.00'. */
export const phiLabel = (v: number | null): string =>
  v === null ? '' : Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2);

/** The strongest |phi| of the heat map, at least 0.1 so a weak map does not look strong. */
function phiScale(result: ThresholdsResult): number {
  const max = Math.max(0, ...result.heatmap.cells.map((c) => Math.abs(c.phi ?? 0)));
  return Math.max(0.1, Math.ceil(max * 20) / 20);
}

/**
 * Which early behaviours go with the outcome: an event (row) done by day d (column), its
 * colour the phi correlation of "did it by then" with the outcome (blue with, red against).
 * Clicking a cell opens the users who did it by that day.
 */
export function heatmapOption(result: ThresholdsResult): ChartOption {
  const { events, days, cells } = result.heatmap;
  const [good] = outcomeNames(result);
  const scale = phiScale(result);
  const data: Clickable[] = cells.map((c) => {
    const x = days.indexOf(c.day);
    const y = events.indexOf(c.event);
    const v = c.phi;
    return {
      value: [x, y, v],
      label: { color: v !== null && Math.abs(v) / scale > 0.5 ? '#ffffff' : '#1f2433' },
      selection: { kind: 'thresholds', event: c.event, day: c.day, did: true, set: 'all' },
    };
  });
  return {
    grid: { left: 150, right: 24, top: 12, bottom: 64 },
    tooltip: {
      position: 'top',
      formatter: (p: { dataIndex: number }) => {
        const c = cells[p.dataIndex];
        if (c === undefined) return '';
        return `Did <b>${escapeHtml(c.event)}</b> by day ${c.day}: ${formatCount(c.did)} users<br/>${good}: <b>${formatPercent(c.rateDid)}</b> of them, ${formatPercent(c.rateNot)} of the others<br/>phi ${phiLabel(c.phi) || '–'}`;
      },
    },
    xAxis: {
      type: 'category',
      data: days.map(String),
      axisLabel: { interval: 0 },
      name: 'did it by the end of day',
      nameLocation: 'middle',
      nameGap: 26,
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: events.map((e) => truncateLabel(e, 22)),
    },
    visualMap: {
      min: -scale,
      max: scale,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 140,
      itemWidth: 10,
      text: [`phi +${formatValue(scale)}`, `-${formatValue(scale)}`],
      textStyle: { fontSize: 11 },
      inRange: { color: ['#c8334f', '#f4f5f8', '#2b3299'] },
    },
    series: [
      {
        type: 'heatmap',
        name: 'phi',
        data,
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { value: [number, number, number | null] }) => phiLabel(p.value[2]),
        },
      },
    ],
  };
}

/** The heat map's height: a row per event. */
export function heatmapHeight(result: ThresholdsResult): number {
  return Math.min(560, 96 + 28 * result.heatmap.events.length);
}
