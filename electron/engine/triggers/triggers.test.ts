import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TriggerSpec } from '../../../shared/specs/trigger';
import { workspaceTemplate, type TempWorkspace } from '../testing/temp-workspace';

/*
 * Nine users in UTC; the data ends with a's login at 2024-03-20 09:00, so "as of" is 03-20 and
 * the trigger is evaluated at 03-21 00:00 (48 hours before it: 03-19 00:00).
 * - a logs in 03-01, 03-02, 03-12 and 03-20 (gaps of 10 and 8 days);
 * - b logs in on 03-05 only; h on 03-12 at 01:00 only; i on 02-01 only;
 * - c signs up 03-15 12:00 and logs in at 13:00;
 * - d errors at 10:00, 11:00 and 11:30 on 03-18, and at 09:00 on 03-19;
 * - e signs up 03-01 08:00 and invites on 03-09 08:00 (late for "within 7 days");
 * - f signs up 03-10 08:00 and never invites; g signs up 03-16 08:00.
 */
const EVENTS = `user_id,event,timestamp
i,login,2024-02-01T10:00:00Z
a,login,2024-03-01T10:00:00Z
a,login,2024-03-02T10:00:00Z
a,login,2024-03-12T10:00:00Z
a,login,2024-03-20T09:00:00Z
b,login,2024-03-05T10:00:00Z
h,login,2024-03-12T01:00:00Z
c,signup,2024-03-15T12:00:00Z
c,login,2024-03-15T13:00:00Z
d,error,2024-03-18T10:00:00Z
d,error,2024-03-18T11:00:00Z
d,error,2024-03-18T11:30:00Z
d,error,2024-03-19T09:00:00Z
e,signup,2024-03-01T08:00:00Z
e,invite,2024-03-09T08:00:00Z
f,signup,2024-03-10T08:00:00Z
g,signup,2024-03-16T08:00:00Z
`;
const PEOPLE = `user_id,email
a,a@x.io
b,b@x.io
i,i@x.io
`;

let ws: TempWorkspace;
const template = workspaceTemplate(async (w) => {
  await w.api['import.events']({ files: [w.write('e.csv', EVENTS)] });
  await w.api['import.users']({ files: [w.write('p.csv', PEOPLE)] });
});
beforeEach(async () => {
  ws = await template.fresh();
});
afterEach(() => ws.close());
afterAll(() => template.dispose());

const ev = (event: string) => ({ event, where: [] });
const spec = (condition: unknown, cooldownDays = 0): TriggerSpec =>
  ({ version: 1, condition, cooldownDays }) as TriggerSpec;

/** user:fired_at (to the minute) of everyone the trigger fires for, most recent first. */
async function fired(s: TriggerSpec, asOf?: string): Promise<string[]> {
  const r = await ws.api['triggers.run']({ spec: s, ...(asOf === undefined ? {} : { asOf }) });
  return r.fires.map((f) => `${f.user_id}:${f.fired_at.slice(5, 16)}${f.stale ? ' stale' : ''}`);
}

