import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsResult } from '../../../../shared/specs/metrics';
import { analysisFixture } from '../../testing/analysis-fixture';
import { tempWorkspace, type TempWorkspace } from '../../testing/temp-workspace';
import { ALL, EVENTS, ev, H, MIN, quantile, spec, tableOf, type Run } from './fixture';

/**
 * The metrics summary on the hand-computed fixture (fixture.ts): counts, mean, percentiles, bars
 * and the users behind each; bad specs; names nobody has yet; a workspace without events.
 */

describe('metric summaries and bad specs on a UTC workspace', () => {
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS));
  });
  afterAll(() => ws.close());

  it('summarises each metric: counts, mean, quantile_cont percentiles, bars and the users behind them', async () => {
    // The window since each first event (values as in the table test above):
    //   views       A 2, B 3, C 2, N 1, L 1          sorted 1, 1, 2, 2, 3
    //   first_buy   A 14 h 20 min = 0.5972, B 0, C 0, N none, L none
    //   trend       A -5/6, B 0, C -1, N -1, L -1
    //   len_median  A 600, B 1800, C 600, N 0, L 0
    //   tenure      7 for everyone
    const pick = ['views', 'first_buy', 'trend', 'len_median', 'tenure'];
    const s = spec(
      { type: 'sinceStart', days: 7 },
      ALL.filter((m) => pick.includes(m.name)),
    );
    const r = await run(s);
    const of = (name: string): MetricsResult['metrics'][number] => {
      const m = r.metrics.find((x) => x.name === name);
      if (m === undefined) throw new Error(`no summary of ${name}`);
      return m;
    };
    const x = 14 * H + 20 * MIN;
    const stats = (m: MetricsResult['metrics'][number]) => [
      m.users,
      m.missing,
      m.zeros,
      m.mean,
      m.min,
      m.p10,
      m.p25,
      m.median,
      m.p75,
      m.p90,
      m.max,
    ];
    const close = (got: unknown[], want: (number | null)[]) =>
      want.forEach((w, i) =>
        w === null ? expect(got[i]).toBeNull() : expect(got[i] as number).toBeCloseTo(w, 9),
      );
    // quantile_cont at (n - 1) p of 1, 1, 2, 2, 3: p10 at 0.4 -> 1, p25 at 1 -> 1, p50 at 2 -> 2,
    // p75 at 3 -> 2, p90 at 3.6 -> 2 + 0.6 (3 - 2) = 2.6
    close(stats(of('views')), [5, 0, 0, 1.8, 1, 1, 1, 2, 2, 2.6, 3]);
    // 0, 0, x: p75 at 1.5 -> x / 2, p90 at 1.8 -> 0.8 x
    close(stats(of('first_buy')), [3, 2, 2, x / 3, 0, 0, 0, 0, x / 2, 0.8 * x, x]);
    // -1, -1, -1, -5/6, 0: mean -23/30; p75 at 3 -> -5/6; p90 at 3.6 -> -5/6 + 0.6 (5/6) = -1/3
    close(stats(of('trend')), [5, 0, 1, -23 / 30, -1, -1, -1, -1, -5 / 6, -1 / 3, 0]);
    // 0, 0, 600, 600, 1800: p90 at 3.6 -> 600 + 0.6 (1200) = 1320
    close(stats(of('len_median')), [5, 0, 2, 600, 0, 0, 0, 600, 600, 1320, 1800]);
    close(stats(of('tenure')), [5, 0, 0, 7, 7, 7, 7, 7, 7, 7, 7]);
    // The same percentiles from the values by the rule, a second time.
    const values: Record<string, number[]> = {
      views: [2, 3, 2, 1, 1],
      first_buy: [x, 0, 0],
      trend: [-5 / 6, 0, -1, -1, -1],
      len_median: [600, 1800, 600, 0, 0],
    };
    for (const [name, list] of Object.entries(values)) {
      const m = of(name);
      const ps = [m.p10, m.p25, m.median, m.p75, m.p90];
      [0.1, 0.25, 0.5, 0.75, 0.9].forEach((q, i) =>
        expect(ps[i], `${name} p${q}`).toBeCloseTo(quantile(list, q), 9),
      );
    }
    const bars = (name: string) => of(name).histogram.map((b) => b.users);
    // Whole values a bar each: [1, 2) [2, 3) [3, 4).
    expect(of('views').histogram).toEqual([
      { from: 1, to: 2, users: 2 },
      { from: 2, to: 3, users: 2 },
      { from: 3, to: 4, users: 1 },
    ]);
    expect(of('tenure').histogram).toEqual([{ from: 7, to: 8, users: 5 }]);
    // 20 bars from the minimum to the 99th percentile (quantile at 3.96 or 1.98), the last one
    // reaching the maximum: first_buy's p99 = 0.98 x, each bar 0.049 x wide.
    const fb = of('first_buy').histogram;
    expect(fb).toHaveLength(20);
    expect(fb[1]?.from).toBeCloseTo((0.98 * x) / 20, 12);
    expect(fb[19]?.to).toBeCloseTo(x, 12);
    expect(bars('first_buy')).toEqual([2, ...new Array<number>(18).fill(0), 1]);
    // trend: p99 = -5/6 + 0.96 (5/6) = -1/30, bars (29/30) / 20 wide: -5/6 is 3.45 bars up.
    expect(bars('trend')).toEqual([3, 0, 0, 1, ...new Array<number>(15).fill(0), 1]);
    // len: p99 = 600 + 0.96 (1200) = 1752, bars 87.6 wide: 600 is in bar 6 (525.6 .. 613.2).
    expect(bars('len_median')).toEqual([2, 0, 0, 0, 0, 0, 2, ...new Array<number>(12).fill(0), 1]);

    // The users behind each bar are exactly as many as it counts (the last bar includes its end).
    const behind = async (select: Record<string, unknown>) =>
      (
        await ws.api['analysis.users']({
          spec: s,
          select: { kind: 'metrics', inclusive: false, missing: false, ...select } as never,
          limit: 100,
        })
      ).users.map((u) => u.user_id);
    for (const m of r.metrics) {
      for (const [k, b] of m.histogram.entries()) {
        // Every bar holding users, and the first empty one (a bar's edge is its neighbour's).
        if (b.users === 0 && m.histogram[k - 1]?.users === 0) continue;
        const users = await behind({
          metric: m.name,
          from: b.from,
          to: b.to,
          inclusive: k === m.histogram.length - 1,
        });
        expect(users.length, `${m.name} bar ${k}`).toBe(b.users);
      }
    }
    expect(await behind({ metric: 'first_buy', missing: true })).toEqual(['L', 'N']);
    expect(await behind({ metric: 'first_buy', from: 0, to: 0, inclusive: true })).toEqual([
      'B',
      'C',
    ]);
    expect(await behind({ metric: 'first_buy' })).toEqual(['A', 'B', 'C']);
    expect(await behind({ metric: 'views', from: 2 })).toEqual(['A', 'B', 'C']);
    await expect(behind({ metric: 'nope' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining(
        'its metrics are views, len_median, tenure, trend, first_buy',
      ),
    });
    // The summary's words and units.
    expect(of('first_buy')).toMatchObject({ unit: 'days', definition: 'Days to the first buy' });
    expect(of('len_median')).toMatchObject({ unit: 'seconds' });
  });

  it('refuses bad specs, naming each field', async () => {
    const bad = (metrics: unknown[], window: unknown = { type: 'calendar', days: 7 }) =>
      ws.api['analysis.run']({ spec: { kind: 'metrics', window, metrics } as never });
    const views = { name: 'views', type: 'count', events: ev('view') };
    await expect(
      bad([views, { name: 'r', type: 'ratio', numerator: 'views', denominator: 'nope' }]),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('no metric named nope in this spec'),
    });
    await expect(
      bad([
        views,
        { name: 'r', type: 'ratio', numerator: 'views', denominator: 'views' },
        { name: 'rr', type: 'ratio', numerator: 'r', denominator: 'views' },
      ]),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('r is itself a ratio'),
    });
    await expect(bad([views, { ...views, events: ev('buy') }])).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('two metrics are named views'),
    });
    for (const name of ['user_id', 'window_start', 'complete', 'uid']) {
      await expect(bad([{ ...views, name }])).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('a metric may not be named'),
      });
    }
    await expect(bad([{ ...views, name: 'Views per week' }])).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    // A text property: refused, with the metric's field.
    await expect(
      bad([{ name: 'p', type: 'property', events: ev('buy'), property: 'plan', agg: 'sum' }]),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("metrics[0].property: 'plan' holds text, not numbers"),
    });
  });

  it('an event or property nobody has yet reads as zeros (or none), with a warning', async () => {
    const s = spec({ type: 'calendar', days: 7, asOf: '2024-01-10' }, [
      { name: 'nopes', type: 'count', events: ev('nope'), per: 'window' },
      { name: 'nope_days', type: 'activeDays', events: ev('nope'), per: 'week' },
      { name: 'pay', type: 'property', events: ev('buy'), property: 'price', agg: 'sum' },
      { name: 'avg_pay', type: 'property', events: ev('buy'), property: 'price', agg: 'avg' },
      { name: 'adopted', type: 'featureAdoption', features: ['view', 'nope'], as: 'share' },
    ]);
    const r = await run(s);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Nobody did 'nope'"),
        expect.stringContaining("No event has the property 'price'"),
      ]),
    );
    const t = await tableOf(ws, s);
    const cut = (row: unknown[] | undefined) => row?.slice(3);
    // A, B, C viewed (1 of 2 features), N did nothing.
    expect(Object.fromEntries(Object.entries(t).map(([u, v]) => [u, cut(v)]))).toEqual({
      A: [0, 0, 0, null, 0.5],
      B: [0, 0, 0, null, 0.5],
      C: [0, 0, 0, null, 0.5],
      N: [0, 0, 0, null, 0],
    });
    const [nopes, , , avg] = r.metrics;
    expect([nopes?.users, nopes?.zeros, nopes?.histogram]).toEqual([
      4,
      4,
      [{ from: 0, to: 1, users: 4 }],
    ]);
    expect([avg?.users, avg?.missing, avg?.mean, avg?.median, avg?.histogram]).toEqual([
      0,
      4,
      null,
      null,
      [],
    ]);
  });
});

describe('a workspace without events', () => {
  let ws: TempWorkspace;
  beforeAll(async () => {
    ws = await tempWorkspace();
  });
  afterAll(() => ws.close());

  it('has an empty table and summaries without values', async () => {
    const s = spec({ type: 'calendar', days: 28 }, ALL);
    const r = (await ws.api['analysis.run']({ spec: s })) as MetricsResult;
    expect([r.users, r.completeUsers]).toEqual([0, 0]);
    expect(r.metrics).toHaveLength(ALL.length);
    for (const m of r.metrics) {
      expect([m.users, m.missing, m.zeros, m.mean, m.median, m.histogram]).toEqual([
        0,
        0,
        0,
        null,
        null,
        [],
      ]);
    }
    const page = await ws.api['metrics.page']({ spec: s, limit: 10 });
    expect([page.total, page.rows]).toEqual([0, 0]);
    const since = spec({ type: 'sinceStart', days: 7 }, ALL);
    expect(((await ws.api['analysis.run']({ spec: since })) as MetricsResult).users).toBe(0);
  });
});
