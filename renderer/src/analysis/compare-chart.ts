import type { SegmentComparisonGroup } from '../../../shared/api/segment-types';
import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { UserSelection } from '../../../shared/specs/users-behind';
import type { ChartOption } from './chart-parts';
import { funnelOption } from './kinds/funnel/chart';
import { retentionCurveOption } from './kinds/retention/chart';
import { trendsOption } from './kinds/trends/chart';

/**
 * Segments side by side in one chart: each segment's result becomes a breakdown group of one
 * result (its retention curve, its funnel bars, its trend lines), drawn by the kind's own chart.
 * `origin` maps a merged group's name back to the segment and its own breakdown value, so a
 * click opens the users behind the number in that segment.
 */
export interface ComparedChart {
  option: ChartOption;
  origin: Map<string, { group: number; breakdown: string | undefined }>;
}

function mergedName(label: string, breakdown: string | undefined): string {
  return breakdown === undefined ? label : `${label} · ${breakdown}`;
}

export function compareChart(
  groups: readonly SegmentComparisonGroup[],
  spec: AnalysisSpec,
): ComparedChart | null {
  const origin = new Map<string, { group: number; breakdown: string | undefined }>();
  const name = (g: number, breakdown: string | undefined): string => {
    const merged = mergedName(groups[g]?.label ?? '', breakdown);
    origin.set(merged, { group: g, breakdown });
    return merged;
  };
  const first = groups[0]?.result;
  if (first === undefined) return null;
  const all = <K extends AnalysisResult['kind']>(kind: K) =>
    groups
      .map((g) => g.result)
      .filter((r): r is Extract<AnalysisResult, { kind: K }> => r.kind === kind);
  if (first.kind === 'retention') {
    const merged = {
      ...first,
      groups: all('retention').flatMap((r, g) =>
        r.groups.map(({ previous: _previous, ...x }) => ({
          ...x,
          breakdown: name(g, x.breakdown),
        })),
      ),
    };
    return { option: retentionCurveOption(merged), origin };
  }
  if (first.kind === 'funnel') {
    const merged = {
      ...first,
      groups: all('funnel').flatMap((r, g) =>
        r.groups.map((x) => ({ ...x, breakdown: name(g, x.breakdown) })),
      ),
    };
    const { previous: _previous, ...current } = merged;
    return { option: funnelOption(current), origin };
  }
  if (first.kind === 'trends' && spec.kind === 'trends') {
    const merged = {
      ...first,
      series: all('trends').flatMap((r, g) =>
        r.series.map((s) => ({ ...s, breakdown: name(g, s.breakdown) })),
      ),
    };
    const { compare: _compare, formulas: _formulas, ...current } = merged;
    return { option: trendsOption(current, spec), origin };
  }
  return null;
}

/**
 * A clicked number of the merged chart as the segment's own spec and selection: the segment's
 * filter added (or everyone else's), the breakdown value its own.
 */
export function segmentSelection(
  chart: ComparedChart,
  groups: readonly SegmentComparisonGroup[],
  spec: AnalysisSpec,
  selection: UserSelection,
): { spec: AnalysisSpec; select: UserSelection } | null {
  const named = 'breakdown' in selection ? selection.breakdown : undefined;
  const from = typeof named === 'string' ? chart.origin.get(named) : undefined;
  if (from === undefined || !('filters' in spec)) return null;
  const { breakdown: _merged, ...rest } = selection as UserSelection & { breakdown?: string };
  const select = (
    from.breakdown === undefined ? rest : { ...rest, breakdown: from.breakdown }
  ) as UserSelection;
  return { spec: withSegmentOf(spec, groups, from.group), select };
}

/** The spec of one side of a comparison: its filters and the side's membership. */
export function withSegmentOf(
  spec: AnalysisSpec,
  groups: readonly SegmentComparisonGroup[],
  index: number,
): AnalysisSpec {
  if (!('filters' in spec)) return spec;
  const side = groups[index];
  const segments = groups.flatMap((g) => (g.segment === null ? [] : [g.segment]));
  const membership =
    side?.segment === null || side === undefined
      ? segments.map((segment) => ({ segment, op: 'not in' as const }))
      : [{ segment: side.segment, op: 'in' as const }];
  return { ...spec, filters: [...spec.filters, ...membership] } as AnalysisSpec;
}
