import { tableFromIPC } from 'apache-arrow';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspaceTemplate, type TempWorkspace } from '../testing/temp-workspace';

function decode(arrow: string): Record<string, unknown>[] {
  const table = tableFromIPC(Buffer.from(arrow, 'base64'));
  const names = table.schema.fields.map((f) => f.name);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(names.map((n) => [n, table.getChild(n)?.get(i) as unknown])),
  );
}

// a: three events in two sessions (the third is a day later); b: two events two days apart; c: one.
const EVENTS = `user_id,event,timestamp
b,open,2024-03-01T10:00:00Z
a,open,2024-03-01T09:00:00Z
a,buy,2024-03-01T09:05:00Z
a,open,2024-03-02T09:00:00Z
b,buy,2024-03-03T12:00:00Z
c,open,2024-03-04T08:00:00Z
`;

const PEOPLE = `user_id,email,name,company,seats
a,Ann@Example.com,Ann Lee,Acme,12
c,cy@example.org,Cy 100%_Sure,Beta,
`;

let ws: TempWorkspace;
/** Each test starts from a copy of one workspace holding EVENTS. */
const template = workspaceTemplate(async (w) => {
  await w.api['import.events']({ files: [w.write('e.csv', EVENTS)] });
});
beforeEach(async () => {
  ws = await template.fresh();
});
afterEach(() => ws.close());
afterAll(() => template.dispose());

describe('users.timeline', () => {
  it("gives one user's profile and their events oldest first", async () => {
    const t = await ws.api['users.timeline']({ userId: 'a' });
    expect(t.profile).toMatchObject({
      userId: 'a',
      email: null,
      events: 3,
      sessions: 2,
      firstSeen: '2024-03-01 09:00:00',
      lastSeen: '2024-03-02 09:00:00',
    });
    expect(t.events.total).toBe(3);
    expect(t.events.columns.slice(0, 4)).toEqual(['user_id', 'time', 'event', 'session_id']);
    expect(decode(t.events.arrow).map((r) => [r.user_id, r.time, r.event])).toEqual([
      ['a', '2024-03-01 09:00:00', 'open'],
      ['a', '2024-03-01 09:05:00', 'buy'],
      ['a', '2024-03-02 09:00:00', 'open'],
    ]);
    const rest = await ws.api['users.timeline']({ userId: 'a', offset: 2, limit: 5 });
    expect(decode(rest.events.arrow).map((r) => r.time)).toEqual(['2024-03-02 09:00:00']);
  });

  it('shows the identities of a people import', async () => {
    await ws.api['import.users']({ files: [ws.write('people.csv', PEOPLE)] });
    const { profile } = await ws.api['users.timeline']({ userId: 'a' });
    expect(profile.email).toBe('Ann@Example.com');
    expect(profile.properties).toMatchObject({ name: 'Ann Lee', company: 'Acme', seats: 12 });
    expect(Object.keys(profile.properties)).not.toContain('event_count');
    // The whole profile crosses every transport as JSON.
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });

  it('says so when the user does not exist', async () => {
    await expect(ws.api['users.timeline']({ userId: 'zz' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: "No user 'zz' in this workspace.",
    });
  });
});

describe('users.page', () => {
  it('lists people in first-seen order with their facts, paged, with the total', async () => {
    const all = await ws.api['users.page']({});
    // Before a people import the identity columns are empty and left out.
    expect(all.columns).toEqual(['user_id', 'first_seen', 'last_seen', 'events']);
    expect([all.total, all.rows]).toEqual([3, 3]);
    expect(decode(all.arrow)).toEqual([
      {
        user_id: 'a',
        first_seen: '2024-03-01 09:00:00',
        last_seen: '2024-03-02 09:00:00',
        events: 3,
      },
      {
        user_id: 'b',
        first_seen: '2024-03-01 10:00:00',
        last_seen: '2024-03-03 12:00:00',
        events: 2,
      },
      {
        user_id: 'c',
        first_seen: '2024-03-04 08:00:00',
        last_seen: '2024-03-04 08:00:00',
        events: 1,
      },
    ]);
    const second = await ws.api['users.page']({ offset: 1, limit: 1 });
    expect([second.total, second.offset, decode(second.arrow).map((r) => r.user_id)]).toEqual([
      3,
      1,
      ['b'],
    ]);
  });

  it('shows identities once imported and searches id, email and name, any case', async () => {
    await ws.api['import.users']({ files: [ws.write('people.csv', PEOPLE)] });
    const all = await ws.api['users.page']({});
    expect(all.columns).toEqual([
      'user_id',
      'email',
      'name',
      'company',
      'seats',
      'first_seen',
      'last_seen',
      'events',
    ]);
    expect(decode(all.arrow).map((r) => [r.user_id, r.email, r.company, r.seats])).toEqual([
      ['a', 'Ann@Example.com', 'Acme', 12],
      ['b', null, null, null],
      ['c', 'cy@example.org', 'Beta', null],
    ]);
    const search = async (text: string) => {
      const p = await ws.api['users.page']({ search: text });
      return [p.total, decode(p.arrow).map((r) => r.user_id)];
    };
    expect(await search('EXAMPLE.')).toEqual([2, ['a', 'c']]);
    expect(await search('  ann lee ')).toEqual([1, ['a']]);
    expect(await search('B')).toEqual([1, ['b']]);
    // Company is not searched; % and _ are plain characters, not wildcards.
    expect(await search('acme')).toEqual([0, []]);
    expect(await search('100%_s')).toEqual([1, ['c']]);
    expect(await search('%')).toEqual([1, ['c']]);
  });
});
