import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSpec } from '../../../../shared/specs/metrics';
import type { MetricDefinition, ObservationWindow } from '../../../../shared/specs/user-metrics';
import { analysisFixture } from '../../testing/analysis-fixture';
import { tempWorkspace, type TempWorkspace } from '../../testing/temp-workspace';
import { ALL, EVENTS, ev, expectRows, H, MIN, spec, tableOf, type Run } from './fixture';

/**
 * The per-user metrics table on hand-computed fixtures (fixture.ts): every metric type in windows
 * since each user's start (with and without a start event) and calendar windows (asOf given or
 * the last day with data), in UTC and in America/New_York (local days, and a day of 25 hours).
 */

describe('metrics on a UTC workspace', () => {
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS));
  });
  afterAll(() => ws.close());

  it('a calendar window up to asOf: edges, users without activity get zeros, later users no row', async () => {
    // 2024-01-04 .. 01-10: [01-04 00:00, 01-11 00:00), 7 days, so "per week" divides by 1; the
    // trend's halves meet at 01-07 12:00. L (first seen 01-11 12:00) has no row; N has no event
    // in the window (zeros, none for averages). a2 at the window's start counts, a8 and b6 at its
    // end do not. Sessions started in the window count whole (B's S2 ends with b6).
    const t = await tableOf(ws, spec({ type: 'calendar', days: 7, asOf: '2024-01-10' }, ALL));
    const w = ['2024-01-04 00:00:00', '2024-01-11 00:00:00', true];
    expectRows(t, {
      A: [
        ...w,
        3, // active: 01-04, 01-05, 01-08
        3, // per week: 3 / (7 / 7)
        2, // views a3, a5
        2,
        2, // buys a4, a6
        3, // sessions S2, S3, S4
        3,
        3, // features view, buy, share
        1, // 3 / 3
        1200, // durations 1200, 1800, 0: median 1200
        1000, // mean 3000 / 3
        2, // events 3, 2, 1: median 2
        2, // mean 6 / 3
        1, // signup a2 -> view a3 -> buy a4
        3, // view a3 -> buy a4 -> view a5
        1, // view a3, view a5
        2, // last event before the end a7 (01-08) to 01-10
        7, // first seen 01-03 to 01-10
        -0.8, // first half a2..a6 = 5, second a7 = 1: (1 - 5) / 5
        30, // 10 + 20
        35 / 3, // view/buy amounts 5, 10, 20 (a5 none)
        5,
        20,
        2, // buy days 01-04, 01-05
        20 * MIN, // a4 01-04 00:20
        1.5, // a5 01-05 12:00
        1, // 2 buys / 2 views
      ],
      B: [
        ...w,
        2, // 01-06, 01-10
        2,
        2, // b2, b4
        2,
        1, // b3
        2, // S1 01-06 08:00, S2 01-10 23:00
        2,
        3,
        1,
        1800, // durations 0, 3600 (S2 runs to b6, past the window)
        1800,
        3, // events 3, 3
        3,
        1, // b1 -> b2 -> b3 at one instant, in file order
        3, // b2 -> b3 -> b4
        1,
        0, // b5 01-10
        4, // 01-06 to 01-10
        -1 / 3, // b1..b3 = 3 before 01-07 12:00, b4, b5 = 2 after: (2 - 3) / 3
        7,
        5, // 7, 3 (b2 none)
        3,
        7,
        1,
        2 + 8 * H, // b3 01-06 08:00
        6 + 23 * H, // b4 01-10 23:00
        0.5, // 1 / 2
      ],
      C: [
        ...w,
        1, // 01-07
        1,
        2, // c2, c3
        2,
        1,
        2, // S1 10:00, S2 11:00
        2,
        3,
        1,
        600, // durations 0, 1200
        600,
        2, // events 2, 2
        2,
        0, // no signup
        1, // view c2 -> no buy after it (c1 came first in the file)
        1, // c2, c3
        3, // c4 01-07 to 01-10
        3,
        -1, // all 4 events before 01-07 12:00: (0 - 4) / 4
        8,
        8, // c1 8 (views none)
        8,
        8,
        1,
        3 + 10 * H, // c1 01-07 10:00
        3 + 11 * H, // c3 01-07 11:00
        0.5,
      ],
      N: [
        ...w,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        null, // no session: no median
        null,
        null,
        null,
        0,
        0,
        0,
        9, // n3 01-01 to 01-10
        16, // 2023-12-25 to 01-10
        null, // nothing in the first half
        0, // a sum of nothing
        null, // an average of nothing
        null,
        null,
        0,
        null,
        null,
        null, // 0 / 0
      ],
    });
  });

  it('a calendar window up to the last day with data by default, per week of 3 days', async () => {
    // The data ends 01-12 18:00 (l2): days 01-10 .. 01-12, [01-10 00:00, 01-13 00:00), observed
    // (the last day with data counts as observed). Halves meet at 01-11 12:00; per week divides
    // by 3/7. L's l1 at exactly the middle falls in the second half.
    const metrics = ALL.filter((m) =>
      ['active_days', 'views_per_week', 'sessions', 'recency', 'tenure', 'trend'].includes(m.name),
    );
    const s = spec({ type: 'calendar', days: 3 }, metrics);
    const t = await tableOf(ws, s);
    const w = ['2024-01-10 00:00:00', '2024-01-13 00:00:00', true];
    const x = (...v: unknown[]) => [...w, ...v];
    const picked = (rows: Record<string, unknown[]>) => rows;
    expect(picked(t)).toBeDefined();
    const expected = {
      // a8 01-11; 1 view / (3/7); S5; 01-11 -> 01-12; 01-03 -> 01-12; a8 before the middle: -1
      A: x(1, 7 / 3, 1, 1, 9, -1),
      // b4 01-10, b6 01-11; 2 views; S2 (01-10 23:00); b6 01-11; 01-06 -> 01-12; all first half
      B: x(2, 14 / 3, 1, 1, 6, -1),
      // nothing in the window: c4 01-07 -> 01-12 = 5, first seen 01-07
      C: x(0, 0, 0, 5, 5, null),
      // n3 2024-01-01 -> 01-12 = 11, 2023-12-25 -> 01-12 = 18
      N: x(0, 0, 0, 11, 18, null),
      // l1 01-11, l2 01-12; l2; 2 sessions; l2 01-12; 01-11 -> 01-12; l1, l2 both in the second half
      L: x(2, 7 / 3, 2, 0, 1, null),
    };
    for (const [user, values] of Object.entries(expected)) {
      values.forEach((v, i) => {
        const got = t[user]?.[i];
        if (typeof v === 'number') expect(got, `${user} ${i}`).toBeCloseTo(v, 9);
        else expect(got, `${user} ${i}`).toEqual(v);
      });
    }
    expect(Object.keys(t).sort()).toEqual(['A', 'B', 'C', 'L', 'N']);
    const r = await run(s);
    expect(r.window).toMatchObject({
      type: 'calendar',
      days: 3,
      from: '2024-01-10',
      to: '2024-01-12',
    });
    expect([r.users, r.completeUsers]).toEqual([5, 5]);
  });

  it('a window since each first event: day 1 the first 24 hours, the start counted, the end not', async () => {
    // The data was observed until 01-12 18:00: windows ending later are not complete.
    //   A [01-03 10:00, 01-10 10:00), halves meet 01-06 22:00: a1 .. a7
    //   B [01-06 08:00, 01-13 08:00) not complete, halves 01-09 20:00: b1 .. b6
    //   C [01-07 10:00, 01-14 10:00) not complete, halves 01-10 22:00: c1 .. c4
    //   N [12-25 12:00, 01-01 12:00), halves 12-29 00:00: n1, n2 (n3 at the end: out)
    //   L [01-11 12:00, 01-18 12:00) not complete, halves 01-15 00:00: l1, l2
    const s = spec({ type: 'sinceStart', days: 7 }, ALL);
    const t = await tableOf(ws, s);
    expectRows(t, {
      A: [
        '2024-01-03 10:00:00',
        '2024-01-10 10:00:00',
        true,
        3, // the window's own days (24 h from 01-03 10:00): a1..a4 day 1, a5, a6 day 3, a7 day 5
        3,
        2,
        2,
        2,
        4, // S1 at the start, S2, S3, S4
        4,
        3,
        1,
        600, // 0, 1200, 1800, 0: median (0 + 1200) / 2
        750, // 3000 / 4
        1.5, // 1, 3, 2, 1
        1.75, // 7 / 4
        1,
        3,
        1,
        2, // a7 01-08 to the end's day 01-10
        7, // 01-03 to 01-10
        -5 / 6, // a1..a6 = 6 before 01-06 22:00, a7 after: (1 - 6) / 6
        30,
        35 / 3,
        5,
        20,
        2,
        14 * H + 20 * MIN, // a4 01-04 00:20 - 01-03 10:00
        2 + 2 * H, // a5 01-05 12:00
        1,
      ],
      B: [
        '2024-01-06 08:00:00',
        '2024-01-13 08:00:00',
        false,
        2, // b1..b3 day 1; b4, b5, b6 (01-10 23:00 .. 01-11 00:00) all day 5
        2,
        3, // b2, b4, b6
        3,
        1,
        2,
        2,
        3,
        1,
        1800,
        1800,
        3,
        3,
        1,
        3,
        1,
        2, // b6 01-11 to 01-13
        7,
        0, // 3 before 01-09 20:00, 3 after
        7,
        5,
        3,
        7,
        1,
        0, // b3 at the start
        4 + 16 * H, // b6 01-11 00:00
        1 / 3,
      ],
      C: [
        '2024-01-07 10:00:00',
        '2024-01-14 10:00:00',
        false,
        1,
        1,
        2,
        2,
        1,
        2,
        2,
        3,
        1,
        600,
        600,
        2,
        2,
        0,
        1,
        1,
        7, // c4 01-07 to 01-14
        7,
        -1,
        8,
        8,
        8,
        8,
        1,
        0,
        H, // c3 11:00
        0.5,
      ],
      N: [
        '2023-12-25 12:00:00',
        '2024-01-01 12:00:00',
        true,
        1, // n1 and n2 (21 hours later) both on day 1, though on two calendar days
        1,
        1, // n1 (n3 at the end)
        1,
        0,
        2, // S1, S2 (S3 starts at the end)
        2,
        1, // view
        1 / 3,
        0,
        0,
        1,
        1,
        0, // signup n2, no view after it inside the window
        1, // view n1, no buy
        0, // one view never fills two steps
        6, // n2 12-26 to 01-01
        7,
        -1, // n1, n2 before 12-29: (0 - 2) / 2
        0, // no buy: a sum of 0
        2, // n1's 2
        2,
        2,
        0,
        null,
        0, // n1 at the start
        0, // 0 buys / 1 view
      ],
      L: [
        '2024-01-11 12:00:00',
        '2024-01-18 12:00:00',
        false,
        2, // l1 day 1, l2 (30 hours later) day 2
        2,
        1,
        1,
        0,
        2,
        2,
        1,
        1 / 3,
        0,
        0,
        1,
        1,
        0, // signup, view, no buy
        1,
        0,
        6, // l2 01-12 to 01-18
        7,
        -1, // both before 01-15
        0,
        null, // l2 has no amount
        null,
        null,
        0,
        null,
        1.25, // l2 01-12 18:00 - 01-11 12:00
        0,
      ],
    });
    const r = await run(s);
    expect(r.window).toEqual({
      type: 'sinceStart',
      days: 7,
      from: null,
      to: null,
      startEvent: null,
    });
    expect([r.users, r.completeUsers]).toEqual([5, 2]);
  });

  it('a window since each first start event: who never did it has no row', async () => {
    //   A [01-04 00:00, 01-11 00:00): a2 .. a7 (a1 before the start)
    //   B [01-06 08:00, 01-13 08:00): b1 .. b6
    //   N [12-26 09:00, 01-02 09:00): n2, n3 (n1 before the start)
    //   L [01-11 12:00, 01-18 12:00): l1, l2
    const pick = [
      'active_days',
      'views',
      'sessions',
      'funnel_done',
      'recency',
      'tenure',
      'first_buy',
    ];
    const s = spec(
      { type: 'sinceStart', days: 7, startEvent: { event: 'signup', where: [] } },
      ALL.filter((m) => pick.includes(m.name)),
    );
    const t = await tableOf(ws, s);
    const exp: Record<string, unknown[]> = {
      // days 1, 2, 5; a3, a5; S2, S3, S4; completed; a7 01-08 -> 01-10; 01-03 -> 01-10; 20 min
      A: ['2024-01-04 00:00:00', '2024-01-11 00:00:00', true, 3, 2, 3, 1, 2, 7, 20 * MIN],
      B: ['2024-01-06 08:00:00', '2024-01-13 08:00:00', false, 2, 3, 2, 1, 2, 7, 0],
      // days 1 and 7 (n3 6 d 3 h after n2); n3; S2 at the start, S3; no buy; n3 01-01 -> 01-02; 12-25 -> 01-02 = 8
      N: ['2023-12-26 09:00:00', '2024-01-02 09:00:00', true, 2, 1, 2, 0, 1, 8, null],
      L: ['2024-01-11 12:00:00', '2024-01-18 12:00:00', false, 2, 1, 2, 0, 6, 7, null],
    };
    expect(Object.keys(t).sort()).toEqual(Object.keys(exp).sort());
    for (const [user, values] of Object.entries(exp)) {
      values.forEach((v, i) => {
        const got = t[user]?.[i];
        if (typeof v === 'number') expect(got, `${user} ${i}`).toBeCloseTo(v, 9);
        else expect(got, `${user} ${i}`).toEqual(v);
      });
    }
    const r = await run(s);
    expect(r.window.startEvent).toBe('signup');
  });

  it('cuts the population to users starting in a range, and by user properties', async () => {
    const views = ALL.filter((m) => m.name === 'views');
    const range = (from: string, to: string) => ({ type: 'absolute' as const, from, to });
    const users = async (extra: Partial<MetricsSpec>, window: ObservationWindow) =>
      Object.keys(await tableOf(ws, { ...spec(window, views), ...extra })).sort();
    const calendar: ObservationWindow = { type: 'calendar', days: 7, asOf: '2024-01-10' };
    // First seen 01-05 .. 01-07: B (01-06), C (01-07); not A (01-03) nor N (12-25).
    expect(await users({ startRange: range('2024-01-05', '2024-01-07') }, calendar)).toEqual([
      'B',
      'C',
    ]);
    // Since the first signup, starting 01-04 .. 01-06: A (01-04 00:00), B (01-06 08:00).
    const signup: ObservationWindow = {
      type: 'sinceStart',
      days: 7,
      startEvent: { event: 'signup', where: [] },
    };
    expect(await users({ startRange: range('2024-01-04', '2024-01-06') }, signup)).toEqual([
      'A',
      'B',
    ]);
    expect(
      await users(
        { filters: [{ property: 'user_id', source: 'user', op: 'in', value: ['A', 'C', 'L'] }] },
        calendar,
      ),
    ).toEqual(['A', 'C']);
  });

  it('keeps each metric its own column, whatever the names', async () => {
    // A trend's halves are aggregates of their own: a metric named t__first is another column.
    const t = await tableOf(
      ws,
      spec({ type: 'calendar', days: 7, asOf: '2024-01-10' }, [
        { name: 't', type: 'trend', events: ev('$any') },
        { name: 't__first', type: 'count', events: ev('view'), per: 'window' },
        { name: 't__second', type: 'count', events: ev('buy'), per: 'window' },
      ]),
    );
    expect(t.A?.slice(3)).toEqual([-0.8, 2, 2]);
    expect(t.B?.slice(3)).toEqual([-1 / 3, 2, 1]);
  });
});

