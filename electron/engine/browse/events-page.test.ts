import { tableFromIPC } from 'apache-arrow';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventsFilter } from '../../../shared/api/browse-types';
import { workspaceTemplate, type TempWorkspace } from '../testing/temp-workspace';

/** A page's rows decoded the way the renderer decodes them. */
function decode(arrow: string): Record<string, unknown>[] {
  const table = tableFromIPC(Buffer.from(arrow, 'base64'));
  const names = table.schema.fields.map((f) => f.name);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(names.map((n) => [n, table.getChild(n)?.get(i) as unknown])),
  );
}

/**
 * Users are numbered by their first event — a (09:00), b (10:00), c — and events are stored by
 * user, then time:
 *   0 a 03-01 09:00 open pro      3 b 03-01 10:00 open free
 *   1 a 03-01 09:05 buy  pro 20   4 b 03-03 12:00 buy  free 5
 *   2 a 03-02 09:00 open pro      5 c 03-04 08:00 open free
 */
const EVENTS = `user_id,event,timestamp,plan,amount
b,open,2024-03-01T10:00:00Z,free,
a,open,2024-03-01T09:00:00Z,pro,
a,buy,2024-03-01T09:05:00Z,pro,20
a,open,2024-03-02T09:00:00Z,pro,
b,buy,2024-03-03T12:00:00Z,free,5
c,open,2024-03-04T08:00:00Z,free,
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

/** `user:event@MM-DD HH:MM` of each row, and the total. */
async function page(
  filter: Partial<EventsFilter>,
  paging: { offset?: number; limit?: number } = {},
) {
  const p = await ws.api['events.page']({ filter, ...paging });
  const rows = decode(p.arrow).map(
    (r) => `${String(r.user_id)}:${String(r.event)}@${String(r.time).slice(5, 16)}`,
  );
  return { total: p.total, rows };
}

describe('events.page', () => {
  it('gives every event in user then time order, with its columns and the total', async () => {
    const p = await ws.api['events.page']({});
    expect(p.columns).toEqual([
      'user_id',
      'time',
      'event',
      'session_id',
      'plan',
      'amount',
      'properties',
    ]);
    expect([p.total, p.rows, p.offset]).toEqual([6, 6, 0]);
    const types = tableFromIPC(Buffer.from(p.arrow, 'base64')).schema.fields.map((f) => [
      String(f.type),
      f.metadata.get('duckdb_type'),
    ]);
    expect(types.slice(0, 4)).toEqual([
      ['Utf8', 'VARCHAR'],
      ['Utf8', 'TIMESTAMP'],
      ['Utf8', 'VARCHAR'],
      ['Float64', 'HUGEINT'],
    ]);
    const rows = decode(p.arrow);
    expect(rows.map((r) => [r.user_id, r.time, r.event, r.plan, r.amount])).toEqual([
      ['a', '2024-03-01 09:00:00', 'open', 'pro', null],
      ['a', '2024-03-01 09:05:00', 'buy', 'pro', 20],
      ['a', '2024-03-02 09:00:00', 'open', 'pro', null],
      ['b', '2024-03-01 10:00:00', 'open', 'free', null],
      ['b', '2024-03-03 12:00:00', 'buy', 'free', 5],
      ['c', '2024-03-04 08:00:00', 'open', 'free', null],
    ]);
    // 30-minute sessions: a's first two events share one, the next day starts another.
    const sessions = rows.map((r) => r.session_id);
    expect(sessions[0]).toBe(sessions[1]);
    expect(new Set(sessions).size).toBe(5);
    expect(sessions.every((s) => typeof s === 'number')).toBe(true);
  });

  it('pages by offset and limit; the total is counted only when asked', async () => {
    const second = await ws.api['events.page']({ offset: 2, limit: 2, count: false });
    expect([second.total, second.offset, second.rows]).toEqual([null, 2, 2]);
    expect(decode(second.arrow).map((r) => `${String(r.user_id)}:${String(r.event)}`)).toEqual([
      'a:open',
      'b:open',
    ]);
    expect(await page({}, { offset: 5, limit: 10 })).toEqual({
      total: 6,
      rows: ['c:open@03-04 08:00'],
    });
    const past = await ws.api['events.page']({ offset: 6 });
    expect([past.total, past.rows, decode(past.arrow).length]).toEqual([6, 0, 0]);
    expect(past.columns).toHaveLength(7);
  });

  it('filters by user id and by event name', async () => {
    expect(await page({ users: ['c', 'b'] })).toEqual({
      total: 3,
      rows: ['b:open@03-01 10:00', 'b:buy@03-03 12:00', 'c:open@03-04 08:00'],
    });
    expect(await page({ users: ['nobody'] })).toEqual({ total: 0, rows: [] });
    expect(await page({ events: ['buy'] })).toEqual({
      total: 2,
      rows: ['a:buy@03-01 09:05', 'b:buy@03-03 12:00'],
    });
    expect(await page({ users: ['a'], events: ['open'] }, { offset: 1 })).toEqual({
      total: 2,
      rows: ['a:open@03-02 09:00'],
    });
  });

  it('bounds time from inclusive to exclusive, in UTC, offsets honoured', async () => {
    // b's open is exactly at `from` (kept), b's buy exactly at `to` (left out).
    expect(await page({ from: '2024-03-01T10:00:00Z', to: '2024-03-03T12:00:00Z' })).toEqual({
      total: 2,
      rows: ['a:open@03-02 09:00', 'b:open@03-01 10:00'],
    });
    // 11:00+01:00 is 10:00 UTC; a bare date is its midnight, UTC.
    expect(await page({ from: '2024-03-01T11:00:00+01:00', to: '2024-03-02' })).toEqual({
      total: 1,
      rows: ['b:open@03-01 10:00'],
    });
    expect(await page({ from: '2024-03-03 12:00:00' })).toEqual({
      total: 2,
      rows: ['b:buy@03-03 12:00', 'c:open@03-04 08:00'],
    });
  });

  it('applies property conditions as the analyses do', async () => {
    expect(
      await page({ where: [{ property: 'amount', source: 'event', op: '>=', value: 10 }] }),
    ).toEqual({
      total: 1,
      rows: ['a:buy@03-01 09:05'],
    });
    expect(
      await page({
        events: ['open'],
        where: [{ property: 'plan', source: 'event', op: '=', value: 'free' }],
      }),
    ).toEqual({ total: 2, rows: ['b:open@03-01 10:00', 'c:open@03-04 08:00'] });
    // Events without the property count as "not 5", as in Mixpanel and PostHog.
    expect(
      (await page({ where: [{ property: 'amount', source: 'event', op: '!=', value: 5 }] })).total,
    ).toBe(5);
  });

  it('filters by user properties in stored order, page by page', async () => {
    await ws.api['import.users']({
      files: [
        ws.write(
          'people.csv',
          'user_id,email,company\na,ann@example.com,Acme\nc,cy@example.org,Beta\n',
        ),
      ],
    });
    const notAcme = {
      where: [{ property: 'company', source: 'user' as const, op: '!=' as const, value: 'Acme' }],
    };
    expect(await page(notAcme)).toEqual({
      total: 3,
      rows: ['b:open@03-01 10:00', 'b:buy@03-03 12:00', 'c:open@03-04 08:00'],
    });
    expect(await page(notAcme, { offset: 1, limit: 1 })).toEqual({
      total: 3,
      rows: ['b:buy@03-03 12:00'],
    });
    expect(
      await page({ where: [{ property: 'email', source: 'user', op: 'contains', value: 'ANN@' }] }),
    ).toEqual({
      total: 3,
      rows: ['a:open@03-01 09:00', 'a:buy@03-01 09:05', 'a:open@03-02 09:00'],
    });
  });

  it('carries the JSON properties as text', async () => {
    await ws.api['sql.query']({
      sql: `UPDATE events SET properties = '{"ref":"ad","n":2}' WHERE event = 'buy' AND amount = 5`,
      write: true,
    });
    const rows = decode((await ws.api['events.page']({ filter: { users: ['b'] } })).arrow);
    expect(rows.map((r) => r.properties)).toEqual([null, '{"ref":"ad","n":2}']);
    expect(
      await page({
        where: [{ property: 'properties.ref', source: 'event', op: '=', value: 'ad' }],
      }),
    ).toEqual({ total: 1, rows: ['b:buy@03-03 12:00'] });
  });

  it('names an unknown property, or a time it cannot read, in the error', async () => {
    await expect(
      ws.api['events.page']({ filter: { where: [{ property: 'amout', op: 'is set' }] } }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(
        /filter: No event has the property 'amout' in this workspace, so it counts as not set; nearest: amount/,
      ) as unknown,
    });
    await expect(
      ws.api['events.page']({
        filter: { where: [{ property: 'tier', source: 'user', op: 'is set' }] },
      }),
    ).rejects.toMatchObject({
      message: expect.stringContaining("No user has the property 'tier'") as unknown,
    });
    await expect(
      ws.api['events.page']({ filter: { from: 'yesterday-ish' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining(
        "filter.from: 'yesterday-ish' is not a date or time",
      ) as unknown,
    });
  });
});

describe('events.page on many row groups', () => {
  it('keeps stored order at deep offsets without sorting', async () => {
    // 300,000 events over three row groups, 3,000 users, written in (uid, ts) order as imports do.
    await ws.api['sql.query']({
      write: true,
      sql: `
        DELETE FROM events; DELETE FROM users;
        INSERT INTO users (uid, user_id, event_count)
          SELECT range, 'u' || lpad(range::VARCHAR, 4, '0'), 100 FROM range(3000);
        INSERT INTO events (uid, ts, event, session_id)
          SELECT i // 100, TIMESTAMP '2024-01-01' + to_seconds(i % 100 * 60 + (i // 100)),
                 CASE WHEN i % 7 = 0 THEN 'buy' ELSE 'open' END, i // 100
          FROM range(300000) t(i) ORDER BY i`,
    });
    const expected = async (where: string, offset: number) =>
      (
        await ws.rows(
          `SELECT u.user_id || '@' || strftime(e.ts, '%H:%M:%S') AS k FROM events e JOIN users u USING (uid)
           WHERE ${where} ORDER BY e.uid, e.ts LIMIT 5 OFFSET ${offset}`,
        )
      ).map((r) => String(r.k));
    const got = async (filter: Partial<EventsFilter>, offset: number) => {
      const p = await ws.api['events.page']({ filter, offset, limit: 5 });
      return {
        total: p.total,
        keys: decode(p.arrow).map((r) => `${String(r.user_id)}@${String(r.time).slice(11, 19)}`),
      };
    };
    expect(await got({}, 250_001)).toEqual({
      total: 300_000,
      keys: await expected('TRUE', 250_001),
    });
    expect(await got({ events: ['buy'] }, 40_000)).toEqual({
      total: 42_858,
      keys: await expected(`event = 'buy'`, 40_000),
    });
    expect(await got({ users: ['u2999', 'u0000'] }, 98)).toEqual({
      total: 200,
      keys: await expected(`uid IN (0, 2999)`, 98),
    });
  });
});
