import type { AnalysisResult } from '../../../shared/specs/analysis-spec';
import type { FunnelResult } from '../../../shared/specs/funnel';
import type { LifecycleResult } from '../../../shared/specs/lifecycle';
import type { PathsResult } from '../../../shared/specs/paths';
import type { RetentionResult } from '../../../shared/specs/retention';
import type { SessionsResult } from '../../../shared/specs/sessions';
import type { StickinessResult } from '../../../shared/specs/stickiness';
import type { TrendsResult } from '../../../shared/specs/trends';
import type { UserSelection } from '../../../shared/specs/users-behind';

/** Series colours, shared by the chart and the grid's legend dots. */
export const PALETTE = [
  '#5b6cff',
  '#22a39f',
  '#f59e0b',
  '#e8467c',
  '#8b5cf6',
  '#10b981',
  '#ef6c2c',
  '#3b82f6',
  '#a3a3a3',
  '#d946ef',
];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length] ?? '#5b6cff';

/** A data point that opens the users behind it when clicked. */
export interface Clickable {
  value: number | null | [number, number, number | null];
  selection?: UserSelection;
  [key: string]: unknown;
}

export type ChartOption = Record<string, unknown>;

const percent = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`;

const axisGrid = { left: 56, right: 24, top: 36, bottom: 32, containLabel: false };

/** The main chart of a result, as ECharts options: a pure function of the result. */
export function chartOption(result: AnalysisResult): ChartOption {
  switch (result.kind) {
    case 'trends':
      return trendsOption(result);
    case 'funnel':
      return funnelOption(result);
    case 'retention':
      return retentionOption(result);
    case 'lifecycle':
      return lifecycleOption(result);
    case 'stickiness':
      return stickinessOption(result);
    case 'paths':
      return pathsOption(result);
    case 'sessions':
      return sessionsOption(result);
    default:
      return {};
  }
}

export function trendsOption(r: TrendsResult): ChartOption {
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: r.periods, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value' },
    series: r.series.map((s, i) => ({
      type: 'line',
      name: s.breakdown === undefined ? s.label : `${s.label} · ${s.breakdown}`,
      color: colorOf(i),
      showSymbol: r.periods.length <= 60,
      data: s.values.map((value, p): Clickable => ({
        value,
        selection: {
          kind: 'trends',
          series: s.series,
          period: r.periods[p] ?? '',
          ...(s.breakdown === undefined ? {} : { breakdown: s.breakdown }),
        },
        // Periods still running are drawn hollow: their numbers will grow.
        ...(r.incomplete[p] === true ? { itemStyle: { opacity: 0.4 } } : {}),
      })),
    })),
  };
}

export function funnelOption(r: FunnelResult): ChartOption {
  const labels = r.groups[0]?.steps.map((s, i) => `${i + 1}. ${s.label}`) ?? [];
  const grouped = r.groups.length > 1;
  return {
    grid: { ...axisGrid, top: 44 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, type: 'scroll' },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { interval: 0, overflow: 'truncate', width: 140 },
    },
    yAxis: { type: 'value', name: r.countBy },
    series: r.groups.flatMap((g, gi) => {
      const name = grouped ? (g.breakdown ?? '') : r.countBy;
      const converted = {
        type: 'bar',
        name: grouped ? name : 'converted',
        stack: `g${gi}`,
        color: colorOf(gi),
        label: {
          show: true,
          position: 'top',
          formatter: (p: { dataIndex: number }) => percent(g.steps[p.dataIndex]?.fromFirst),
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
        name: grouped ? `${name} dropped` : 'dropped',
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

/** Time to convert from the first step to the last, as a histogram of the engine's buckets. */
export function funnelTimeOption(r: FunnelResult): ChartOption {
  const last = r.groups[0]?.steps.at(-1);
  const edges = r.histogramEdges;
  const label = (s: number): string =>
    s < 60 ? `${s}s` : s < 3600 ? `${s / 60}m` : s < 86_400 ? `${s / 3600}h` : `${s / 86_400}d`;
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis' },
    title: { text: 'Time to convert (first to last step)', textStyle: { fontSize: 12 } },
    xAxis: {
      type: 'category',
      data: edges.map((e, i) =>
        i + 1 < edges.length ? `${label(e)}–${label(edges[i + 1] ?? e)}` : `≥ ${label(e)}`,
      ),
    },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', color: colorOf(0), data: last?.fromFirstTime.histogram ?? [] }],
  };
}

export function funnelOverTimeOption(r: FunnelResult): ChartOption {
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis' },
    title: { text: 'Conversion over time (by entry period)', textStyle: { fontSize: 12 } },
    xAxis: { type: 'category', data: r.overTime.map((p) => p.period) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [
      {
        type: 'line',
        color: colorOf(0),
        data: r.overTime.map((p) => ({
          value: p.rate,
          ...(p.incomplete ? { itemStyle: { opacity: 0.4 } } : {}),
        })),
      },
    ],
  };
}

export function retentionOption(r: RetentionResult): ChartOption {
  const group = r.groups[0];
  const cohorts = group?.cohorts ?? [];
  const users = r.measure === 'users';
  const cells: Clickable[] = [];
  cohorts.forEach((c, y) => {
    r.columns.forEach((_, x) => {
      if (c.incomplete[x] === true) return;
      const value = users ? (c.percentages[x] ?? null) : (c.values[x] ?? null);
      cells.push({
        value: [x, y, value],
        selection: {
          kind: 'retention',
          cohort: c.cohort,
          column: x,
          ...(group?.breakdown === undefined ? {} : { breakdown: group.breakdown }),
        },
      });
    });
  });
  const max = users
    ? 1
    : Math.max(1, ...cells.map((c) => (Array.isArray(c.value) ? (c.value[2] ?? 0) : 0)));
  return {
    grid: { left: 110, right: 24, top: 12, bottom: 56 },
    tooltip: { position: 'top' },
    xAxis: {
      type: 'category',
      data: r.columns.map((c) => `${r.period} ${c}`),
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: cohorts.map((c) => `${c.cohort} (${c.size})`),
    },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ['#eef0ff', '#5b6cff', '#2b3299'] },
      show: false,
    },
    series: [
      {
        type: 'heatmap',
        data: cells,
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { value: [number, number, number | null] }) =>
            users ? percent(p.value[2]) : String(Math.round((p.value[2] ?? 0) * 100) / 100),
        },
      },
    ],
  };
}

/** The retention curve: the mean row, then each cohort thinly. */
export function retentionCurveOption(r: RetentionResult): ChartOption {
  const group = r.groups[0];
  const users = r.measure === 'users';
  const row = (values: (number | null)[], pct: (number | null)[]) => (users ? pct : values);
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: r.columns },
    yAxis: {
      type: 'value',
      ...(users
        ? { max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } }
        : {}),
    },
    series: [
      {
        type: 'line',
        name: 'mean',
        color: colorOf(0),
        lineStyle: { width: 3 },
        data: group === undefined ? [] : row(group.mean.values, group.mean.percentages),
      },
      ...(group?.cohorts ?? []).slice(0, 12).map((c, i) => ({
        type: 'line',
        name: c.cohort,
        color: colorOf(i + 1),
        lineStyle: { width: 1, opacity: 0.6 },
        showSymbol: false,
        data: row(c.values, c.percentages),
      })),
    ],
  };
}

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
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    xAxis: { type: 'category', data: r.periods },
    yAxis: { type: 'value' },
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

export function stickinessOption(r: StickinessResult): ChartOption {
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      name: `${r.unit}s per ${r.per}`,
      nameLocation: 'middle',
      nameGap: 24,
      data: r.buckets.map((b) => `${r.cumulative ? '≥ ' : ''}${b}`),
    },
    yAxis: { type: 'value', name: 'users' },
    series: [
      {
        type: 'bar',
        color: colorOf(0),
        data: r.users.map((value, i): Clickable => ({
          value,
          selection: { kind: 'stickiness', bucket: r.buckets[i] ?? 1 },
        })),
      },
    ],
  };
}

export function pathsOption(r: PathsResult): ChartOption {
  return {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 190,
        top: 8,
        bottom: 8,
        nodeGap: 10,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { fontSize: 11 },
        // One colour per event at every step, so a path can be followed by eye.
        data: r.nodes.map((n) => ({
          name: n.id,
          itemStyle: { color: n.event === '(other)' ? '#a3a3a3' : colorOf(eventIndex(r, n.event)) },
          value: n.users,
          label: { formatter: `${n.event} (${n.users})` },
          selection: { kind: 'paths', step: n.step, event: n.event },
        })),
        links: r.links.map((l) => ({ source: l.source, target: l.target, value: l.users })),
      },
    ],
  };
}

function eventIndex(r: PathsResult, event: string): number {
  const names = [...new Set(r.nodes.map((n) => n.event))].filter((e) => e !== '(other)');
  return names.indexOf(event);
}

/** Sessions per period (bars) with their median duration in seconds (line, right axis). */
export function sessionsOption(r: SessionsResult): ChartOption {
  return {
    grid: { ...axisGrid, right: 56, top: 40 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: r.periods.map((p) => p.period) },
    yAxis: [
      { type: 'value', name: 'sessions' },
      { type: 'value', name: 'median s', splitLine: { show: false } },
    ],
    series: [
      {
        type: 'bar',
        name: 'sessions',
        color: colorOf(0),
        data: r.periods.map((p) => ({
          value: p.sessions,
          ...(p.incomplete ? { itemStyle: { opacity: 0.4 } } : {}),
        })),
      },
      {
        type: 'line',
        name: 'median duration (s)',
        yAxisIndex: 1,
        color: colorOf(2),
        data: r.periods.map((p) => p.medianDuration),
      },
    ],
  };
}

/** How long sessions last: the engine's duration buckets. */
export function sessionsDurationOption(r: SessionsResult): ChartOption {
  const label = (s: number): string =>
    s < 60 ? `${s}s` : s < 3600 ? `${s / 60}m` : `${s / 3600}h`;
  return {
    grid: axisGrid,
    tooltip: { trigger: 'axis' },
    title: { text: 'Session duration', textStyle: { fontSize: 12 } },
    xAxis: {
      type: 'category',
      data: r.durationEdges.map((e, i) =>
        i + 1 < r.durationEdges.length
          ? `${label(e)}–${label(r.durationEdges[i + 1] ?? e)}`
          : `≥ ${label(e)}`,
      ),
    },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', color: colorOf(1), data: r.durationHistogram }],
  };
}

/**
 * The numbers a chart draws, series by series, as a table: what screen readers read instead of
 * the canvas (and what tests compare with the engine's answer).
 */
export function chartData(option: ChartOption): { series: string; values: (number | null)[] }[] {
  const series = Array.isArray(option.series) ? (option.series as Record<string, unknown>[]) : [];
  const valueOf = (d: unknown): number | null => {
    const v =
      typeof d === 'object' && d !== null && 'value' in d ? (d as { value: unknown }).value : d;
    const n = Array.isArray(v) ? v[2] : v;
    return typeof n === 'number' ? n : null;
  };
  return series.flatMap((s, i) => {
    const name = typeof s.name === 'string' ? s.name : `series ${i + 1}`;
    const rows = [{ series: name, values: (Array.isArray(s.data) ? s.data : []).map(valueOf) }];
    if (Array.isArray(s.links))
      rows.push({ series: `${name} links`, values: s.links.map(valueOf) });
    return rows;
  });
}
