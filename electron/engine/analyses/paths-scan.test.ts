import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathsSpec } from '../../../shared/specs/paths';
import { generatedWorkspace } from '../testing/generated-workspace';
import type { Workspace } from '../workspace/workspace';
import { analysisContext } from './index';
import { runPaths } from './paths';

/** The one-pass paths scan against the SQL that numbers every event: same Sankey, node for node. */
let workspace: Workspace;
let close: () => void;

beforeAll(async () => {
  ({ workspace, close } = await generatedWorkspace({
    users: 1_500,
    days: 40,
    seed: 9,
    end: '2026-03-01',
  }));
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

async function bothWays(spec: PathsSpec) {
  const clock = () => new Date('2026-03-01T00:00:00Z');
  return workspace.use(async (c) => {
    const ctx = await analysisContext(workspace, c, clock);
    return [await runPaths(ctx, spec), await runPaths(ctx, spec, { scan: false })] as const;
  });
}

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
    'from each session start, sampled',
    { ...base, hide: ['app_opened'], sample: { fraction: 0.5 } },
  ],
];

describe('paths scan against the SQL', () => {
  it.each(shapes)('%s', async (_, spec) => {
    const [scan, sql] = await bothWays(spec);
    expect(scan.sessions).toBeGreaterThan(100);
    expect(scan.links.length).toBeGreaterThan(10);
    expect(scan).toEqual(sql);
  });

  it('falls back to the SQL when sessions are no longer stored one after another', async () => {
    // A copy of an early session's event, appended by hand, splits that session in two for a
    // scan that trusted the stored order.
    await workspace.use((c) =>
      c.run(`INSERT INTO events SELECT * FROM events
             WHERE event = 'app_opened' AND ts >= TIMESTAMP '2026-02-02' ORDER BY uid, ts LIMIT 1`),
    );
    const spec = { ...base, start: { event: 'app_opened', where: [] } };
    const [scan, sql] = await bothWays(spec);
    expect(scan).toEqual(sql);
  });
});
