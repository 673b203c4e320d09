import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionResult, RetentionSpec } from '../../../shared/specs/retention';
import { writeDemoExport } from '../demo/generate-demo-data';
import { analysisFixture } from '../testing/analysis-fixture';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

/**
 * Start S, return R, daily periods, range 2024-01-01..02 (UTC). The last event is 01-05 10:00,
 * so 01-05 has not fully been observed.
 * u1: S 01-01 10:00; R 01-01 09:00 (before its start), R 01-02 08:00, R 01-04 12:00.
 * u2: S 01-01 20:00; R 01-01 21:00, R 01-03 10:00.
 * u3: S 12-31 10:00 (before the range), S 01-02 09:00; R 01-02 10:00, R 01-05 10:00.
 * u4: S 01-01 12:00, S 01-02 12:00; R 01-02 13:00.
 */
const EVENTS = `user_id,event,timestamp,plan
u3,S,2023-12-31T10:00:00Z,a
u1,R,2024-01-01T09:00:00Z,
u1,S,2024-01-01T10:00:00Z,a
u4,S,2024-01-01T12:00:00Z,a
u2,S,2024-01-01T20:00:00Z,b
u2,R,2024-01-01T21:00:00Z,
u1,R,2024-01-02T08:00:00Z,
u3,S,2024-01-02T09:00:00Z,a
u3,R,2024-01-02T10:00:00Z,
u4,S,2024-01-02T12:00:00Z,a
u4,R,2024-01-02T13:00:00Z,
u2,R,2024-01-03T10:00:00Z,
u1,R,2024-01-04T12:00:00Z,
u3,R,2024-01-05T10:00:00Z,
`;

const base: RetentionSpec = {
  kind: 'retention',
  version: 1,
  start: { event: 'S', where: [] },
  return: { event: 'R', where: [] },
  cohort: 'first_time',
  period: 'day',
  periods: 3,
  criterion: 'on',
  time: 'calendar',
  measure: 'users',
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-02' },
  filters: [],
};

let ws: TempWorkspace;
let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
beforeAll(async () => {
  ({ ws, run } = await analysisFixture(EVENTS));
});
afterAll(() => ws.close());

const grid = (r: RetentionResult, g = 0) =>
  r.groups[g]?.cohorts.map((c) => [c.cohort, c.size, c.values]);
const retention = (spec: Partial<RetentionSpec>): Promise<RetentionResult> =>
  run({ ...base, ...spec });

