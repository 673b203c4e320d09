import { formatCount, formatPercent, truncateLabel } from '../../../../../shared/format';
import type { FunnelPeriod, FunnelResult } from '../../../../../shared/specs/funnel';
import {
  axisGrid,
  axisLabel,
  colorOf,
  durationBuckets,
  escapeHtml,
  tooltipValue,
  type AxisTooltipItem,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';

/** Breakdown values a funnel chart draws at most: more bars than this cannot be told apart. */
export const FUNNEL_CHART_GROUPS = 8;

/** The funnel groups the chart draws: the largest at step 1, at most FUNNEL_CHART_GROUPS. */
export function funnelChartGroups(r: FunnelResult): FunnelResult['groups'] {
  if (r.groups.length <= FUNNEL_CHART_GROUPS) return r.groups;
  return [...r.groups]
    .sort((x, y) => (y.steps[0]?.count ?? 0) - (x.steps[0]?.count ?? 0))
    .slice(0, FUNNEL_CHART_GROUPS);
}

export function funnelOption(r: FunnelResult): ChartOption {
  const labels = r.groups[0]?.steps.map((s, i) => `${i + 1}. ${s.label}`) ?? [];
  const groups = funnelChartGroups(r);
  const grouped = r.groups.length > 1;
  const groupName = (g: FunnelResult['groups'][number]): string =>
    grouped ? (g.breakdown ?? '') : r.countBy;
  // Percentages over every bar only while there is room for them; the tooltip always has them.
  const labelled = groups.length <= 3;
  const note =
    r.groups.length > groups.length
      ? `The ${groups.length} largest of ${r.groups.length} values at step 1; all are in the grid`
      : '';
  return {
    grid: { ...axisGrid, top: 52, bottom: note === '' ? 32 : 52 },
    ...(note === ''
      ? {}
      : {
          title: {
            text: note,
            left: 'center',
            bottom: 0,
            textStyle: { fontSize: 11, fontWeight: 'normal', color: '#8a8fa3' },
          },
        }),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      // One line per group: its count, its conversion from step 1 and who dropped at the step.
      formatter: (items: AxisTooltipItem[]) => {
        const step = items[0]?.dataIndex ?? 0;
        const lines = items
          .filter((it) => it.seriesIndex % 2 === 0)
          .map((it) => {
            const g = groups[it.seriesIndex / 2];
            const s = g?.steps[step];
            if (g === undefined || s === undefined) return '';
            const dropped = step === 0 ? '' : ` · ${formatCount(s.dropped)} dropped`;
            // With compare: the same step of the same group over the range before.
            const b = r.previous?.groups.find((x) => x.breakdown === g.breakdown)?.steps[step];
            const before =
              b === undefined
                ? ''
                : ` · range before ${formatCount(b.count)} (${formatPercent(b.fromFirst)})`;
            return `${it.marker ?? ''}${escapeHtml(truncateLabel(groupName(g), 40))}: <b>${formatCount(s.count)}</b> (${formatPercent(s.fromFirst)})${dropped}${before}`;
          });
        return [`<b>${escapeHtml(labels[step] ?? '')}</b>`, ...lines].join('<br/>');
      },
    },
    legend: {
      top: 0,
      type: 'scroll',
      // Converted and dropped of a group share its name: one legend entry shows or hides both.
      data: grouped ? groups.map(groupName) : ['converted', 'dropped'],
      formatter: (name: string) => truncateLabel(name, 24),
      tooltip: { show: true },
    },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { interval: 0, overflow: 'truncate', width: 140 },
    },
    yAxis: { type: 'value', name: r.countBy, axisLabel: axisLabel('count') },
    series: groups.flatMap((g, gi) => {
      const name = groupName(g);
      const converted = {
        type: 'bar',
        name: grouped ? name : 'converted',
        stack: `g${gi}`,
        color: colorOf(gi),
        label: {
          show: labelled,
          position: 'top',
          formatter: (p: { dataIndex: number }) => formatPercent(g.steps[p.dataIndex]?.fromFirst),
        },
        data: g.steps.map((s, i): Clickable => ({
          value: s.count,
          selection: {
            kind: 'funnel',
            step: i + 1,
            outcome: 'converted',
            ...(g.breakdown === undefined ? {} : { breakdown: g.breakdown }),
          },
        })),
      };
      const dropped = {
        type: 'bar',
        name: grouped ? name : 'dropped',
        stack: `g${gi}`,
        color: colorOf(gi),
        itemStyle: { opacity: 0.22 },
        data: g.steps.map((s, i): Clickable => ({
          value: i === 0 ? 0 : s.dropped,
          ...(i === 0
            ? {}
            : {
                selection: {
                  kind: 'funnel',
                  step: i + 1,
                  outcome: 'dropped',
                  ...(g.breakdown === undefined ? {} : { breakdown: g.breakdown }),
                },
              }),
        })),
      };
      return [converted, dropped];
    }),
  };
}

