import type { BacktestDay } from '../../../../../shared/specs/trigger';
import { CAME_BACK_DAYS } from '../../../../../shared/specs/trigger';
import { axisGrid, axisLabel, tooltipValue, type ChartOption } from '../../../analysis/chart-parts';

/** What happened after the fires, in the order they are stacked, with their colours. */
export const OUTCOMES = [
  { key: 'cameBack', name: `came back within ${CAME_BACK_DAYS} days`, color: '#10b981' },
  { key: 'churned', name: 'churned', color: '#e8467c' },
  { key: 'unknown', name: 'not known yet', color: '#a3a3a3' },
] as const satisfies readonly { key: keyof BacktestDay; name: string; color: string }[];

/**
 * The backtest: fires per day of their fire time, each day's bar stacked as who came back on
 * their own, who churned and whose next 14 days are not all observed yet.
 */
export function backtestOption(days: readonly BacktestDay[]): ChartOption {
  return {
    grid: { ...axisGrid, top: 40 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('count') },
    legend: { top: 0 },
    xAxis: { type: 'category', data: days.map((d) => d.day) },
    yAxis: { type: 'value', name: 'fires', axisLabel: axisLabel('count'), minInterval: 1 },
    series: OUTCOMES.map((o) => ({
      type: 'bar',
      name: o.name,
      stack: 'fires',
      color: o.color,
      barMaxWidth: 18,
      data: days.map((d) => d[o.key]),
    })),
  };
}
