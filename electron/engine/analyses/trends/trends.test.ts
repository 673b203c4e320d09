import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  trendsSpecSchema,
  type TrendsResult,
  type TrendsSelection,
} from '../../../../shared/specs/trends';
import { tempWorkspace, type TempWorkspace } from '../../testing/temp-workspace';
import { Workspace } from '../../workspace/workspace';
import { loadCatalog } from '../catalog';
import { PlanNotes } from '../../sql/notes';
import { queryRows } from '../../duckdb/database';
import { uidQuery } from '../index';
import type { AnalysisContext } from '../context';
import { unitsTable } from '../units-cache';
import { trendsRunner } from './runner';

/**
 * Hand-written events. The workspace zone is Europe/Paris, which moves from UTC+1 to UTC+2 on
 * 2024-03-31 at 02:00 local: local days and weeks are what the expected numbers follow.
 *
 * user  event  UTC                 Paris local          plan  amount
 * u3    b      2024-03-24 22:30    Sun 03-24 23:30      -     -
 * u1    a      2024-03-25 08:00    Mon 03-25 09:00      pro   10
 * u1    a      2024-03-25 20:00    Mon 03-25 21:00      pro   20
 * u2    a      2024-03-26 12:00    Tue 03-26 13:00      free  30
 * u1    b      2024-03-30 23:30    Sun 03-31 00:30      pro   -
 * u2    a      2024-04-01 22:30    Tue 04-02 00:30      free  40
 * u1    a      2024-04-02 10:00    Tue 04-02 12:00      pro   -
 */
const EVENTS = `user_id,event,timestamp,plan,amount
u3,b,2024-03-24T22:30:00Z,,
u1,a,2024-03-25T08:00:00Z,pro,10
u1,a,2024-03-25T20:00:00Z,pro,20
u2,a,2024-03-26T12:00:00Z,free,30
u1,b,2024-03-30T23:30:00Z,pro,
u2,a,2024-04-01T22:30:00Z,free,40
u1,a,2024-04-02T10:00:00Z,pro,
`;
const PEOPLE = `user_id,email,tier\nu1,one@x.io,gold\nu2,two@x.io,silver\n`;
const NOW = new Date('2024-04-02T12:00:00Z');

let ws: TempWorkspace;
let workspace: Workspace;

beforeAll(async () => {
  ws = await tempWorkspace();
  await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
  await ws.api['import.users']({ files: [ws.write('p.csv', PEOPLE)] });
  await ws.api['workspace.updateSettings']({ timezone: 'Europe/Paris' });
  await ws.api['workspace.close']({});
  workspace = await Workspace.open(ws.file, { readOnly: true });
});
afterAll(() => {
  workspace.close();
  ws.close();
});

type SpecInput = Omit<z.input<typeof trendsSpecSchema>, 'kind'>;
interface Options {
  weekStart?: 'monday' | 'sunday';
  /** Until when the data was observed (the clock by default). */
  observedUntil?: Date;
}

async function withContext<T>(
  options: Options,
  body: (ctx: AnalysisContext) => Promise<T>,
): Promise<T> {
  return workspace.use(async (c) => {
    const settings = {
      ...(await workspace.settings(c)),
      ...(options.weekStart ? { weekStart: options.weekStart } : {}),
    };
    const catalog = await loadCatalog(c, workspace);
    const ctx: AnalysisContext = {
      c,
      settings,
      catalog,
      now: NOW,
      observedUntil: options.observedUntil ?? NOW,
      notes: new PlanNotes(),
    };
    return body(ctx);
  });
}

/** The trend of `spec` (defaults from the schema), and its warnings. */
async function trends(
  spec: SpecInput,
  options: Options = {},
): Promise<TrendsResult & { warnings: string[] }> {
  return withContext(options, async (ctx) => {
    const full = trendsSpecSchema.parse({ kind: 'trends', ...spec });
    const plan = await trendsRunner.plan(ctx, full);
    const units = await unitsTable(workspace, ctx.c, {
      kind: 'trends',
      unitsKey: plan.unitsKey,
      generation: ctx.catalog.generation,
      source: () => trendsRunner.units(ctx, plan),
    });
    const result = await trendsRunner.summarise(ctx, plan, units);
    return { ...result, warnings: ctx.notes.warnings };
  });
}

