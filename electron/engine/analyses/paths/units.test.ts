import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_LABEL } from '../../../../shared/specs/common';
import type { PathsResult, PathsSpec } from '../../../../shared/specs/paths';
import { queryRows } from '../../duckdb/database';
import { execute, raw, sql } from '../../sql/fragment';
import { generatedWorkspace } from '../../testing/generated-workspace';
import type { Workspace } from '../../workspace/workspace';
import { analysisContext, runAnalysis } from '../index';
import { planPaths } from './runner';
import { scanUnits, unitsSql } from './units';

/**
 * The one-pass scan (in a worker thread) against the SQL that numbers every event: the same
 * units, row for row; and the Sankey against a plain computation over the events in JavaScript.
 */
let workspace: Workspace;
let close: () => void;
const clock = () => new Date('2026-03-16T00:00:00Z');

beforeAll(async () => {
  ({ workspace, close } = await generatedWorkspace());
});
afterAll(() => close());

const base: PathsSpec = {
  kind: 'paths',
  version: 1,
  steps: 4,
  hide: [],
  limit: 5,
  collapseRepeats: false,
  dateRange: { type: 'absolute', from: '2026-02-01', to: '2026-02-15' },
};

const shapes: [string, PathsSpec][] = [
  ['forward from a start event', { ...base, start: { event: 'app_opened', where: [] } }],
  [
    'hidden events, repeats collapsed',
    {
      ...base,
      start: { event: 'dashboard_viewed', where: [] },
      hide: ['search_performed', 'comment_added'],
      collapseRepeats: true,
    },
  ],
  ['back from an end event', { ...base, end: { event: 'report_shared', where: [] }, steps: 3 }],
  [
    'back from an end event, hidden events, repeats collapsed',
    {
      ...base,
      end: { event: 'report_created', where: [] },
      hide: ['app_opened'],
      collapseRepeats: true,
    },
  ],
  [
    'from each session start, sampled',
    { ...base, hide: ['app_opened'], sample: { fraction: 0.5 } },
  ],
];

/** The units of `spec` both ways, as sorted rows. */
async function bothWays(spec: PathsSpec, ws: Workspace = workspace) {
  return ws.use(async (c) => {
    const ctx = await analysisContext(ws, c, clock);
    const plan = planPaths(ctx, spec);
    await c.run('DROP TABLE IF EXISTS scanned; DROP TABLE IF EXISTS numbered');
    const scanned = await scanUnits(c, plan, raw('scanned'), undefined);
    await execute(c, sql`CREATE TABLE numbered AS ${unitsSql(plan)}`);
    const read = (t: string) =>
      // One row per anchored session: its user and its node at each step (NULL past its end).
      queryRows(c, `SELECT * FROM ${t} ORDER BY session_id`).then((rows) =>
        rows.map((r) => Object.values(r).map(String).join('|')),
      );
    const result = {
      scanned,
      scan: scanned ? await read('scanned') : [],
      sql: await read('numbered'),
    };
    await c.run('DROP TABLE IF EXISTS scanned; DROP TABLE IF EXISTS numbered');
    return result;
  });
}

describe('paths units: the scan against the SQL', () => {
  it.each(shapes)('%s', async (_, spec) => {
    const { scanned, scan, sql: numbered } = await bothWays(spec);
    expect(scanned).toBe(true);
    expect(new Set(scan.map((r) => r.split('|')[1])).size).toBeGreaterThan(100);
    expect(scan).toEqual(numbered);
  });
});

interface PlainSession {
  uid: number;
  session: number;
  events: { e: string; t: number }[];
}

/**
 * Every event of the sessions with an event in `base`'s range, grouped by session in (session,
 * time, row) order, read once for every shape: a path starts at an event in the range, so the
 * other sessions hold none.
 */
