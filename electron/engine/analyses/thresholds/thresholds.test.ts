import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  thresholdsSpecSchema,
  type ThresholdSplit,
  type ThresholdsResult,
  type ThresholdsSelection,
  type ThresholdsSpec,
} from '../../../../shared/specs/thresholds';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';
import { wilsonInterval } from '../../users/threshold-stats';

/**
 * Fourteen users, every number below counted by hand. A user starts at their first event; days
 * 1-7 are the 7x24 hours from it (the metrics), the outcome is any event in days 8-14:
 * [start + 7d, start + 14d). The last event (Z's signup, 01-31 12:00) is when the data ends, so
 * a user is observed when start + 14d <= 01-31 12:00, i.e. started by 01-17 12:00.
 *
 *   user plan  start        reports invites  outcome (days 8-14)
 *   A    free  01-01 10:00  0       0        no: a view at start+7d-1s is day 7, one at start+14d is past day 14
 *   B    free  01-01 10:00  1       0        yes: a report exactly at start+7d (day 8, not day 7)
 *   C    free  01-02 10:00  3       0        yes: a view exactly at start+7d
 *   D    team  01-02 10:00  2       2        yes (day 11)
 *   E    free  01-03 10:00  4       0        yes (day 13, start+13d-1h)
 *   F    team  01-03 10:00  0       1        yes (day 9)
 *   G    free  01-04 10:00  3       0        yes (day 9); its third report at start+6d is day 7
 *   H    team  01-04 10:00  1       3        no
 *   I    free  01-05 10:00  5       0        no
 *   J    team  01-05 10:00  2       1        no
 *   K    free  01-06 10:00  3       0        yes (day 9)
 *   L    team  01-17 12:00  0       0        yes (day 14, 01-31 11:00); observed: start+14d = the data's end
 *   Y    free  01-20 10:00  1       0        not observed (01-20 + 14d > 01-31 12:00)
 *   Z    free  01-31 12:00  0       0        not observed (its metrics window is not complete either)
 *
 * Observed: A..L = 12, positive B C D E F G K L = 8, unobserved Y Z = 2.
 * Held out (25%): the observed by start, then uid (imports number users by first event, then id):
 * A1 B2 C3 D4 E5 F6 G7 H8 I9 J10 K11 L12; floor(12 x 0.75) = 9 train, so J, K, L are held out
 * (I and J start at the same instant: the id puts I first).
 */
const EVENTS = `user_id,event,timestamp
A,signup,2024-01-01T10:00:00Z
A,view,2024-01-08T09:59:59Z
A,view,2024-01-15T10:00:00Z
B,signup,2024-01-01T10:00:00Z
B,report,2024-01-01T11:00:00Z
B,report,2024-01-08T10:00:00Z
C,signup,2024-01-02T10:00:00Z
C,report,2024-01-02T12:00:00Z
C,report,2024-01-03T10:00:00Z
C,report,2024-01-05T10:00:00Z
C,view,2024-01-09T10:00:00Z
D,signup,2024-01-02T10:00:00Z
D,invite,2024-01-02T11:00:00Z
D,report,2024-01-03T09:00:00Z
D,invite,2024-01-04T10:00:00Z
D,report,2024-01-06T10:00:00Z
D,view,2024-01-12T10:00:00Z
E,signup,2024-01-03T10:00:00Z
E,report,2024-01-03T10:30:00Z
E,report,2024-01-04T10:30:00Z
E,report,2024-01-05T10:30:00Z
E,report,2024-01-09T09:00:00Z
E,view,2024-01-16T09:00:00Z
F,signup,2024-01-03T10:00:00Z
F,invite,2024-01-03T12:00:00Z
F,view,2024-01-11T10:00:00Z
G,signup,2024-01-04T10:00:00Z
G,report,2024-01-04T11:00:00Z
G,report,2024-01-04T12:00:00Z
G,report,2024-01-10T10:00:00Z
G,view,2024-01-12T10:00:00Z
H,signup,2024-01-04T10:00:00Z
H,invite,2024-01-04T11:00:00Z
H,report,2024-01-05T10:00:00Z
H,invite,2024-01-05T11:00:00Z
H,invite,2024-01-06T11:00:00Z
I,signup,2024-01-05T10:00:00Z
I,report,2024-01-05T11:00:00Z
I,report,2024-01-05T12:00:00Z
I,report,2024-01-05T13:00:00Z
I,report,2024-01-05T14:00:00Z
I,report,2024-01-05T15:00:00Z
J,signup,2024-01-05T10:00:00Z
J,invite,2024-01-05T10:30:00Z
J,report,2024-01-06T10:00:00Z
J,report,2024-01-07T10:00:00Z
K,signup,2024-01-06T10:00:00Z
K,report,2024-01-06T11:00:00Z
K,report,2024-01-07T11:00:00Z
K,report,2024-01-08T11:00:00Z
K,view,2024-01-14T10:00:00Z
L,signup,2024-01-17T12:00:00Z
L,view,2024-01-31T11:00:00Z
Y,signup,2024-01-20T10:00:00Z
Y,report,2024-01-21T10:00:00Z
Z,signup,2024-01-31T12:00:00Z
`;
const PEOPLE = `user_id,plan
A,free
B,free
C,free
D,team
E,free
F,team
G,free
H,team
I,free
J,team
K,free
L,team
Y,free
Z,free
`;

