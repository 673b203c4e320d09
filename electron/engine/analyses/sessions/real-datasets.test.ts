import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultNotes } from '../../../../shared/specs/analysis-spec';
import { pathsSpecSchema, type PathsResult } from '../../../../shared/specs/paths';
import { sessionsSpecSchema, type SessionsResult } from '../../../../shared/specs/sessions';
import { sharedWorkspace } from '../../testing/shared-workspaces';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * Sessions and paths on REES46's slice (../shared/datasets): second-precision times with many
 * ties, one October morning in UTC. Sessions are cut a second way here, in plain SQL from each
 * user's events in time order (a new session after more than 30 minutes without events); path
 * anchors are checked against the users the dataset's README counts per event type.
 */
let ws: TempWorkspace;
beforeAll(async () => {
  ws = await sharedWorkspace('rees46');
});
afterAll(() => ws.close());

const day = { type: 'absolute' as const, from: '2019-10-01', to: '2019-10-01' };

describe('sessions on REES46', () => {
  it('match sessions cut by the 30-minute gap in plain SQL, hour by hour, with their users', async () => {
    const spec = sessionsSpecSchema.parse({ kind: 'sessions', interval: 'hour', dateRange: day });
    const r = (await ws.api['analysis.run']({ spec })) as SessionsResult;
    const plain = await ws.rows(`
      WITH marked AS (
        SELECT uid, ts, CASE WHEN lag(ts) OVER (PARTITION BY uid ORDER BY ts) IS NULL
                              OR ts - lag(ts) OVER (PARTITION BY uid ORDER BY ts) > INTERVAL 30 MINUTE
                             THEN 1 ELSE 0 END AS starts FROM events),
      numbered AS (SELECT uid, ts, sum(starts) OVER (PARTITION BY uid ORDER BY ts) AS s FROM marked),
      sessions AS (SELECT uid, s, min(ts) AS started, count(*) AS n FROM numbered GROUP BY uid, s)
      SELECT strftime(date_trunc('hour', started), '%Y-%m-%d %H:00') AS hour, count(*) AS sessions,
             count(DISTINCT uid) AS users, count(*) FILTER (n = 1) AS bounced
      FROM sessions GROUP BY 1 ORDER BY 1`);
    const shown = r.periods.filter((p) => p.sessions > 0);
    expect(
      shown.map((p) => [
        p.period,
        p.sessions,
        p.users,
        Math.round((p.bounceRate ?? 0) * p.sessions),
      ]),
    ).toEqual(plain.map((p) => [p.hour, Number(p.sessions), Number(p.users), Number(p.bounced)]));
    expect(r.total.users).toBe(4_504);
    for (const p of shown) {
      const behind = await ws.api['analysis.users']({
        spec,
        select: { kind: 'sessions', period: p.period, measure: 'users' },
        limit: 1,
      });
      expect(behind.total, p.period).toBe(p.users);
    }
  });
});

describe('paths on REES46', () => {
  const run = async (spec: object) =>
    (await ws.api['analysis.run']({
      spec: pathsSpecSchema.parse({ kind: 'paths', dateRange: day, ...spec }),
    })) as PathsResult;

  it('anchor every user who did the event once, as the README counts them', async () => {
    // view 4,504 users, cart 111, purchase 193: each user's sessions with the event hold one
    // anchor each, so the anchor node has every user of the event.
    const anchor = (r: PathsResult) => r.nodes.find((n) => n.step === 0);
    expect(anchor(await run({ end: { event: 'purchase', where: [] } }))?.users).toBe(193);
    expect(anchor(await run({ start: { event: 'cart', where: [] } }))?.users).toBe(111);
    expect(anchor(await run({ start: { event: 'view', where: [] }, steps: 2 }))?.users).toBe(4_504);
  });

  it('lead back to a purchase mostly from views, with the users behind each node', async () => {
    const spec = pathsSpecSchema.parse({
      kind: 'paths',
      dateRange: day,
      end: { event: 'purchase', where: [] },
      steps: 2,
    });
    const r = (await ws.api['analysis.run']({ spec })) as PathsResult & ResultNotes;
    expect(r.direction).toBe('backward');
    const into = r.links.filter((l) => l.target === '0:purchase');
    expect(into.map((l) => l.source)).toContain('-1:view');
    expect(r.warnings ?? []).toEqual([]);
    for (const node of r.nodes) {
      const behind = await ws.api['analysis.users']({
        spec,
        select: { kind: 'paths', step: node.step, event: node.event },
        limit: 1,
      });
      expect(behind.total, node.id).toBe(node.users);
    }
  });
});