async function readSessions(): Promise<PlainSession[]> {
  const { from, to } = base.dateRange as { from: string; to: string };
  const rows = await workspace.use((c) =>
    queryRows(
      c,
      `SELECT uid, session_id, event, epoch_us(ts) AS t FROM events
       WHERE session_id IN (SELECT session_id FROM events
                            WHERE ts >= TIMESTAMP '${from}' AND ts < TIMESTAMP '${to}' + INTERVAL 1 DAY)
       ORDER BY session_id, ts, rowid`,
    ),
  );
  const sessions = new Map<number, PlainSession>();
  for (const r of rows) {
    const session = Number(r.session_id);
    const entry = sessions.get(session) ?? { uid: Number(r.uid), session, events: [] };
    entry.events.push({ e: String(r.event), t: Number(r.t) });
    sessions.set(session, entry);
  }
  return [...sessions.values()];
}

/**
 * Paths in plain JavaScript over every session, in (session, time, row) order: the rules of the
 * runner's doc comment, written a second way.
 */
function reference(
  spec: PathsSpec,
  sessions: readonly PlainSession[],
): Omit<PathsResult, 'kind' | 'sampled'> {
  const from =
    Date.parse(`${'from' in spec.dateRange ? spec.dateRange.from : ''}T00:00:00Z`) * 1000;
  const to =
    (Date.parse(`${'to' in spec.dateRange ? spec.dateRange.to : ''}T00:00:00Z`) + 86_400_000) *
    1000;
  const anchorEvent = (spec.start ?? spec.end)?.event;
  const backward = spec.end !== undefined;
  const hidden = new Set(spec.hide);
  const sampled = (uid: number): boolean =>
    spec.sample === undefined ||
    Number((BigInt(uid) * 2654435761n) % 4294967296n) <
      Math.floor(spec.sample.fraction * 4294967296);
  const paths: { uid: number; session: number; events: string[] }[] = [];
  const flush = (session: PlainSession) => {
    if (!sampled(session.uid)) return;
    const visible = (i: number) => !hidden.has(session.events[i]?.e ?? '');
    const inRange = (i: number) => {
      const t = session.events[i]?.t ?? 0;
      return t >= from && t < to;
    };
    const first = session.events.findIndex((_, i) => visible(i));
    const anchor =
      anchorEvent === undefined
        ? first >= 0 && inRange(first)
          ? first
          : -1
        : session.events.findIndex((x, i) => x.e === anchorEvent && inRange(i));
    if (anchor < 0) return;
    const out: string[] = [];
    for (
      let i = anchor;
      i >= 0 && i < session.events.length && out.length <= spec.steps;
      i += backward ? -1 : 1
    ) {
      const e = session.events[i]?.e ?? '';
      if (i !== anchor && !visible(i)) continue;
      if (spec.collapseRepeats && out[out.length - 1] === e) continue;
      out.push(e);
    }
    paths.push({ uid: session.uid, session: session.session, events: out });
  };
  for (const session of sessions) flush(session);
  const sign = backward ? -1 : 1;
  // Each step's most frequent events by users, then by name; the rest are (other).
  const usersAt = new Map<string, Set<number>>();
  for (const p of paths)
    p.events.forEach((e, k) => {
      const key = `${k}\u0000${e}`;
      usersAt.set(key, (usersAt.get(key) ?? new Set()).add(p.uid));
    });
  const kept = new Set<string>();
  for (let k = 0; k <= spec.steps; k++) {
    [...usersAt]
      .filter(([key]) => key.startsWith(`${k}\u0000`))
      .map(([key, users]) => ({ e: key.split('\u0000')[1] ?? '', n: users.size }))
      .sort((a, b) => b.n - a.n || (a.e < b.e ? -1 : 1))
      .slice(0, spec.limit)
      .forEach((x) => kept.add(`${k}\u0000${x.e}`));
  }
  const node = (k: number, e: string) => (kept.has(`${k}\u0000${e}`) ? e : OTHER_LABEL);
  const count = new Map<string, { users: Set<number>; sessions: number }>();
  const add = (key: string, uid: number) => {
    const entry = count.get(key) ?? { users: new Set<number>(), sessions: 0 };
    entry.users.add(uid);
    entry.sessions++;
    count.set(key, entry);
  };
  for (const p of paths) {
    const named = p.events.map((e, k) => `${sign * k || 0}:${node(k, e)}`);
    named.forEach((id, k) => {
      add(`node\u0000${id}`, p.uid);
      const next = named[k + 1];
      if (next !== undefined)
        add(backward ? `link\u0000${next}\u0000${id}` : `link\u0000${id}\u0000${next}`, p.uid);
    });
  }
  const entries = [...count].map(([key, v]) => ({
    key: key.split('\u0000'),
    users: v.users.size,
    sessions: v.sessions,
  }));
  return {
    direction: backward ? 'backward' : 'forward',
    nodes: entries
      .filter((x) => x.key[0] === 'node')
      .map((x) => {
        const id = x.key[1] ?? '';
        const at = id.indexOf(':');
        return {
          id,
          step: Number(id.slice(0, at)),
          event: id.slice(at + 1),
          users: x.users,
          sessions: x.sessions,
        };
      })
      .sort((x, y) => x.step - y.step || y.users - x.users || x.event.localeCompare(y.event)),
    links: entries
      .filter((x) => x.key[0] === 'link')
      .map((x) => ({
        source: x.key[1] ?? '',
        target: x.key[2] ?? '',
        users: x.users,
        sessions: x.sessions,
      }))
      .sort(
        (x, y) =>
          x.source.localeCompare(y.source) || y.users - x.users || x.target.localeCompare(y.target),
      ),
    sessions: paths.length,
  };
}