describe('retention', () => {
  it('first_time, calendar, on: period 0 counts returns at or after the start; unobserved cells are null', async () => {
    const r = await retention({});
    expect(r.columns).toEqual(['0', '1', '2', '3']);
    expect(grid(r)).toEqual([
      ['2024-01-01', 3, [1, 2, 1, 1]],
      ['2024-01-02', 1, [1, 0, 0, null]],
    ]);
    expect(r.groups[0]?.cohorts[1]?.incomplete).toEqual([false, false, false, true]);
    // Weighted by cohort size over complete cells: day 0 (1 + 1) / (3 + 1); day 3 only 01-01.
    expect(r.groups[0]?.mean.percentages[0]).toBe(0.5);
    expect(r.groups[0]?.mean.percentages[3]).toBeCloseTo(1 / 3, 12);
  });

  it('on_or_after counts a return in the period or any later one', async () => {
    const r = await retention({ criterion: 'on_or_after' });
    expect(grid(r)).toEqual([
      ['2024-01-01', 3, [3, 3, 2, 1]],
      ['2024-01-02', 1, [1, 1, 1, null]],
    ]);
  });

  it('brackets group periods', async () => {
    const r = await retention({ criterion: 'brackets', brackets: [1, 2] });
    expect(r.columns).toEqual(['1', '2-3']);
    expect(grid(r)).toEqual([
      ['2024-01-01', 3, [2, 2]],
      ['2024-01-02', 1, [0, null]],
    ]);
  });

  it('rolling windows count 24-hour multiples from each start', async () => {
    const r = await retention({ time: 'rolling' });
    // u1: +22 h (day 0), +74 h (day 3); u2: +1 h (0), +38 h (1); u4: +25 h (1). u2's day 3
    // (from 01-04 20:00 to 01-05 20:00) is not over when the data ends, so day 3 is not shown.
    expect(grid(r)?.[0]).toEqual(['2024-01-01', 3, [2, 2, 0, null]]);
  });

  it('first_ever leaves out users whose first start event is outside the range', async () => {
    const r = await retention({ cohort: 'first_ever' });
    expect(grid(r)).toEqual([['2024-01-01', 3, [1, 2, 1, 1]]]);
  });

  it('recurring cohorts a user in every period with a start event', async () => {
    const r = await retention({ cohort: 'recurring' });
    expect(grid(r)?.[1]).toEqual(['2024-01-02', 2, [2, 0, 0, null]]);
  });

  it('breaks down by a property of the start event', async () => {
    const r = await retention({ breakdown: { property: 'plan', source: 'event', limit: 5 } });
    expect(r.groups.map((g) => [g.breakdown, g.cohorts.map((c) => c.size)])).toEqual([
      ['a', [2, 1]],
      ['b', [1]],
    ]);
  });

  it('sums and averages a property of the return events (revenue retention)', async () => {
    const fixture = await analysisFixture(
      `user_id,event,timestamp,amount\na,S,2024-01-01T10:00:00Z,\na,P,2024-01-02T10:00:00Z,30\na,P,2024-01-02T11:00:00Z,12\nb,S,2024-01-01T11:00:00Z,\nb,P,2024-01-03T10:00:00Z,8\nc,X,2024-01-09T00:00:00Z,\n`,
    );
    const spec = {
      ...base,
      return: { event: 'P', where: [] },
      periods: 2,
      dateRange: { type: 'absolute' as const, from: '2024-01-01', to: '2024-01-01' },
    };
    const sum = await fixture.run({ ...spec, measure: 'sum', property: 'amount' });
    const avg = await fixture.run({ ...spec, measure: 'avg', property: 'amount' });
    fixture.ws.close();
    expect(grid(sum)).toEqual([['2024-01-01', 2, [0, 42, 8]]]);
    // Per user of the cohort (2 users).
    expect(grid(avg)).toEqual([['2024-01-01', 2, [0, 21, 4]]]);
  });

  it('rejects brackets that do not increase, and a sum without a property', async () => {
    await expect(retention({ criterion: 'brackets', brackets: [3, 2] })).rejects.toMatchObject({
      message: expect.stringContaining('brackets must increase'),
    });
    await expect(retention({ measure: 'sum' })).rejects.toMatchObject({
      message: expect.stringContaining('needs a numeric property'),
    });
  });
});

describe('retention in a time zone with a DST change', () => {
  it('cuts calendar days locally while rolling windows stay 24 hours', async () => {
    // New York springs forward on 2024-03-10: 23:30 on the 9th to 23:30 on the 10th is 23 h.
    const fixture = await analysisFixture(
      `user_id,event,timestamp\nu,S,2024-03-10T04:30:00Z\nu,R,2024-03-11T03:30:00Z\nv,X,2024-03-13T00:00:00Z\n`,
      { timezone: 'America/New_York' },
    );
    const spec = {
      ...base,
      dateRange: { type: 'absolute' as const, from: '2024-03-09', to: '2024-03-09' },
      periods: 1,
    };
    const calendar = await fixture.run(spec);
    const rolling = await fixture.run({ ...spec, time: 'rolling' });
    fixture.ws.close();
    expect(grid(calendar)).toEqual([['2024-03-09', 1, [0, 1]]]);
    expect(grid(rolling)?.[0]?.[2]).toEqual([1, 0]);
  });
});

