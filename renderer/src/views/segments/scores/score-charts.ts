import {
  BANDS,
  bandOf,
  type Band,
  type Bands,
  type ScoreHistoryPoint,
  type ScoreResult,
} from '../../../../../shared/specs/score';
import { formatValue } from '../../../../../shared/format';
import {
  axisGrid,
  axisLabel,
  colorOf,
  tooltipValue,
  type ChartOption,
} from '../../../analysis/chart-parts';

/** Each band's colour, the same in every chart, the legend dots and the tables. */
export const BAND_COLORS: Record<Band, string> = {
  healthy: '#10b981',
  watch: '#f59e0b',
  'at risk': '#e8467c',
};

/** A histogram bar's range: '70–75' (health, whole points) or '1.5–3' (behavioural). */
const rangeLabel = (from: number, to: number): string => `${formatValue(from)}–${formatValue(to)}`;

/**
 * How the scores spread: users per bar. A health score has 20 bars of 5 points over 0-100 (the
 * empty ones drawn as 0, so the axis is the same every time), each coloured by the band its
 * lower edge falls in; a behavioural score the engine's 20 bars over its own range.
 */
export function histogramOption(
  result: Pick<ScoreResult, 'histogram'>,
  bands: Bands | null,
): ChartOption {
  const bars =
    bands === null
      ? result.histogram
      : Array.from({ length: 20 }, (_, i) => {
          const found = result.histogram.find((b) => Math.round(b.from) === i * 5);
          return { from: i * 5, to: i * 5 + 5, users: found?.users ?? 0 };
        });
  return {
    grid: { ...axisGrid, top: 28, bottom: 40 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('count') },
    xAxis: {
      type: 'category',
      name: 'score',
      nameLocation: 'middle',
      nameGap: 26,
      data: bars.map((b) => rangeLabel(b.from, b.to)),
      // Every fourth range is labelled (0–5, 20–25, …): all 20 do not fit a third of the width.
      axisLabel: { interval: 3, hideOverlap: true },
    },
    yAxis: { type: 'value', name: 'users', axisLabel: axisLabel('count'), minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: 'users',
        barCategoryGap: '8%',
        data: bars.map((b) => ({
          value: b.users,
          itemStyle: { color: bands === null ? colorOf(0) : BAND_COLORS[bandOf(b.from, bands)] },
        })),
      },
    ],
  };
}

/** Users per band as one bar split in three, healthy first, each part labelled with its count. */
export function bandsOption(bands: readonly { band: Band; users: number }[]): ChartOption {
  const total = bands.reduce((n, b) => n + b.users, 0);
  return {
    grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: false },
    tooltip: { trigger: 'item', valueFormatter: tooltipValue('count') },
    legend: { top: 0 },
    xAxis: { type: 'value', max: total > 0 ? total : 1, show: false },
    yAxis: { type: 'category', data: ['users'], show: false },
    series: BANDS.map((band) => {
      const users = bands.find((b) => b.band === band)?.users ?? 0;
      return {
        type: 'bar',
        name: band,
        stack: 'bands',
        color: BAND_COLORS[band],
        barWidth: 36,
        label: {
          show: total > 0 && users / total >= 0.06,
          formatter: () => `${Math.round((100 * users) / total)}%`,
          color: '#fff',
        },
        data: [users],
      };
    }),
  };
}

/**
 * The score week by week: its mean as a line; for a health score the users per band stacked as
 * bars on a second axis; one user's own score as a dashed line when asked for.
 */
export function scoreHistoryOption(
  points: readonly ScoreHistoryPoint[],
  type: 'health' | 'behavioural',
): ChartOption {
  const weeks = points.map((p) => p.asOf);
  const health = type === 'health';
  const own = points.some((p) => p.user !== null);
  const bandSeries = health
    ? BANDS.map((band) => ({
        type: 'bar',
        name: band,
        stack: 'bands',
        yAxisIndex: 1,
        color: BAND_COLORS[band],
        barMaxWidth: 28,
        itemStyle: { opacity: 0.55 },
        tooltip: { valueFormatter: tooltipValue('count') },
        data: points.map((p) => p.bands?.find((b) => b.band === band)?.users ?? null),
      }))
    : [];
  return {
    grid: { ...axisGrid, right: health ? 64 : 24, top: 40 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('value') },
    legend: { top: 0 },
    xAxis: { type: 'category', data: weeks },
    yAxis: [
      {
        type: 'value',
        name: 'mean score',
        axisLabel: axisLabel('value'),
        ...(health ? { min: 0, max: 100 } : {}),
      },
      ...(health
        ? [
            {
              type: 'value',
              name: 'users',
              axisLabel: axisLabel('count'),
              splitLine: { show: false },
            },
          ]
        : []),
    ],
    series: [
      ...bandSeries,
      {
        type: 'line',
        name: 'mean score',
        color: colorOf(0),
        symbolSize: 6,
        z: 3,
        data: points.map((p) => p.mean),
      },
      ...(own
        ? [
            {
              type: 'line',
              name: 'this user',
              color: colorOf(4),
              lineStyle: { type: 'dashed' },
              symbolSize: 5,
              z: 3,
              data: points.map((p) => p.user),
            },
          ]
        : []),
    ],
  };
}