const count = (name: string, event: string) =>
  ({ name, type: 'count', events: [{ event, where: [] }] }) as const;
const spec = (extra: Record<string, unknown> = {}): ThresholdsSpec =>
  thresholdsSpecSchema.parse({
    kind: 'thresholds',
    // invites first: the result ranks reports (the stronger benchmark) before it.
    metrics: [count('invites', 'invite'), count('reports', 'report')],
    heatmapEvents: ['report', 'invite'],
    split: { property: 'plan', source: 'user' },
    minUsers: 2,
    resamples: 50,
    ...extra,
  });
const sqrt = Math.sqrt;
/** The 2x2 table's numbers, rounded so sums of doubles compare. */
const table = (r: ThresholdSplit | null | undefined) =>
  r === null || r === undefined
    ? r
    : Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => k in EMPTY_SPLIT)
          .map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e12) / 1e12 : v]),
      );
const EMPTY_SPLIT: Record<keyof ThresholdSplit, null> = {
  threshold: null,
  above: null,
  abovePositive: null,
  below: null,
  belowPositive: null,
  reach: null,
  rateAbove: null,
  rateBelow: null,
  ppv: null,
  sensitivity: null,
  npv: null,
  specificity: null,
  phi: null,
  lift: null,
};
const split = (r: Omit<ThresholdSplit, 'rateAbove' | 'rateBelow'>) =>
  table({ ...r, rateAbove: r.ppv, rateBelow: r.npv === null ? null : 1 - r.npv });

