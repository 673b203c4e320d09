import { tableFromIPC } from 'apache-arrow';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../shared/api/errors';
import type { SegmentRule } from '../../../shared/specs/segment';
import { tempWorkspace, workspaceTemplate, type TempWorkspace } from '../testing/temp-workspace';

/*
 * Four users, the last event on 2024-03-07 (the default as-of day), UTC:
 * - a logs in on 03-01, 03-05, 03-06, 03-07 and reports on 03-07; plan pro;
 * - b logs in on 03-02 and 03-03, pings at 03-07 03:00 (03-06 22:00 in New York);
 * - c signs up on 03-06 12:00 and logs in at 23:30 (18:30 in New York);
 * - d purchases on 02-20 and logs in on 03-07.
 */
const EVENTS = `user_id,event,timestamp
a,login,2024-03-01T10:00:00Z
a,login,2024-03-05T10:00:00Z
a,login,2024-03-06T10:00:00Z
a,login,2024-03-07T09:00:00Z
a,report,2024-03-07T09:30:00Z
b,login,2024-03-02T10:00:00Z
b,login,2024-03-03T10:00:00Z
b,ping,2024-03-07T03:00:00Z
c,signup,2024-03-06T12:00:00Z
c,login,2024-03-06T23:30:00Z
d,purchase,2024-02-20T10:00:00Z
d,login,2024-03-07T10:00:00Z
`;
const PEOPLE = `user_id,plan
a,pro
b,free
c,free
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

const login = { event: 'login', where: [] };
const any = { event: '$any', where: [] };

/** The user ids of everyone the rule picks, sorted, through the count and a saved segment. */
async function members(rule: unknown, asOf?: string): Promise<string[]> {
  const saved = await ws.api['segments.save']({
    name: 'probe',
    spec: { type: 'dynamic', rule, ...(asOf === undefined ? {} : { asOf }) },
  });
  const count = await ws.api['segments.count']({
    rule: rule as SegmentRule,
    ...(asOf === undefined ? {} : { asOf }),
  });
  expect(count.members).toBe(saved.members);
  const page = await ws.api['segments.members']({ id: saved.id });
  const ids = tableFromIPC(Buffer.from(page.arrow, 'base64'))
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => String(r.toJSON().user_id));
  await ws.api['saved.delete']({ id: saved.id });
  return ids.sort();
}

describe('dynamic segment rules, as of the last day with data (2024-03-07)', () => {
  it('event conditions over the last N days, a date range, and ever', async () => {
    const last3 = { type: 'last', days: 3 };
    expect(await members({ type: 'event', event: login, when: last3 })).toEqual(['a', 'c', 'd']);
    expect(await members({ type: 'event', event: login, op: 'did not', when: last3 })).toEqual([
      'b',
    ]);
    expect(
      await members({
        type: 'event',
        event: login,
        op: 'at least',
        times: 2,
        when: { type: 'last', days: 7 },
      }),
    ).toEqual(['a', 'b']);
    expect(await members({ type: 'event', event: login, op: 'at most', times: 1 })).toEqual([
      'c',
      'd',
    ]);
    expect(await members({ type: 'event', event: login, op: 'exactly', times: 2 })).toEqual(['b']);
    expect(
      await members({
        type: 'event',
        event: login,
        when: { type: 'between', from: '2024-03-02', to: '2024-03-03' },
      }),
    ).toEqual(['b']);
  });

  it('windows from each user\u2019s start: done within a day, missed only once the window is over', async () => {
    const within = (days: number) => ({ type: 'sinceStart', from: 0, to: days });
    expect(await members({ type: 'event', event: login, when: within(1) })).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(await members({ type: 'event', event: login, op: 'did not', when: within(1) })).toEqual([
      'd',
    ]);
    // b and c have not reported, but are less than 7 days old at the end of 03-07: they may still.
    const report = { event: 'report', where: [] };
    expect(await members({ type: 'event', event: report, op: 'did not', when: within(7) })).toEqual(
      ['d'],
    );
    // From a day after signing up: only c signed up, and c has not logged in since.
    expect(
      await members({
        type: 'event',
        event: login,
        op: 'did not',
        when: { type: 'sinceStart', from: 1, start: { event: 'signup', where: [] } },
      }),
    ).toEqual(['c']);
    // Two days after signing up is 03-08 12:00, after the as-of day: c has not missed it yet.
    expect(
      await members({
        type: 'event',
        event: login,
        op: 'did not',
        when: { type: 'sinceStart', from: 2, start: { event: 'signup', where: [] } },
      }),
    ).toEqual([]);
  });

  it('metrics, user properties, and AND / OR / NOT groups', async () => {
    const loginsPerWeek = {
      type: 'metric',
      metric: { name: 'logins', type: 'count', events: [login], per: 'week' },
      days: 7,
      op: '>',
      value: 1.5,
    };
    expect(await members(loginsPerWeek)).toEqual(['a', 'b']);
    expect(await members({ type: 'user', property: 'plan', op: '=', value: 'pro' })).toEqual(['a']);
    const recent = { type: 'event', event: login, when: { type: 'last', days: 3 } };
    expect(await members({ not: recent })).toEqual(['b']);
    expect(
      await members({
        any: [
          { type: 'event', event: login, op: 'exactly', times: 2 },
          { type: 'event', event: { event: 'purchase', where: [] } },
        ],
      }),
    ).toEqual(['b', 'd']);
    expect(
      await members({
        all: [loginsPerWeek, { not: { type: 'user', property: 'plan', op: '=', value: 'pro' } }],
      }),
    ).toEqual(['b']);
    // d has no plan: "plan != pro" holds for it, as for events without the property.
    expect(await members({ type: 'user', property: 'plan', op: '!=', value: 'pro' })).toEqual([
      'b',
      'c',
      'd',
    ]);
  });

  it('scores: points over the last 7 days, and the band of the health score', async () => {
    const logins = {
      type: 'behavioural',
      days: 7,
      rules: [{ event: login, points: 1 }],
    };
    // Logins in 03-01 .. 03-07: a 4, b 2, c 1, d 1.
    expect(await members({ type: 'score', score: logins, op: '>=', value: 2 })).toEqual(['a', 'b']);
    const health = { type: 'health', days: 7 };
    const scored = await ws.api['scores.run']({ spec: health as never });
    for (const band of ['healthy', 'watch', 'at risk'] as const) {
      const count = await ws.api['segments.count']({
        rule: { type: 'score', score: health, band } as never,
      });
      expect(count.members).toBe(scored.bands?.find((b) => b.band === band)?.users);
    }
    await expect(
      ws.api['segments.count']({ rule: { type: 'score', score: logins, band: 'watch' } as never }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/only a health score has bands/) });
  });

  it('as of an earlier day: later events and later users do not count', async () => {
    const quiet = {
      type: 'event',
      event: any,
      op: 'did not',
      when: { type: 'last', days: 3 },
    };
    // As of 03-03: c is not seen yet; a (03-01) and b (03-02, 03-03) were active.
    expect(await members(quiet, '2024-03-03')).toEqual(['d']);
    // a's login of 03-05 is after the as-of day.
    expect(
      await members({ type: 'event', event: login, op: 'at least', times: 2 }, '2024-03-03'),
    ).toEqual(['b']);
    const count = await ws.api['segments.count']({
      rule: quiet as SegmentRule,
      asOf: '2024-03-03',
    });
    expect(count).toMatchObject({ members: 1, population: 3, asOf: '2024-03-03' });
  });

  it('reads local days of the workspace zone', async () => {
    const yesterday = { type: 'event', event: any, when: { type: 'last', days: 1 } };
    expect(await members(yesterday, '2024-03-06')).toEqual(['a', 'c']);
    await ws.api['workspace.updateSettings']({ timezone: 'America/New_York' });
    // b's ping at 03:00 UTC on 03-07 is 22:00 on 03-06 in New York.
    expect(await members(yesterday, '2024-03-06')).toEqual(['a', 'b', 'c']);
  });
});

describe('segments of segments and of analyses', () => {
  it('reads a static segment, a dynamic one as of the same day, and the users behind a number', async () => {
    const funnel = {
      kind: 'funnel',
      steps: [
        { events: { event: 'signup', where: [] } },
        { events: { event: 'login', where: [] } },
      ],
      dateRange: { type: 'absolute', from: '2024-02-01', to: '2024-03-31' },
    };
    const analysis = await ws.api['saved.save']({
      kind: 'analysis',
      name: 'Signup to login',
      spec: funnel,
    });
    const converted = await members({
      type: 'outcome',
      analysis: analysis.id,
      select: { kind: 'funnel', step: 2, outcome: 'converted' },
    });
    expect(converted).toEqual(['c']);

    const active = await ws.api['segments.save']({
      name: 'Active',
      spec: {
        type: 'dynamic',
        rule: { type: 'event', event: login, when: { type: 'last', days: 3 } },
      },
    });
    expect(active).toMatchObject({ type: 'dynamic', members: 3, asOf: '2024-03-07', small: true });
    expect(await members({ type: 'segment', segment: active.id, op: 'not in' })).toEqual(['b']);
    // As of 03-03, "Active" itself is evaluated as of 03-03: a (03-01) and b.
    expect(await members({ type: 'segment', segment: active.id }, '2024-03-03')).toEqual([
      'a',
      'b',
    ]);

    const fixed = await ws.api['segments.createStatic']({
      name: 'Converted',
      spec: funnel as never,
      select: { kind: 'funnel', step: 2, outcome: 'converted' },
    });
    expect(await members({ type: 'segment', segment: fixed.segment.id })).toEqual(['c']);

    // A rule cannot read itself, through another segment or directly.
    const wrapper = await ws.api['segments.save']({
      name: 'Wrapper',
      spec: { type: 'dynamic', rule: { type: 'segment', segment: active.id } },
    });
    const cycle = await ws.api['segments.save']({
      id: active.id,
      name: 'Active',
      spec: { type: 'dynamic', rule: { type: 'segment', segment: wrapper.id } },
    }).catch((e: unknown) => e as ApiError);
    expect(cycle).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/itself/),
    });
    // Deleting a segment another reads is refused, naming the reader.
    await expect(ws.api['saved.delete']({ id: active.id })).rejects.toMatchObject({
      message: expect.stringMatching(/'Wrapper'/),
    });
  });

  it('follows the data: an import recomputes dynamic segments, and the list says when', async () => {
    const active = await ws.api['segments.save']({
      name: 'Logged in lately',
      spec: {
        type: 'dynamic',
        rule: { type: 'event', event: login, when: { type: 'last', days: 3 } },
      },
    });
    expect(active.members).toBe(3);
    await ws.api['import.events']({
      files: [ws.write('more.csv', 'user_id,event,timestamp\nb,login,2024-03-08T10:00:00Z\n')],
    });
    const [after] = await ws.api['segments.list']({});
    // As of 03-08 now: b (03-08), a (03-06, 03-07), c (03-06), d (03-07).
    expect(after).toMatchObject({ id: active.id, members: 4, asOf: '2024-03-08', stale: false });
    expect(after?.definition).toBe('did login in the last 3 days');
  });
});

describe('bad rules are refused with the field', () => {
  it.each([
    [{ type: 'event', event: login, op: 'at least' }, /'at least' needs times/],
    [{ type: 'evnt', event: login }, /a rule is a group \(all, any, not\) or has a type/],
    [{ type: 'event', event: login, when: { type: 'last', days: 0 } }, /at least 1 day/],
    [{ all: [] }, /needs a rule/],
    [
      { type: 'event', event: login, whn: { type: 'ever' } },
      /whn: not a field of an event rule \(did you mean when\?\)/,
    ],
    [
      {
        type: 'metric',
        metric: { name: 'x', type: 'ratio', numerator: 'a', denominator: 'b' },
        op: '>',
        value: 1,
      },
      /compares one metric/,
    ],
  ])('%j', async (rule, message) => {
    await expect(ws.api['segments.count']({ rule: rule as SegmentRule })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message),
    });
  });

  it('a segment or an analysis that is not saved', async () => {
    await expect(
      ws.api['segments.count']({ rule: { type: 'segment', segment: 'nope', op: 'in' } }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/'nope' that is not saved/) });
    await expect(
      ws.api['segments.count']({
        rule: {
          type: 'outcome',
          analysis: 'gone',
          select: { kind: 'funnel', step: 1, outcome: 'converted' },
        } as SegmentRule,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/'gone', which is not saved/) });
  });
});

describe('a window from each user\u2019s start across a change of clocks', () => {
  it('counts days of local wall time: a day after 12:00 on the Saturday is 12:00 on the Sunday', async () => {
    // New York moves to summer time at 02:00 on Sunday 2024-03-10: 12:00 on the Saturday is
    // 17:00 UTC, 12:00 on the Sunday 16:00 UTC. e's report at 16:30 UTC is after its first day,
    // f's at 15:30 UTC within it; 24 hours of UTC would have counted both.
    const w = await tempWorkspace();
    try {
      await w.api['import.events']({
        files: [
          w.write(
            'dst.csv',
            `user_id,event,timestamp
e,open,2024-03-09T17:00:00Z
e,report,2024-03-10T16:30:00Z
f,open,2024-03-09T17:00:00Z
f,report,2024-03-10T15:30:00Z
`,
          ),
        ],
      });
      await w.api['workspace.updateSettings']({ timezone: 'America/New_York' });
      const count = await w.api['segments.count']({
        rule: {
          type: 'event',
          event: { event: 'report', where: [] },
          op: 'did',
          when: { type: 'sinceStart', from: 0, to: 1 },
        },
      });
      expect(count).toMatchObject({ members: 1, population: 2 });
    } finally {
      w.close();
    }
  });
});