describe('who a trigger fires for, as of the last day with data', () => {
  it('inactivity: N days after the last event, or after first seen for one never done', async () => {
    expect(await fired(spec({ type: 'inactivity', days: 7 }))).toEqual([
      'h:03-19T01:00',
      'f:03-17T08:00 stale',
      'e:03-16T08:00 stale',
      'b:03-12T10:00 stale',
      'i:02-08T10:00 stale',
    ]);
    // e never logged in: inactive since first seen.
    expect(await fired(spec({ type: 'inactivity', event: ev('login'), days: 7 }))).toEqual([
      'h:03-19T01:00',
      'f:03-17T08:00 stale',
      'b:03-12T10:00 stale',
      'e:03-08T08:00 stale',
      'i:02-08T10:00 stale',
    ]);
    const r = await ws.api['triggers.run']({ spec: spec({ type: 'inactivity', days: 7 }) });
    expect(r).toMatchObject({
      asOf: '2024-03-20',
      at: '2024-03-21T00:00:00.000Z',
      total: 5,
      stale: 4,
    });
    expect(r.fires.find((f) => f.user_id === 'b')).toMatchObject({
      email: 'b@x.io',
      context: { last_event: 'login', last_event_at: '2024-03-05T10:00:00Z', days_inactive: 15.6 },
    });
  });

  it('inactivity across an import: the next export’s events end a lapse that began before it', async () => {
    await ws.api['import.events']({
      files: [ws.write('more.csv', 'user_id,event,timestamp\nh,login,2024-03-20T08:00:00Z\n')],
    });
    expect(await fired(spec({ type: 'inactivity', days: 7 }))).toEqual([
      'f:03-17T08:00 stale',
      'e:03-16T08:00 stale',
      'b:03-12T10:00 stale',
      'i:02-08T10:00 stale',
    ]);
    const r = await ws.api['triggers.backtest']({
      spec: spec({ type: 'inactivity', days: 7 }),
      from: '2024-03-19',
      to: '2024-03-19',
    });
    // h lapsed on 03-19 at 01:00 and came back the next day, in the second file.
    expect(r.days).toEqual([{ day: '2024-03-19', fires: 2, cameBack: 2, churned: 0, unknown: 0 }]);
  });

  it('inactivity as of an earlier day: later events are not known yet', async () => {
    // As of 03-10, a's return on 03-12 has not happened: a is inactive since 03-02.
    expect(await fired(spec({ type: 'inactivity', days: 7 }), '2024-03-10')).toEqual([
      'a:03-09T10:00',
      'i:02-08T10:00 stale',
    ]);
  });

  it('a cooldown: e\u2019s second lapse, 8 days after its first, is not a new fire with 10 days', async () => {
    const lapsed = await fired(spec({ type: 'inactivity', days: 7 }, 10));
    expect(lapsed).toEqual([
      'h:03-19T01:00',
      'f:03-17T08:00 stale',
      'b:03-12T10:00 stale',
      'i:02-08T10:00 stale',
    ]);
  });

  it('underuse: fewer than 2 logins in the last 7 days, from the end of the first such day', async () => {
    expect(
      await fired(spec({ type: 'underuse', event: ev('login'), fewerThan: 2, days: 7 })),
    ).toEqual([
      'h:03-19T00:00',
      'f:03-17T00:00 stale',
      'b:03-12T00:00 stale',
      'a:03-09T00:00 stale',
      'e:03-08T00:00 stale',
      'i:02-08T00:00 stale',
    ]);
  });

  it('negative actions: the third error within 2 hours, on the list for a week', async () => {
    const three = spec({ type: 'negative', event: ev('error'), atLeast: 3, hours: 2 });
    expect(await fired(three, '2024-03-18')).toEqual(['d:03-18T11:30']);
    // By the end of 03-20 the burst is two days old; a week later it is history.
    expect(await fired(three)).toEqual(['d:03-18T11:30 stale']);
    expect(await fired(three, '2024-03-25')).toEqual([]);
    // Two within an hour: 10:00 and 11:00; 11:30 is the same burst.
    const two = spec({ type: 'negative', event: ev('error'), atLeast: 2, hours: 1 });
    expect(await fired(two)).toEqual(['d:03-18T11:00 stale']);
  });

  it('milestone missed: no invite within 7 days of signing up', async () => {
    const invite = spec({
      type: 'milestone',
      milestone: ev('invite'),
      after: ev('signup'),
      days: 7,
    });
    // e invited on day 8 (no longer missing it); g's 7 days are not over.
    expect(await fired(invite)).toEqual(['f:03-17T08:00 stale']);
    expect(await fired(invite, '2024-03-08')).toEqual(['e:03-08T08:00']);
  });

  it('entering a segment: at the end of the first day as a member', async () => {
    const recent = await ws.api['segments.save']({
      name: 'Logged in lately',
      spec: {
        type: 'dynamic',
        rule: { type: 'event', event: ev('login'), when: { type: 'last', days: 2 } },
      },
    });
    const entered = spec({ type: 'segment', segment: recent.id });
    expect(await fired(entered)).toEqual(['a:03-21T00:00']);
    expect(await fired(entered, '2024-03-13')).toEqual(['a:03-13T00:00', 'h:03-13T00:00']);
  });
});