describe('threshold benchmarks on a hand-counted population', () => {
  let ws: TempWorkspace;
  let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
  let r: ThresholdsResult;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS));
    await ws.api['import.users']({ files: [ws.write('people.csv', PEOPLE)] });
    r = await run(spec());
  });
  afterAll(() => ws.close());
  const users = async (
    select: Omit<ThresholdsSelection, 'kind' | 'set'> & { set?: string },
    s = spec(),
  ) => {
    const reply = await ws.api['analysis.users']({
      spec: s,
      select: { kind: 'thresholds', ...select } as ThresholdsSelection,
      limit: 100,
    });
    expect(reply.total).toBe(reply.users.length);
    return reply.users.map((u) => u.user_id).sort();
  };
  const metric = (name: string, result = r) => {
    const m = result.metrics.find((x) => x.name === name);
    if (m === undefined) throw new Error(`no metric ${name}`);
    return m;
  };

  it('counts the observed population, its outcome and the held-out starters', () => {
    expect(r.population).toEqual({
      users: 12,
      positive: 8,
      rate: 8 / 12,
      from: '2024-01-01',
      to: '2024-01-17',
      unobserved: 2,
      // A..I, positive B C D E F G
      training: { users: 9, positive: 6 },
      // J K L, positive K L; J starts on 01-05
      holdout: { users: 3, positive: 2, from: '2024-01-05' },
    });
    expect(r.outcomeWords).toBe('active (any event) in days 8–14 after the start');
  });

  it('tables every candidate threshold on the earlier starters', () => {
    // Training reports: A0- B1+ C3+ D2+ E4+ F0+ G3+ H1- I5-; n = 9, P = 6, N = 3.
    const reports = metric('reports');
    expect(reports.candidates.map((c) => c.threshold)).toEqual([1, 2, 3, 4, 5]);
    // t = 2: above C D E G I (TP 4: C D E G; FP 1: I), below A B F H (FN 2: B F; TN 2: A H).
    // phi = (TP TN - FP FN) / sqrt(above below P N) = (8 - 2) / sqrt(5 x 4 x 6 x 3) = 6 / sqrt(360)
    const at2 = split({
      threshold: 2,
      above: 5,
      abovePositive: 4,
      below: 4,
      belowPositive: 2,
      reach: 5 / 9,
      ppv: 4 / 5,
      sensitivity: 4 / 6,
      npv: 2 / 4,
      specificity: 2 / 3,
      phi: 6 / sqrt(360),
      // PPV over the base rate 6/9
      lift: 0.8 / (6 / 9),
    });
    expect(table(reports.candidates[1])).toEqual(at2);
    // t = 3: above C E G I (TP 3, FP 1), below A B D F H (FN 3: B D F; TN 2: A H).
    // phi = (3 x 2 - 1 x 3) / sqrt(4 x 5 x 6 x 3) = 3 / sqrt(360)
    expect(table(reports.candidates[2])).toEqual(
      split({
        threshold: 3,
        above: 4,
        abovePositive: 3,
        below: 5,
        belowPositive: 3,
        reach: 4 / 9,
        ppv: 3 / 4,
        sensitivity: 3 / 6,
        npv: 2 / 5,
        specificity: 2 / 3,
        phi: 3 / sqrt(360),
        lift: 0.75 / (6 / 9),
      }),
    );
    // The others: t = 1: (5 x 1 - 2 x 1) / sqrt(7 x 2 x 18) = 3 / sqrt(252); t = 4: (1 x 2 -
    // 1 x 5) / sqrt(2 x 7 x 18) = -3 / sqrt(252); t = 5: (0 - 1 x 6) / sqrt(1 x 8 x 18) = -0.5.
    expect(reports.candidates.map((c) => c.phi)).toEqual([
      expect.closeTo(3 / sqrt(252), 12),
      expect.closeTo(6 / sqrt(360), 12),
      expect.closeTo(3 / sqrt(360), 12),
      expect.closeTo(-3 / sqrt(252), 12),
      expect.closeTo(-0.5, 12),
    ]);
    // The best is the highest phi: t = 2, with its Wilson intervals and a sentence.
    const best = reports.best;
    expect(table(best)).toEqual(at2);
    expect(best?.tooSmall).toBe(false);
    expect(best?.rateAboveInterval).toEqual(wilsonInterval(4, 5));
    expect(best?.rateBelowInterval).toEqual(wilsonInterval(2, 4));
    expect(best?.sentence).toBe(
      'Users who did report at least 2 times in their first 7 days: 80.0% retained vs 50.0% below; 55.6% of users reach it.',
    );
    const interval = best?.thresholdInterval;
    expect(interval).not.toBeNull();
    expect([1, 2, 3, 4, 5]).toContain(interval?.low);
    expect([1, 2, 3, 4, 5]).toContain(interval?.high);
    expect(interval?.low).toBeLessThanOrEqual(interval?.high ?? -1);
  });

  it('ranks the benchmarks by phi and checks each on the held-out starters', () => {
    expect(r.metrics.map((m) => m.name)).toEqual(['reports', 'invites']);
    // Held out at t = 2: J2- K3+ above (1 of 2), L0+ below (1 of 1).
    expect(table(metric('reports').holdout)).toEqual(
      table({
        threshold: 2,
        above: 2,
        abovePositive: 1,
        below: 1,
        belowPositive: 1,
        reach: 2 / 3,
        rateAbove: 0.5,
        rateBelow: 1,
        ppv: 0.5,
        sensitivity: 0.5,
        npv: 0,
        // no negative user below: the one negative (J) is above
        specificity: 0,
        phi: -0.5,
        // (1 x 0 - 1 x 1) / sqrt(2 x 1 x 2 x 1) = -1/2; 0.5 / (2/3)
        lift: 0.75,
      }),
    );
    expect(metric('reports').holdout?.tooSmall).toBe(true);
    // Training invites: A0- B0+ C0+ D2+ E0+ F1+ G0+ H3- I0-. t = 1: above D F H (TP 2, FP 1),
    // below 6 (FN 4, TN 2): phi = (2 x 2 - 1 x 4) / sqrt(3 x 6 x 18) = 0, the best of 0, -3 /
    // sqrt(252) (t = 2) and -0.5 (t = 3). No level correlates positively with the outcome, so
    // there is no benchmark (nor a held-out check of one).
    const invites = metric('invites');
    expect(invites.best).toBeNull();
    expect(invites.holdout).toBeNull();
    expect(invites.candidates.map((c) => c.phi)).toEqual([
      expect.closeTo(0, 12),
      expect.closeTo(-3 / sqrt(252), 12),
      expect.closeTo(-0.5, 12),
    ]);
  });

  it('finds the level most retained users reach, over every observed user', async () => {
    // Positive users' reports (all observed): E4 C3 G3 K3 D2 B1 F0 L0. 80% of 8 = 6.4: only at 0
    // do 6.4 reach it (at 1, 6 of 8 = 75%).
    expect(metric('reports').baseline).toEqual({
      share: 0.8,
      level: 0,
      positiveReaching: 1,
      negativeReaching: 1,
    });
    // Half of them (4 of 8) reach 3; of the negatives A0 H1 I5 J2 only I does.
    const half = await run(spec({ baselineShare: 0.5 }));
    expect(metric('reports', half).baseline).toEqual({
      share: 0.5,
      level: 3,
      positiveReaching: 0.5,
      negativeReaching: 0.25,
    });
  });

  it('draws the outcome rate by value over every observed user, a bar per whole value', () => {
    // reports: 0 A F L (F L positive), 1 B H (B), 2 D J (D), 3 C G K (all), 4 E (+), 5 I (-).
    const bar = (from: number, users: number, positive: number) => ({
      from,
      to: from + 1,
      users,
      positive,
      rate: positive / users,
    });
    expect(metric('reports').curve).toEqual([
      bar(0, 3, 2),
      bar(1, 2, 1),
      bar(2, 2, 1),
      bar(3, 3, 3),
      bar(4, 1, 1),
      bar(5, 1, 0),
    ]);
  });

  it('lists the users behind each bar of the curve, the last one with its end', async () => {
    // The observed users by reports (training and held out): 0: A F L, 1: B H, 2: D J, 3: C G K,
    // 4: E, 5: I, as the bars above count them.
    const bar = (from: number, to: number, inclusive = false) =>
      users({ metric: 'reports', from, to, inclusive });
    expect(await bar(0, 1)).toEqual(['A', 'F', 'L']);
    expect(await bar(3, 4)).toEqual(['C', 'G', 'K']);
    expect(await bar(5, 6, true)).toEqual(['I']);
    // Its retained users: the bar's positive count.
    expect(await users({ metric: 'reports', from: 3, to: 4, outcome: 'positive' })).toHaveLength(3);
    await expect(users({ from: 0, to: 1 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('fills the heat map: did the event by day d, against the outcome', () => {
    const cell = (event: string, day: number) =>
      r.heatmap.cells.find((c) => c.event === event && c.day === day);
    expect(r.heatmap.events).toEqual(['report', 'invite']);
    expect(r.heatmap.days).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // First reports on day 1: B C D (23 h in) E G I K; on day 2: H and J (exactly 24 h in).
    // Did by day 1: 7, positive B C D E G K = 6; not: A F H J L, positive F L.
    // phi = (6 x 3 - 1 x 2) / sqrt(7 x 5 x 8 x 4) = 16 / sqrt(1120)
    expect(cell('report', 1)).toEqual({
      event: 'report',
      day: 1,
      did: 7,
      didPositive: 6,
      notPositive: 2,
      rateDid: 6 / 7,
      rateNot: 2 / 5,
      phi: expect.closeTo(16 / sqrt(1120), 12),
    });
    // By day 2 H and J (both negative) join: 6 of 9 vs F L of A F L.
    expect(cell('report', 2)).toMatchObject({ did: 9, didPositive: 6, rateNot: 2 / 3 });
    expect(cell('report', 7)).toMatchObject({ did: 9, didPositive: 6 });
    // Invites on day 1: D F H J, positive D F; not: 6 of the other 8. phi = (2 x 2 - 2 x 6) / 32.
    expect(cell('invite', 1)).toMatchObject({
      did: 4,
      didPositive: 2,
      notPositive: 6,
      rateDid: 0.5,
      rateNot: 0.75,
      phi: expect.closeTo(-0.25, 12),
    });
  });

  it('defaults the heat map to the events most of the population did in its first days', async () => {
    // In their first 7 days: signup 14 users, report 10 (B C D E G H I J K Y), invite 4 (D F H J),
    // view 1 (A's at start + 7d - 1s; the others' come later). Over all time view has 8 users.
    const events = async (extra: Record<string, unknown>) =>
      (await run(spec({ heatmapEvents: [], split: undefined, ...extra }))).heatmap.events;
    expect(await events({})).toEqual(['signup', 'report', 'invite', 'view']);
    // The start event is left out: everybody did it on day 1.
    const signup = { startEvent: { event: 'signup' } };
    expect(await events(signup)).toEqual(['report', 'invite', 'view']);
    // Team users (D F H J L): invite 4, report 3 (D H J), nobody viewed in days 1-7.
    const team = [{ property: 'plan', source: 'user', op: '=', value: 'team' }];
    expect(await events({ ...signup, filters: team })).toEqual(['invite', 'report']);
  });

  it('splits by a user property, each group with its own benchmark', () => {
    // free: A0- B1+ C3+ E4+ G3+ I5- K3+ (7, 5 positive); team: D2+ F0+ H1- J2- L0+ (5, 3).
    expect(r.split?.property).toBe('plan');
    const groups = r.split?.groups ?? [];
    expect(groups.map((g) => [g.value, g.users, g.positive])).toEqual([
      ['free', 7, 5],
      ['team', 5, 3],
    ]);
    const reports = (value: string) =>
      groups.find((g) => g.value === value)?.benchmarks.find((b) => b.metric === 'reports');
    // free, t = 1: above B C E G I K (TP 5, FP 1), below A (TN 1): phi = 5 / sqrt(6 x 1 x 5 x 2);
    // t = 3: (4 x 1 - 1 x 1) / sqrt(5 x 2 x 5 x 2) = 0.3, lower.
    expect(reports('free')).toEqual({
      metric: 'reports',
      threshold: 1,
      phi: expect.closeTo(5 / sqrt(60), 12),
      rateAbove: 5 / 6,
      rateBelow: 0,
      reach: 6 / 7,
      tooSmall: true,
    });
    // team, t = 1: above D H J (TP 1), below F L (FN 2): (0 - 2 x 2) / sqrt(3 x 2 x 3 x 2) = -2/3;
    // t = 2: above D J (TP 1, FP 1), below F H L (FN 2, TN 1): (1 - 2) / sqrt(2 x 3 x 3 x 2) = -1/6.
    // Every level goes with less retention in this group: it has no benchmark to aim for.
    expect(reports('team')).toEqual({
      metric: 'reports',
      threshold: null,
      phi: null,
      rateAbove: null,
      rateBelow: null,
      reach: null,
      tooSmall: true,
    });
  });

  it("splits by a property of the start event, the start event itself conditioned on the user's", async () => {
    // Team users start at their signup: D F H J L, positive D F L.
    const team = spec({
      startEvent: {
        event: 'signup',
        where: [{ property: 'plan', source: 'user', op: '=', value: 'team' }],
      },
      split: { property: 'event', source: 'event' },
    });
    const got = await run(team);
    expect(got.population).toMatchObject({ users: 5, positive: 3, unobserved: 0 });
    expect(got.split?.groups.map((g) => [g.value, g.users, g.positive])).toEqual([
      ['signup', 5, 3],
    ]);
    expect(await users({ group: 'signup', outcome: 'negative' }, team)).toEqual(['H', 'J']);
  });

  it('gives each metric its bottom percentile over the users whose window is complete', () => {
    // Complete windows: A..L and Y (Z started at the data's end). Reports sorted:
    // 0 0 0 1 1 1 2 2 3 3 3 4 5; the 20th percentile sits at 12 x 0.2 = 2.4: 0 + 0.4 x (1 - 0).
    const reports = r.dynamic.find((d) => d.metric === 'reports');
    expect(reports?.value).toBeCloseTo(0.4, 12);
    expect(reports?.months).toEqual([
      { month: '2024-01', users: 13, value: expect.closeTo(0.4, 12) },
    ]);
  });

  it('lists exactly the users counted behind a benchmark side, a cell, a group and the outcome', async () => {
    const side = { metric: 'reports', threshold: 2 } as const;
    expect(await users({ ...side, side: 'above', set: 'training' })).toEqual([
      'C',
      'D',
      'E',
      'G',
      'I',
    ]);
    expect(await users({ ...side, side: 'below', set: 'training' })).toEqual(['A', 'B', 'F', 'H']);
    expect(await users({ ...side, side: 'above', set: 'training', outcome: 'positive' })).toEqual([
      'C',
      'D',
      'E',
      'G',
    ]);
    expect(await users({ ...side, side: 'above', set: 'holdout' })).toEqual(['J', 'K']);
    expect(await users({ ...side, side: 'above' })).toEqual(['C', 'D', 'E', 'G', 'I', 'J', 'K']);
    expect(await users({ event: 'report', day: 1, did: true })).toEqual([
      'B',
      'C',
      'D',
      'E',
      'G',
      'I',
      'K',
    ]);
    expect(await users({ event: 'report', day: 1, did: false })).toEqual(['A', 'F', 'H', 'J', 'L']);
    expect(await users({ event: 'report', day: 1, did: true, outcome: 'negative' })).toEqual(['I']);
    expect(await users({ outcome: 'positive' })).toEqual(['B', 'C', 'D', 'E', 'F', 'G', 'K', 'L']);
    expect(await users({ outcome: 'negative' })).toEqual(['A', 'H', 'I', 'J']);
    expect(await users({ set: 'holdout' })).toEqual(['J', 'K', 'L']);
    expect(await users({ group: 'team' })).toEqual(['D', 'F', 'H', 'J', 'L']);
  });

  it('reads the outcome window in weeks', async () => {
    // Week 2 is days 8-14: the same answer as in days.
    const weeks = await run(spec({ outcome: { unit: 'week', from: 2, to: 2 } }));
    expect(weeks.population).toEqual(r.population);
    expect(weeks.metrics).toEqual(r.metrics);
    expect(weeks.outcomeWords).toBe('active (any event) in week 2 after the start');
    // Weeks 2-3 are days 8-21, [start + 7d, start + 21d): observed when started by 01-10 12:00,
    // so L joins Y and Z unobserved. A's view at start + 14d now counts: positive A B C D E F G K.
    const longer = spec({ outcome: { unit: 'week', from: 2, to: 3 }, holdoutShare: 0 });
    const w = await run(longer);
    expect(w.population).toMatchObject({
      users: 11,
      positive: 8,
      unobserved: 3,
      training: { users: 11, positive: 8 },
      holdout: null,
    });
    expect(await users({ outcome: 'negative' }, longer)).toEqual(['H', 'I', 'J']);
  });

  it('names the start days in the workspace zone', async () => {
    // Kiritimati is UTC+14 all year: the 7x24-hour windows are the same instants, so every count
    // stays; the days are the local ones. J's 01-05 10:00Z is 01-06 00:00 there.
    await ws.api['workspace.updateSettings']({ timezone: 'Pacific/Kiritimati' });
    try {
      const local = await run(spec());
      expect(local.population).toEqual({
        ...r.population,
        from: '2024-01-02',
        to: '2024-01-18',
        holdout: { users: 3, positive: 2, from: '2024-01-06' },
      });
      expect(local.metrics).toEqual(r.metrics);
      expect(local.heatmap).toEqual(r.heatmap);
      // Y started on 01-21 locally, still in January; Z (02-01 locally) is not complete.
      expect(local.dynamic).toEqual(r.dynamic);
    } finally {
      await ws.api['workspace.updateSettings']({ timezone: 'UTC' });
    }
  });

  it.each(['observed', 'positive', 'holdout', 'grp', 'h_0', 'users'])(
    'answers the same with a metric named %s',
    async (name) => {
      const named = spec({ metrics: [count(name, 'report')] });
      const got = await run(named);
      expect(got.population).toEqual(r.population);
      expect(got.metrics).toEqual([{ ...metric('reports'), name }]);
      expect(got.heatmap).toEqual(r.heatmap);
      expect(got.split?.groups.map((g) => [g.value, g.users, g.benchmarks[0]?.threshold])).toEqual([
        ['free', 7, 1],
        ['team', 5, null],
      ]);
      const side = { metric: name, threshold: 2, side: 'above', set: 'training' } as const;
      expect(await users(side, named)).toEqual(['C', 'D', 'E', 'G', 'I']);
      expect(await users({ event: 'report', day: 1, did: false }, named)).toEqual([
        'A',
        'F',
        'H',
        'J',
        'L',
      ]);
      expect(await users({ group: 'team', outcome: 'positive' }, named)).toEqual(['D', 'F', 'L']);
    },
  );

  it('refuses what it cannot answer, and answers an unobserved population with zeros', async () => {
    const s = spec();
    await expect(users({ metric: 'nope', threshold: 1, side: 'above' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/No metric 'nope'/),
    });
    await expect(users({ event: 'nope', day: 1, did: true })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/'nope' is not in this heat map/),
    });
    // An outcome starting inside the 7 observed days is refused by the schema, with its reason.
    for (const outcome of [
      { unit: 'day' as const, from: 7, to: 14 },
      { unit: 'week' as const, from: 1, to: 2 },
    ]) {
      const bad = { ...s, outcome: { ...s.outcome, ...outcome } };
      await expect(run(bad)).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/inside the 7 observed days: start it after day 7/),
      });
    }
    // Y and Z only: nobody observed.
    const late = await run(
      spec({ startRange: { type: 'absolute', from: '2024-01-19', to: '2024-01-31' } }),
    );
    expect(late.population).toEqual({
      users: 0,
      positive: 0,
      rate: null,
      from: null,
      to: null,
      unobserved: 2,
      training: { users: 0, positive: 0 },
      holdout: null,
    });
    for (const m of late.metrics) {
      expect(m).toMatchObject({
        best: null,
        holdout: null,
        baseline: null,
        candidates: [],
        curve: [],
      });
    }
    expect(late.heatmap.cells[0]).toEqual({
      event: 'report',
      day: 1,
      did: 0,
      didPositive: 0,
      notPositive: 0,
      rateDid: null,
      rateNot: null,
      phi: null,
    });
    expect(late.split?.groups).toEqual([]);
  });
});

