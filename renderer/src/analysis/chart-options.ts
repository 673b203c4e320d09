import {
  formatCompact,
  formatCount,
  formatDuration,
  formatPercent,
  formatValue,
  MEASURE_KINDS,
  retentionColumnHeader,
  truncateLabel,
  type ColumnKind,
} from '../../../shared/format';
import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { FunnelPeriod, FunnelResult } from '../../../shared/specs/funnel';
import type { LifecycleResult } from '../../../shared/specs/lifecycle';
import type { PathsResult } from '../../../shared/specs/paths';
import type { RetentionResult } from '../../../shared/specs/retention';
import type { SessionsResult } from '../../../shared/specs/sessions';
import {
  stickinessBucketWords,
  stickinessPerWords,
  type StickinessResult,
} from '../../../shared/specs/stickiness';
import type {
  TrendMeasure,
  TrendsLine,
  TrendsResult,
  TrendsSpec,
} from '../../../shared/specs/trends';
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

const axisGrid = { left: 56, right: 24, top: 36, bottom: 32, containLabel: false };

/** How a value of a kind reads in a tooltip: in full (counts grouped, shares as percentages). */
const TOOLTIP_FORMAT: Record<ColumnKind, (v: number | null) => string> = {
  count: formatCount,
  percent: (v) => formatPercent(v),
  duration: formatDuration,
  value: formatValue,
  date: formatValue,
  text: formatValue,
};

/** How a value of a kind reads on an axis: short (800, 1.5K, 1.2M), shares as percentages. */
const AXIS_FORMAT: Record<ColumnKind, (v: number) => string> = {
  count: (v) => (Math.abs(v) >= 1_000 ? formatCompact(v) : formatCount(v)),
  percent: (v) => formatPercent(v, { trim: true }),
  duration: formatDuration,
  value: (v) => (Math.abs(v) >= 1_000 ? formatCompact(v) : formatValue(v)),
  date: formatValue,
  text: formatValue,
};

/** ECharts' tooltip value formatter for a kind (it passes the raw value, maybe an array). */
const tooltipValue =
  (kind: ColumnKind) =>
  (v: unknown): string =>
    TOOLTIP_FORMAT[kind](typeof v === 'number' ? v : null);

const axisLabel = (kind: ColumnKind) => ({ formatter: (v: number) => AXIS_FORMAT[kind](v) });

