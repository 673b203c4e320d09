import { describe, expect, it } from 'vitest';
import type {
  MetricBenchmark,
  ThresholdSplit,
  ThresholdsResult,
} from '../../../../../shared/specs/thresholds';
import { chartData } from '../../chart-parts';
import {
  distributionsOption,
  heatmapOption,
  outcomeNames,
  phiLabel,
  shownBenchmark,
  thresholdCurveOption,
} from './chart';
import { populationWords } from './Findings';

/** At least 3 reports: 20 users, 15 retained; below: 80 users, 16 retained (base rate 31%). */
const split: ThresholdSplit = {
  threshold: 3,
  above: 20,
  abovePositive: 15,
  below: 80,
  belowPositive: 16,
  reach: 0.2,
  rateAbove: 0.75,
  rateBelow: 0.2,
  ppv: 0.75,
  sensitivity: 15 / 31,
  npv: 64 / 80,
  specificity: 64 / 69,
  phi: 0.48,
  lift: 0.75 / 0.31,
};
const reports: MetricBenchmark = {
  name: 'reports',
  label: 'Times report_created',
  definition: 'Times report_created',
  unit: 'count',
  best: {
    ...split,
    sentence: 'Users with at least 3 reports in their first 7 days: 75% retained vs 20%.',
    tooSmall: false,
    rateAboveInterval: { low: 0.53, high: 0.89 },
    rateBelowInterval: { low: 0.13, high: 0.3 },
    thresholdInterval: { low: 2, high: 4 },
  },
  holdout: null,
  baseline: null,
  candidates: [split],
  curve: [
    { from: 0, to: 1, users: 50, positive: 5, rate: 0.1 },
    { from: 1, to: 2, users: 20, positive: 6, rate: 0.3 },
    { from: 2, to: 2.5, users: 10, positive: 5, rate: 0.5 },
    // No user: no rate to draw (its 0 is not a rate of 0).
    { from: 2.5, to: 3, users: 0, positive: 0, rate: 0 },
    { from: 3, to: 5, users: 20, positive: 15, rate: 0.75 },
  ],
};
const days: MetricBenchmark = {
  ...reports,
  name: 'active_days',
  label: 'Days active',
  best: null,
  curve: [
    { from: 0, to: 4, users: 60, positive: 11, rate: 11 / 60 },
    { from: 4, to: 8, users: 40, positive: 20, rate: 0.5 },
  ],
};
const result: ThresholdsResult = {
  kind: 'thresholds',
  timezone: 'UTC',
  outcomeWords: 'active (any event) in days 8–14 after the start',
  observationDays: 7,
  population: {
    users: 100,
    positive: 31,
    rate: 0.31,
    from: '2026-03-01',
    to: '2026-05-10',
    unobserved: 12,
    training: { users: 75, positive: 23 },
    holdout: { users: 25, positive: 8, from: '2026-04-20' },
  },
  metrics: [reports, days],
  heatmap: {
    events: ['report_created', 'teammate_invited'],
    days: [1, 3],
    cells: [
      {
        event: 'report_created',
        day: 1,
        did: 40,
        didPositive: 20,
        notPositive: 11,
        rateDid: 0.5,
        rateNot: 11 / 60,
        phi: 0.32,
      },
      {
        event: 'report_created',
        day: 3,
        did: 55,
        didPositive: 25,
        notPositive: 6,
        rateDid: 25 / 55,
        rateNot: 6 / 45,
        phi: 0.35,
      },
      {
        event: 'teammate_invited',
        day: 1,
        did: 10,
        didPositive: 2,
        notPositive: 29,
        rateDid: 0.2,
        rateNot: 29 / 90,
        phi: -0.08,
      },
      {
        event: 'teammate_invited',
        day: 3,
        did: 0,
        didPositive: 0,
        notPositive: 31,
        rateDid: null,
        rateNot: 0.31,
        phi: null,
      },
    ],
  },
  split: null,
  dynamic: [],
  sampled: null,
};