describe('the held-out share of a population', () => {
  // 90 users, one a day from 2024-01-01 (u00 first), each seen again 10 days later; the data
  // ends 2024-06-01, so all 90 are observed.
  const csv = [
    'user_id,event,timestamp',
    ...Array.from({ length: 90 }, (_, i) => {
      const day = (k: number) => new Date(Date.UTC(2024, 0, 1 + k, 10)).toISOString();
      const id = `u${String(i).padStart(2, '0')}`;
      return `${id},signup,${day(i)}\n${id},view,${day(i + 10)}`;
    }),
    'zz,view,2024-06-01T10:00:00Z',
  ].join('\n');
  let ws: TempWorkspace;
  let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(`${csv}\n`));
  });
  afterAll(() => ws.close());

  it('trains on floor(n x (1 - share)) users exactly, a double rounding below it or not', async () => {
    // 90 x 0.7 = 63, which doubles make 62.99999999999999.
    const r = await run(spec({ holdoutShare: 0.3, split: undefined, heatmapEvents: ['view'] }));
    expect(r.population).toMatchObject({
      users: 90,
      training: { users: 63 },
      holdout: { users: 27, from: '2024-03-04' },
    });
    const half = await run(spec({ holdoutShare: 0.5, split: undefined, heatmapEvents: ['view'] }));
    expect(half.population).toMatchObject({ training: { users: 45 }, holdout: { users: 45 } });
  });
});

