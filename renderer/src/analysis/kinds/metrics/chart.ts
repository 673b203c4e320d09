import { formatCount, formatPercent, truncateLabel } from '../../../../../shared/format';
import type { MetricSummary, MetricsResult } from '../../../../../shared/specs/metrics';
import {
  axisLabel,
  colorOf,
  escapeHtml,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';
import { binCoord, binLabel, binWords, marker, markerAxis, unitKind, valueText } from './bins';

/** The percentiles marked on a histogram, and how high each label sits (labels apart). */
const MARKS = [
  ['p10', 'P10', 0.96],
  ['p25', 'P25', 1.06],
  ['median', 'Median', 1.16],
  ['p75', 'P75', 1.06],
  ['p90', 'P90', 0.96],
] as const;

/**
 * The value axis's name: the metric, and how many users sit at 0 or have no value (the first
 * bar often holds most users; this says how many of them are exactly 0).
 */
export function axisName(m: MetricSummary): string {
  const notes = [
    m.zeros > 0 ? `${formatCount(m.zeros)} users at 0` : '',
    m.missing > 0 ? `${formatCount(m.missing)} without a value` : '',
  ].filter((n) => n !== '');
  return `${truncateLabel(m.label, 70)}${notes.length === 0 ? '' : ` · ${notes.join(', ')}`}`;
}

/** The metric a chart draws: the picked one, else the first. */
export function shownMetric(result: MetricsResult, pick?: string): MetricSummary | undefined {
  return result.metrics.find((m) => m.name === pick) ?? result.metrics[0];
}

/**
 * One metric's distribution over the users: a bar per histogram bin (its users; clicking one
 * opens them: the metrics selection of its range, the last bin's end included), with the
 * 10th, 25th, 50th, 75th and 90th percentiles marked where they fall.
 */
export function metricsOption(result: MetricsResult, pick?: string): ChartOption {
  const m = shownMetric(result, pick);
  if (m === undefined) return { series: [] };
  const kind = unitKind(m.unit);
  const bins = m.histogram;
  const last = bins.length - 1;
  const top = Math.max(1, ...bins.map((b) => b.users));
  // The bin holding 0 says how many of its users are exactly 0.
  const zeros = (b: { from: number; to: number }, i: number): string =>
    m.zeros > 0 && b.from <= 0 && (0 < b.to || i === last)
      ? `<br/>${formatCount(m.zeros)} of them exactly 0`
      : '';
  const data: Clickable[] = bins.map((b, i) => ({
    value: b.users,
    selection: {
      kind: 'metrics',
      metric: m.name,
      from: b.from,
      to: b.to,
      inclusive: i === last,
      missing: false,
    },
  }));
  // Percentiles of the same value (P10, P25 and the median all 0) share one line and label.
  const groups = new Map<number, { names: string[]; height: number; median: boolean }>();
  for (const [key, name, height] of MARKS) {
    const v = m[key];
    if (v === null) continue;
    const group = groups.get(v) ?? { names: [], height: 0, median: false };
    group.names.push(name);
    group.height = Math.max(group.height, height);
    group.median ||= key === 'median';
    groups.set(v, group);
  }
  const marks =
    bins.length === 0
      ? []
      : [...groups].map(([v, g]) =>
          marker(
            g.names.join(' · '),
            binCoord(bins, v),
            v,
            top * g.height,
            g.median ? '#e8467c' : '#8a8fa3',
            `${g.names.join(' · ')} ${valueText(kind, v)}`,
            !g.median,
          ),
        );
  return {
    grid: { left: 64, right: 96, top: 24, bottom: 52 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesIndex: number; dataIndex: number }) => {
        const b = bins[p.dataIndex];
        if (p.seriesIndex !== 0 || b === undefined) return '';
        const share = m.users === 0 ? null : b.users / m.users;
        return `<b>${escapeHtml(truncateLabel(m.label, 60))}</b><br/>${binWords(b, kind, p.dataIndex === last)}<br/><b>${formatCount(b.users)}</b> users (${formatPercent(share)} of those with a value)${zeros(b, p.dataIndex)}`;
      },
    },
    xAxis: [
      {
        type: 'category',
        name: axisName(m),
        nameLocation: 'middle',
        nameGap: 30,
        data: bins.map((b, i) => binLabel(b, kind, i === last)),
        axisLabel: { hideOverlap: true },
      },
      markerAxis(bins.length),
    ],
    // The markers' labelled tops reach above the highest bar: the axis rounds up over them.
    yAxis: { type: 'value', name: 'users', axisLabel: axisLabel('count') },
    series: [
      { type: 'bar', name: 'users', color: colorOf(0), barCategoryGap: '8%', data },
      ...marks,
    ],
  };
}
