import {
  formatCompact,
  formatCount,
  formatPercent,
  formatValue,
  retentionColumnHeader,
  truncateLabel,
  type ColumnKind,
} from '../../../../../shared/format';
import type { RetentionCohort, RetentionResult } from '../../../../../shared/specs/retention';
import {
  axisGrid,
  axisLabel,
  colorOf,
  escapeHtml,
  tooltipValue,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';

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
 * fully happened for a cohort show what was observed so far, faded; those not begun, no number.
 */
export function retentionOption(r: RetentionResult, groupIndex = 0): ChartOption {
  const group = r.groups[groupIndex] ?? r.groups[0];
  const cohorts = group?.cohorts ?? [];
  const users = r.measure === 'users';
  // In calendar periods a column starts when the one before it ends: after an unfinished column
  // nothing can have been observed yet, and a "0%" there would read as nobody coming back. (A
  // rolling window or an "or later" cell may have begun for some users: no such inference.)
  const notStarted = (c: RetentionCohort, x: number): boolean =>
    r.time === 'calendar' && r.criterion !== 'on_or_after' && c.incomplete[x - 1] === true;
  const cells: Clickable[] = [];
  cohorts.forEach((c, y) => {
    r.columns.forEach((_, x) => {
      const value = users ? (c.percentages[x] ?? null) : (c.values[x] ?? null);
      const waiting = notStarted(c, x);
      cells.push({
        value: [x, y, value],
        // A period not over yet shows what was observed so far, faded; one not begun, no number.
        ...(waiting
          ? { itemStyle: { opacity: 0.2 }, label: { show: false } }
          : c.incomplete[x] === true
            ? { itemStyle: { opacity: 0.45 } }
            : {}),
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
    cell.label = {
      ...(cell.label as Record<string, unknown> | undefined),
      color: v / max > 0.45 ? '#ffffff' : '#1f2433',
    };
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
        if (notStarted(c, x)) return `${head}<br/>Not begun yet: nothing observed`;
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
 * the mean thick and each cohort thin, up to its last complete period. Compared with the range
 * before, its mean dashed.
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
          // A cohort's line stops where its periods are not over: their numbers so far would
          // draw a drop to zero that is only the calendar (the mean counts complete cells only).
          data: row(c.values, c.percentages).map((v, k) => (c.incomplete[k] === true ? null : v)),
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