/** The main chart of a result, as ECharts options: a pure function of the result. */
export function chartOption(
  result: AnalysisResult,
  spec?: AnalysisSpec | null,
  options: { group?: number } = {},
): ChartOption {
  switch (result.kind) {
    case 'trends':
      return trendsOption(result, spec?.kind === 'trends' ? spec : undefined);
    case 'funnel':
      return funnelOption(result);
    case 'retention':
      return retentionOption(result, options.group ?? 0);
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

/** What a trend measure counts, as an axis names it. */
function measureUnit(measure: TrendMeasure | undefined, property: string | undefined): string {
  if (measure === undefined) return '';
  if (property !== undefined) return property;
  if (measure === 'total') return 'events';
  if (measure === 'perUser') return 'events per user';
  if (measure === 'stickiness') return 'DAU/MAU';
  return 'users';
}

/**
 * The y-axes of a trends chart: one per unit the series measure in (counts of users and events
 * share one; a property's values, events per user and DAU/MAU each have their own), so a revenue
 * sum does not flatten a user count. Two axes at most: the first unit on the left, every other
 * on the right. Without the spec every series is on one axis.
 */
export function trendsAxes(
  r: TrendsResult,
  spec?: TrendsSpec,
): { axes: { kind: ColumnKind; name: string }[]; axisOf: number[] } {
  const units: { key: string; kind: ColumnKind; names: string[] }[] = [];
  const axisOf = r.series.map((s) => {
    const def = spec?.series[s.series];
    const kind = def === undefined ? 'value' : MEASURE_KINDS[def.measure];
    const key = def === undefined ? '' : def.property !== undefined ? `p:${def.property}` : kind;
    const name = measureUnit(def?.measure, def?.property);
    let index = units.findIndex((u) => u.key === key);
    if (index < 0) {
      units.push({ key, kind, names: [] });
      index = units.length - 1;
    }
    const unit = units[index];
    if (unit !== undefined && !unit.names.includes(name)) unit.names.push(name);
    return Math.min(index, 1);
  });
  const left = units[0];
  const right = units.slice(1);
  const axes = [
    { kind: left?.kind ?? 'value', name: left?.names.join(' / ') ?? '' },
    ...(right.length === 0
      ? []
      : [
          {
            // Several units on the right share its scale: the first one's format.
            kind: right[0]?.kind ?? 'value',
            name: right.flatMap((u) => u.names).join(' / '),
          },
        ]),
  ];
  return { axes, axisOf };
}

export function trendsOption(r: TrendsResult, spec?: TrendsSpec): ChartOption {
  const chart = spec?.display.chart ?? 'line';
  if (chart === 'table') {
    return {
      title: {
        text: 'Shown as a table: the numbers are in the grid below',
        left: 'center',
        top: 'middle',
        textStyle: { fontSize: 12, fontWeight: 'normal', color: '#8a8fa3' },
      },
      series: [],
    };
  }
  // With formulas the chart draws them, not the series they combine (PostHog's formula mode);
  // the grid has both. A formula's numbers have a unit of their own: one axis for them.
  const formulas = r.formulas ?? [];
  const byFormula = formulas.length > 0;
  const drawn = byFormula ? formulas : r.series;
  const before = byFormula ? (r.compare?.formulas ?? []) : (r.compare?.series ?? []);
  const { axes, axisOf } = byFormula
    ? { axes: [{ kind: 'value' as ColumnKind, name: '' }], axisOf: formulas.map(() => 0) }
    : trendsAxes(r, spec);
  const twoAxes = axes.length > 1;
  const nameOf = (s: TrendsLine): string =>
    s.breakdown === undefined ? s.label : `${s.label} · ${s.breakdown}`;
  // A line of the range compared with is dashed, in the colour of the line it is compared with.
  const line = (s: TrendsLine, i: number, previous: boolean) => {
    const axis = axisOf[i] ?? 0;
    const kind = axes[axis]?.kind ?? 'value';
    const measure = byFormula ? undefined : spec?.series[s.series]?.measure;
    const periods = previous ? (r.compare?.periods ?? []) : r.periods;
    const incomplete = previous ? (r.compare?.incomplete ?? []) : r.incomplete;
    return {
      type: chart === 'bar' ? 'bar' : 'line',
      name: previous ? `${nameOf(s)} (previous period)` : nameOf(s),
      color: colorOf(i),
      yAxisIndex: axis,
      showSymbol: r.periods.length <= 60,
      ...(chart === 'area' ? { areaStyle: { opacity: previous ? 0.06 : 0.18 } } : {}),
      ...(previous ? { lineStyle: { type: 'dashed' }, itemStyle: { opacity: 0.55 } } : {}),
      tooltip: {
        valueFormatter: tooltipValue(measure === undefined ? kind : MEASURE_KINDS[measure]),
      },
      data: s.values.map((value, p): Clickable => ({
        value,
        // A formula's point has no users behind it: nothing to open.
        ...(byFormula
          ? {}
          : {
              selection: {
                kind: 'trends',
                series: s.series,
                period: periods[p] ?? '',
                ...(s.breakdown === undefined ? {} : { breakdown: s.breakdown }),
              },
            }),
        // Periods still running are drawn hollow: their numbers will grow.
        ...(incomplete[p] === true ? { itemStyle: { opacity: 0.4 } } : {}),
      })),
    };
  };
  return {
    grid: { ...axisGrid, top: 48, right: twoAxes ? 64 : 24 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll', formatter: (name: string) => truncateLabel(name, 48) },
    xAxis: { type: 'category', data: r.periods, axisLabel: { hideOverlap: true } },
    yAxis: axes.map((a, i) => ({
      type: 'value',
      name: a.name,
      nameTextStyle: { align: i === 0 ? 'left' : 'right' },
      axisLabel: axisLabel(a.kind),
      ...(a.kind === 'percent' ? { min: 0 } : {}),
      // The right axis draws no grid lines of its own: two sets of lines would not meet.
      ...(i > 0 ? { splitLine: { show: false } } : {}),
    })),
    series: [...drawn.map((s, i) => line(s, i, false)), ...before.map((s, i) => line(s, i, true))],
  };
}

/** Breakdown values a funnel chart draws at most: more bars than this cannot be told apart. */
export const FUNNEL_CHART_GROUPS = 8;

/** The funnel groups the chart draws: the largest at step 1, at most FUNNEL_CHART_GROUPS. */
export function funnelChartGroups(r: FunnelResult): FunnelResult['groups'] {
  if (r.groups.length <= FUNNEL_CHART_GROUPS) return r.groups;
  return [...r.groups]
    .sort((x, y) => (y.steps[0]?.count ?? 0) - (x.steps[0]?.count ?? 0))
    .slice(0, FUNNEL_CHART_GROUPS);
}

interface AxisTooltipItem {
  seriesIndex: number;
  dataIndex: number;
  marker?: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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

/** Histogram buckets as durations: '0s–10s', '5m–15m', '≥ 30d'. */
const durationBuckets = (edges: number[]): string[] =>
  edges.map((e, i) =>
    i + 1 < edges.length
      ? `${formatDuration(e)}–${formatDuration(edges[i + 1] ?? e)}`
      : `≥ ${formatDuration(e)}`,
  );

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

/** A heat-map cell's value in few characters: '1.2K', '283', '41.75'. */
const cellValue = (v: number | null): string =>
  v === null
    ? ''
    : Math.abs(v) >= 1_000
      ? formatCompact(v)
      : Math.abs(v) >= 100
        ? formatCount(Math.round(v))
        : formatValue(v);

const MEASURE_NAMES: Record<RetentionResult['measure'], string> = {
  users: 'users',
  sum: 'sum',
  avg: 'average per cohort user',
};

/**
 * The cohort grid of one breakdown group (the view picks it; the first without a breakdown):
 * retained shares for the users measure, the sum or average otherwise. Periods that have not
 * fully happened for a cohort show what was observed so far, faded.
 */
export function retentionOption(r: RetentionResult, groupIndex = 0): ChartOption {
  const group = r.groups[groupIndex] ?? r.groups[0];
  const cohorts = group?.cohorts ?? [];
  const users = r.measure === 'users';
  const cells: Clickable[] = [];
  cohorts.forEach((c, y) => {
    r.columns.forEach((_, x) => {
      const value = users ? (c.percentages[x] ?? null) : (c.values[x] ?? null);
      cells.push({
        value: [x, y, value],
        // A period not over yet shows what was observed so far, faded.
        ...(c.incomplete[x] === true ? { itemStyle: { opacity: 0.45 } } : {}),
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
  // The cells' colours are the same in both themes: dark text on light cells, white on dark.
  for (const cell of cells) {
    const v = Array.isArray(cell.value) ? (cell.value[2] ?? 0) : 0;
    cell.label = { color: v / max > 0.45 ? '#ffffff' : '#1f2433' };
  }
  const columns = r.columns.map((c) => retentionColumnHeader(r.period, c));
  return {
    grid: { left: 124, right: 24, top: 12, bottom: 32 },
    tooltip: {
      position: 'top',
      formatter: (p: { value: [number, number, number | null] }) => {
        const [x, y] = p.value;
        const c = cohorts[y];
        if (c === undefined) return '';
        const head = `<b>${escapeHtml(c.cohort)}</b> · ${escapeHtml(columns[x] ?? '')}${
          group?.breakdown === undefined
            ? ''
            : ` · ${escapeHtml(truncateLabel(group.breakdown, 40))}`
        }`;
        const body = users
          ? `<b>${formatPercent(c.percentages[x] ?? null)}</b> retained: ${formatCount(c.values[x] ?? null)} of ${formatCount(c.size)} users`
          : `${MEASURE_NAMES[r.measure]}: <b>${formatValue(c.values[x] ?? null)}</b> (cohort of ${formatCount(c.size)} users)`;
        const partial = c.incomplete[x] === true ? '<br/>Not over yet: observed so far' : '';
        return `${head}<br/>${body}${partial}`;
      },
    },
    xAxis: { type: 'category', data: columns, splitArea: { show: true } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: cohorts.map((c) => `${c.cohort} (${formatCount(c.size)})`),
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
        name: group?.breakdown ?? MEASURE_NAMES[r.measure],
        data: cells,
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { value: [number, number, number | null] }) =>
            users ? formatPercent(p.value[2]) : cellValue(p.value[2]),
        },
      },
    ],
  };
}

/**
 * The retention curve. With a breakdown, one curve per group (its mean over cohorts); without,
 * the mean thick and each cohort thin. Compared with the range before, its mean dashed.
 */
export function retentionCurveOption(r: RetentionResult): ChartOption {
  const users = r.measure === 'users';
  const row = (values: (number | null)[], pct: (number | null)[]) => (users ? pct : values);
  const kind: ColumnKind = users ? 'percent' : 'value';
  const grouped = r.groups.length > 1;
  const group = r.groups[0];
  const series = grouped
    ? r.groups.map((g, i) => ({
        type: 'line',
        name: g.breakdown ?? '',
        color: colorOf(i),
        lineStyle: { width: 2 },
        data: row(g.mean.values, g.mean.percentages),
      }))
    : [
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
      ];
  // Compared with the range before: its mean dashed, in its group's colour.
  const previous = r.groups.flatMap((g, i) =>
    g.previous === undefined
      ? []
      : [
          {
            type: 'line',
            name: `${grouped ? `${g.breakdown ?? ''} ` : ''}previous mean`,
            color: colorOf(grouped ? i : 0),
            lineStyle: { width: 2, type: 'dashed' },
            data: row(g.previous.mean.values, g.previous.mean.percentages),
          },
        ],
  );
  return {
    grid: { ...axisGrid, top: 40 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue(kind) },
    legend: { top: 0, type: 'scroll', formatter: (name: string) => truncateLabel(name, 24) },
    xAxis: { type: 'category', data: r.columns.map((c) => retentionColumnHeader(r.period, c)) },
    yAxis: {
      type: 'value',
      min: 0,
      ...(users ? { max: 1 } : {}),
      axisLabel: axisLabel(kind),
    },
    series: [...series, ...previous],
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

export function pathsOption(r: PathsResult): ChartOption {
  return {
    tooltip: {
      trigger: 'item',
      // Nodes are ids ('2:comment_added'): said as the event and its step, links as a move.
      formatter: (p: {
        dataType?: string;
        data: { source?: string; target?: string; name?: string };
        value: number;
      }) => {
        const node = (id: string | undefined): string => {
          const n = r.nodes.find((x) => x.id === id);
          return n === undefined
            ? escapeHtml(id ?? '')
            : `${escapeHtml(n.event)} (${pathStepWords(r, n.step)})`;
        };
        return p.dataType === 'edge'
          ? `${node(p.data.source)} → ${node(p.data.target)}<br/><b>${formatCount(p.value)}</b> users`
          : `${node(p.data.name)}<br/><b>${formatCount(p.value)}</b> users`;
      },
    },
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
          label: { formatter: `${truncateLabel(n.event, 32)} (${formatCount(n.users)})` },
          selection: { kind: 'paths', step: n.step, event: n.event },
        })),
        links: r.links.map((l) => ({ source: l.source, target: l.target, value: l.users })),
      },
    ],
  };
}

/** A node's step in words: the anchor is the start (or the end event), the others count from it. */
export function pathStepWords(r: PathsResult, step: number): string {
  if (step === 0) return r.direction === 'backward' ? 'end' : 'start';
  return step < 0 ? `${-step} before the end` : `step ${step}`;
}

function eventIndex(r: PathsResult, event: string): number {
  const names = [...new Set(r.nodes.map((n) => n.event))].filter((e) => e !== '(other)');
  return names.indexOf(event);
}

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
