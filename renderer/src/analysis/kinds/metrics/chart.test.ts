import { describe, expect, it } from 'vitest';
import type { MetricSummary, MetricsResult } from '../../../../../shared/specs/metrics';
import { chartData } from '../../chart-parts';
import { binCoord, binLabel } from './bins';
import { metricsOption } from './chart';
import { starterMetrics } from './index';
import { filterWords, userCellFormatter } from './user-table';

/** 10 users over three bins of sessions per week: 4 in [0, 1), 5 in [1, 2), 1 in [2, 4]. */
const sessions: MetricSummary = {
  name: 'sessions_per_week',
  label: 'Sessions per week',
  definition: 'Sessions per week',
  unit: 'value',
  users: 10,
  missing: 0,
  zeros: 3,
  mean: 1.2,
  min: 0,
  p10: 0,
  p25: 0.5,
  median: 1.5,
  p75: 1.75,
  p90: 3,
  max: 4,
  histogram: [
    { from: 0, to: 1, users: 4 },
    { from: 1, to: 2, users: 5 },
    { from: 2, to: 4, users: 1 },
  ],
};
const seconds: MetricSummary = {
  ...sessions,
  name: 'median_session_seconds',
  label: 'Median session length (seconds)',
  unit: 'seconds',
  p10: 30,
  p25: 60,
  median: 90,
  p75: 120,
  p90: 150,
  histogram: [
    { from: 0, to: 60, users: 3 },
    { from: 60, to: 120, users: 7 },
  ],
};
const result: MetricsResult = {
  kind: 'metrics',
  timezone: 'UTC',
  window: { type: 'calendar', days: 28, from: '2026-05-04', to: '2026-05-31', startEvent: null },
  users: 10,
  completeUsers: 10,
  metrics: [sessions, seconds],
  sampled: null,
};

type Series = { name: string; type: string; data: unknown[] };
const seriesOf = (option: Record<string, unknown>) => option.series as Series[];

describe('metricsOption', () => {
  it('draws a bar per histogram bin, each opening the users of its range, the last one inclusive', () => {
    const [bars] = seriesOf(metricsOption(result));
    expect(bars?.type).toBe('bar');
    expect(bars?.data).toEqual([
      {
        value: 4,
        selection: {
          kind: 'metrics',
          metric: 'sessions_per_week',
          from: 0,
          to: 1,
          inclusive: false,
          missing: false,
        },
      },
      {
        value: 5,
        selection: {
          kind: 'metrics',
          metric: 'sessions_per_week',
          from: 1,
          to: 2,
          inclusive: false,
          missing: false,
        },
      },
      {
        value: 1,
        selection: {
          kind: 'metrics',
          metric: 'sessions_per_week',
          from: 2,
          to: 4,
          inclusive: true,
          missing: false,
        },
      },
    ]);
  });

  it('marks P10, P25, median, P75 and P90 where they fall inside their bins', () => {
    const marks = seriesOf(metricsOption(result)).slice(1);
    expect(marks.map((m) => m.name)).toEqual(['P10', 'P25', 'Median', 'P75', 'P90']);
    // Bin i spans [i, i + 1]: 0.5 is half through bin 0, 1.5 half through bin 1, 1.75 three
    // quarters, 3 half through [2, 4].
    const xs = marks.map((m) => (m.data[0] as number[])[0]);
    expect(xs).toEqual([0, 0.5, 1.5, 1.75, 2.5]);
    expect(marks.map((m) => (m.data[1] as number[])[0])).toEqual(xs);
    // The data table reads each marker's value, not its coordinate.
    expect(
      chartData(metricsOption(result))
        .slice(1)
        .map((r) => r.values[0]),
    ).toEqual([0, 0.5, 1.5, 1.75, 3]);
  });

  it('draws percentiles of the same value as one line', () => {
    const zeros = { ...sessions, p10: 0, p25: 0, median: 0 };
    const marks = seriesOf(metricsOption({ ...result, metrics: [zeros] })).slice(1);
    expect(marks.map((m) => m.name)).toEqual(['P10 · P25 · Median', 'P75', 'P90']);
    expect(marks.map((m) => (m.data[0] as number[])[0])).toEqual([0, 1.75, 2.5]);
  });

  it('draws the picked metric, its bins in its unit', () => {
    const option = metricsOption(result, 'median_session_seconds');
    const [bars] = seriesOf(option);
    expect(bars?.data.map((d) => (d as { value: number }).value)).toEqual([3, 7]);
    const axis = (option.xAxis as { data?: string[] }[])[0];
    expect(axis?.data).toEqual(['0s–1m', '1m–2m']);
    expect((axis as { name?: string }).name).toBe('Median session length (seconds) · 3 users at 0');
    expect(seriesOf(option).find((s) => s.name === 'Median')?.data[0]).toEqual([1.5, 0, 90]);
  });
});

describe('bins', () => {
  it('places values before, inside and after the bins', () => {
    const bins = [
      { from: 0, to: 1 },
      { from: 1, to: 3 },
    ];
    expect(binCoord(bins, -1)).toBe(0);
    expect(binCoord(bins, 0.25)).toBe(0.25);
    expect(binCoord(bins, 2)).toBe(1.5);
    expect(binCoord(bins, 3)).toBe(2);
    expect(binCoord(bins, 9)).toBe(2);
    expect(binCoord([{ from: 5, to: 5 }], 5)).toBe(0.5);
  });

  it('names a bin of one whole number by it, others by their range', () => {
    expect(binLabel({ from: 3, to: 4 }, 'count', false)).toBe('3');
    expect(binLabel({ from: 3, to: 4 }, 'count', true)).toBe('3–4');
    expect(binLabel({ from: 0.5, to: 1 }, 'value', false)).toBe('0.5–1');
    expect(binLabel({ from: 0, to: 0.25 }, 'percent', false)).toBe('0%–25%');
  });
});

describe('the per-user grid', () => {
  it('reads metric cells in their unit and other cells as any', () => {
    const format = userCellFormatter(result);
    expect(format('median_session_seconds', 200)).toBe('3m 20s');
    expect(format('sessions_per_week', 1.234)).toBe('1.23');
    expect(format('user_id', 12345)).toBe('12345');
    expect(format('sessions_per_week', null)).toBe('–');
    expect(format('window_start', '2026-02-14 09:30:12')).toBe('2026-02-14 09:30');
    expect(format('complete', false)).toBe('no');
  });

  it('says a filter as its chip shows it', () => {
    expect(filterWords({ column: 'sessions_per_week', op: '>=', value: 2 })).toBe(
      'sessions_per_week ≥ 2',
    );
    expect(filterWords({ column: 'activity_trend', op: 'is set' })).toBe('activity_trend is set');
  });
});

describe('starterMetrics', () => {
  it('adds a count of the most frequent event to the starter metrics', () => {
    const metrics = starterMetrics('app_opened');
    expect(metrics.at(-1)).toEqual({
      name: 'app_opened_count',
      type: 'count',
      events: [{ event: 'app_opened', where: [] }],
      per: 'window',
    });
    expect(starterMetrics('$any').map((m) => m.name)).not.toContain('$any_count');
  });
});