describe('days of local wall time across a DST change', () => {
  // New York moves to EDT on 2024-03-10. P and Q start 2024-03-05 10:00 EST (15:00Z); their
  // day 8 starts 2024-03-12 10:00 EDT = 14:00Z, 167 hours later.
  //   P: x at 14:30Z (10:30 EDT): day 8, the outcome (7 x 24 h would still call it day 7)
  //   Q: x at 13:30Z (09:30 EDT): day 7, counted and on the heat map's day 7, no outcome
  const csv = `user_id,event,timestamp
P,signup,2024-03-05T15:00:00Z
P,x,2024-03-12T14:30:00Z
Q,signup,2024-03-05T15:00:00Z
Q,x,2024-03-12T13:30:00Z
zz,signup,2024-04-30T12:00:00Z
`;
  let ws: TempWorkspace;
  let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(csv, { timezone: 'America/New_York' }));
  });
  afterAll(() => ws.close());

  it('ends day 7 and starts the outcome at the same local instant, as the heat map counts days', async () => {
    const s = spec({
      metrics: [count('x', 'x')],
      heatmapEvents: ['x'],
      split: undefined,
      holdoutShare: 0,
    });
    const r = await run(s);
    expect(r.population).toMatchObject({ users: 2, positive: 1, from: '2024-03-05' });
    // Q (x on day 7) is at or above 1, P (x on day 8) below: the one candidate's table. Its phi is
    // -1, so it is no benchmark.
    expect(r.metrics[0]?.candidates).toMatchObject([
      { threshold: 1, above: 1, abovePositive: 0, below: 1, belowPositive: 1, phi: -1 },
    ]);
    expect(r.metrics[0]?.best).toBeNull();
    expect(r.heatmap.cells.filter((c) => c.did > 0).map((c) => c.day)).toEqual([7]);
    const who = async (select: Record<string, unknown>) =>
      (
        await ws.api['analysis.users']({
          spec: s,
          select: { kind: 'thresholds', ...select } as ThresholdsSelection,
          limit: 10,
        })
      ).users.map((u) => u.user_id);
    expect(await who({ outcome: 'positive' })).toEqual(['P']);
    expect(await who({ event: 'x', day: 7, did: true })).toEqual(['Q']);
  });
});
