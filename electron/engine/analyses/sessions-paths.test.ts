import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathsResult } from '../../../shared/specs/paths';
import { analysisFixture } from '../testing/analysis-fixture';
import type { TempWorkspace } from '../testing/temp-workspace';
import { SESSIONS_EVENTS } from '../testing/sessions-events';

// The sessions of testing/sessions-events.ts: s1..s5.
const EVENTS = SESSIONS_EVENTS;
const range = { type: 'absolute' as const, from: '2024-01-01', to: '2024-01-02' };
let ws: TempWorkspace;
let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
beforeAll(async () => {
  ({ ws, run } = await analysisFixture(EVENTS));
});
afterAll(() => ws.close());

describe('sessions', () => {
  it('counts sessions, durations, depth and bounces per day of their start', async () => {
    const r = await run({
      kind: 'sessions',
      version: 1,
      events: { event: '$any', where: [] },
      interval: 'day',
      dateRange: range,
      filters: [],
    });
    expect(r.periods.map((p) => [p.period, p.sessions, p.users, p.bounceRate])).toEqual([
      ['2024-01-01', 4, 2, 0.5],
      ['2024-01-02', 1, 1, 0],
    ]);
    // Durations: 1500 s, 0, 2400 s, 0, 120 s; events 5, 1, 3, 1, 3.
    expect(r.total.meanDuration).toBe((1500 + 0 + 2400 + 0 + 120) / 5);
    expect(r.total.medianDuration).toBe(120);
    expect(r.total.meanEvents).toBe(13 / 5);
    expect(r.total.sessionsPerUser).toBeCloseTo(5 / 3, 12);
    expect(r.eventHistogram.slice(0, 5)).toEqual([2, 0, 2, 0, 1]);
  });

  it('reads a session across the range edges whole, and files it under the day it began', async () => {
    const edge = await analysisFixture(
      `user_id,event,timestamp\nz,a,2024-01-01T23:50:00Z\nz,b,2024-01-02T00:10:00Z\nz,c,2024-01-02T00:30:00Z\n`,
    );
    const day = (d: string) =>
      edge.run({
        kind: 'sessions',
        version: 1,
        events: { event: '$any', where: [] },
        interval: 'day',
        dateRange: { type: 'absolute', from: d, to: d },
        filters: [],
      });
    const first = await day('2024-01-01');
    const second = await day('2024-01-02');
    edge.ws.close();
    expect([first.total.sessions, first.total.meanEvents, first.total.meanDuration]).toEqual([
      1, 3, 2400,
    ]);
    expect(second.total.sessions).toBe(0);
  });

  it('gives the same sessions from the session table as from the events', async () => {
    const spec = {
      kind: 'sessions' as const,
      version: 1 as const,
      events: { event: '$any', where: [] },
      interval: 'day' as const,
      dateRange: range,
      filters: [],
    };
    const fromTable = await run(spec);
    await ws.api['sql.query']({ sql: 'DROP TABLE session_facts', write: true });
    const fromEvents = await run(spec);
    await ws.api['sql.query']({
      sql: 'CREATE TABLE session_facts AS SELECT session_id, any_value(uid) AS uid, min(ts) AS started, count(*) AS events, (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6 AS duration FROM events GROUP BY session_id',
      write: true,
    });
    expect(fromTable).toEqual(fromEvents);
  });

  it('counts only sessions holding a matching event when asked', async () => {
    const r = await run({
      kind: 'sessions',
      version: 1,
      events: { event: 'cart', where: [] },
      interval: 'day',
      dateRange: range,
      filters: [],
    });
    expect(r.total.sessions).toBe(2);
  });

  it('re-cuts sessions when the workspace gap changes', async () => {
    const before = (await ws.api['workspace.info']({})).sessions;
    await ws.api['workspace.updateSettings']({ sessionGapMinutes: 60 });
    // With an hour: u1's 11:30 joins its first session (65 min after 10:25? no: 65 > 60, stays);
    // u2's 13:20 is 40 min after 12:40 and joins.
    const after = (await ws.api['workspace.info']({})).sessions;
    const analysed = await run({
      kind: 'sessions',
      version: 1,
      events: { event: '$any', where: [] },
      interval: 'day',
      dateRange: range,
      filters: [],
    });
    await ws.api['workspace.updateSettings']({ sessionGapMinutes: 30 });
    expect([before, after]).toEqual([5, 4]);
    // The analysis reads the re-cut sessions too: u2's two sessions are one of 3 events now.
    expect([analysed.total.sessions, analysed.total.meanEvents]).toEqual([4, 13 / 4]);
    expect((await ws.api['workspace.info']({})).sessions).toBe(5);
  });
});

describe('paths', () => {
  const base = {
    kind: 'paths' as const,
    version: 1 as const,
    steps: 3,
    hide: [],
    limit: 8,
    collapseRepeats: false,
    dateRange: range,
  };
  const links = (r: PathsResult) => r.links.map((l) => `${l.source}>${l.target}=${l.users}`);

  it('follows sessions forward from a start event', async () => {
    const r = await run({ ...base, start: { event: 'home', where: [] } });
    // u1's second home (11:30) anchors nothing: the anchor is the session's first home.
    expect(r.sessions).toBe(5);
    expect(links(r)).toEqual([
      '0:home>1:view=2',
      '0:home>1:search=1',
      '1:search>2:view=1',
      '1:view>2:cart=1',
      '2:view>3:view=1',
    ]);
    expect(r.nodes.find((n) => n.id === '0:home')?.users).toBe(3);
  });

  it('hides events and collapses repeats', async () => {
    const r = await run({
      ...base,
      start: { event: 'home', where: [] },
      hide: ['search'],
      collapseRepeats: true,
    });
    expect(links(r)).toEqual(['0:home>1:view=3', '1:view>2:cart=2']);
  });

  it('leads back to an end event', async () => {
    const r = await run({ ...base, end: { event: 'cart', where: [] }, steps: 2 });
    expect(r.direction).toBe('backward');
    expect(links(r)).toEqual(['-1:view>0:cart=2', '-2:home>-1:view=1', '-2:view>-1:view=1']);
  });

  it('starts from the first visible event of each session without an anchor, and groups the rest', async () => {
    const r = await run({ ...base, hide: ['ping'], steps: 1, limit: 1 });
    expect(r.nodes.filter((n) => n.step === 0).map((n) => [n.event, n.users])).toEqual([
      ['home', 3],
    ]);
    expect(r.nodes.filter((n) => n.step === 1).map((n) => [n.event, n.sessions])).toEqual([
      ['view', 2],
      ['(other)', 1],
    ]);
  });
});
