import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  SessionsResult,
  SessionsSelection,
  SessionsSpec,
} from '../../../../shared/specs/sessions';
import { queryRows } from '../../duckdb/database';
import { analysisFixture } from '../../testing/analysis-fixture';
import { generatedWorkspace } from '../../testing/generated-workspace';
import { SESSIONS_EVENTS } from '../../testing/sessions-events';
import type { TempWorkspace } from '../../testing/temp-workspace';
import type { Workspace } from '../../workspace/workspace';
import { runAnalysis, usersBehind } from '../index';

/**
 * Sessions with the 30-minute gap (UTC), by hand:
 * 2024-01-01: u1 [home, search, view, view, cart] 25 min, u1 [home] bounce,
 *             u2 [home, view, cart] 40 min, u2 [home] bounce
 * 2024-01-02: u3 [ping, home, view] 2 min, u4 [home] bounce
 */
// The shared three users, and u4's lone late event.
const EVENTS = `${SESSIONS_EVENTS}u4,home,2024-01-02T23:30:00Z\n`;
const spec: SessionsSpec = {
  kind: 'sessions',
  version: 1,
  events: { event: '$any', where: [] },
  interval: 'day',
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-02' },
  filters: [],
};

describe('users behind sessions numbers', () => {
  let ws: TempWorkspace;
  let run: (s: SessionsSpec) => Promise<SessionsResult>;
  beforeAll(async () => {
    const fixture = await analysisFixture(EVENTS);
    ws = fixture.ws;
    run = (s) => fixture.run(s);
  });
  afterAll(() => ws.close());

  const users = async (s: SessionsSpec, select: Omit<SessionsSelection, 'kind'>) =>
    (
      await ws.api['analysis.users']({
        spec: s,
        select: { kind: 'sessions', ...select },
        limit: 100,
      })
    ).users.map((u) => u.user_id);

  it('lists who had a session in a period, and who bounced', async () => {
    const r = await run(spec);
    expect(r.periods.map((p) => [p.period, p.sessions, p.users, p.bounceRate])).toEqual([
      ['2024-01-01', 4, 2, 0.5],
      ['2024-01-02', 2, 2, 0.5],
    ]);
    expect(await users(spec, { period: '2024-01-01', measure: 'sessions' })).toEqual(['u1', 'u2']);
    expect(await users(spec, { period: '2024-01-01', measure: 'users' })).toEqual(['u1', 'u2']);
    expect(await users(spec, { period: '2024-01-01', measure: 'bounced' })).toEqual(['u1', 'u2']);
    expect(await users(spec, { period: '2024-01-02', measure: 'users' })).toEqual(['u3', 'u4']);
    expect(await users(spec, { period: '2024-01-02', measure: 'bounced' })).toEqual(['u4']);
    expect(await users(spec, { measure: 'users' })).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(await users(spec, { measure: 'bounced' })).toEqual(['u1', 'u2', 'u4']);
  });

  it('lists the users of the sessions holding a matching event only', async () => {
    const carts = { ...spec, events: { event: 'cart', where: [] } };
    const r = await run(carts);
    expect(r.total.sessions).toBe(2);
    expect(await users(carts, { measure: 'sessions' })).toEqual(['u1', 'u2']);
    expect(await users(carts, { measure: 'bounced' })).toEqual([]);
  });

  it('files a session under the local day it began', async () => {
    // 23:30 UTC on 2024-01-02 is 00:30 on 2024-01-03 in Paris: u4's bounce leaves the range.
    await ws.api['workspace.updateSettings']({ timezone: 'Europe/Paris' });
    try {
      const r = await run(spec);
      expect(r.periods.map((p) => [p.period, p.sessions])).toEqual([
        ['2024-01-01', 4],
        ['2024-01-02', 1],
      ]);
      expect(await users(spec, { period: '2024-01-02', measure: 'users' })).toEqual(['u3']);
    } finally {
      await ws.api['workspace.updateSettings']({ timezone: 'UTC' });
    }
  });

  it('warns about an event the workspace does not have, and counts no sessions', async () => {
    const r = (await ws.api['analysis.run']({
      spec: { ...spec, events: { event: 'checkout', where: [] } },
    })) as SessionsResult & { warnings?: string[] };
    expect(r.total.sessions).toBe(0);
    expect(r.warnings?.[0]).toMatch(/^Nobody did 'checkout' in this workspace yet/);
  });
});

