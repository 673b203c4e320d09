import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelResult, FunnelSelection, FunnelSpec } from '../../../../shared/specs/funnel';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * The funnel's rules, each on a small hand-computed fixture (UTC, window 1 hour, A then B).
 * Every number is written out here from the events above it.
 */
const step = (event: string, extra: Partial<FunnelSpec['steps'][number]> = {}) => ({
  events: { event, where: [] },
  optional: false,
  ...extra,
});
const base: FunnelSpec = {
  kind: 'funnel',
  version: 1,
  steps: [step('A'), step('B')],
  order: 'ordered',
  window: { n: 1, unit: 'hour' },
  exclusions: [],
  countBy: 'users',
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-03' },
  filters: [],
  interval: 'day',
};
const counts = (r: FunnelResult, group = 0): number[] =>
  r.groups[group]?.steps.map((s) => s.count) ?? [];
const byGroup = (r: FunnelResult): [string | undefined, number[]][] =>
  r.groups.map((g) => [g.breakdown, g.steps.map((s) => s.count)]);

type Fixture = Awaited<ReturnType<typeof analysisFixture>>;
function fixture(csv: string): { get: () => Fixture } {
  let fx: Fixture | undefined;
  beforeAll(async () => {
    fx = await analysisFixture(csv);
  });
  afterAll(() => fx?.ws.close());
  return {
    get: () => {
      if (fx === undefined) throw new Error('fixture not ready');
      return fx;
    },
  };
}
async function usersBehind(
  ws: TempWorkspace,
  spec: FunnelSpec,
  select: Omit<FunnelSelection, 'kind' | 'outcome'> & { outcome?: 'converted' | 'dropped' },
): Promise<string[]> {
  const r = await ws.api['analysis.users']({
    spec,
    select: { kind: 'funnel', outcome: 'converted', ...select },
    limit: 1000,
  });
  return r.users.map((u) => u.user_id).sort();
}

describe('conversion over time: the attempts that start in each period', () => {
  /**
   * c1 enters on each of the three days and converts on the 1st and the 3rd; c2 enters at 23:30
   * on the 1st and converts after midnight (still the 1st's); c3's first attempt on the 2nd
   * fails (B 80 minutes later), its second converts.
   */
  const fx = fixture(`user_id,event,timestamp
c1,A,2024-01-01T10:00:00Z
c1,B,2024-01-01T10:30:00Z
c1,A,2024-01-02T10:00:00Z
c1,A,2024-01-03T10:00:00Z
c1,B,2024-01-03T10:20:00Z
c2,A,2024-01-01T23:30:00Z
c2,B,2024-01-02T00:10:00Z
c3,A,2024-01-02T09:00:00Z
c3,A,2024-01-02T09:30:00Z
c3,B,2024-01-02T10:20:00Z
`);

  it('counts a user in every period they start an attempt in', async () => {
    const r = await fx.get().run(base);
    expect(counts(r)).toEqual([3, 3]);
    expect(r.overTime.map((p) => [p.period, p.entered, p.completed])).toEqual([
      ['2024-01-01', 2, 2],
      ['2024-01-02', 2, 1],
      ['2024-01-03', 1, 1],
    ]);
    expect(r.overTime[1]?.rate).toBe(0.5);
    // c3 converts from its second attempt: 50 minutes. c1's counted attempt is its first (30 min).
    const b = r.groups[0]?.steps[1];
    expect(b?.fromPreviousTime.median).toBe(40 * 60);
  });

  it('lists the users behind a period, converted or dropped', async () => {
    const { ws } = fx.get();
    expect(await usersBehind(ws, base, { step: 2, period: '2024-01-02' })).toEqual(['c3']);
    expect(
      await usersBehind(ws, base, { step: 2, period: '2024-01-02', outcome: 'dropped' }),
    ).toEqual(['c1']);
    expect(await usersBehind(ws, base, { step: 1, period: '2024-01-01' })).toEqual(['c1', 'c2']);
    expect(await usersBehind(ws, base, { step: 2 })).toEqual(['c1', 'c2', 'c3']);
  });

  it('counts attempts per period when counting attempts', async () => {
    const r = await fx.get().run({ ...base, countBy: 'attempts' });
    expect(counts(r)).toEqual([6, 4]);
    expect(r.overTime.map((p) => [p.entered, p.completed])).toEqual([
      [2, 2],
      [3, 1],
      [1, 1],
    ]);
  });
});