describe('paths against a plain computation in JavaScript', () => {
  let sessions: PlainSession[];
  beforeAll(async () => {
    sessions = await readSessions();
  });
  it.each(shapes)('%s', async (_, spec) => {
    expect(spec.dateRange).toEqual(base.dateRange);
    const result = await runAnalysis(workspace, spec, {}, clock);
    if (result.kind !== 'paths') throw new Error('paths expected');
    const { kind: _k, sampled: _s, warnings: _w, ...got } = result;
    expect(got).toEqual(reference(spec, sessions));
  });
});

describe('paths units when the session ids are not numbered per user as the import does', () => {
  it('reads the sessions as a column, with the same units as the SQL', async () => {
    const own = await generatedWorkspace();
    try {
      // Far above every user's own numbers (uid * 1,000,000 + n): no row's session packs.
      await own.workspace.use((c) =>
        c.run('UPDATE events SET session_id = session_id + 4000000000000'),
      );
      for (const [name, spec] of shapes) {
        const { scanned, scan, sql: numbered } = await bothWays(spec, own.workspace);
        expect(scanned, name).toBe(true);
        expect(scan.length, name).toBeGreaterThan(100);
        expect(scan, name).toEqual(numbered);
      }
    } finally {
      own.close();
    }
  });
});

describe('paths units when the events are no longer stored session by session', () => {
  it('falls back to the SQL, with the same answer as the SQL gives', async () => {
    const spec = { ...base, start: { event: 'app_opened', where: [] } };
    const before = await bothWays(spec);
    // A copy of an early session's event, appended by hand, splits that session in two for a
    // scan that trusted the stored order.
    await workspace.use((c) =>
      c.run(`INSERT INTO events SELECT * FROM events
             WHERE event = 'app_opened' AND ts >= TIMESTAMP '2026-02-02' ORDER BY uid, ts LIMIT 1`),
    );
    const after = await bothWays(spec);
    expect(before.scanned).toBe(true);
    expect(after.scanned).toBe(false);
    const result = await runAnalysis(workspace, spec, {}, clock);
    if (result.kind !== 'paths') throw new Error('paths expected');
    // The units hold one row per anchored session.
    expect(after.sql.length).toBeGreaterThan(0);
    expect(result.sessions).toBe(after.sql.length);
  });
});