/**
 * America/New_York (EST = UTC-5 in January; EDT = UTC-4 until 2023-11-05 02:00, when the clocks
 * went back an hour, so that local day had 25 hours).
 *   P: p1 view 01-10 03:00Z (local 01-09 22:00), p2 view 01-10 15:00Z (01-10 10:00),
 *      p3 view 01-11 04:30Z (01-10 23:30)
 *   Q: q1 view 01-09 12:00Z (01-09 07:00), q2 buy 01-12 04:59Z (01-11 23:59, the data's last)
 *   R: r1 view 2023-11-04 16:00Z (12:00 EDT), r2 view 11-05 04:15Z (00:15 EDT),
 *      r3 view 11-05 16:30Z (11:30 EST), r4 view 11-05 17:00Z (12:00 EST)
 */
const NY_EVENTS = `user_id,event,timestamp
R,view,2023-11-04T16:00:00Z
R,view,2023-11-05T04:15:00Z
R,view,2023-11-05T16:30:00Z
R,view,2023-11-05T17:00:00Z
Q,view,2024-01-09T12:00:00Z
P,view,2024-01-10T03:00:00Z
P,view,2024-01-10T15:00:00Z
P,view,2024-01-11T04:30:00Z
Q,buy,2024-01-12T04:59:00Z
`;