describe('breakdown attribution', () => {
  /**
   * t1: A unset, B pro; t2: A free, B pro; t3: A free, B unset; t4..t6: A aaa only.
   * s1: A, B x, B y, C; s2: B y before A, then A, B x; s3: A only.
   */
  const fx = fixture(`user_id,event,timestamp,plan
t1,A,2024-01-01T10:00:00Z,
t1,B,2024-01-01T10:10:00Z,pro
t2,A,2024-01-01T10:00:00Z,free
t2,B,2024-01-01T10:10:00Z,pro
t3,A,2024-01-01T10:00:00Z,free
t3,B,2024-01-01T10:10:00Z,
t4,A,2024-01-01T10:00:00Z,aaa
t5,A,2024-01-01T10:00:00Z,aaa
t6,A,2024-01-01T10:00:00Z,aaa
s1,S,2024-01-02T10:00:00Z,
s1,T,2024-01-02T10:05:00Z,x
s1,T,2024-01-02T10:10:00Z,y
s1,U,2024-01-02T10:15:00Z,
s2,T,2024-01-02T09:00:00Z,y
s2,S,2024-01-02T10:00:00Z,
s2,T,2024-01-02T10:05:00Z,x
s3,S,2024-01-02T10:00:00Z,
`);
  const by = (attribution: 'first' | 'last'): FunnelSpec => ({
    ...base,
    breakdown: { property: 'plan', source: 'event', limit: 10, attribution },
  });

  it('first touch: the first value set along the funnel events; groups by conversions', async () => {
    const r = await fx.get().run(by('first'));
    // aaa has the most users but no conversion: it comes after free (2) and pro (1).
    expect(byGroup(r)).toEqual([
      ['free', [2, 2]],
      ['pro', [1, 1]],
      ['aaa', [3, 0]],
    ]);
    expect(await usersBehind(fx.get().ws, by('first'), { step: 2, breakdown: 'pro' })).toEqual([
      't1',
    ]);
  });

  it('last touch: the last value set', async () => {
    const r = await fx.get().run(by('last'));
    expect(byGroup(r)).toEqual([
      ['pro', [2, 2]],
      ['free', [1, 1]],
      ['aaa', [3, 0]],
    ]);
  });

  it("step N: the value on step N's event, each value its own funnel", async () => {
    const spec: FunnelSpec = {
      ...base,
      steps: [step('S'), step('T'), step('U')],
      breakdown: { property: 'plan', source: 'event', limit: 10, attribution: 'step', step: 1 },
    };
    const r = await fx.get().run(spec);
    // s1 reaches T with x and with y (counted under both); s2 only with x (its y is before S);
    // s3 never reaches T: in no group.
    expect(byGroup(r)).toEqual([
      ['x', [2, 2, 1]],
      ['y', [1, 1, 1]],
    ]);
    expect(await usersBehind(fx.get().ws, spec, { step: 3, breakdown: 'y' })).toEqual(['s1']);
    expect(
      await usersBehind(fx.get().ws, spec, { step: 3, breakdown: 'x', outcome: 'dropped' }),
    ).toEqual(['s2']);
    // The whole funnel over time counts each user once, whatever their groups.
    expect(r.overTime.find((p) => p.period === '2024-01-02')).toMatchObject({
      entered: 2,
      completed: 1,
    });
    expect(r.groups[0]?.overTime?.find((p) => p.period === '2024-01-02')).toMatchObject({
      entered: 2,
      completed: 1,
    });
  });

  it('the top values by conversions; the rest are (other)', async () => {
    const r = await fx.get().run({
      ...by('first'),
      breakdown: { property: 'plan', source: 'event', limit: 1, attribution: 'first' },
    });
    expect(byGroup(r)).toEqual([
      ['free', [2, 2]],
      ['(other)', [4, 1]],
    ]);
  });
});

