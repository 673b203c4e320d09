import type { LifecycleResult } from '../../../../../shared/specs/lifecycle';
import {
  axisGrid,
  axisLabel,
  tooltipValue,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';

export function lifecycleOption(r: LifecycleResult): ChartOption {
  const statuses = ['new', 'returning', 'resurrecting', 'dormant'] as const;
  const colors = {
    new: '#22a39f',
    returning: '#5b6cff',
    resurrecting: '#f59e0b',
    dormant: '#e8467c',
  };
  return {
    grid: { ...axisGrid, top: 40 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: tooltipValue('count'),
    },
    legend: { top: 0 },
    xAxis: { type: 'category', data: r.periods },
    yAxis: { type: 'value', axisLabel: axisLabel('count') },
    series: statuses.map((status) => ({
      type: 'bar',
      name: status,
      stack: status === 'dormant' ? 'lost' : 'active',
      color: colors[status],
      data: r[status].map((value, p): Clickable => ({
        value,
        selection: { kind: 'lifecycle', period: r.periods[p] ?? '', status },
        ...(r.incomplete[p] === true ? { itemStyle: { opacity: 0.45 } } : {}),
      })),
    })),
  };
}