describe('metrics in a workspace in America/New_York', () => {
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(NY_EVENTS, { timezone: 'America/New_York' }));
  });
  afterAll(() => ws.close());
  const metrics: MetricDefinition[] = [
    { name: 'active_days', type: 'activeDays', events: ev('$any'), per: 'window' },
    { name: 'view_days', type: 'distinctDays', events: ev('view') },
    { name: 'views', type: 'count', events: ev('view'), per: 'window' },
    { name: 'recency', type: 'recency' },
    { name: 'tenure', type: 'tenure' },
    { name: 'trend', type: 'trend', events: ev('$any') },
    { name: 'last_view', type: 'time', events: ev('view'), which: 'last' },
  ];
  const check = (t: Record<string, unknown[]>, expected: Record<string, unknown[]>): void => {
    expect(Object.keys(t).sort()).toEqual(Object.keys(expected).sort());
    for (const [user, values] of Object.entries(expected)) {
      values.forEach((v, i) => {
        const got = t[user]?.[i];
        if (typeof v === 'number') expect(got, `${user} ${i}`).toBeCloseTo(v, 9);
        else expect(got, `${user} ${i}`).toEqual(v);
      });
    }
  };

  it('a calendar window of local days up to the last local day with data', async () => {
    // The last event is 01-11 23:59 local (01-12 UTC): days 01-10 .. 01-11 local, from 01-10
    // 05:00Z to 01-12 05:00Z; the halves meet at local midnight 01-11 05:00Z.
    const s = spec({ type: 'calendar', days: 2 }, metrics);
    const t = await tableOf(ws, s);
    const w = ['2024-01-10 05:00:00', '2024-01-12 05:00:00', true];
    check(t, {
      // p2, p3 both on local 01-10 (UTC days 01-10 and 01-11); p3 01-10 -> 01-11; first seen
      // p1 local 01-09 -> 01-11; p2, p3 both before local midnight (p3 after UTC's): -1;
      // p3 local 01-10 23:30 is 23.5 hours into the window.
      P: [...w, 1, 1, 2, 1, 2, -1, 23.5 / 24],
      // q2 local 01-11; no view; q2 01-11 -> 01-11; q1 01-09 -> 01-11; nothing in the first half
      Q: [...w, 1, 0, 0, 0, 2, null, null],
      // nothing in the window: r4 local 11-05 -> 01-11 = 25 + 31 + 11 days, first 11-04 -> 68
      R: [...w, 0, 0, 0, 67, 68, null, null],
    });
    const r = await run(s);
    expect(r.timezone).toBe('America/New_York');
    expect(r.window).toMatchObject({ from: '2024-01-10', to: '2024-01-11' });
  });

  it('a day since the start is 24 hours of local wall time, 25 when the clocks go back', async () => {
    //   P [01-10 03:00Z, 01-11 03:00Z) = local 01-09 22:00 .. 01-10 22:00: p1, p2
    //   Q [01-09 12:00Z, 01-10 12:00Z) = local 07:00 .. 07:00: q1
    //   R [11-04 16:00Z, 11-05 17:00Z) = local 12:00 EDT .. 12:00 EST (25 hours): r1, r2, r3
    //     (r3 is 24.5 hours after r1, still in day 1; r4 at the end is not). The halves meet at
    //     local midnight (12 hours of wall time, 04:00Z): r1 before, r2 and r3 after.
    const s = spec({ type: 'sinceStart', days: 1 }, metrics);
    const t = await tableOf(ws, s);
    check(t, {
      // one day of its own (on two local dates); p2 local 01-10 -> the end's 01-10; 01-09 ->
      // 01-10; p2 exactly at the middle (01-10 10:00 local) is in the second half: (1 - 1) / 1
      P: ['2024-01-10 03:00:00', '2024-01-11 03:00:00', true, 1, 1, 2, 0, 1, 0, 12 / 24],
      Q: ['2024-01-09 12:00:00', '2024-01-10 12:00:00', true, 1, 1, 1, 1, 1, -1, 0],
      // (2 - 1) / 1; r3 local 11:30 EST is 23.5 hours of wall time after 12:00 EDT
      R: ['2023-11-04 16:00:00', '2023-11-05 17:00:00', true, 1, 1, 3, 0, 1, 1, 23.5 / 24],
    });
  });
});

describe('events at one instant in two files of one import', () => {
  // One import of two files: the first file's rows come first (EVENT_ORDER: source, file, row),
  // though the view is row 1 of its file and the buy row 2 of its own.
  let ws: TempWorkspace;
  beforeAll(async () => {
    ws = await tempWorkspace();
    const first = ws.write(
      'first.csv',
      'user_id,event,timestamp\nU,visit,2024-01-01T09:00:00Z\nU,buy,2024-01-01T10:00:00Z\n',
    );
    const second = ws.write('second.csv', 'user_id,event,timestamp\nU,view,2024-01-01T10:00:00Z\n');
    await ws.api['import.events']({ files: [first, second] });
  });
  afterAll(() => ws.close());

  it('orders a funnel by file, then row', async () => {
    const s = spec({ type: 'sinceStart', days: 1 }, [
      { name: 'view_buy', type: 'funnel', steps: ev('view', 'buy'), as: 'furthestStep' },
      { name: 'buy_view', type: 'funnel', steps: ev('buy', 'view'), as: 'completed' },
    ]);
    const t = await tableOf(ws, s);
    // visit, buy (first file), view (second file): buy -> view, not view -> buy.
    expect(t.U?.slice(3)).toEqual([1, 1]);
  });
});