describe('steps that count only the first time ever', () => {
  /**
   * f1's first A is before the range; f2's first A (free, 10:00) is 70 minutes before its B,
   * its first pro A (11:00) 10 minutes; f3's first B (09:00) comes before its A.
   */
  const fx = fixture(`user_id,event,timestamp,plan
f1,A,2023-12-31T10:00:00Z,free
f1,A,2024-01-01T10:00:00Z,free
f1,B,2024-01-01T10:10:00Z,free
f2,A,2024-01-01T10:00:00Z,free
f2,A,2024-01-01T11:00:00Z,pro
f2,B,2024-01-01T11:10:00Z,pro
f3,B,2024-01-01T09:00:00Z,free
f3,A,2024-01-01T10:00:00Z,free
f3,B,2024-01-01T10:10:00Z,free
`);

  it("'event': the user's first-ever event of the name", async () => {
    const first = await fx
      .get()
      .run({ ...base, steps: [step('A', { firstTime: 'event' }), step('B')] });
    // f1 is out (its first A is before the range); f2 enters at 10:00 and does not convert.
    expect(counts(first)).toEqual([2, 1]);
    const second = await fx
      .get()
      .run({ ...base, steps: [step('A'), step('B', { firstTime: 'event' })] });
    // f3's later B is not its first.
    expect(counts(second)).toEqual([3, 2]);
  });

  it("'matching': the first-ever event meeting the step's conditions", async () => {
    const pro = { property: 'plan', source: 'event' as const, op: '=' as const, value: 'pro' };
    const spec: FunnelSpec = {
      ...base,
      steps: [
        { events: { event: 'A', where: [pro] }, optional: false, firstTime: 'matching' },
        step('B'),
      ],
    };
    expect(counts(await fx.get().run(spec))).toEqual([1, 1]);
    // 'event' takes the first A (free), which then fails the condition: nobody enters.
    const firstA: FunnelSpec['steps'][number] = {
      events: { event: 'A', where: [pro] },
      optional: false,
      firstTime: 'event',
    };
    expect(counts(await fx.get().run({ ...spec, steps: [firstA, step('B')] }))).toEqual([0, 0]);
  });
});

describe('conditions with any-groups in steps, filters and exclusions; several properties', () => {
  const fx = fixture(`user_id,event,timestamp,plan,country
o1,A,2024-01-01T10:00:00Z,pro,US
o1,B,2024-01-01T10:10:00Z,pro,US
o2,A,2024-01-01T10:00:00Z,free,DE
o2,B,2024-01-01T10:10:00Z,free,DE
o3,A,2024-01-01T10:00:00Z,free,US
o3,B,2024-01-01T10:10:00Z,free,US
o4,A,2024-01-01T10:00:00Z,pro,
o4,X,2024-01-01T10:05:00Z,pro,FR
o4,B,2024-01-01T10:10:00Z,pro,
o5,A,2024-01-01T10:00:00Z,pro,
o5,X,2024-01-01T10:05:00Z,pro,US
o5,B,2024-01-01T10:10:00Z,pro,
`);
  const anyOf = (...c: [string, string][]) => ({
    any: c.map(([property, value]) => ({
      property,
      source: 'event' as const,
      op: '=' as const,
      value,
    })),
  });

  it('a step, the filters and an exclusion each take any-of conditions', async () => {
    const inStep = await fx.get().run({
      ...base,
      steps: [
        {
          events: { event: 'A', where: [anyOf(['plan', 'pro'], ['country', 'DE'])] },
          optional: false,
        },
        step('B'),
      ],
      exclusions: [
        {
          events: { event: 'X', where: [anyOf(['country', 'FR'], ['plan', 'bad'])] },
          from: 0,
          to: 1,
        },
      ],
    });
    // o3 does not match the first step; o4's X is in France: excluded; o5's is not.
    expect(counts(inStep)).toEqual([3, 3]);
    expect(
      await usersBehind(
        fx.get().ws,
        { ...base, filters: [anyOf(['country', 'DE'], ['country', 'FR'])] },
        { step: 1 },
      ),
    ).toEqual(['o2']);
  });

  it('splits by several properties at once; their values name the group', async () => {
    const spec: FunnelSpec = {
      ...base,
      breakdown: {
        properties: [
          { property: 'plan', source: 'event' },
          { property: 'country', source: 'event' },
        ],
        source: 'event',
        limit: 10,
        attribution: 'first',
      },
    };
    const r = await fx.get().run(spec);
    expect(r.groups.map((g) => [g.breakdown, g.breakdownValues, g.steps[0]?.count])).toEqual([
      ['pro / (none)', ['pro', '(none)'], 2],
      ['free / DE', ['free', 'DE'], 1],
      ['free / US', ['free', 'US'], 1],
      ['pro / US', ['pro', 'US'], 1],
    ]);
    expect(await usersBehind(fx.get().ws, spec, { step: 2, breakdown: ['pro', '(none)'] })).toEqual(
      ['o4', 'o5'],
    );
    expect(await usersBehind(fx.get().ws, spec, { step: 2, breakdown: 'free / DE' })).toEqual([
      'o2',
    ]);
  });
});

