import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StickinessSpec } from '../../../../shared/specs/stickiness';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

type Run = Awaited<ReturnType<typeof analysisFixture>>['run'];
const range = (from: string, to: string) => ({ type: 'absolute' as const, from, to });
const base = (extra: Partial<StickinessSpec>): StickinessSpec => ({
  kind: 'stickiness',
  version: 1,
  events: { event: 'use', where: [] },
  unit: 'day',
  per: 'week',
  minEventsPerUnit: 1,
  cumulative: false,
  dateRange: range('2024-01-03', '2024-01-24'),
  filters: [],
  ...extra,
});
/** The first `n` buckets of each period, with the period's shape. */
const shape = (r: Awaited<ReturnType<Run>> & { kind: 'stickiness' }, n: number) =>
  r.periods.map((p) => [p.period, p.to, p.incomplete, p.units, p.possible, p.users.slice(0, n)]);

/**
 * Monday weeks; the range 2024-01-03 (Wed) .. 01-24 (Wed) cuts W1 = 01-01 (5 of its days in the
 * range) and W4 = 01-22 (3 days). Someone's 'other' on 2024-02-07 (Wed) 10:00 is the last event.
 *   A: use 01-02 (before the range), 01-03, 01-04 x2, 01-09, 01-10, 01-11, 01-22, 01-23, 01-24
 *      W1: 2 days (01-04 with 2 events)   W2: 3 days   W4: 3 days
 *   B: use 01-08 x3, 01-15, 01-16         W2: 1 day (3 events)   W3: 2 days
 *   C: use 01-20, 01-25 (after)           W3: 1 day
 */
const EVENTS = `user_id,event,timestamp
A,use,2024-01-02T10:00:00Z
A,use,2024-01-03T10:00:00Z
A,use,2024-01-04T10:00:00Z
A,use,2024-01-04T11:00:00Z
A,use,2024-01-09T10:00:00Z
A,use,2024-01-10T10:00:00Z
A,use,2024-01-11T10:00:00Z
A,use,2024-01-22T10:00:00Z
A,use,2024-01-23T10:00:00Z
A,use,2024-01-24T10:00:00Z
B,use,2024-01-08T09:00:00Z
B,use,2024-01-08T10:00:00Z
B,use,2024-01-08T11:00:00Z
B,use,2024-01-15T10:00:00Z
B,use,2024-01-16T10:00:00Z
C,use,2024-01-20T10:00:00Z
C,use,2024-01-25T10:00:00Z
Z,other,2024-02-07T10:00:00Z
`;

