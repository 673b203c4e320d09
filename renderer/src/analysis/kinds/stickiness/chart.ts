import { formatCount } from '../../../../../shared/format';
import {
  stickinessBucketWords,
  stickinessPerWords,
  type StickinessResult,
} from '../../../../../shared/specs/stickiness';
import {
  axisGrid,
  axisLabel,
  colorOf,
  type AxisTooltipItem,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';

export function stickinessOption(r: StickinessResult): ChartOption {
  return {
    grid: axisGrid,
    tooltip: {
      trigger: 'axis',
      // '4 days per week: 2,379 users', not a bare '4'. Over several periods a user counts once
      // in each, so the different users are said too; cut or unfinished periods are named.
      formatter: (items: AxisTooltipItem[]) => {
        const i = items[0]?.dataIndex ?? 0;
        const k = r.buckets[i] ?? 1;
        const many = r.periods.length > 1;
        const cut = r.periods.filter((p) => p.incomplete).length;
        const different = many
          ? ` (once per period; ${formatCount(r.distinctUsers[i] ?? null)} different users)`
          : '';
        const incomplete =
          cut === 0
            ? ''
            : `<br/>${many ? `${cut} of ${r.periods.length} periods` : 'The range'} incomplete: cut by the range or not over`;
        return `${stickinessBucketWords(r, k)} ${stickinessPerWords(r)}<br/>${items[0]?.marker ?? ''}<b>${formatCount(r.users[i] ?? null)}</b> users${different}${incomplete}`;
      },
    },
    xAxis: {
      type: 'category',
      name: `${r.unit}s ${stickinessPerWords(r)}`,
      nameLocation: 'middle',
      nameGap: 24,
      data: r.buckets.map((b) => `${r.cumulative ? '≥ ' : ''}${b}`),
    },
    yAxis: { type: 'value', name: 'users', axisLabel: axisLabel('count') },
    series: [
      {
        type: 'bar',
        name: 'users',
        color: colorOf(0),
        data: r.users.map((value, i): Clickable => ({
          value,
          selection: { kind: 'stickiness', bucket: r.buckets[i] ?? 1 },
        })),
      },
    ],
  };
}