describe('a backtest', () => {
  it('counts fires per day and what happened in the 14 days after', async () => {
    const r = await ws.api['triggers.backtest']({
      spec: spec({ type: 'inactivity', days: 7 }),
      from: '2024-02-01',
      to: '2024-03-20',
    });
    expect({
      fires: r.fires,
      users: r.users,
      back: r.cameBack,
      churned: r.churned,
      unknown: r.unknown,
    }).toEqual({
      fires: 8,
      users: 6,
      back: 3,
      churned: 1,
      unknown: 4,
    });
    const days = Object.fromEntries(r.days.filter((d) => d.fires > 0).map((d) => [d.day, d]));
    expect(days['2024-02-08']).toMatchObject({ fires: 1, churned: 1 });
    expect(days['2024-03-19']).toMatchObject({ fires: 2, cameBack: 1, unknown: 1 });
    expect(r.days).toHaveLength(49);
    const cooled = await ws.api['triggers.backtest']({
      spec: spec({ type: 'inactivity', days: 7 }, 10),
      from: '2024-02-01',
      to: '2024-03-20',
    });
    expect(cooled.fires).toBe(7);
  });

  it('stops at the data\u2019s end and refuses a range after it', async () => {
    const r = await ws.api['triggers.backtest']({
      spec: spec({ type: 'inactivity', days: 7 }),
      from: '2024-03-01',
      to: '2024-04-30',
    });
    expect(r.to).toBe('2024-03-20');
    expect(r.warnings.join(' ')).toMatch(/The data ends on 2024-03-20/);
    await expect(
      ws.api['triggers.backtest']({
        spec: spec({ type: 'inactivity', days: 7 }),
        from: '2024-04-01',
        to: '2024-04-30',
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/after the last day with data/) });
  });
});

describe('the output', () => {
  it('writes a CSV and the JSON-lines payload', async () => {
    const s = spec({ type: 'inactivity', days: 7 });
    const csv = await ws.api['triggers.export']({
      spec: s,
      name: 'Inactive 7 days',
      path: ws.write('x.csv', ''),
    });
    expect(csv).toMatchObject({ format: 'csv', rows: 5 });
    const lines = readFileSync(csv.path, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'user_id,email,trigger,fired_at,as_of,stale,last_event,last_event_at,days_inactive',
    );
    expect(lines).toContain(
      'b,b@x.io,Inactive 7 days,2024-03-12T10:00:00Z,2024-03-20,true,login,2024-03-05T10:00:00Z,15.6',
    );
    const jsonl = await ws.api['triggers.export']({
      spec: s,
      name: 'Inactive 7 days',
      path: ws.write('x.jsonl', ''),
    });
    const first = JSON.parse(readFileSync(jsonl.path, 'utf8').split('\n')[0] ?? '{}');
    expect(first).toEqual({
      user_id: 'h',
      email: null,
      trigger: 'Inactive 7 days',
      fired_at: '2024-03-19T01:00:00Z',
      as_of: '2024-03-20',
      stale: false,
      context: { last_event: 'login', last_event_at: '2024-03-12T01:00:00Z', days_inactive: 9 },
    });
  });

  it('refuses a file name it cannot tell the format of, and a missing folder', async () => {
    const s = spec({ type: 'inactivity', days: 7 });
    await expect(
      ws.api['triggers.export']({ spec: s, name: 'x', path: ws.write('x.txt', '') }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/\.csv .* or \.jsonl/) });
    await expect(
      ws.api['triggers.export']({ spec: s, name: 'x', path: '/nope/nothing/x.csv' }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/does not exist/) });
  });
});

