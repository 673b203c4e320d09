import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultNotes } from '../../../../shared/specs/analysis-spec';
import type { FunnelResult, FunnelSpec } from '../../../../shared/specs/funnel';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * Funnel A -> B -> C, window 1 hour unless said otherwise, first step in 2024-01-01 (UTC).
 * u1 completes with C exactly at the window's end; u2's C comes one second too late; u3 fails
 * a first attempt and completes a second; u4 does all three in the same second; u5 does B
 * before A; u6's first A is before the range (its later A is inside, its B and C after it);
 * u7 only enters; u8 does an X between A and B (strict order and exclusions); u9 changes
 * session between A and B.
 */
const EVENTS = `user_id,event,timestamp,plan
u1,A,2024-01-01T10:00:00Z,free
u1,B,2024-01-01T10:30:00Z,free
u1,C,2024-01-01T11:00:00Z,pro
u2,A,2024-01-01T10:00:00Z,free
u2,B,2024-01-01T10:30:00Z,free
u2,C,2024-01-01T11:00:01Z,free
u3,A,2024-01-01T09:00:00Z,pro
u3,A,2024-01-01T10:15:00Z,pro
u3,B,2024-01-01T10:30:00Z,pro
u3,C,2024-01-01T10:45:00Z,pro
u4,A,2024-01-01T10:00:00Z,
u4,B,2024-01-01T10:00:00Z,
u4,C,2024-01-01T10:00:00Z,
u5,B,2024-01-01T10:00:00Z,free
u5,A,2024-01-01T10:05:00Z,free
u5,C,2024-01-01T10:10:00Z,free
u6,A,2023-12-31T23:50:00Z,free
u6,B,2024-01-01T00:10:00Z,free
u6,C,2024-01-01T00:20:00Z,free
u6,A,2024-01-01T23:59:00Z,free
u6,B,2024-01-02T00:30:00Z,free
u6,C,2024-01-02T00:40:00Z,free
u7,A,2024-01-01T10:00:00Z,free
u8,A,2024-01-01T10:00:00Z,free
u8,X,2024-01-01T10:05:00Z,free
u8,B,2024-01-01T10:10:00Z,free
u8,C,2024-01-01T10:20:00Z,free
`;

let ws: TempWorkspace;
let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
beforeAll(async () => {
  ({ ws, run } = await analysisFixture(EVENTS));
});
afterAll(() => ws.close());

const step = (event: string, optional = false) => ({ events: { event, where: [] }, optional });
const base: FunnelSpec = {
  kind: 'funnel',
  version: 1,
  steps: [step('A'), step('B'), step('C')],
  order: 'ordered',
  window: { n: 1, unit: 'hour' },
  exclusions: [],
  countBy: 'users',
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  filters: [],
  interval: 'day',
};
const funnel = (spec: Partial<FunnelSpec>): Promise<FunnelResult & ResultNotes> =>
  run({ ...base, ...spec });
const counts = (r: FunnelResult, group = 0): number[] =>
  r.groups[group]?.steps.map((s) => s.count) ?? [];