describe('exclusions in any order', () => {
  /**
   * y1: B, X, A (the X comes between its first and second step: that attempt is excluded; the
   * one starting at A only does one step); y2: B then A; y3: A, B, then X (after both).
   */
  const fx = fixture(`user_id,event,timestamp
y1,B,2024-01-01T10:00:00Z
y1,X,2024-01-01T10:05:00Z
y1,A,2024-01-01T10:10:00Z
y2,B,2024-01-01T10:00:00Z
y2,A,2024-01-01T10:10:00Z
y3,A,2024-01-01T10:00:00Z
y3,B,2024-01-01T10:20:00Z
y3,X,2024-01-01T10:30:00Z
`);

  it('removes the attempts with an excluded event between the steps', async () => {
    const r = await fx.get().run({
      ...base,
      order: 'any',
      exclusions: [{ events: { event: 'X', where: [] }, from: 0, to: 1 }],
    });
    expect(counts(r)).toEqual([3, 2]);
    expect(
      await usersBehind(
        fx.get().ws,
        {
          ...base,
          order: 'any',
          exclusions: [{ events: { event: 'X', where: [] }, from: 0, to: 1 }],
        },
        { step: 2, outcome: 'dropped' },
      ),
    ).toEqual(['y1']);
  });
});

describe('compared with the range before', () => {
  /**
   * Range Jan 3-4, the range before Jan 1-2. p1 converts on the 1st; p3 starts on the 2nd at
   * 23:50 and converts after the range before has ended (still its attempt); p2 enters on the
   * 3rd and does not convert.
   */
  const fx = fixture(`user_id,event,timestamp
p1,A,2024-01-01T10:00:00Z
p1,B,2024-01-01T10:10:00Z
p2,A,2024-01-03T10:00:00Z
p3,A,2024-01-02T23:50:00Z
p3,B,2024-01-03T00:20:00Z
`);
  const spec: FunnelSpec = {
    ...base,
    dateRange: { type: 'absolute', from: '2024-01-03', to: '2024-01-04' },
    compare: true,
  };

  it('carries the previous numbers beside the current ones', async () => {
    const r = await fx.get().run(spec);
    expect(counts(r)).toEqual([1, 0]);
    expect(r.previous?.from).toBe('2024-01-01');
    expect(r.previous?.to).toBe('2024-01-02');
    expect(r.previous?.groups.map((g) => g.steps.map((s) => s.count))).toEqual([[2, 2]]);
    expect(r.previous?.overTime.map((p) => [p.period, p.entered, p.completed])).toEqual([
      ['2024-01-01', 1, 1],
      ['2024-01-02', 1, 1],
    ]);
    expect(r.overTime.map((p) => [p.period, p.entered])).toEqual([
      ['2024-01-03', 1],
      ['2024-01-04', 0],
    ]);
    expect(await usersBehind(fx.get().ws, spec, { step: 2, range: 'previous' })).toEqual([
      'p1',
      'p3',
    ]);
  });
});

