import type { SessionsResult } from '../../../../../shared/specs/sessions';
import {
  axisGrid,
  axisLabel,
  colorOf,
  durationBuckets,
  tooltipValue,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';

/** Sessions per period (bars) with their median duration (line, right axis). */
export function sessionsOption(r: SessionsResult): ChartOption {
  return {
    grid: { ...axisGrid, right: 56, top: 40 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: r.periods.map((p) => p.period) },
    yAxis: [
      {
        type: 'value',
        name: 'sessions',
        nameTextStyle: { align: 'left' },
        axisLabel: axisLabel('count'),
      },
      {
        type: 'value',
        name: 'median duration',
        nameTextStyle: { align: 'right' },
        splitLine: { show: false },
        axisLabel: axisLabel('duration'),
      },
    ],
    series: [
      {
        type: 'bar',
        name: 'sessions',
        color: colorOf(0),
        tooltip: { valueFormatter: tooltipValue('count') },
        data: r.periods.map((p): Clickable => ({
          value: p.sessions,
          // A bar's users: who had a session starting in that period.
          selection: { kind: 'sessions', period: p.period, measure: 'sessions' },
          ...(p.incomplete ? { itemStyle: { opacity: 0.4 } } : {}),
        })),
      },
      {
        type: 'line',
        name: 'median duration',
        yAxisIndex: 1,
        tooltip: { valueFormatter: tooltipValue('duration') },
        color: colorOf(2),
        data: r.periods.map((p) => p.medianDuration),
      },
    ],
  };
}

/** How long sessions last: the engine's duration buckets. */
export function sessionsDurationOption(r: SessionsResult): ChartOption {
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('count') },
    title: { text: 'Session duration', textStyle: { fontSize: 12 } },
    xAxis: { type: 'category', data: durationBuckets(r.durationEdges) },
    yAxis: { type: 'value', axisLabel: axisLabel('count') },
    series: [{ type: 'bar', name: 'sessions', color: colorOf(1), data: r.durationHistogram }],
  };
}