describe('funnel semantics', () => {
  it('ordered: window end inclusive, re-entry, same-second steps, range bounds step 1 only', async () => {
    const r = await funnel({});
    // Entered: u1..u8 (u6 through its in-range A). B: all but u5 and u7. C: u1, u3, u4, u6, u8.
    expect(counts(r)).toEqual([8, 6, 5]);
    const [, b, c] = r.groups[0]?.steps ?? [];
    expect(b?.fromFirst).toBeCloseTo(6 / 8, 12);
    expect(c?.fromPrevious).toBeCloseTo(5 / 6, 12);
    expect(c?.dropped).toBe(1);
  });

  it('strict: no other event between consecutive steps', async () => {
    const r = await funnel({ order: 'strict' });
    // u8's X breaks it after A; u3's first attempt is followed by another A; u4's ties are
    // stored in one order, so only the entry is certain for u4 (checked separately below).
    const users = await ws.rows(`SELECT user_id FROM users ORDER BY uid`);
    expect(users).toHaveLength(8);
    expect(r.groups[0]?.steps[0]?.count).toBe(8);
    expect(r.groups[0]?.steps[2]?.count).toBeGreaterThanOrEqual(3);
    expect(r.groups[0]?.steps[2]?.count).toBeLessThanOrEqual(4);
    const without4 = await funnel({
      order: 'strict',
      filters: [{ property: 'plan', source: 'event', op: 'is set' }],
    });
    // u1, u3 (second attempt), u6 complete; u2 stops at B; u5, u7, u8 only enter.
    expect(counts(without4)).toEqual([7, 4, 3]);
  });

  it('any order: the steps within the window from any of them', async () => {
    const r = await funnel({ order: 'any' });
    // u5 (B, A, C in 10 minutes) now completes; u2 does 2 steps from A (C is late) and from B.
    expect(counts(r)).toEqual([8, 7, 6]);
    expect(r.groups[0]?.steps.map((s) => s.label)).toEqual([
      '1 of 3 steps',
      '2 of 3 steps',
      '3 of 3 steps',
    ]);
  });

  it('exclusions remove the attempt', async () => {
    const r = await funnel({ exclusions: [{ events: { event: 'X', where: [] }, from: 0, to: 1 }] });
    expect(counts(r)).toEqual([7, 5, 4]);
  });

  it('counts attempts when asked', async () => {
    const r = await funnel({ countBy: 'attempts' });
    // Every A in the range starts one: u3 has two (the first stops at A).
    expect(counts(r)).toEqual([9, 6, 5]);
  });

  it('optional steps do not stop later ones', async () => {
    const r = await funnel({ steps: [step('A'), step('B', true), step('C')] });
    // C is reached by u5 now (A then C); B (optional) by those who did it after A, before C or
    // the window's end (u2, whose C is late, still did B).
    expect(counts(r)).toEqual([8, 6, 6]);
    expect(r.groups[0]?.steps[1]?.optional).toBe(true);
  });

  it('attributes the breakdown to the first or the last step reached', async () => {
    const first = await funnel({
      breakdown: { property: 'plan', source: 'event', limit: 10, attribution: 'first' },
    });
    expect(first.groups.map((g) => [g.breakdown, counts(first, first.groups.indexOf(g))])).toEqual([
      ['free', [6, 4, 3]],
      ['pro', [1, 1, 1]],
      ['(none)', [1, 1, 1]],
    ]);
    const last = await funnel({
      breakdown: { property: 'plan', source: 'event', limit: 10, attribution: 'last' },
    });
    // u1's C carries plan pro: last touch moves u1 from free to pro.
    expect(last.groups.map((g) => [g.breakdown, g.steps[0]?.count])).toEqual([
      ['free', 5],
      ['pro', 2],
      ['(none)', 1],
    ]);
  });

  it("attributes to one step's value, or to values held through every step ('all')", async () => {
    const atStep = await funnel({
      breakdown: { property: 'plan', source: 'event', limit: 10, attribution: 'step', step: 2 },
    });
    // Plan on the C event: u6 and u8 free, u1 and u3 pro, u4 unset. Users who never reach C
    // (u2, u5, u7) are in no group.
    expect(atStep.groups.map((g) => [g.breakdown, g.steps[0]?.count, g.steps[2]?.count])).toEqual([
      ['free', 2, 2],
      ['pro', 2, 2],
      ['(none)', 1, 1],
    ]);
    const all = await funnel({
      breakdown: { property: 'plan', source: 'event', limit: 10, attribution: 'all' },
    });
    // Held value: u1's C (pro) does not continue its free A and B, so u1 stops at B under free.
    const free = all.groups.find((g) => g.breakdown === 'free');
    expect(free?.steps.map((s) => s.count)).toEqual([6, 4, 2]);
  });

  it('measures time to convert from the previous step and from the first', async () => {
    const r = await funnel({});
    const b = r.groups[0]?.steps[1];
    // A -> B of users reaching B: u1 1800 s, u2 1800, u3 900, u4 0, u6 1860, u8 600.
    expect(b?.fromPreviousTime.median).toBe(1350);
    expect(b?.fromPreviousTime.mean).toBeCloseTo((1800 + 1800 + 900 + 0 + 1860 + 600) / 6, 9);
    expect(b?.fromPreviousTime.histogram.reduce((x, y) => x + y, 0)).toBe(6);
    const c = r.groups[0]?.steps[2];
    // A -> C: u1 3600, u3 1800, u4 0, u6 2460, u8 1200.
    expect(c?.fromFirstTime.median).toBe(1800);
  });

  it('holds a property constant: session funnels', async () => {
    const long = { window: { n: 1, unit: 'day' as const } };
    const any = await funnel({ ...long, steps: [step('A'), step('C')] });
    const session = await funnel({
      ...long,
      steps: [step('A'), step('C')],
      holdConstant: { property: 'session_id' },
    });
    // u3's first A (09:00) and its C (10:45) are 1 h 45 min apart: two sessions. Its second A is
    // in C's session, so u3 still converts; u2's C is in A's session (gaps of 30 min 1 s: no).
    expect(counts(any)).toEqual([8, 7]);
    expect(counts(session)[0]).toBe(8);
    expect(counts(session)[1]).toBeLessThan(7);
  });

  it('rejects bad specs, naming each field', async () => {
    await expect(funnel({ steps: [step('A')] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('at least 2 steps'),
    });
    await expect(
      funnel({ steps: Array.from({ length: 21 }, () => step('A')) }),
    ).rejects.toMatchObject({ message: expect.stringContaining('at most 20') });
    await expect(funnel({ window: { n: 0, unit: 'day' } })).rejects.toMatchObject({
      message: expect.stringContaining('window'),
    });
    // A name nobody has yet answers zeros with a warning (a saved funnel keeps working).
    const unknown = await funnel({
      steps: [step('A'), step('Nope')],
      holdConstant: { property: 'sesion_id' },
    });
    expect(unknown.groups[0]?.steps.map((s) => s.count)).toEqual([
      unknown.groups[0]?.steps[0]?.count,
      0,
    ]);
    expect(unknown.warnings).toEqual([
      expect.stringMatching(/^Nobody did 'Nope'/),
      expect.stringMatching(/^No event has the property 'sesion_id'.*nearest: session_id/),
    ]);
  });
});

describe('per-step windows', () => {
  /**
   * w1: A 00:00, B 00:01, B 00:50, C 00:55: C must come within 10 min of B; only the later B
   * fits, which earliest-next matching would miss. w2: C exactly 10 min after B (counts).
   * w3: C 11 min after its only B (stops at B). w4: A, A again 00:30, B 00:40, C 00:45, and the
   * funnel window (1 h) is only met from the second A.
   */
  const WINDOWED = `user_id,event,timestamp
w1,A,2024-03-01T00:00:00Z
w1,B,2024-03-01T00:01:00Z
w1,B,2024-03-01T00:50:00Z
w1,C,2024-03-01T00:55:00Z
w2,A,2024-03-01T00:00:00Z
w2,B,2024-03-01T00:20:00Z
w2,C,2024-03-01T00:30:00Z
w3,A,2024-03-01T00:00:00Z
w3,B,2024-03-01T00:20:00Z
w3,C,2024-03-01T00:31:00Z
w4,A,2024-03-01T00:00:00Z
w4,A,2024-03-01T00:30:00Z
w4,B,2024-03-01T01:20:00Z
w4,C,2024-03-01T01:25:00Z
`;
  let fx: Awaited<ReturnType<typeof analysisFixture>>;
  beforeAll(async () => {
    fx = await analysisFixture(WINDOWED);
  });
  afterAll(() => fx.ws.close());
  const spec: FunnelSpec = {
    ...base,
    steps: [step('A'), step('B'), { ...step('C'), within: { n: 10, unit: 'minute' } }],
    window: { n: 1, unit: 'hour' },
    dateRange: { type: 'absolute', from: '2024-03-01', to: '2024-03-01' },
  };

  it('finds the chain a per-step window allows, window edges inclusive', async () => {
    const r = await fx.run(spec);
    // w4: B at 01:20 is 50 min after the second A (within the hour), C 5 min later.
    expect(r.groups[0]?.steps.map((s) => s.count)).toEqual([4, 4, 3]);
    const c = r.groups[0]?.steps[2];
    // B -> C: w1 5 min (from the B that fits), w2 10 min, w4 5 min.
    expect(c?.fromPreviousTime.median).toBe(300);
  });

  it('is refused with what it cannot be combined with yet', async () => {
    await expect(fx.run({ ...spec, countBy: 'attempts' })).rejects.toMatchObject({
      message: expect.stringContaining('per-step windows count users or sessions'),
    });
  });
});

describe('per-step windows with a repeated event', () => {
  it('never lets one event fill two steps', async () => {
    const fx = await analysisFixture(
      `user_id,event,timestamp\nr1,A,2024-03-01T00:00:00Z\nr1,A,2024-03-01T00:04:00Z\nr2,A,2024-03-01T00:00:00Z\nr2,A,2024-03-01T00:07:00Z\n`,
    );
    const r = await fx.run({
      ...base,
      steps: [step('A'), { ...step('A'), within: { n: 5, unit: 'minute' } }],
      dateRange: { type: 'absolute', from: '2024-03-01', to: '2024-03-01' },
    });
    fx.ws.close();
    // r1's second A is 4 min after its first; r2's is 7 min after (too late). r2's second A
    // does not count as its own follow-up.
    expect(r.groups[0]?.steps.map((s) => s.count)).toEqual([2, 1]);
    expect(r.groups[0]?.steps[1]?.fromPreviousTime.median).toBe(240);
  });
});
