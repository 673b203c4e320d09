import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathsResult, PathsSpec } from '../../../../shared/specs/paths';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';
import { SESSIONS_EVENTS } from '../../testing/sessions-events';

// The sessions of testing/sessions-events.ts: s1..s5.
const EVENTS = SESSIONS_EVENTS;
let ws: TempWorkspace;
let run: (spec: PathsSpec) => Promise<PathsResult & { warnings?: string[] }>;
beforeAll(async () => {
  const fixture = await analysisFixture(EVENTS);
  ws = fixture.ws;
  run = (spec) => fixture.run(spec);
});
afterAll(() => ws.close());

const base: PathsSpec = {
  kind: 'paths',
  version: 1,
  steps: 3,
  hide: [],
  limit: 8,
  collapseRepeats: false,
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-02' },
};
const ev = (event: string) => ({ event, where: [] });
const links = (r: PathsResult) => r.links.map((l) => `${l.source}>${l.target}=${l.users}`);
const usersOf = async (spec: PathsSpec, step: number, event: string) =>
  (
    await ws.api['analysis.users']({ spec, select: { kind: 'paths', step, event }, limit: 100 })
  ).users.map((u) => u.user_id);

describe('the users behind a path node', () => {
  it('are nobody for a step the spec does not draw, or a step of the other direction', async () => {
    const forward = { ...base, start: ev('home') };
    const back = { ...base, end: ev('home') };
    // Drawn: u2 and u3 view right after home (u1 searches first), u3 pings right before it.
    expect((await usersOf(forward, 1, 'view')).sort()).toEqual(['u2', 'u3']);
    expect(await usersOf(forward, 2, 'view')).toEqual(['u1']);
    expect(await usersOf(back, -1, 'ping')).toEqual(['u3']);
    for (const [spec, step] of [
      [forward, base.steps + 1],
      [forward, -1],
      [back, 1],
      [back, -10],
    ] as const) {
      expect(await usersOf(spec, step, 'view'), `step ${step}`).toEqual([]);
    }
    // Past any path's length, the request itself is refused, saying why.
    await expect(usersOf(forward, 11, 'view')).rejects.toThrow('a path has at most 10 steps');
  });
});

describe('paths before an end event', () => {
  it('leads back from the first end event of each session, in time order', async () => {
    const r = await run({ ...base, end: ev('home') });
    // Only s5 has an event before its home: ping.
    expect(r.direction).toBe('backward');
    expect(r.sessions).toBe(5);
    expect(links(r)).toEqual(['-1:ping>0:home=1']);
    expect(r.warnings ?? []).toEqual([]);
  });

  it('says why there is no path when the end event opens every session', async () => {
    const r = await run({ ...base, end: ev('home'), hide: ['ping'] });
    expect(r.nodes.map((n) => [n.id, n.users, n.sessions])).toEqual([['0:home', 3, 5]]);
    expect(r.links).toEqual([]);
    expect(r.warnings).toEqual([
      'home is the first visible event of each of its 5 sessions between 2024-01-01 and 2024-01-02, so no path leads to it: paths stay within a session, and a session ends after 30 minutes without events.',
    ]);
  });

  it('says why there is no path when nobody did the end event in the range', async () => {
    const r = await run({
      ...base,
      end: ev('cart'),
      dateRange: { type: 'absolute', from: '2024-01-02', to: '2024-01-02' },
    });
    expect(r.sessions).toBe(0);
    expect(r.nodes).toEqual([]);
    expect(r.warnings).toEqual(['No session had cart on 2024-01-02, so there are no paths.']);
  });

  it('warns about an end event the workspace does not have, and answers no paths', async () => {
    const r = await run({ ...base, end: ev('checkout') });
    expect(r.nodes).toEqual([]);
    expect(r.warnings?.[0]).toMatch(/^Nobody did 'checkout' in this workspace yet/);
    expect(r.warnings?.[1]).toBe(
      'No session had checkout between 2024-01-01 and 2024-01-02, so there are no paths.',
    );
  });

  it('lists the users behind a node before the end event, (other) included', async () => {
    const spec: PathsSpec = { ...base, end: ev('cart'), steps: 2, limit: 1 };
    const r = await run(spec);
    // s1: ..., search, view, view, cart; s3: home, view, cart. Step -2 ties 1 user to 1: home
    // comes first by name, view is (other).
    expect(links(r)).toEqual(['-1:view>0:cart=2', '-2:(other)>-1:view=1', '-2:home>-1:view=1']);
    expect(await usersOf(spec, 0, 'cart')).toEqual(['u1', 'u2']);
    expect(await usersOf(spec, -1, 'view')).toEqual(['u1', 'u2']);
    expect(await usersOf(spec, -2, '(other)')).toEqual(['u1']);
    expect(await usersOf(spec, -2, 'home')).toEqual(['u2']);
  });
});

describe('paths after a start event and from session starts', () => {
  it('says why there is no path when the start event ends every session', async () => {
    const r = await run({ ...base, start: ev('cart') });
    expect(r.sessions).toBe(2);
    expect(r.warnings).toEqual([
      'cart is the last event of each of its 2 sessions between 2024-01-01 and 2024-01-02, so no path leads on from it: paths stay within a session, and a session ends after 30 minutes without events.',
    ]);
  });

  it('says why there is no path when every session holds a single visible event', async () => {
    const r = await run({
      ...base,
      hide: ['search', 'view', 'cart'],
      dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
    });
    expect(r.nodes.map((n) => n.id)).toEqual(['0:home']);
    expect(r.warnings).toEqual([
      'Every session that began on 2024-01-01 holds a single visible event, so no path leads on from it (a session ends after 30 minutes without events).',
    ]);
  });

  it('warns about a hidden event the workspace does not have, and hides nothing for it', async () => {
    const r = await run({ ...base, start: ev('home'), hide: ['pong'] });
    expect(r.warnings?.[0]).toMatch(/^No event 'pong' in this workspace to hide; nearest: /);
    expect(r.sessions).toBe(5);
  });

  it('lists the users behind a node after a start event', async () => {
    const spec: PathsSpec = { ...base, start: ev('home'), steps: 2 };
    const r = await run(spec);
    expect(r.nodes.find((n) => n.id === '1:view')?.users).toBe(2);
    expect(await usersOf(spec, 1, 'view')).toEqual(['u2', 'u3']);
    expect(await usersOf(spec, 2, 'view')).toEqual(['u1']);
  });
});