describe('the webhook', () => {
  let server: Server;
  let url: string;
  let bodies: { users: unknown[]; batch: number }[];
  let replies: number[];
  beforeEach(async () => {
    bodies = [];
    replies = [];
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text) as { users: unknown[]; batch: number });
        res.statusCode = replies.shift() ?? 200;
        res.end(res.statusCode === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(() => server.close());
  const s = spec({ type: 'inactivity', days: 7 });

  it('sends nothing in a dry run', async () => {
    const r = await ws.api['triggers.send']({ spec: s, name: 'Inactive', url, batchSize: 2 });
    expect(r).toMatchObject({ dryRun: true, users: 5, batches: 3, sent: 0, attempts: 0 });
    expect((r.sample as { users: unknown[] }).users).toHaveLength(2);
    expect(bodies).toEqual([]);
  });

  it('sends in batches and tries a batch again after a 500', async () => {
    replies = [200, 500, 200, 200];
    const r = await ws.api['triggers.send']({
      spec: s,
      name: 'Inactive',
      url,
      batchSize: 2,
      dryRun: false,
    });
    expect(r).toMatchObject({ dryRun: false, users: 5, batches: 3, sent: 5, attempts: 4 });
    expect(bodies.map((b) => [b.batch, b.users.length])).toEqual([
      [1, 2],
      [2, 2],
      [2, 2],
      [3, 1],
    ]);
  });

  it('stops at a refusal, saying how many went out before it', async () => {
    replies = [200, 400];
    await expect(
      ws.api['triggers.send']({ spec: s, name: 'Inactive', url, batchSize: 2, dryRun: false }),
    ).rejects.toMatchObject({
      code: 'WEBHOOK_FAILED',
      message: expect.stringMatching(/refused batch 2 of 3 \(400 nope\); 2 of 5 users were sent/),
    });
    expect(bodies).toHaveLength(2);
  });

  it('gives up after its retries when nobody answers', async () => {
    server.close();
    await expect(
      ws.api['triggers.send']({ spec: s, name: 'Inactive', url, dryRun: false, retries: 1 }),
    ).rejects.toMatchObject({
      code: 'WEBHOOK_FAILED',
      message: expect.stringMatching(/after 2 tries; 0 of 5/),
    });
  });
});

describe('saved triggers', () => {
  it('are kept with a valid spec, and refused with an invalid one', async () => {
    const saved = await ws.api['saved.save']({
      kind: 'trigger',
      name: 'Inactive 7 days',
      spec: { condition: { type: 'inactivity', days: 7 } },
    });
    expect((await ws.api['saved.list']({ kind: 'trigger' })).map((s) => s.id)).toEqual([saved.id]);
    await expect(
      ws.api['saved.save']({
        kind: 'trigger',
        name: 'Bad',
        spec: { condition: { type: 'inactivity', dayz: 7 } },
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/dayz: not a field/) });
  });
});

describe('bad requests and read-only workspaces', () => {
  it.each([
    [{ condition: { type: 'inactive', days: 7 } }, /condition/],
    [{ condition: { type: 'negative', event: ev('error'), atLeast: 2, hours: 0 } }, /hours/],
    [{ condition: { type: 'inactivity', days: 1.5 } }, /whole number of days/],
    [{ condition: { type: 'inactivity', days: 7 }, cooldownDays: -1 }, /cooldownDays/],
    [{ condition: { type: 'segment', segment: 'nope' } }, /No saved segment with id 'nope'/],
  ])('%j is refused, saying why', async (s, message) => {
    await expect(ws.api['triggers.run']({ spec: s as never })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message),
    });
  });

  it('a backtest longer than 366 days, and a webhook that is not http, are refused', async () => {
    await expect(
      ws.api['triggers.backtest']({
        spec: spec({ type: 'inactivity', days: 7 }),
        from: '2023-01-01',
        to: '2024-03-20',
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/at most 366 days/) });
    await expect(
      ws.api['triggers.send']({
        spec: spec({ type: 'inactivity', days: 7 }),
        name: 'x',
        url: 'ftp://example.com/hook',
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/http:\/\/ or https:\/\//) });
  });

  it('triggers, scores and segment counts run on a workspace opened read-only', async () => {
    await ws.api['workspace.close']({});
    await ws.api['workspace.open']({ path: ws.file, readOnly: true });
    expect(
      (await ws.api['triggers.run']({ spec: spec({ type: 'inactivity', days: 7 }) })).total,
    ).toBe(5);
    expect(
      (
        await ws.api['triggers.backtest']({
          spec: spec({ type: 'inactivity', days: 7 }),
          from: '2024-03-01',
          to: '2024-03-20',
        })
      ).fires,
    ).toBe(7);
    expect((await ws.api['scores.run']({ spec: { type: 'health', days: 7 } as never })).users).toBe(
      9,
    );
    const rule = { type: 'event', event: ev('login'), when: { type: 'last', days: 7 } } as const;
    expect((await ws.api['segments.count']({ rule: rule as never })).members).toBe(2);
    expect(await ws.api['segments.history']({ rule: rule as never, points: 2 })).toHaveLength(2);
    await expect(
      ws.api['segments.save']({ name: 'x', spec: { type: 'dynamic', rule: rule as never } }),
    ).rejects.toMatchObject({ code: 'READ_ONLY' });
  });
});