describe('stickiness over any interval', () => {
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS));
  });
  afterAll(() => ws.close());
  const users = async (spec: StickinessSpec, bucket: number, period?: string) =>
    (
      await ws.api['analysis.users']({
        spec,
        select: { kind: 'stickiness', bucket, ...(period === undefined ? {} : { period }) },
        limit: 100,
      })
    ).users
      .map((u) => u.user_id)
      .sort();

  it('counts days per week, each week apart, edge weeks flagged with the days they could hold', async () => {
    const r = await run(base({}));
    expect(r.buckets).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(shape(r, 3)).toEqual([
      ['2024-01-01', '2024-01-07', true, 7, 5, [0, 1, 0]],
      ['2024-01-08', '2024-01-14', false, 7, 7, [1, 0, 1]],
      ['2024-01-15', '2024-01-21', false, 7, 7, [1, 1, 0]],
      ['2024-01-22', '2024-01-24', true, 7, 3, [0, 0, 1]],
    ]);
    // User-weeks summed (A counts twice in "3 days"), and the different users behind each.
    expect(r.users.slice(0, 4)).toEqual([2, 2, 2, 0]);
    expect(r.distinctUsers.slice(0, 4)).toEqual([2, 2, 1, 0]);
  });

  it('lists the users behind a bucket, of one week or of any week', async () => {
    const spec = base({});
    expect(await users(spec, 3, '2024-01-08')).toEqual(['A']);
    expect(await users(spec, 1, '2024-01-08')).toEqual(['B']);
    expect(await users(spec, 3)).toEqual(['A']);
    expect(await users(spec, 1)).toEqual(['B', 'C']);
    expect(await users(spec, 2)).toEqual(['A', 'B']);
    const cumulative = base({ cumulative: true });
    expect(await users(cumulative, 2, '2024-01-15')).toEqual(['B']);
    expect(await users(cumulative, 2)).toEqual(['A', 'B']);
  });

  it('cumulative: at least N days, per week and over the different users', async () => {
    const r = await run(base({ cumulative: true }));
    expect(r.periods.map((p) => p.users.slice(0, 4))).toEqual([
      [1, 1, 0, 0],
      [2, 1, 1, 0],
      [2, 1, 0, 0],
      [1, 1, 1, 0],
    ]);
    expect(r.users.slice(0, 4)).toEqual([6, 4, 2, 0]);
    // A's best week has 3 days, B's 2, C's 1.
    expect(r.distinctUsers.slice(0, 4)).toEqual([3, 2, 1, 0]);
  });

  it('counts days with at least, at most or exactly K events', async () => {
    const atLeast2 = await run(base({ minEventsPerUnit: 2 }));
    expect(atLeast2.periods.map((p) => p.users.slice(0, 2))).toEqual([
      [1, 0],
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    const atMost1 = await run(base({ maxEventsPerUnit: 1 }));
    // A's 01-04 (2 events) and B's 01-08 (3 events) do not count.
    expect(atMost1.periods.map((p) => p.users.slice(0, 3))).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    const exactly3 = base({ minEventsPerUnit: 3, maxEventsPerUnit: 3 });
    expect((await run(exactly3)).users.slice(0, 2)).toEqual([1, 0]);
    expect(await users(exactly3, 1)).toEqual(['B']);
  });

  it('counts days of the whole range, as PostHog does', async () => {
    const spec = base({ per: 'range' });
    const r = await run(spec);
    // 22 days from 01-03 to 01-24: A 8, B 3, C 1.
    expect(r.buckets).toHaveLength(22);
    expect(shape(r, 8)).toEqual([
      ['2024-01-03', '2024-01-24', false, 22, 22, [1, 0, 1, 0, 0, 0, 0, 1]],
    ]);
    expect(await users(spec, 8, '2024-01-03')).toEqual(['A']);
    expect(await users({ ...spec, cumulative: true }, 3)).toEqual(['A', 'B']);
  });

  it('counts active weeks over the range; a week the range cuts still counts, flagged', async () => {
    const r = await run(base({ unit: 'week', per: 'range' }));
    // Weeks touched: 01-01, 01-08, 01-15, 01-22. A in 3 of them, B in 2, C in 1.
    expect(shape(r, 4)).toEqual([['2024-01-03', '2024-01-24', true, 4, 4, [1, 1, 1, 0]]]);
  });

  it('counts days per N-day interval laid from the range start', async () => {
    const r = await run(base({ per: 'days', perDays: 7 }));
    expect(r.buckets).toHaveLength(7);
    expect(shape(r, 3)).toEqual([
      ['2024-01-03', '2024-01-09', false, 7, 7, [1, 0, 1]],
      ['2024-01-10', '2024-01-16', false, 7, 7, [0, 2, 0]],
      ['2024-01-17', '2024-01-23', false, 7, 7, [1, 1, 0]],
      ['2024-01-24', '2024-01-24', true, 7, 1, [1, 0, 0]],
    ]);
  });

  it('reads the same units for exactly N and at least N, and for the users behind either', async () => {
    const cached = async (): Promise<number> =>
      Number(
        (
          await ws.rows(
            `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'units_cache' AND table_name LIKE 'u_stickiness_%'`,
          )
        )[0]?.n,
      );
    const spec = base({ dateRange: range('2024-01-01', '2024-01-31') });
    await run(spec);
    const before = await cached();
    await run({ ...spec, cumulative: true });
    await users({ ...spec, cumulative: true }, 2);
    expect(await cached()).toBe(before);
  });

  it('answers zeros with a warning for an event nobody did', async () => {
    const r = await run(base({ events: { event: 'usee', where: [] } }));
    expect(r.users.every((n) => n === 0)).toBe(true);
    expect(r.warnings?.[0]).toMatch(/Nobody did 'usee'.*nearest: use/);
  });

  it('flags a period not over when the data ends, with the units observed so far', async () => {
    // The data ends Wednesday 2024-02-07 10:00: 3 days of that week were observed.
    const r = await run(base({ dateRange: range('2024-01-29', '2024-02-11') }));
    expect(shape(r, 1)).toEqual([
      ['2024-01-29', '2024-02-04', false, 7, 7, [0]],
      ['2024-02-05', '2024-02-11', true, 7, 3, [0]],
    ]);
    const whole = await run(base({ per: 'range', dateRange: range('2024-01-29', '2024-02-11') }));
    expect(shape(whole, 1)).toEqual([['2024-01-29', '2024-02-11', true, 14, 10, [0]]]);
    const hours = await run(
      base({ unit: 'hour', per: 'day', dateRange: range('2024-02-07', '2024-02-07') }),
    );
    // 00:00 .. 10:00 UTC, the hour of the last event included: 11 hours could have been active.
    expect(shape(hours, 1)).toEqual([['2024-02-07', '2024-02-07', true, 24, 11, [0]]]);
  });
});

/**
 * Months: the range 2024-01-15 .. 06-30 cuts January (17 of 31 days) and the first quarter;
 * 'other' on 2024-12-31 ends the data.
 *   D: use 01-20, 02-01, 02-02, 03-05      E: use 02-10, 05-01
 */
const MONTHS = `user_id,event,timestamp
D,use,2024-01-20T10:00:00Z
D,use,2024-02-01T10:00:00Z
D,use,2024-02-02T10:00:00Z
D,use,2024-03-05T10:00:00Z
E,use,2024-02-10T10:00:00Z
E,use,2024-05-01T10:00:00Z
Z,other,2024-12-31T12:00:00Z
`;

