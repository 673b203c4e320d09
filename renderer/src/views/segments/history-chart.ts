import type { SegmentHistoryPoint } from '../../../../shared/api/segment-types';
import {
  AXIS_FORMAT,
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
  const { bottom: _, ...sides } = axisGrid;
  // Two panes on one time axis: the size above, the movement below (its own scale: a week's
  // entered and left are a fraction of the members, and would be flat bars on their axis).
  return {
    grid: [
      { ...sides, top: 36, height: '42%' },
      { ...sides, top: '64%', bottom: 28 },
    ],
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('count') },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    legend: { top: 0 },
    xAxis: [
      { type: 'category', data: periods, gridIndex: 0, axisLabel: { show: false } },
      { type: 'category', data: periods, gridIndex: 1 },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, name: 'members', axisLabel: axisLabel('count') },
      {
        type: 'value',
        gridIndex: 1,
        name: 'entered / left',
        splitNumber: 2,
        // Who left is drawn below zero, and counted as a number of users.
        axisLabel: { formatter: (v: number) => AXIS_FORMAT.count(Math.abs(v)) },
      },
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
        xAxisIndex: 1,
        yAxisIndex: 1,
        stack: 'moved',
        color: colorOf(1),
        barMaxWidth: 18,
        data: points.map((p) => p.entered),
      },
      {
        type: 'bar',
        name: 'left',
        xAxisIndex: 1,
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
