import { tableFromIPC } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArrowPage } from '../../../shared/api/browse-types';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

/** Decodes a page the way the renderer does. */
function decode(page: ArrowPage | { arrow?: string }): Record<string, unknown>[] {
  const table = tableFromIPC(Buffer.from(page.arrow ?? '', 'base64'));
  return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
}

const EVENTS = `user_id,event,timestamp,plan,amount
b,open,2024-03-01T10:00:00Z,free,
a,open,2024-03-01T09:00:00Z,pro,
a,buy,2024-03-01T09:05:00Z,pro,20
a,open,2024-03-02T09:00:00Z,pro,
b,buy,2024-03-03T12:00:00Z,free,5
c,open,2024-03-04T08:00:00Z,free,
`;

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
  await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
});
afterEach(() => ws.close());

describe('events.page', () => {
  it('pages raw events in user then time order, with the total', async () => {
    // Users are numbered by first event: a (09:00) before b (10:00) before c.
    const all = await ws.api['events.page']({});
    expect(all.total).toBe(6);
    expect(decode(all).map((r) => [r.user_id, r.time, r.event])).toEqual([
      ['a', '2024-03-01 09:00:00', 'open'],
      ['a', '2024-03-01 09:05:00', 'buy'],
      ['a', '2024-03-02 09:00:00', 'open'],
      ['b', '2024-03-01 10:00:00', 'open'],
      ['b', '2024-03-03 12:00:00', 'buy'],
      ['c', '2024-03-04 08:00:00', 'open'],
    ]);
    const page = await ws.api['events.page']({ offset: 2, limit: 2, count: false });
    expect([page.total, page.offset, page.rows]).toEqual([null, 2, 2]);
    expect(decode(page).map((r) => [r.user_id, r.event])).toEqual([
      ['a', 'open'],
      ['b', 'open'],
    ]);
    expect(page.columns.slice(0, 4)).toEqual(['user_id', 'time', 'event', 'session_id']);
    expect(page.columns).toContain('plan');
  });

  it('filters by user, event, time (from inclusive, to exclusive) and property', async () => {
    const rows = async (filter: object) => {
      const page = await ws.api['events.page']({ filter });
      return [page.total, decode(page).map((r) => `${String(r.user_id)}:${String(r.event)}`)];
    };
    expect(await rows({ users: ['b', 'c'] })).toEqual([3, ['b:open', 'b:buy', 'c:open']]);
    expect(await rows({ events: ['buy'] })).toEqual([2, ['a:buy', 'b:buy']]);
    expect(await rows({ from: '2024-03-01T10:00:00Z', to: '2024-03-03T12:00:00Z' })).toEqual([
      2,
      ['a:open', 'b:open'],
    ]);
    expect(await rows({ where: [{ property: 'amount', op: '>=', value: 10 }] })).toEqual([
      1,
      ['a:buy'],
    ]);
    expect(
      await rows({ events: ['open'], where: [{ property: 'plan', op: '=', value: 'free' }] }),
    ).toEqual([2, ['b:open', 'c:open']]);
  });

  it('names an unknown property or a bad time in the error', async () => {
    await expect(
      ws.api['events.page']({ filter: { where: [{ property: 'nope', op: 'is set' }] } }),
    ).rejects.toMatchObject({ message: expect.stringContaining('nope') as unknown });
    await expect(
      ws.api['events.page']({ filter: { from: 'yesterday-ish' } }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('users', () => {
  it("gives one user's profile and events in time order", async () => {
    const t = await ws.api['users.timeline']({ userId: 'a' });
    expect(t.profile).toMatchObject({
      userId: 'a',
      events: 3,
      sessions: 2,
      firstSeen: '2024-03-01 09:00:00',
      lastSeen: '2024-03-02 09:00:00',
    });
    expect(decode(t.events).map((r) => r.event)).toEqual(['open', 'buy', 'open']);
    await expect(ws.api['users.timeline']({ userId: 'zz' })).rejects.toMatchObject({
      message: "No user 'zz' in this workspace.",
    });
  });

  it('pages and searches the people table, identities included', async () => {
    await ws.api['import.users']({
      files: [ws.write('p.csv', 'user_id,email\na,ann@example.com\nc,cy@example.org\n')],
    });
    const all = await ws.api['users.page']({});
    expect(all.total).toBe(3);
    expect(decode(all).map((r) => [r.user_id, r.email, r.events])).toEqual([
      ['a', 'ann@example.com', 3],
      ['b', null, 2],
      ['c', 'cy@example.org', 1],
    ]);
    const found = await ws.api['users.page']({ search: 'EXAMPLE.ORG' });
    expect([found.total, decode(found).map((r) => r.user_id)]).toEqual([1, ['c']]);
    const email = (await ws.api['users.timeline']({ userId: 'c' })).profile.email;
    expect(email).toBe('cy@example.org');
  });
});

describe('sql.query as Arrow', () => {
  it('carries the same rows as Arrow, numbers as numbers', async () => {
    const r = await ws.api['sql.query']({
      sql: 'SELECT event, count(*) AS n, 1 AS n FROM events GROUP BY event ORDER BY event',
      format: 'arrow',
    });
    expect(r.rows).toEqual([]);
    expect(decode(r)).toEqual([
      { event: 'buy', n: 2, n_2: 1 },
      { event: 'open', n: 4, n_2: 1 },
    ]);
  });
});

describe('workspace.recent', () => {
  it('lists opened workspaces, most recent first, once each', async () => {
    const other = `${ws.dir}/other.duckdb`;
    await ws.api['workspace.open']({ path: other });
    await ws.api['workspace.open']({ path: ws.file });
    const recent = await ws.api['workspace.recent']({});
    expect(recent.map((r) => r.path)).toEqual([ws.file, other]);
  });
});
