import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  RetentionResult,
  RetentionSelection,
  RetentionSpec,
} from '../../../../shared/specs/retention';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

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

type Run = Awaited<ReturnType<typeof analysisFixture>>['run'];
let ws: TempWorkspace;
let run: Run;
beforeAll(async () => {
  ({ ws, run } = await analysisFixture(EVENTS));
});
afterAll(() => ws.close());

const grid = (r: RetentionResult, g = 0) =>
  r.groups[g]?.cohorts.map((c) => [c.cohort, c.size, c.values]);
const retention = (spec: Partial<RetentionSpec>): Promise<RetentionResult> =>
  run({ ...base, ...spec });
const usersOf = async (
  w: TempWorkspace,
  spec: RetentionSpec,
  select: Omit<RetentionSelection, 'kind'>,
): Promise<string[]> =>
  (
    await w.api['analysis.users']({ spec, select: { kind: 'retention', ...select }, limit: 1000 })
  ).users
    .map((u) => u.user_id)
    .sort();

/** A workspace of `csv` for one describe block, closed after it. */
function fixture(csv: string, settings: { timezone?: string } = {}) {
  const f: { ws?: TempWorkspace; run?: Run } = {};
  beforeAll(async () => {
    ({ ws: f.ws, run: f.run } = await analysisFixture(csv, settings));
  });
  afterAll(() => f.ws?.close());
  return {
    run: (spec: Partial<RetentionSpec>) => (f.run as Run)({ ...base, ...spec }),
    get ws() {
      return f.ws as TempWorkspace;
    },
  };
}