type Series = { name: string; type: string; data: unknown[] };
const seriesOf = (option: Record<string, unknown>) => option.series as Series[];

describe('thresholdCurveOption', () => {
  it('draws the top-ranked metric by default: the rate per bin, the base rate, the threshold', () => {
    expect(shownBenchmark(result)?.name).toBe('reports');
    const option = thresholdCurveOption(result);
    const [bars, base, threshold] = seriesOf(option);
    expect(bars?.data.map((d) => (d as { value: number }).value)).toEqual([0.1, 0.3, 0.5, 0.75]);
    // Bins from the threshold on are drawn in colour, the others grey.
    const colors = bars?.data.map((d) => (d as { itemStyle: { color: string } }).itemStyle.color);
    expect(new Set(colors?.slice(0, 3)).size).toBe(1);
    expect(colors?.[3]).not.toBe(colors?.[0]);
    expect(base?.name).toBe('all new users: 31.0%');
    expect(base?.data).toEqual([0.31, 0.31, 0.31, 0.31]);
    // "At least 3" is the left edge of the fourth bin: x = 3 on the bins' axis.
    expect(threshold?.name).toBe('threshold');
    expect((threshold?.data[0] as number[])[0]).toBe(3);
    expect(chartData(option)[2]?.values[0]).toBe(3);
    expect((option.xAxis as { data?: string[] }[])[0]?.data).toEqual(['0', '1', '2–2.5', '3–5']);
    // Each bar opens its users: its values, the curve's last bar with its end.
    expect(bars?.data.map((d) => (d as { selection: unknown }).selection)).toEqual([
      { kind: 'thresholds', metric: 'reports', from: 0, to: 1, inclusive: false, set: 'all' },
      { kind: 'thresholds', metric: 'reports', from: 1, to: 2, inclusive: false, set: 'all' },
      { kind: 'thresholds', metric: 'reports', from: 2, to: 2.5, inclusive: false, set: 'all' },
      { kind: 'thresholds', metric: 'reports', from: 3, to: 5, inclusive: true, set: 'all' },
    ]);
  });

  it('draws a metric without a benchmark with no threshold', () => {
    const names = seriesOf(thresholdCurveOption(result, 'active_days')).map((s) => s.name);
    expect(names).toEqual(['retained rate', 'all new users: 31.0%']);
  });
});

describe('distributionsOption', () => {
  it("gives each side's share of its users per bin", () => {
    const [retained, churned] = seriesOf(distributionsOption(result));
    expect(retained?.data).toEqual([5 / 31, 6 / 31, 5 / 31, 15 / 31]);
    expect(churned?.data).toEqual([45 / 69, 14 / 69, 5 / 69, 5 / 69]);
    expect(outcomeNames(result)).toEqual(['retained', 'churned']);
  });
});

describe('heatmapOption', () => {
  it('puts each cell at its day and event, coloured by phi, opening the users who did it by then', () => {
    const [cells] = seriesOf(heatmapOption(result));
    expect(cells?.data.map((d) => (d as { value: unknown }).value)).toEqual([
      [0, 0, 0.32],
      [1, 0, 0.35],
      [0, 1, -0.08],
      [1, 1, null],
    ]);
    expect((cells?.data[1] as { selection: unknown }).selection).toEqual({
      kind: 'thresholds',
      event: 'report_created',
      day: 3,
      did: true,
      set: 'all',
    });
    expect(phiLabel(-0.001)).toBe('0.00');
    const map = heatmapOption(result).visualMap as { min: number; max: number };
    // Symmetric around 0, up to the strongest |phi| rounded up to 0.05.
    expect([map.min, map.max]).toEqual([-0.35, 0.35]);
  });
});

describe('populationWords', () => {
  it('says who the benchmarks are about', () => {
    expect(populationWords(result)).toBe(
      '100 new users starting 2026-03-01 → 2026-05-10, 31.0% retained (active (any event) in days 8–14 after the start) (12 more started too late for their outcome to be seen); the 25 starting from 2026-04-20 held out to check each benchmark.',
    );
  });
});