describe('optional steps', () => {
  /** n1: A then B (nothing between); n2: A, C, B. */
  const fx = fixture(`user_id,event,timestamp
n1,A,2024-01-01T10:00:00Z
n1,B,2024-01-01T10:10:00Z
n2,A,2024-01-01T10:00:00Z
n2,C,2024-01-01T10:05:00Z
n2,B,2024-01-01T10:10:00Z
`);

  it("never take the next step's event", async () => {
    const r = await fx.get().run({
      ...base,
      steps: [step('A'), step('$any', { optional: true }), step('B')],
    });
    // Any event between A and B: only n2 has one (n1's B is step 3's, not also step 2's).
    expect(counts(r)).toEqual([2, 1, 2]);
  });
});

describe('per-step windows over time', () => {
  /** w enters on both days: on the 1st its C is 25 minutes after B (too late), on the 2nd 5. */
  const fx = fixture(`user_id,event,timestamp
w,A,2024-01-01T10:00:00Z
w,B,2024-01-01T10:05:00Z
w,C,2024-01-01T10:30:00Z
w,A,2024-01-02T10:00:00Z
w,B,2024-01-02T10:05:00Z
w,C,2024-01-02T10:10:00Z
`);
  const spec: FunnelSpec = {
    ...base,
    steps: [step('A'), step('B'), step('C', { within: { n: 10, unit: 'minute' } })],
  };

  it('are each period the funnel of its attempts too', async () => {
    const r = await fx.get().run(spec);
    expect(counts(r)).toEqual([1, 1, 1]);
    expect(r.overTime.map((p) => [p.period, p.entered, p.completed])).toEqual([
      ['2024-01-01', 1, 0],
      ['2024-01-02', 1, 1],
      ['2024-01-03', 0, 0],
    ]);
    expect(
      await usersBehind(fx.get().ws, spec, { step: 3, period: '2024-01-01', outcome: 'dropped' }),
    ).toEqual(['w']);
  });
});