describe('stickiness of days per month, quarter and year; of months', () => {
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(MONTHS));
  });
  afterAll(() => ws.close());
  const months = (extra: Partial<StickinessSpec>) =>
    base({ dateRange: range('2024-01-15', '2024-06-30'), ...extra });

  it('days per month: each month holds its own days', async () => {
    const r = await run(months({ per: 'month' }));
    expect(r.buckets).toHaveLength(31);
    expect(shape(r, 2)).toEqual([
      ['2024-01-01', '2024-01-31', true, 31, 17, [1, 0]],
      ['2024-02-01', '2024-02-29', false, 29, 29, [1, 1]],
      ['2024-03-01', '2024-03-31', false, 31, 31, [1, 0]],
      ['2024-04-01', '2024-04-30', false, 30, 30, [0, 0]],
      ['2024-05-01', '2024-05-31', false, 31, 31, [1, 0]],
      ['2024-06-01', '2024-06-30', false, 30, 30, [0, 0]],
    ]);
  });

  it('days per quarter and per year', async () => {
    const q = await run(months({ per: 'quarter' }));
    expect(q.buckets).toHaveLength(92);
    expect(shape(q, 4)).toEqual([
      ['2024-01-01', '2024-03-31', true, 91, 77, [1, 0, 0, 1]],
      ['2024-04-01', '2024-06-30', false, 91, 91, [1, 0, 0, 0]],
    ]);
    const y = await run(months({ per: 'year' }));
    expect(y.buckets).toHaveLength(366);
    expect(shape(y, 4)).toEqual([['2024-01-01', '2024-06-30', true, 366, 168, [0, 1, 0, 1]]]);
  });

  it('active months per quarter, per year and over the range', async () => {
    const q = await run(months({ unit: 'month', per: 'quarter' }));
    expect(q.buckets).toEqual([1, 2, 3]);
    expect(shape(q, 3)).toEqual([
      ['2024-01-01', '2024-03-31', true, 3, 3, [1, 0, 1]],
      ['2024-04-01', '2024-06-30', false, 3, 3, [1, 0, 0]],
    ]);
    const y = await run(months({ unit: 'month', per: 'year' }));
    expect(y.buckets).toHaveLength(12);
    expect(shape(y, 3)).toEqual([['2024-01-01', '2024-06-30', true, 12, 6, [0, 1, 1]]]);
    const all = await run(months({ unit: 'month', per: 'range' }));
    // January to June, January cut by the range start.
    expect(shape(all, 3)).toEqual([['2024-01-15', '2024-06-30', true, 6, 6, [0, 1, 1]]]);
  });
});

describe('stickiness in a zone with DST, weeks from Sunday', () => {
  /** New York: DST starts 2024-03-10 (23 hours), ends 2024-11-03 (the 01:00 hour twice). */
  const EVENTS_NY = `user_id,event,timestamp
F,use,2024-03-10T04:30:00Z
F,use,2024-03-10T12:00:00Z
F,use,2024-03-11T03:30:00Z
G,use,2024-11-03T05:30:00Z
G,use,2024-11-03T06:30:00Z
Z,other,2024-12-31T12:00:00Z
`;
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS_NY, { timezone: 'America/New_York' }));
    await ws.api['workspace.updateSettings']({ weekStart: 'sunday' });
  });
  afterAll(() => ws.close());

  it('hours of a local day: 23 on the spring-forward day, 24 on the fall-back day', async () => {
    const spring = await run(
      base({ unit: 'hour', per: 'day', dateRange: range('2024-03-10', '2024-03-10') }),
    );
    // F: 04:30Z is 23:30 on 03-09; 12:00Z is 08:00 and 03-11 03:30Z is 23:30 on 03-10.
    expect(shape(spring, 2)).toEqual([['2024-03-10', '2024-03-10', false, 23, 23, [0, 1]]]);
    const fall = await run(
      base({ unit: 'hour', per: 'day', dateRange: range('2024-11-03', '2024-11-03') }),
    );
    // G: 05:30Z and 06:30Z are 01:30 EDT and 01:30 EST: one local hour.
    expect(shape(fall, 2)).toEqual([['2024-11-03', '2024-11-03', false, 24, 24, [1, 0]]]);
  });

  it('days of a Sunday week in the local zone', async () => {
    const r = await run(base({ dateRange: range('2024-03-03', '2024-03-16') }));
    // F: Saturday 03-09 in the first week; Sunday 03-10 (08:00 and 23:30) in the second.
    expect(shape(r, 2)).toEqual([
      ['2024-03-03', '2024-03-09', false, 7, 7, [1, 0]],
      ['2024-03-10', '2024-03-16', false, 7, 7, [1, 0]],
    ]);
    const hours = await run(base({ unit: 'hour', dateRange: range('2024-03-10', '2024-03-16') }));
    // F's two hours on 03-10; a Sunday week with the spring-forward day holds 167 hours.
    expect(hours.buckets).toHaveLength(168);
    expect(shape(hours, 2)).toEqual([['2024-03-10', '2024-03-16', false, 167, 167, [0, 1]]]);
  });
});
