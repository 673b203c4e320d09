import type { SegmentHistoryPoint } from '../../../../shared/api/segment-types';
import {
  axisGrid,
  axisLabel,
  colorOf,
  tooltipValue,
  type ChartOption,
} from '../../analysis/chart-parts';

/**
 * A dynamic segment's size over time: members at each point as a line, and the users who
 * entered (up) and left (down) since the point before as bars. The first point has no
 * previous one, so no bars.
 */
export function historyOption(points: readonly SegmentHistoryPoint[]): ChartOption {
  const periods = points.map((p) => p.period);
  return {
    grid: { ...axisGrid, top: 40, right: 56 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('count') },
    legend: { top: 0 },
    xAxis: { type: 'category', data: periods },
    yAxis: [
      { type: 'value', name: 'members', axisLabel: axisLabel('count') },
      { type: 'value', name: 'moved', axisLabel: axisLabel('count'), splitLine: { show: false } },
    ],
    series: [
      {
        type: 'line',
        name: 'members',
        color: colorOf(0),
        symbolSize: 6,
        data: points.map((p) => p.members),
      },
      {
        type: 'bar',
        name: 'entered',
        yAxisIndex: 1,
        stack: 'moved',
        color: colorOf(1),
        barMaxWidth: 18,
        data: points.map((p) => p.entered),
      },
      {
        type: 'bar',
        name: 'left',
        yAxisIndex: 1,
        stack: 'moved',
        color: colorOf(3),
        barMaxWidth: 18,
        // Drawn below the axis; the tooltip reads the number of users who left, not its sign.
        data: points.map((p) => (p.left === null ? null : -p.left)),
        tooltip: {
          valueFormatter: (v: unknown) => tooltipValue('count')(typeof v === 'number' ? -v : v),
        },
      },
    ],
  };
}