describe('any order: one event fills at most one step', () => {
  /**
   * Steps view, then view where plan = pro (one pro view can match both), on the 1st:
   * m1: pro 10:00, free 10:10 (the free view fills step 1, the pro one step 2: 2 steps, 10 min;
   *     a step-by-step greedy giving the pro view to step 1 would stop at 1);
   * m2: pro 10:00 only (1 step: one event, one step); m3: two free views (1 step);
   * m4: free 10:00, pro 10:30 (2 steps, 30 min); m5: pro 10:00 and 11:30 (never two in one
   * hour: 1 step); m6: pro 10:00 and 10:40 (2 steps, 40 min); m7: pro 10:00, X 10:05, free 10:10
   * (2 steps, 10 min; X falls between the first and the second step done).
   * Three steps (view, view where pro, view where region = eu) on the 2nd:
   * k1: pro+eu 10:00, pro 10:05, free 10:10: each view moves the ones before it to the next
   *     step it can fill: 3 steps at 10:00, 10:05, 10:10;
   * k2: pro+eu 10:00, free 10:10: 2 steps; k3: pro+eu 10:00, free 10:05, free 10:10, pro 10:20:
   *     3 steps, the earliest events: 10:00, 10:05, 10:20 (not the 10:10 free view).
   */
  const fx = fixture(`user_id,event,timestamp,plan,region
m1,view,2024-01-01T10:00:00Z,pro,
m1,view,2024-01-01T10:10:00Z,free,
m2,view,2024-01-01T10:00:00Z,pro,
m3,view,2024-01-01T10:00:00Z,free,
m3,view,2024-01-01T10:20:00Z,free,
m4,view,2024-01-01T10:00:00Z,free,
m4,view,2024-01-01T10:30:00Z,pro,
m5,view,2024-01-01T10:00:00Z,pro,
m5,view,2024-01-01T11:30:00Z,pro,
m6,view,2024-01-01T10:00:00Z,pro,
m6,view,2024-01-01T10:40:00Z,pro,
m7,view,2024-01-01T10:00:00Z,pro,
m7,X,2024-01-01T10:05:00Z,,
m7,view,2024-01-01T10:10:00Z,free,
k1,view,2024-01-02T10:00:00Z,pro,eu
k1,view,2024-01-02T10:05:00Z,pro,
k1,view,2024-01-02T10:10:00Z,free,
k2,view,2024-01-02T10:00:00Z,pro,eu
k2,view,2024-01-02T10:10:00Z,free,
k3,view,2024-01-02T10:00:00Z,pro,eu
k3,view,2024-01-02T10:05:00Z,free,
k3,view,2024-01-02T10:10:00Z,free,
k3,view,2024-01-02T10:20:00Z,pro,
`);
  const view = (where: FunnelSpec['steps'][number]['events']['where'] = []) => ({
    events: { event: 'view', where },
    optional: false,
  });
  const pro = view([{ property: 'plan', source: 'event', op: '=', value: 'pro' }]);
  const eu = view([{ property: 'region', source: 'event', op: '=', value: 'eu' }]);
  const spec: FunnelSpec = {
    ...base,
    order: 'any',
    steps: [view(), pro],
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  };
  const three: FunnelSpec = {
    ...spec,
    steps: [view(), pro, eu],
    dateRange: { type: 'absolute', from: '2024-01-02', to: '2024-01-02' },
  };
  const excluded: FunnelSpec = {
    ...spec,
    exclusions: [{ events: { event: 'X', where: [] }, from: 0, to: 1 }],
  };

  it('counts the most steps distinct events fill, timed by the earliest such events', async () => {
    const r = await fx.get().run(spec);
    expect(counts(r)).toEqual([7, 4]);
    // m1 10 min, m4 30, m6 40, m7 10.
    const second = r.groups[0]?.steps[1];
    expect(second?.fromPreviousTime.median).toBe(20 * 60);
    expect(second?.fromPreviousTime.mean).toBe(22.5 * 60);
    expect(await usersBehind(fx.get().ws, spec, { step: 2 })).toEqual(['m1', 'm4', 'm6', 'm7']);
    expect(await usersBehind(fx.get().ws, spec, { step: 2, outcome: 'dropped' })).toEqual([
      'm2',
      'm3',
      'm5',
    ]);
  });

  it('counts every attempt: each view starts one', async () => {
    // Two attempts each but m2's one; only the first attempts of m1, m4, m6, m7 fill 2 steps.
    expect(counts(await fx.get().run({ ...spec, countBy: 'attempts' }))).toEqual([13, 4]);
  });

  it('moves earlier events to other steps to fill one more', async () => {
    const r = await fx.get().run(three);
    expect(counts(r)).toEqual([3, 3, 2]);
    const [, second, third] = r.groups[0]?.steps ?? [];
    // Second step 5 (k1), 10 (k2), 5 (k3) minutes after the first; the third 5 (k1) and 15 (k3)
    // minutes after the second, 10 and 20 after the first.
    expect(second?.fromPreviousTime.median).toBe(5 * 60);
    expect(third?.fromPreviousTime.median).toBe(10 * 60);
    expect(third?.fromFirstTime.median).toBe(15 * 60);
    expect(await usersBehind(fx.get().ws, three, { step: 3 })).toEqual(['k1', 'k3']);
  });

  it('keeps exclusions between the steps done', async () => {
    // m7's X falls between its first and second step done: that attempt goes; its attempt from
    // the free view fills one step.
    const r = await fx.get().run(excluded);
    expect(counts(r)).toEqual([7, 3]);
    expect(await usersBehind(fx.get().ws, excluded, { step: 2, outcome: 'dropped' })).toEqual([
      'm2',
      'm3',
      'm5',
      'm7',
    ]);
  });
});