describe('retention', () => {
  it('first_time: period 0 counts returns at or after the start; a first start before the range is no cohort', async () => {
    const r = await retention({});
    expect(r.columns).toEqual(['0', '1', '2', '3']);
    // u3's first S ever is 2023-12-31: not a 01-02 cohort member although it did S on 01-02.
    expect(grid(r)).toEqual([['2024-01-01', 3, [1, 2, 1, 1]]]);
    expect(r.groups[0]?.cohorts[0]?.incomplete).toEqual([false, false, false, false]);
    expect(r.groups[0]?.mean.percentages[0]).toBeCloseTo(1 / 3, 12);
  });

  it('incomplete cells hold what was observed, flagged; the mean weights complete cells only', async () => {
    const r = await retention({ cohort: 'recurring' });
    // 01-02: u3 (S 09:00) and u4 (S 12:00); u3's R on 01-05 10:00 is day 3, not over yet.
    expect(grid(r)).toEqual([
      ['2024-01-01', 3, [1, 2, 1, 1]],
      ['2024-01-02', 2, [2, 0, 0, 1]],
    ]);
    expect(r.groups[0]?.cohorts[1]?.incomplete).toEqual([false, false, false, true]);
    expect(r.groups[0]?.cohorts[1]?.percentages[3]).toBe(0.5);
    // Day 0: (1 + 2) / (3 + 2); day 3: 01-01 alone (1 of 3), not (1 + 1) / 5.
    expect(r.groups[0]?.mean.percentages[0]).toBeCloseTo(3 / 5, 12);
    expect(r.groups[0]?.mean.percentages[3]).toBeCloseTo(1 / 3, 12);
  });

  it('on_or_after counts a return in the period or any later one', async () => {
    const r = await retention({ criterion: 'on_or_after', cohort: 'recurring' });
    expect(grid(r)).toEqual([
      ['2024-01-01', 3, [3, 3, 2, 1]],
      ['2024-01-02', 2, [2, 1, 1, 1]],
    ]);
  });

  it('on_or_after: a cell is incomplete while any period up to the last shown is', async () => {
    const spec: RetentionSpec = { ...base, criterion: 'on_or_after', cohort: 'recurring' };
    const r = await retention(spec);
    // 01-01 reads days 01-01..01-04, all over. 01-02 reads up to day 3 (01-05, observed until
    // 10:00): "day 1 or later" may still gain u4 on 01-05, so every one of its cells may grow.
    expect(r.groups[0]?.cohorts[0]?.incomplete).toEqual([false, false, false, false]);
    expect(r.groups[0]?.cohorts[1]?.incomplete).toEqual([true, true, true, true]);
    // The mean is 01-01's alone: day 1 is 3 of 3, not (3 + 1) / (3 + 2).
    expect(r.groups[0]?.mean.percentages).toEqual([1, 1, 2 / 3, 1 / 3]);
    // Its users are 01-01's (u1, u2, u4), not u3 of the unfinished 01-02 cohort.
    expect(await usersOf(ws, spec, { cohort: 'mean', column: 1 })).toEqual(['u1', 'u2', 'u4']);
  });

  it('brackets group periods', async () => {
    const r = await retention({ criterion: 'brackets', brackets: [1, 2], cohort: 'recurring' });
    expect(r.columns).toEqual(['1', '2-3']);
    expect(grid(r)).toEqual([
      ['2024-01-01', 3, [2, 2]],
      ['2024-01-02', 2, [0, 1]],
    ]);
    expect(r.groups[0]?.cohorts[1]?.incomplete).toEqual([false, true]);
  });

  it('rolling windows count 24-hour multiples from each start', async () => {
    const r = await retention({ time: 'rolling' });
    // u1: +22 h (day 0), +74 h (day 3); u2: +1 h (0), +38 h (1); u4: +25 h (1). u2's day 3
    // (from 01-04 20:00 to 01-05 20:00) is not over when the data ends: observed, flagged.
    expect(grid(r)).toEqual([['2024-01-01', 3, [2, 2, 0, 1]]]);
    expect(r.groups[0]?.cohorts[0]?.incomplete).toEqual([false, false, false, true]);
  });

  it('first_ever leaves out users whose first start event is outside the range', async () => {
    const r = await retention({ cohort: 'first_ever' });
    expect(grid(r)).toEqual([['2024-01-01', 3, [1, 2, 1, 1]]]);
  });

  it('recurring cohorts a user in every period with a start event', async () => {
    const r = await retention({ cohort: 'recurring' });
    expect(grid(r)?.[1]).toEqual(['2024-01-02', 2, [2, 0, 0, 1]]);
  });

  it('breaks down by a property of the start event', async () => {
    const r = await retention({
      cohort: 'recurring',
      breakdown: { property: 'plan', source: 'event', limit: 5 },
    });
    expect(r.groups.map((g) => [g.breakdown, g.cohorts.map((c) => c.size)])).toEqual([
      ['a', [2, 2]],
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

/**
 * first_time vs first_ever vs recurring under a filter (plan = y), range 01-02..01-03, daily:
 * early:  S(y) 01-01 (before the range), S(y) 01-02, R 01-03
 * switch: S(x) 01-01 (before the range), S(y) 01-02, R 01-03
 * fresh:  S(x) 01-02 10:00, S(y) 01-03 09:00, R 01-04
 * plain:  S(y) 01-02, R 01-03
 */
describe('cohorts: the first matching start ever, the first ever, every period', () => {
  const f = fixture(`user_id,event,timestamp,plan
early,S,2024-01-01T10:00:00Z,y
switch,S,2024-01-01T10:00:00Z,x
early,S,2024-01-02T10:00:00Z,y
switch,S,2024-01-02T10:00:00Z,y
fresh,S,2024-01-02T10:00:00Z,x
plain,S,2024-01-02T10:00:00Z,y
fresh,S,2024-01-03T09:00:00Z,y
early,R,2024-01-03T10:00:00Z,
switch,R,2024-01-03T10:00:00Z,
plain,R,2024-01-03T10:00:00Z,
fresh,R,2024-01-04T10:00:00Z,
end,X,2024-01-09T00:00:00Z,
`);
  const spec: Partial<RetentionSpec> = {
    periods: 1,
    dateRange: { type: 'absolute', from: '2024-01-02', to: '2024-01-03' },
    filters: [{ property: 'plan', source: 'event', op: '=', value: 'y' }],
  };

  it('first_time: the first start event matching the filters over all time, if in the range', async () => {
    const r = await f.run({ ...spec, cohort: 'first_time' });
    // early's first matching S is 01-01 (outside); switch's first matching is 01-02 (its 01-01
    // one is x); fresh's is 01-03.
    expect(grid(r)).toEqual([
      ['2024-01-02', 2, [0, 2]],
      ['2024-01-03', 1, [0, 1]],
    ]);
    expect(
      await usersOf(f.ws, { ...base, ...spec }, { cohort: '2024-01-02', column: 'size' }),
    ).toEqual(['plain', 'switch']);
  });

  it('first_ever: the first start event ever, cohorted only if in the range and matching', async () => {
    const r = await f.run({ ...spec, cohort: 'first_ever' });
    // switch's and early's first S is before the range; fresh's first S (01-02) is x.
    expect(grid(r)).toEqual([['2024-01-02', 1, [0, 1]]]);
  });

  it('recurring: an entry per period with a matching start event', async () => {
    const r = await f.run({ ...spec, cohort: 'recurring' });
    expect(grid(r)).toEqual([
      ['2024-01-02', 3, [0, 3]],
      ['2024-01-03', 1, [0, 1]],
    ]);
  });

  it('without filters, first_time and first_ever agree', async () => {
    const unfiltered = { ...spec, filters: [] };
    const expected = [['2024-01-02', 2, [0, 1]]];
    expect(grid(await f.run({ ...unfiltered, cohort: 'first_time' }))).toEqual(expected);
    expect(grid(await f.run({ ...unfiltered, cohort: 'first_ever' }))).toEqual(expected);
  });
});

/**
 * At least K return events a period. Both S on 01-01 10:00, daily, 2 periods:
 * m1: R 11:00 (5), 12:00 (5); R 01-02 (7); R 01-03 x3 (1 each)
 * m2: R 01-01 09:00 (1000, before its start), 11:00 (100); R 01-02 x2 (2 each)
 */
describe('minimum occurrences per return period', () => {
  const f = fixture(`user_id,event,timestamp,amount
m1,S,2024-01-01T10:00:00Z,
m2,R,2024-01-01T09:00:00Z,1000
m2,S,2024-01-01T10:00:00Z,
m1,R,2024-01-01T11:00:00Z,5
m2,R,2024-01-01T11:00:00Z,100
m1,R,2024-01-01T12:00:00Z,5
m1,R,2024-01-02T10:00:00Z,7
m2,R,2024-01-02T10:00:00Z,2
m2,R,2024-01-02T11:00:00Z,2
m1,R,2024-01-03T10:00:00Z,1
m1,R,2024-01-03T11:00:00Z,1
m1,R,2024-01-03T12:00:00Z,1
end,X,2024-01-09T00:00:00Z,
`);
  const spec: Partial<RetentionSpec> = {
    periods: 2,
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  };

  it('a period counts with K return events in it; period 0 only those at or after the start', async () => {
    expect(grid(await f.run({ ...spec, minOccurrences: 2 }))).toEqual([
      ['2024-01-01', 2, [1, 1, 1]],
    ]);
    expect(grid(await f.run({ ...spec, minOccurrences: 3 }))).toEqual([
      ['2024-01-01', 2, [0, 0, 1]],
    ]);
    expect(grid(await f.run({ ...spec }))).toEqual([['2024-01-01', 2, [2, 2, 1]]]);
    // On or after: a period of k or later with K events (m2 has day 1, m1 days 0 and 2).
    expect(grid(await f.run({ ...spec, minOccurrences: 2, criterion: 'on_or_after' }))).toEqual([
      ['2024-01-01', 2, [2, 2, 1]],
    ]);
    expect(
      await usersOf(
        f.ws,
        { ...base, ...spec, minOccurrences: 2 },
        { cohort: '2024-01-01', column: 1 },
      ),
    ).toEqual(['m2']);
  });

  it('sums the events of the periods that count, never those before the start', async () => {
    const sum = { ...spec, measure: 'sum' as const, property: 'amount' };
    // K = 1: day 0 is 5 + 5 + 100 (m2's 1000 came before its start); day 1 is 7 + 2 + 2.
    expect(grid(await f.run(sum))).toEqual([['2024-01-01', 2, [110, 11, 3]]]);
    // K = 2: m2's day 0 (one event after the start) and m1's day 1 (one event) do not count.
    expect(grid(await f.run({ ...sum, minOccurrences: 2 }))).toEqual([
      ['2024-01-01', 2, [10, 4, 3]],
    ]);
  });

  it('refuses zero occurrences', async () => {
    await expect(f.run({ ...spec, minOccurrences: 0 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});

/**
 * Breakdown by an event property: a return counts only when it carries the cohort's value.
 * All S on 01-01, daily, 2 periods:
 * p1: S plan=a; R plan=a 01-02; R plan=b 01-03
 * p2: S plan=b; R plan=a 01-02; R (no plan) 01-03
 * p3: S (no plan); R (no plan) 01-02; R plan=a 01-03
 * p4: S (no plan) and S plan=c at the same instant, in this order: the first row is its start
 */
describe('breakdown by an event property', () => {
  const f = fixture(`user_id,event,timestamp,plan
p1,S,2024-01-01T10:00:00Z,a
p2,S,2024-01-01T11:00:00Z,b
p3,S,2024-01-01T12:00:00Z,
p4,S,2024-01-01T13:00:00Z,
p4,S,2024-01-01T13:00:00Z,c
p1,R,2024-01-02T10:00:00Z,a
p2,R,2024-01-02T10:00:00Z,a
p3,R,2024-01-02T10:00:00Z,
p1,R,2024-01-03T10:00:00Z,b
p2,R,2024-01-03T10:00:00Z,
p3,R,2024-01-03T10:00:00Z,a
end,X,2024-01-09T00:00:00Z,
`);
  const spec: Partial<RetentionSpec> = {
    periods: 2,
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
    breakdown: { property: 'plan', source: 'event', limit: 10 },
  };

  it('counts returns with the same value as the start event (none with none)', async () => {
    const r = await f.run(spec);
    expect(r.groups.map((g) => [g.breakdown, grid(r, r.groups.indexOf(g))])).toEqual([
      ['a', [['2024-01-01', 1, [0, 1, 0]]]],
      ['b', [['2024-01-01', 1, [0, 0, 0]]]],
      ['(none)', [['2024-01-01', 2, [0, 1, 0]]]],
    ]);
    expect(
      await usersOf(
        f.ws,
        { ...base, ...spec },
        { cohort: '2024-01-01', column: 1, breakdown: '(none)' },
      ),
    ).toEqual(['p3']);
  });

  it('without a breakdown every return counts', async () => {
    const r = await f.run({ ...spec, breakdown: undefined });
    expect(grid(r)).toEqual([['2024-01-01', 4, [0, 3, 3]]]);
  });
});

describe('sum and average of a user property', () => {
  const f = fixture(`user_id,event,timestamp
q1,S,2024-01-01T10:00:00Z
q2,S,2024-01-01T10:00:00Z
q3,S,2024-01-01T10:00:00Z
q1,R,2024-01-02T10:00:00Z
q2,R,2024-01-02T10:00:00Z
q2,R,2024-01-03T10:00:00Z
q3,R,2024-01-03T10:00:00Z
end,X,2024-01-09T00:00:00Z
`);
  beforeAll(async () => {
    await f.ws.api['import.users']({
      files: [f.ws.write('people.csv', 'user_id,revenue\nq1,100\nq2,50\nq3,\n')],
    });
  });
  const spec: Partial<RetentionSpec> = {
    periods: 2,
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
    propertySource: 'user',
    property: 'revenue',
  };

  it('adds each retained user once; the average is per cohort user', async () => {
    expect(grid(await f.run({ ...spec, measure: 'sum' }))).toEqual([
      ['2024-01-01', 3, [0, 150, 50]],
    ]);
    const avg = await f.run({ ...spec, measure: 'avg' });
    expect(avg.groups[0]?.cohorts[0]?.values).toEqual([0, 50, 50 / 3]);
  });
});

describe('hourly periods', () => {
  // Kolkata is UTC+5:30: its hours start at :30 UTC. Cohort 10:00 IST (04:30Z).
  const kolkata = fixture(
    `user_id,event,timestamp
h1,S,2024-01-01T04:40:00Z
h2,S,2024-01-01T04:50:00Z
h1,R,2024-01-01T05:20:00Z
h1,R,2024-01-01T05:35:00Z
h2,R,2024-01-01T06:29:00Z
h1,R,2024-01-01T07:00:00Z
end,X,2024-01-03T00:00:00Z
`,
    { timezone: 'Asia/Kolkata' },
  );
  const spec: Partial<RetentionSpec> = {
    period: 'hour',
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  };

  it('cuts local hours (10:50 IST is hour 0, 11:05 hour 1) and rolling hours from the start', async () => {
    const r = await kolkata.run(spec);
    expect(grid(r)).toEqual([['2024-01-01 10:00', 2, [1, 2, 1, 0]]]);
    const rolling = await kolkata.run({ ...spec, time: 'rolling' });
    // h1: +40 m, +55 m (hour 0), +2 h 20 m (2); h2: +1 h 39 m (1).
    expect(grid(rolling)).toEqual([['2024-01-01 10:00', 2, [1, 1, 1, 0]]]);
    expect(
      await usersOf(kolkata.ws, { ...base, ...spec }, { cohort: '2024-01-01 10:00', column: 1 }),
    ).toEqual(['h1', 'h2']);
  });

  // New York falls back on 2024-11-03: 01:00-02:00 happens twice (05:00Z EDT, 06:00Z EST).
  const newYork = fixture(
    `user_id,event,timestamp
d,S,2024-11-03T05:30:00Z
d,R,2024-11-03T06:30:00Z
end,X,2024-11-05T00:00:00Z
`,
    { timezone: 'America/New_York' },
  );

  it('counts the repeated hour of a DST change as an hour of its own', async () => {
    const r = await newYork.run({
      ...spec,
      periods: 2,
      dateRange: { type: 'absolute', from: '2024-11-03', to: '2024-11-03' },
    });
    expect(grid(r)).toEqual([['2024-11-03 01:00', 1, [0, 1, 0]]]);
  });
});

/**
 * Compare to the range before: 01-03..01-04 and the two days before it, daily, 1 period.
 * c1: S 01-01, R 01-02 · c2: S 01-02, R 01-04 · c3: S 01-03, R 01-04 · c4: S 01-03 · c5: S 01-04, R 01-05
 */
describe('compared with the range before', () => {
  const f = fixture(`user_id,event,timestamp
c1,S,2024-01-01T10:00:00Z
c2,S,2024-01-02T10:00:00Z
c1,R,2024-01-02T10:00:00Z
c3,S,2024-01-03T10:00:00Z
c4,S,2024-01-03T10:00:00Z
c2,R,2024-01-04T10:00:00Z
c3,R,2024-01-04T10:00:00Z
c5,S,2024-01-04T10:00:00Z
c5,R,2024-01-05T10:00:00Z
end,X,2024-01-09T00:00:00Z
`);
  const spec: RetentionSpec = {
    ...base,
    periods: 1,
    compare: true,
    dateRange: { type: 'absolute', from: '2024-01-03', to: '2024-01-04' },
  };

  it("gives the same cohorts' grid over the equally long range before, and its mean", async () => {
    const r = await f.run(spec);
    expect(r.previousRange).toEqual({ from: '2024-01-01', to: '2024-01-02' });
    expect(grid(r)).toEqual([
      ['2024-01-03', 2, [0, 1]],
      ['2024-01-04', 1, [0, 1]],
    ]);
    const previous = r.groups[0]?.previous;
    expect(previous?.cohorts.map((c) => [c.cohort, c.size, c.values])).toEqual([
      ['2024-01-01', 1, [0, 1]],
      ['2024-01-02', 1, [0, 0]],
    ]);
    expect(r.groups[0]?.mean.percentages[1]).toBeCloseTo(2 / 3, 12);
    expect(previous?.mean.percentages[1]).toBe(0.5);
  });

  it('lists the users behind any cell, the mean rows and the previous range included', async () => {
    expect(await usersOf(f.ws, spec, { cohort: 'mean', column: 1 })).toEqual(['c3', 'c5']);
    expect(await usersOf(f.ws, spec, { cohort: 'mean', column: 1, range: 'previous' })).toEqual([
      'c1',
    ]);
    expect(await usersOf(f.ws, spec, { cohort: '2024-01-03', column: 'size' })).toEqual([
      'c3',
      'c4',
    ]);
    expect(
      await usersOf(f.ws, spec, { cohort: '2024-01-02', column: 'size', range: 'previous' }),
    ).toEqual(['c2']);
    await expect(
      usersOf(
        f.ws,
        { ...spec, compare: undefined },
        { cohort: 'mean', column: 1, range: 'previous' },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(usersOf(f.ws, spec, { cohort: 'mean', column: 2 })).rejects.toMatchObject({
      message: expect.stringContaining('2 columns'),
    });
  });
});

describe('users behind retention cells', () => {
  it('has as many users as every cell counts, and the mean row only complete cells', async () => {
    for (const spec of [
      { ...base, cohort: 'recurring' as const },
      { ...base, criterion: 'on_or_after' as const },
      { ...base, criterion: 'brackets' as const, brackets: [1, 2] },
      { ...base, time: 'rolling' as const },
      {
        ...base,
        cohort: 'recurring' as const,
        breakdown: { property: 'plan', source: 'event' as const, limit: 5 },
      },
    ]) {
      const r = await run(spec);
      for (const g of r.groups) {
        for (const c of g.cohorts) {
          const pick = {
            cohort: c.cohort,
            ...(g.breakdown === undefined ? {} : { breakdown: g.breakdown }),
          };
          expect((await usersOf(ws, spec, { ...pick, column: 'size' })).length).toBe(c.size);
          for (const [column, value] of c.values.entries())
            expect(
              (await usersOf(ws, spec, { ...pick, column })).length,
              `${c.cohort} ${column}`,
            ).toBe(value);
        }
      }
    }
    // Recurring, day 3: 01-01's u1 (complete) but not 01-02's u3 (its day 3 is not over).
    const recurring = { ...base, cohort: 'recurring' as const };
    expect(await usersOf(ws, recurring, { cohort: 'mean', column: 3 })).toEqual(['u1']);
    expect(await usersOf(ws, recurring, { cohort: '2024-01-02', column: 3 })).toEqual(['u3']);
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
