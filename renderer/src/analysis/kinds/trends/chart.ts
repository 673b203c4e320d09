import { truncateLabel, type ColumnKind } from '../../../../../shared/format';
import { MEASURE_KINDS } from '../../../../../shared/specs/trends';
import type {
  TrendMeasure,
  TrendsLine,
  TrendsResult,
  TrendsSpec,
} from '../../../../../shared/specs/trends';
import {
  axisGrid,
  axisLabel,
  colorOf,
  tooltipValue,
  type ChartOption,
  type Clickable,
} from '../../chart-parts';

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