describe('per-step windows: the chain that first reaches the deepest step', () => {
  /**
   * A then B within 30 minutes, funnel window 1 day. As PostHog reports a funnel, each user's
   * chain is the one by which the deepest step was first reached, from the latest start that
   * reaches it then: q1: A 10:00, B 10:10, A 12:00, B 12:05: from 10:00 (10 min; its 12:00 A
   * starts a later chain, which does not replace it); q2: A 10:00, A 10:25, B 10:40: from the
   * second A (15 min); q3: A 10:00, B 10:40 (40 min: too late), A 11:00, B 11:20 (20 min).
   */
  const fx = fixture(`user_id,event,timestamp
q1,A,2024-01-01T10:00:00Z
q1,B,2024-01-01T10:10:00Z
q1,A,2024-01-01T12:00:00Z
q1,B,2024-01-01T12:05:00Z
q2,A,2024-01-01T10:00:00Z
q2,A,2024-01-01T10:25:00Z
q2,B,2024-01-01T10:40:00Z
q3,A,2024-01-01T10:00:00Z
q3,B,2024-01-01T10:40:00Z
q3,A,2024-01-01T11:00:00Z
q3,B,2024-01-01T11:20:00Z
`);
  const spec: FunnelSpec = {
    ...base,
    steps: [step('A'), step('B', { within: { n: 30, unit: 'minute' } })],
    window: { n: 1, unit: 'day' },
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  };

  it('times each user by that chain', async () => {
    const r = await fx.get().run(spec);
    expect(counts(r)).toEqual([3, 3]);
    const b = r.groups[0]?.steps[1];
    // 10, 15 and 20 minutes.
    expect(b?.fromPreviousTime.mean).toBe(15 * 60);
    expect(b?.fromPreviousTime.median).toBe(15 * 60);
    expect(b?.fromFirstTime.mean).toBe(15 * 60);
  });
});

describe('ordered funnels: each user timed by the chain PostHog keeps', () => {
  /**
   * PostHog's chain is overwritten by every later first step, and the funnel is timed by the
   * chain that first reaches the deepest step: r1: A 10:00, A 10:30, B 10:40 converts from the
   * second A (10 min, not 40); r2: A 10:00, B 10:10, A 10:20, B 10:25 converted at 10:10 (10
   * min; the later chain does not replace it); r3: A 10:00, A 10:05, B 10:10, B 10:20 (5 min);
   * r4: A 10:00, B 10:10, A 10:20, B 10:25, C 10:30: A to B in 10 min, but A, B, C reached C
   * from 10:20 (B after 5 min, C after 5 more).
   */
  const fx = fixture(`user_id,event,timestamp
r1,A,2024-01-01T10:00:00Z
r1,A,2024-01-01T10:30:00Z
r1,B,2024-01-01T10:40:00Z
r2,A,2024-01-01T10:00:00Z
r2,B,2024-01-01T10:10:00Z
r2,A,2024-01-01T10:20:00Z
r2,B,2024-01-01T10:25:00Z
r3,A,2024-01-01T10:00:00Z
r3,A,2024-01-01T10:05:00Z
r3,B,2024-01-01T10:10:00Z
r3,B,2024-01-01T10:20:00Z
r4,A,2024-01-01T10:00:00Z
r4,B,2024-01-01T10:10:00Z
r4,A,2024-01-01T10:20:00Z
r4,B,2024-01-01T10:25:00Z
r4,C,2024-01-01T10:30:00Z
`);
  const spec: FunnelSpec = {
    ...base,
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  };

  it('times A then B from the latest A before the first B that completes it', async () => {
    const r = await fx.get().run(spec);
    expect(counts(r)).toEqual([4, 4]);
    const b = r.groups[0]?.steps[1];
    // 10, 10, 5 and 10 minutes.
    expect(b?.fromPreviousTime.mean).toBe(525);
    expect(b?.fromPreviousTime.median).toBe(600);
  });

  it('times the deepest step reached, not the first chain to a shallower one', async () => {
    const r = await fx.get().run({ ...spec, steps: [step('A'), step('B'), step('C')] });
    expect(counts(r)).toEqual([4, 4, 1]);
    const [, b, c] = r.groups[0]?.steps ?? [];
    // B: 10, 10, 5 and (r4, on its chain to C) 5 minutes; C: 5 after B, 10 after A.
    expect(b?.fromPreviousTime.mean).toBe(450);
    expect(c?.fromPreviousTime.mean).toBe(300);
    expect(c?.fromFirstTime.mean).toBe(600);
  });
});
