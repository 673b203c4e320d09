import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventTypesResult, EventTypesSpec } from '../../../../shared/specs/analysis-spec';
import { analysisFixture } from '../../testing/analysis-fixture';
import { sharedWorkspace } from '../../testing/shared-workspaces';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * u1: view 2024-03-30 23:30Z (00:30 on the 31st in Paris), buy 2024-03-31 00:30Z
 * u2: view 2024-03-31 22:30Z (00:30 on 1 April in Paris), view 2024-04-02 10:00Z
 */
const EVENTS = `user_id,event,timestamp
u1,view,2024-03-30T23:30:00Z
u1,buy,2024-03-31T00:30:00Z
u2,view,2024-03-31T22:30:00Z
u2,view,2024-04-02T10:00:00Z
`;

describe('event types: the users who did an event', () => {
  let ws: TempWorkspace;
  let run: (s: EventTypesSpec) => Promise<EventTypesResult>;
  beforeAll(async () => {
    const fixture = await analysisFixture(EVENTS, { timezone: 'Europe/Paris' });
    ws = fixture.ws;
    run = (s) => fixture.run(s);
  });
  afterAll(() => ws.close());

  const users = async (spec: EventTypesSpec, event: string) =>
    (
      await ws.api['analysis.users']({ spec, select: { kind: 'eventTypes', event }, limit: 100 })
    ).users.map((u) => u.user_id);

  it('over all time', async () => {
    const spec: EventTypesSpec = { kind: 'eventTypes', version: 1 };
    const r = await run(spec);
    expect(r.rows.map((x) => [x.event, x.events, x.users, x.firstSeen, x.lastSeen])).toEqual([
      ['view', 3, 2, '2024-03-30T23:30:00Z', '2024-04-02T10:00:00Z'],
      ['buy', 1, 1, '2024-03-31T00:30:00Z', '2024-03-31T00:30:00Z'],
    ]);
    expect(await users(spec, 'view')).toEqual(['u1', 'u2']);
    expect(await users(spec, 'buy')).toEqual(['u1']);
  });

  it('within whole local days, either end open', async () => {
    const day: EventTypesSpec = {
      kind: 'eventTypes',
      version: 1,
      from: '2024-03-31',
      to: '2024-03-31',
    };
    expect((await run(day)).rows.map((x) => [x.event, x.events, x.users])).toEqual([
      ['buy', 1, 1],
      ['view', 1, 1],
    ]);
    expect(await users(day, 'view')).toEqual(['u1']);
    const since: EventTypesSpec = { kind: 'eventTypes', version: 1, from: '2024-04-01' };
    expect(await users(since, 'view')).toEqual(['u2']);
    expect(await users(since, 'buy')).toEqual([]);
    const until: EventTypesSpec = { kind: 'eventTypes', version: 1, to: '2024-03-31' };
    expect((await run(until)).rows.map((x) => [x.event, x.events])).toEqual([
      ['buy', 1],
      ['view', 1],
    ]);
  });
});

/** REES46's slice: each event's counts as plain SQL gives them, and the users behind each. */
describe('event types on a real dataset', () => {
  let ws: TempWorkspace;
  beforeAll(async () => {
    ws = await sharedWorkspace('rees46');
  });
  afterAll(() => ws.close());

  it('matches a plain count, and lists as many users as it counts', async () => {
    const spec: EventTypesSpec = { kind: 'eventTypes', version: 1 };
    const r = (await ws.api['analysis.run']({ spec })) as EventTypesResult;
    const plain = await ws.rows(
      `SELECT event, count(*) AS events, count(DISTINCT uid) AS users FROM events GROUP BY event ORDER BY events DESC, event`,
    );
    expect(r.rows.length).toBe(3);
    expect(r.rows.map((x) => [x.event, x.events, x.users])).toEqual(
      plain.map((p) => [p.event, Number(p.events), Number(p.users)]),
    );
    for (const row of r.rows) {
      const behind = await ws.api['analysis.users']({
        spec,
        select: { kind: 'eventTypes', event: row.event },
        limit: 1,
      });
      expect(behind.total, row.event).toBe(row.users);
    }
  });
});