/**
 * Sessions counted a second way: every event read in JavaScript, grouped by session, each filed
 * under the UTC day of its first event.
 */
describe('sessions against a plain computation in JavaScript', () => {
  let workspace: Workspace;
  let close: () => void;
  const clock = () => new Date('2026-03-16T00:00:00Z');
  const FROM = '2026-02-10';
  const TO = '2026-02-16';
  /**
   * Every event of the sessions with an event in the range, read once for both computations
   * below: a session filed under a day of the range has its first event there, and the others
   * are no day's.
   */
  let rows: Record<string, unknown>[];
  beforeAll(async () => {
    ({ workspace, close } = await generatedWorkspace());
    rows = await workspace.use((c) =>
      queryRows(
        c,
        `SELECT uid, session_id, event, epoch_us(ts) AS t FROM events
         WHERE session_id IN (SELECT session_id FROM events
                              WHERE ts >= TIMESTAMP '${FROM}' AND ts < TIMESTAMP '${TO}' + INTERVAL 1 DAY)`,
      ),
    );
  });
  afterAll(() => close());

  const median = (values: number[]): number | null => {
    if (values.length === 0) return null;
    const s = [...values].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
  };

  function reference(from: string, to: string, event: string | null) {
    const start = Date.parse(`${from}T00:00:00Z`) * 1000;
    const end = (Date.parse(`${to}T00:00:00Z`) + 86_400_000) * 1000;
    const sessions = new Map<
      string,
      { uid: number; first: number; last: number; n: number; hit: boolean }
    >();
    for (const r of rows) {
      const key = String(r.session_id);
      const t = Number(r.t);
      const s = sessions.get(key) ?? { uid: Number(r.uid), first: t, last: t, n: 0, hit: false };
      s.first = Math.min(s.first, t);
      s.last = Math.max(s.last, t);
      s.n++;
      if (event === null || (r.event === event && t >= start && t < end)) s.hit ||= true;
      sessions.set(key, s);
    }
    const byDay = new Map<string, { uid: number; duration: number; n: number }[]>();
    for (const s of sessions.values()) {
      if (s.first < start || s.first >= end || !s.hit) continue;
      const day = new Date(s.first / 1000).toISOString().slice(0, 10);
      const list = byDay.get(day) ?? [];
      list.push({ uid: s.uid, duration: (s.last - s.first) / 1e6, n: s.n });
      byDay.set(day, list);
    }
    return [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, list]) => ({
        period: day,
        sessions: list.length,
        users: new Set(list.map((x) => x.uid)).size,
        medianDuration: median(list.map((x) => x.duration)),
        medianEvents: median(list.map((x) => x.n)),
        bounced: list.filter((x) => x.n === 1).length,
        bouncedUsers: new Set(list.filter((x) => x.n === 1).map((x) => x.uid)).size,
      }));
  }

  it.each([
    ['every session', null],
    ['sessions holding report_created', 'report_created'],
  ] as const)('%s, day by day, with the users behind each day', async (_, event) => {
    const s: SessionsSpec = {
      ...spec,
      events: { event: event ?? '$any', where: [] },
      dateRange: { type: 'absolute', from: FROM, to: TO },
    };
    const result = await runAnalysis(workspace, s, {}, clock);
    if (result.kind !== 'sessions') throw new Error('sessions expected');
    const expected = reference(FROM, TO, event);
    expect(expected.length).toBe(7);
    expect(
      result.periods.map((p) => ({
        period: p.period,
        sessions: p.sessions,
        users: p.users,
        medianDuration: p.medianDuration,
        medianEvents: p.medianEvents,
        bounced: Math.round((p.bounceRate ?? 0) * p.sessions),
      })),
    ).toEqual(expected.map(({ bouncedUsers: _b, ...rest }) => rest));
    for (const day of expected.slice(0, 3)) {
      const behind = (measure: SessionsSelection['measure']) =>
        usersBehind(
          workspace,
          { spec: s, select: { kind: 'sessions', period: day.period, measure }, limit: 1 },
          {},
          clock,
        ).then((u) => u.total);
      expect(await behind('users')).toBe(day.users);
      expect(await behind('bounced')).toBe(day.bouncedUsers);
    }
  });
});