/**
 * Time to convert from the first step to the last, as a histogram of the engine's buckets: of
 * the whole funnel, or with a breakdown of its largest group (named in the title).
 */
export function funnelTimeOption(r: FunnelResult): ChartOption {
  const group = funnelChartGroups(r)[0];
  const last = group?.steps.at(-1);
  const of = r.groups.length > 1 ? ` · ${truncateLabel(group?.breakdown ?? '', 24)}` : '';
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue('count') },
    title: { text: `Time to convert (first to last step)${of}`, textStyle: { fontSize: 12 } },
    xAxis: { type: 'category', data: durationBuckets(r.histogramEdges) },
    yAxis: { type: 'value', axisLabel: axisLabel('count') },
    series: [
      {
        type: 'bar',
        name: r.countBy,
        color: colorOf(0),
        data: last?.fromFirstTime.histogram ?? [],
      },
    ],
  };
}

/**
 * Conversion over time: each entry period's rate, one line per breakdown group the funnel chart
 * draws (or one for the whole funnel), the range before dashed when compared. A point opens the
 * users who completed the funnel from an attempt of that period.
 */
export function funnelOverTimeOption(r: FunnelResult): ChartOption {
  const grouped = r.groups.some((g) => g.overTime !== undefined);
  const lines = grouped
    ? funnelChartGroups(r).map((g) => ({
        name: g.breakdown ?? '',
        breakdown: g.breakdown,
        points: g.overTime ?? [],
        before: r.previous?.groups.find((p) => p.breakdown === g.breakdown)?.overTime,
      }))
    : [
        {
          name: 'conversion',
          breakdown: undefined,
          points: r.overTime,
          before: r.previous?.overTime,
        },
      ];
  const steps = r.groups[0]?.steps ?? [];
  // Completing the funnel: reaching its last required step.
  const last = steps.length - [...steps].reverse().findIndex((s) => !s.optional);
  const periods = (lines[0]?.points ?? r.overTime).map((p) => p.period);
  const series = lines.flatMap((line, i) => [
    {
      type: 'line',
      name: line.name,
      color: colorOf(i),
      data: line.points.map((p): Clickable => ({
        value: p.rate,
        selection: {
          kind: 'funnel',
          step: last,
          outcome: 'converted',
          period: p.period,
          ...(line.breakdown === undefined ? {} : { breakdown: line.breakdown }),
        },
        ...(p.incomplete ? { itemStyle: { opacity: 0.4 } } : {}),
      })),
    },
    ...(line.before === undefined
      ? []
      : [
          {
            type: 'line',
            name: grouped ? `${line.name} (range before)` : 'range before',
            color: colorOf(i),
            lineStyle: { type: 'dashed', opacity: 0.6 },
            data: line.before.map((p): Clickable => ({
              value: p.rate,
              selection: {
                kind: 'funnel',
                step: last,
                outcome: 'converted',
                period: p.period,
                range: 'previous',
                ...(line.breakdown === undefined ? {} : { breakdown: line.breakdown }),
              },
            })),
          },
        ]),
  ]);
  const pointsOf = (seriesIndex: number): FunnelPeriod[] | undefined => {
    let k = 0;
    for (const line of lines) {
      if (k === seriesIndex) return line.points;
      k++;
      if (line.before !== undefined) {
        if (k === seriesIndex) return line.before;
        k++;
      }
    }
    return undefined;
  };
  return {
    grid: axisGrid,
    tooltip: {
      trigger: 'axis',
      // Each line's rate with what it is made of: completed of entered.
      formatter: (items: AxisTooltipItem[]) => {
        const at = items[0]?.dataIndex ?? 0;
        const rows = items.map((it) => {
          const p = pointsOf(it.seriesIndex)?.[at];
          const name = series[it.seriesIndex]?.name ?? '';
          if (p === undefined) return '';
          return `${it.marker ?? ''}${escapeHtml(truncateLabel(name, 40))} ${escapeHtml(p.period)}${p.incomplete ? ' (incomplete)' : ''}: <b>${formatPercent(p.rate)}</b>, ${formatCount(p.completed)} of ${formatCount(p.entered)}`;
        });
        return [`<b>${escapeHtml(periods[at] ?? '')}</b>`, ...rows].join('<br/>');
      },
    },
    title: { text: 'Conversion over time (by entry period)', textStyle: { fontSize: 12 } },
    ...(series.length > 1
      ? {
          legend: {
            top: 0,
            right: 0,
            type: 'scroll',
            formatter: (n: string) => truncateLabel(n, 24),
          },
        }
      : {}),
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', min: 0, axisLabel: axisLabel('percent') },
    series,
  };
}