/** How many users are behind one point. */
async function users(
  spec: SpecInput,
  select: Omit<TrendsSelection, 'kind'>,
  options: Options = {},
): Promise<number> {
  return withContext(options, async (ctx) => {
    const full = trendsSpecSchema.parse({ kind: 'trends', ...spec });
    const { text, values } = await uidQuery(workspace, ctx, full, { kind: 'trends', ...select });
    const rows = await queryRows(ctx.c, `SELECT count(*) AS n FROM (${text})`, values);
    return Number(rows[0]?.n);
  });
}

const days = (from: string, to: string) => ({ type: 'absolute' as const, from, to });
const a = { event: 'a', where: [] };
const any = { event: '$any', where: [] };

describe('trends', () => {
  it('counts per local day of the workspace zone, across the DST change', async () => {
    const r = await trends({
      series: [{ events: a, measure: 'total' }],
      interval: 'day',
      dateRange: days('2024-03-25', '2024-04-02'),
    });
    expect(r.periods).toEqual([
      '2024-03-25',
      '2024-03-26',
      '2024-03-27',
      '2024-03-28',
      '2024-03-29',
      '2024-03-30',
      '2024-03-31',
      '2024-04-01',
      '2024-04-02',
    ]);
    // u2's 2024-04-01 22:30 UTC is 04-02 00:30 in Paris (UTC+2 after the change).
    expect(r.series[0]?.values).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 2]);
    expect(r.series[0]?.total).toBe(5);
    expect(r.series[0]?.label).toBe('a (total events)');
  });

  it('cuts weeks on Monday by default, on Sunday when the workspace says so', async () => {
    const spec = {
      series: [{ events: any, measure: 'uniqueUsers' as const }],
      interval: 'week' as const,
      dateRange: days('2024-03-24', '2024-04-02'),
    };
    const monday = await trends(spec);
    expect(monday.periods).toEqual(['2024-03-18', '2024-03-25', '2024-04-01']);
    expect(monday.series[0]?.values).toEqual([1, 2, 2]);
    expect(monday.series[0]?.total).toBe(3);
    const sunday = await trends(spec, { weekStart: 'sunday' });
    expect(sunday.periods).toEqual(['2024-03-24', '2024-03-31']);
    expect(sunday.series[0]?.values).toEqual([3, 2]);
  });

  it('sums, averages and takes the median of a numeric property', async () => {
    const range = days('2024-03-25', '2024-04-02');
    const [sum, avg, median, perUser] = await Promise.all(
      (['sum', 'avg', 'median'] as const)
        .map((measure) =>
          trends({
            series: [{ events: a, measure, property: 'amount' }],
            interval: 'day',
            dateRange: range,
          }),
        )
        .concat(
          trends({
            series: [{ events: a, measure: 'perUser' }],
            interval: 'day',
            dateRange: range,
          }),
        ),
    );
    expect(sum?.series[0]?.values).toEqual([30, 30, 0, 0, 0, 0, 0, 0, 40]);
    expect(avg?.series[0]?.values).toEqual([15, 30, null, null, null, null, null, null, 40]);
    expect(median?.series[0]?.total).toBe(25);
    // 04-02: two events by two users; 03-25: two events by one user.
    expect(perUser?.series[0]?.values).toEqual([2, 1, null, null, null, null, null, null, 1]);
  });

  it('breaks down by the top values, then (other), then (none)', async () => {
    const r = await trends({
      series: [{ events: any, measure: 'total' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
      breakdown: { property: 'plan', source: 'event', limit: 1 },
    });
    expect(r.series.map((s) => [s.breakdown, s.total, s.values])).toEqual([
      ['pro', 4, [3, 1]],
      ['(other)', 2, [1, 1]],
      ['(none)', 1, [1, 0]],
    ]);
  });

  it('counts rolling daily, weekly and monthly actives, and DAU/MAU', async () => {
    const range = days('2024-04-01', '2024-04-02');
    const run = (measure: 'dau' | 'wau' | 'mau' | 'stickiness') =>
      trends({ series: [{ events: any, measure }], interval: 'day', dateRange: range });
    expect((await run('dau')).series[0]?.values).toEqual([0, 2]);
    // 7 days to 04-01: u2 (03-26), u1 (03-31). To 04-02: u1 and u2 again.
    expect((await run('wau')).series[0]?.values).toEqual([2, 2]);
    // 30 days back reach u3's Sunday 03-24.
    expect((await run('mau')).series[0]?.values).toEqual([3, 3]);
    const sticky = (await run('stickiness')).series[0]?.values ?? [];
    expect(sticky[0]).toBe(0);
    expect(sticky[1]).toBeCloseTo(2 / 3, 10);
  });

  it('filters on user properties; "not equal" keeps users without the property', async () => {
    const run = (op: '=' | '!=') =>
      trends({
        series: [{ events: any, measure: 'uniqueUsers' }],
        interval: 'month',
        dateRange: days('2024-03-01', '2024-04-30'),
        filters: [{ property: 'tier', source: 'user', op, value: 'gold' }],
      });
    expect((await run('=')).series[0]?.total).toBe(1);
    expect((await run('!=')).series[0]?.total).toBe(2);
  });

  it('reads relative ranges against the clock and marks periods not over yet', async () => {
    const r = await trends({
      series: [{ events: any, measure: 'total' }],
      interval: 'day',
      dateRange: { type: 'relative', last: 3, unit: 'day' },
    });
    expect(r.periods).toEqual(['2024-03-31', '2024-04-01', '2024-04-02']);
    expect(r.incomplete).toEqual([false, false, true]);
    expect(r.series[0]?.values).toEqual([1, 0, 2]);
  });

  it('samples a deterministic share of users and says so', async () => {
    const full = await trends({
      series: [{ events: any, measure: 'uniqueUsers' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
    });
    const half = await trends({
      series: [{ events: any, measure: 'uniqueUsers' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
      sample: { fraction: 0.5 },
    });
    expect(half.sampled).toEqual({ fraction: 0.5 });
    // uids 0..2; Knuth's hash keeps uid u when (u * 2654435761) mod 2^32 < 2^31.
    const kept = [0, 1, 2].filter((u) => (u * 2654435761) % 4294967296 < 2147483648).length;
    expect(half.series[0]?.total).toBe(kept);
    expect(full.series[0]?.total).toBe(3);
  });

  it('lists every problem of a spec at once, each with its field', async () => {
    const error = await trends({
      series: [
        { events: a, measure: 'sum', property: 'properties' },
        { events: any, measure: 'dau' },
      ],
      interval: 'hour',
      dateRange: days('2024-03-01', '2024-03-02'),
      breakdown: { property: 'properties', source: 'event', limit: 5 },
    }).catch((e: { code: string; message: string; detail: { issues: { path: string }[] } }) => e);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    const paths = (error as { detail: { issues: { path: string }[] } }).detail.issues.map(
      (i) => i.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining(['series[0].property', 'series[1].measure', 'breakdown.property']),
    );
  });

  it('answers zeros for an event or property nobody has yet, with a warning naming the nearest', async () => {
    const result = await trends({
      series: [
        { events: { event: 'aa', where: [] }, measure: 'total' },
        {
          events: {
            event: 'a',
            where: [{ property: 'plann', source: 'event', op: '=', value: 'x' }],
          },
          measure: 'total',
        },
      ],
      interval: 'day',
      dateRange: days('2024-03-01', '2024-03-02'),
    });
    expect(result.series.map((x) => x.total)).toEqual([0, 0]);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^Nobody did 'aa' in this workspace yet, so it counts zero; nearest: a\b/,
      ),
      expect.stringMatching(
        /^No event has the property 'plann' in this workspace, so it counts as not set; nearest: /,
      ),
    ]);
  });
});

describe('trends: formulas, cumulative and rolling lines, compare, periods not observed', () => {
  const range = days('2024-03-25', '2024-04-02');
  const nulls = (k: number) => Array.from({ length: k }, () => null);
  const byPlan = { property: 'plan', source: 'event' as const, limit: 5 };

  it('computes formulas over the series, period by period; a division by zero is no value', async () => {
    const spec: SpecInput = {
      series: [
        { events: a, measure: 'total' },
        { events: a, measure: 'uniqueUsers' },
      ],
      formulas: [{ expression: 'A / B', label: 'events per user' }, { expression: 'A - B' }],
      interval: 'day',
      dateRange: range,
    };
    const r = await trends(spec);
    expect(r.series.map((s) => s.values)).toEqual([
      [2, 1, 0, 0, 0, 0, 0, 0, 2],
      [1, 1, 0, 0, 0, 0, 0, 0, 2],
    ]);
    expect(r.formulas?.map((f) => [f.label, f.values, f.total])).toEqual([
      ['events per user', [2, 1, ...nulls(6), 1], 2.5],
      ['A - B', [1, 0, 0, 0, 0, 0, 0, 0, 0], 3],
    ]);
    // A formula's point has no users behind it; a series' point has.
    await expect(users(spec, { formula: 0, period: '2024-03-25' })).rejects.toThrow(
      /no users behind it/,
    );
    expect(await users(spec, { series: 1, period: '2024-04-02' })).toBe(2);
  });

  it('computes a formula per breakdown value, on the lines of the same value', async () => {
    const r = await trends({
      series: [
        { events: any, measure: 'total' },
        { events: any, measure: 'uniqueUsers' },
      ],
      formulas: [{ expression: 'A / B' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
      breakdown: byPlan,
    });
    expect(r.series.map((s) => [s.series, s.breakdown, s.values])).toEqual([
      [0, 'pro', [3, 1]],
      [0, 'free', [1, 1]],
      [0, '(none)', [1, 0]],
      [1, 'pro', [1, 1]],
      [1, 'free', [1, 1]],
      [1, '(none)', [1, 0]],
    ]);
    expect(r.formulas?.map((f) => [f.breakdown, f.values, f.total])).toEqual([
      ['pro', [3, 1], 4],
      ['free', [1, 1], 2],
      ['(none)', [1, null], 1],
    ]);
  });

  it('cumulates: events add up, a user counts once (their first period), averages of all so far', async () => {
    const run = (measure: 'total' | 'uniqueUsers' | 'perUser' | 'avg' | 'max') =>
      trends({
        series: [
          {
            events: a,
            measure,
            ...(measure === 'avg' || measure === 'max' ? { property: 'amount' } : {}),
          },
        ],
        interval: 'day',
        dateRange: range,
        display: { cumulative: true },
      });
    const total = await run('total');
    expect(total.series[0]?.values).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 5]);
    expect(total.series[0]?.total).toBe(5);
    const unique = await run('uniqueUsers');
    expect(unique.series[0]?.values).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect((await run('perUser')).series[0]?.values).toEqual([
      2, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 2.5,
    ]);
    expect((await run('avg')).series[0]?.values).toEqual([15, 20, 20, 20, 20, 20, 20, 20, 25]);
    expect((await run('max')).series[0]?.values).toEqual([20, 30, 30, 30, 30, 30, 30, 30, 40]);
    const spec: SpecInput = {
      series: [{ events: a, measure: 'uniqueUsers' }],
      interval: 'day',
      dateRange: range,
      display: { cumulative: true },
    };
    expect(await users(spec, { series: 0, period: '2024-03-25' })).toBe(1);
    expect(await users(spec, { series: 0, period: '2024-03-27' })).toBe(2);
    // A median or a rolling measure is left per period, and the result says so.
    const median = await trends({
      series: [
        { events: a, measure: 'median', property: 'amount' },
        { events: any, measure: 'dau' },
      ],
      interval: 'day',
      dateRange: range,
      display: { cumulative: true },
    });
    expect(median.series[0]?.values).toEqual([15, 30, ...nulls(6), 40]);
    expect(median.series[1]?.values).toEqual([1, 1, 0, 0, 0, 0, 1, 0, 2]);
    expect(median.warnings).toEqual([
      expect.stringMatching(/median of series 1 per period/),
      expect.stringMatching(/series 2 \(daily active users\) per period/),
    ]);
  });

  it('averages the last N periods of the range (the first ones average fewer)', async () => {
    const spec: SpecInput = {
      series: [{ events: a, measure: 'total' }],
      interval: 'day',
      dateRange: range,
      display: { rollingAverage: 3 },
    };
    const r = await trends(spec);
    const values = r.series[0]?.values ?? [];
    [2, 1.5, 1, 1 / 3, 0, 0, 0, 0, 2 / 3].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 12));
    expect(r.series[0]?.total).toBe(5);
    // The users behind 03-27: those of its window, 03-25 to 03-27.
    expect(await users(spec, { series: 0, period: '2024-03-27' })).toBe(2);
    expect(await users(spec, { series: 0, period: '2024-03-29' })).toBe(0);
  });

  it('compares with the range just before, as many periods long, aligned period by period', async () => {
    const spec: SpecInput = {
      series: [{ events: any, measure: 'total' }],
      interval: 'day',
      dateRange: days('2024-03-27', '2024-04-02'),
      compare: true,
    };
    const r = await trends(spec);
    expect(r.series[0]?.values).toEqual([0, 0, 0, 0, 1, 0, 2]);
    expect(r.compare?.periods).toEqual([
      '2024-03-20',
      '2024-03-21',
      '2024-03-22',
      '2024-03-23',
      '2024-03-24',
      '2024-03-25',
      '2024-03-26',
    ]);
    expect(r.compare?.series.map((s) => [s.values, s.total])).toEqual([[[0, 0, 0, 0, 1, 2, 1], 4]]);
    expect(r.series[0]?.total).toBe(3);
    expect(await users(spec, { series: 0, period: '2024-03-25' })).toBe(1);
    expect(await users(spec, { series: 0, period: '2024-04-02' })).toBe(2);
    // Weeks move back by the weeks the range touches, months by its months (the day clamped).
    const weeks = await trends({
      ...spec,
      interval: 'week',
      dateRange: days('2024-03-25', '2024-04-07'),
    });
    expect(weeks.periods).toEqual(['2024-03-25', '2024-04-01']);
    expect(weeks.series[0]?.values).toEqual([4, 2]);
    expect(weeks.compare?.periods).toEqual(['2024-03-11', '2024-03-18']);
    expect(weeks.compare?.series[0]?.values).toEqual([0, 1]);
    const months = await trends({
      ...spec,
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
    });
    expect(months.compare?.periods).toEqual(['2024-01-01', '2024-02-01']);
    expect(months.compare?.series[0]?.values).toEqual([0, 0]);
  });

  it('periods after the data ends have no values; the last one observed is incomplete', async () => {
    const until = new Date('2024-04-01T12:00:00Z');
    const r = await trends(
      {
        series: [
          { events: any, measure: 'total' },
          { events: any, measure: 'mau' },
        ],
        interval: 'day',
        dateRange: days('2024-03-31', '2024-04-02'),
      },
      { observedUntil: until },
    );
    expect(r.incomplete).toEqual([false, true, true]);
    expect(r.series.map((s) => s.values)).toEqual([
      [1, 0, null],
      [3, 3, null],
    ]);
    // Hours: until 14:00 Paris on 04-02 (the clock), the hours after it are not zeros.
    const hours = await trends({
      series: [{ events: a, measure: 'total' }],
      interval: 'hour',
      dateRange: days('2024-04-02', '2024-04-02'),
    });
    expect(hours.series[0]?.values).toEqual([1, ...Array(11).fill(0), 1, 0, 0, ...nulls(9)]);
    expect(hours.incomplete.indexOf(true)).toBe(14);
    // An export of whole days ends at the midnight after its last day: that day is complete.
    const whole = await trends(
      {
        series: [{ events: a, measure: 'total' }],
        interval: 'day',
        dateRange: days('2024-04-02', '2024-04-03'),
      },
      { observedUntil: new Date('2024-04-02T22:00:00Z') },
    );
    expect(whole.series[0]?.values).toEqual([2, null]);
    expect(whole.incomplete).toEqual([false, true]);
  });

  it('weekly DAU is the average of its days, WAU its users, DAU/MAU the average daily ratio', async () => {
    const spec = (measure: 'dau' | 'wau' | 'mau' | 'stickiness'): SpecInput => ({
      series: [{ events: any, measure }],
      interval: 'week',
      dateRange: days('2024-03-25', '2024-03-31'),
    });
    const value = async (measure: 'dau' | 'wau' | 'mau' | 'stickiness') =>
      (await trends(spec(measure))).series[0]?.values[0];
    expect(await value('dau')).toBeCloseTo(3 / 7, 12);
    expect(await value('wau')).toBe(2);
    expect(await value('mau')).toBe(3);
    // 03-25: 1 of 2 monthly users; 03-26: 1 of 3; 03-31: 1 of 3; the other 4 days 0.
    expect(await value('stickiness')).toBeCloseTo((1 / 2 + 1 / 3 + 1 / 3) / 7, 12);
    expect(await users(spec('dau'), { series: 0, period: '2024-03-25' })).toBe(2);
    expect(await users(spec('wau'), { series: 0, period: '2024-03-25' })).toBe(2);
    expect(await users(spec('mau'), { series: 0, period: '2024-03-25' })).toBe(3);
  });

  it('medians by breakdown value, from the events', async () => {
    const r = await trends({
      series: [{ events: a, measure: 'median', property: 'amount' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
      breakdown: byPlan,
    });
    expect(r.series.map((s) => [s.breakdown, s.values, s.total])).toEqual([
      ['pro', [15, null], 15],
      ['free', [30, 40], 35],
    ]);
  });
});

describe('trends units', () => {
  it('are materialised once per spec and data: display options, labels and formulas reuse them', async () => {
    const count = async (): Promise<number> =>
      workspace.use(async (c) => {
        const rows = await queryRows(
          c,
          `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'units_cache' AND table_name LIKE 'u_trends_%'`,
        );
        return Number(rows[0]?.n);
      });
    const base: SpecInput = {
      series: [{ events: any, measure: 'total', label: 'one' }],
      interval: 'day',
      dateRange: days('2024-03-10', '2024-03-20'),
    };
    await trends(base);
    const before = await count();
    await trends({ ...base, display: { chart: 'bar', cumulative: true } });
    await trends({ ...base, series: [{ events: any, measure: 'total', label: 'two' }] });
    await trends({ ...base, formulas: [{ expression: 'A * 2' }], display: { rollingAverage: 3 } });
    expect(await users(base, { series: 0, period: '2024-03-15' })).toBe(0);
    expect(await count()).toBe(before);
    // Comparing reads another range: other units.
    const keyOf = (spec: SpecInput) =>
      withContext({}, async (ctx) =>
        JSON.stringify(
          (await trendsRunner.plan(ctx, trendsSpecSchema.parse({ kind: 'trends', ...spec })))
            .unitsKey,
        ),
      );
    expect(await keyOf({ ...base, compare: true })).not.toBe(await keyOf(base));
  });
});
