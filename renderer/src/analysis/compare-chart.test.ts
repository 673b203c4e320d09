import { describe, expect, it } from 'vitest';
import type { SegmentComparisonGroup } from '../../../shared/api/segment-types';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { RetentionResult } from '../../../shared/specs/retention';
import { compareChart, segmentSelection, withSegmentOf } from './compare-chart';

const retention = (mean: number[]): RetentionResult => ({
  kind: 'retention',
  timezone: 'UTC',
  period: 'week',
  time: 'calendar',
  criterion: 'on',
  measure: 'users',
  columns: mean.map((_, i) => String(i)),
  groups: [
    {
      cohorts: [],
      mean: { values: mean.map((m) => m * 100), percentages: mean },
    },
  ],
  sampled: null,
});

const groups: SegmentComparisonGroup[] = [
  { label: 'High-Engagers', segment: 'h', members: 120, small: false, result: retention([1, 0.8]) },
  { label: 'At-Risk', segment: 'r', members: 40, small: false, result: retention([1, 0.2]) },
  {
    label: 'Everyone else',
    segment: null,
    members: 900,
    small: false,
    result: retention([1, 0.5]),
  },
];
const spec = {
  kind: 'retention',
  filters: [{ property: 'plan', source: 'user', op: '=', value: 'pro' }],
} as unknown as AnalysisSpec;

describe('segments compared in one chart', () => {
  it('draws each segment\u2019s mean retention as a line of its own', () => {
    const chart = compareChart(groups, spec);
    const series = (chart?.option.series ?? []) as { name: string; data: unknown[] }[];
    expect(series.map((s) => s.name)).toEqual(['High-Engagers', 'At-Risk', 'Everyone else']);
    expect(series.map((s) => s.data)).toEqual([
      [1, 0.8],
      [1, 0.2],
      [1, 0.5],
    ]);
  });

  it('opens the users behind a number with the segment\u2019s own filters', () => {
    const chart = compareChart(groups, spec);
    if (chart === null) throw new Error('no chart');
    const target = segmentSelection(chart, groups, spec, {
      kind: 'retention',
      cohort: 'mean',
      column: 1,
      breakdown: 'At-Risk',
    });
    expect(target?.select).toEqual({ kind: 'retention', cohort: 'mean', column: 1 });
    expect((target?.spec as { filters: unknown[] }).filters).toEqual([
      { property: 'plan', source: 'user', op: '=', value: 'pro' },
      { segment: 'r', op: 'in' },
    ]);
    // Everyone else: in none of the segments compared.
    expect((withSegmentOf(spec, groups, 2) as { filters: unknown[] }).filters.slice(1)).toEqual([
      { segment: 'h', op: 'not in' },
      { segment: 'r', op: 'not in' },
    ]);
  });
});