describe('retention on real and generated data', () => {
  it('Online Retail monthly first-purchase cohorts have the sizes its README lists', async () => {
    const real = await tempWorkspace();
    await real.api['import.events']({
      files: [
        path.resolve(
          import.meta.dirname,
          '../../../../shared/datasets/online-retail/online_retail.parquet',
        ),
      ],
    });
    const r = (await real.api['analysis.run']({
      spec: {
        ...base,
        start: { event: '$any', where: [] },
        return: { event: '$any', where: [] },
        period: 'month',
        periods: 12,
        dateRange: { type: 'absolute', from: '2010-12-01', to: '2011-12-31' },
      },
    })) as RetentionResult;
    real.close();
    expect(r.groups[0]?.cohorts.map((c) => c.size)).toEqual([
      948, 421, 380, 440, 299, 279, 235, 191, 167, 298, 352, 321, 41,
    ]);
    // Month 1 of the December 2010 cohort, counted a second way (SQL below, checked by hand).
    expect(r.groups[0]?.cohorts[0]?.values.slice(0, 4)).toEqual([948, 362, 317, 367]);
    // The data ends 2011-12-09: December 2011 is not a complete month.
    expect(r.groups[0]?.cohorts[12]?.values[0]).toBeNull();
  });

  it('agrees with a plain implementation on a generated workspace', async () => {
    const gen = await tempWorkspace();
    const files = await writeDemoExport({
      users: 2_000,
      days: 70,
      seed: 5,
      end: '2026-03-16',
      outDir: path.join(gen.dir, 'demo'),
      format: 'parquet',
    });
    await gen.api['import.events']({ files: [files.eventsFile] });
    const spec: RetentionSpec = {
      ...base,
      start: { event: 'signed_up', where: [] },
      return: { event: '$any', where: [] },
      period: 'week',
      periods: 6,
      dateRange: { type: 'absolute', from: '2026-01-05', to: '2026-02-22' },
    };
    const r = (await gen.api['analysis.run']({ spec })) as RetentionResult;
    // The same grid from the events themselves (a condition that always holds turns off the
    // read of users' active days): both paths must agree.
    const fromEvents = (await gen.api['analysis.run']({
      spec: {
        ...spec,
        return: { event: '$any', where: [{ property: 'event', source: 'event', op: 'is set' }] },
      },
    })) as RetentionResult;
    expect(grid(fromEvents)).toEqual(grid(r));
    const rows = await gen.rows(
      `SELECT uid, event, epoch_ms(ts) AS ms FROM events ORDER BY uid, ts`,
    );
    gen.close();
    const WEEK = 7 * 86_400_000;
    const monday = (ms: number): number => {
      const d = new Date(ms);
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    };
    const from = Date.parse('2026-01-05T00:00:00Z');
    const to = Date.parse('2026-02-23T00:00:00Z');
    const observed = Math.max(...rows.map((x) => Number(x.ms)));
    const starts = new Map<number, number>();
    for (const x of rows)
      if (
        x.event === 'signed_up' &&
        Number(x.ms) >= from &&
        Number(x.ms) < to &&
        !starts.has(Number(x.uid))
      )
        starts.set(Number(x.uid), Number(x.ms));
    const cohorts = new Map<number, { size: number; hits: Set<number>[] }>();
    for (const [, ms] of starts) {
      const c = cohorts.get(monday(ms)) ?? {
        size: 0,
        hits: Array.from({ length: 7 }, () => new Set<number>()),
      };
      c.size++;
      cohorts.set(monday(ms), c);
    }
    for (const x of rows) {
      const s = starts.get(Number(x.uid));
      const ms = Number(x.ms);
      if (s === undefined || ms < s) continue;
      const k = Math.round((monday(ms) - monday(s)) / WEEK);
      if (k <= 6) cohorts.get(monday(s))?.hits[k]?.add(Number(x.uid));
    }
    const expected = [...cohorts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([week, c]) => [
        new Date(week).toISOString().slice(0, 10),
        c.size,
        c.hits.map((h, k) => (week + (k + 1) * WEEK > observed ? null : h.size)),
      ]);
    expect(grid(r)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
  });
});
