import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelResult, FunnelSpec } from '../../../shared/specs/funnel';
import { generatedWorkspace } from '../testing/generated-workspace';
import type { Workspace } from '../workspace/workspace';
import { runFunnel } from './funnel';
import { analysisContext } from './index';

/**
 * The one-pass funnel scan against the SQL chain: both must give the same result, number for
 * number, on a generated workspace, for every funnel shape the scan takes on.
 */
let workspace: Workspace;
let close: () => void;

beforeAll(async () => {
  ({ workspace, close } = await generatedWorkspace({
    users: 2_000,
    days: 45,
    seed: 5,
    end: '2026-03-01',
  }));
});
afterAll(() => close());

const step = (event: string, optional = false) => ({ events: { event, where: [] }, optional });
const base: FunnelSpec = {
  kind: 'funnel',
  version: 1,
  steps: ['app_opened', 'dashboard_viewed', 'report_created', 'report_shared'].map((e) => step(e)),
  order: 'ordered',
  window: { n: 3, unit: 'day' },
  exclusions: [],
  countBy: 'users',
  dateRange: { type: 'absolute', from: '2026-01-20', to: '2026-02-20' },
  filters: [],
  interval: 'week',
};

/** Means are sums in a different order: equal to the last few bits only. */
function rounded(result: FunnelResult): unknown {
  return JSON.parse(
    JSON.stringify(result, (_, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
    ),
  );
}

async function bothWays(spec: FunnelSpec): Promise<[FunnelResult, FunnelResult]> {
  const clock = () => new Date('2026-03-01T00:00:00Z');
  return workspace.use(async (c) => {
    const ctx = await analysisContext(workspace, c, clock);
    return [await runFunnel(ctx, spec), await runFunnel(ctx, spec, { scan: false })];
  });
}

const shapes: [string, FunnelSpec][] = [
  ['4 ordered steps, users', base],
  ['attempts', { ...base, countBy: 'attempts' }],
  [
    'steps that can match one event',
    {
      ...base,
      steps: [step('dashboard_viewed'), step('$any'), step('dashboard_viewed'), step('$any')],
      window: { n: 1, unit: 'hour' },
    },
  ],
  [
    'optional steps and exclusions',
    {
      ...base,
      steps: [
        step('signed_up'),
        step('onboarding_started', true),
        step('project_created'),
        step('profile_completed', true),
        step('report_created'),
      ],
      exclusions: [{ events: { event: 'search_performed', where: [] }, from: 0, to: 2 }],
      window: { n: 14, unit: 'day' },
    },
  ],
  [
    'property filters and sampling',
    {
      ...base,
      steps: [
        { events: { event: 'app_opened', where: [] }, optional: false },
        {
          events: {
            event: 'report_created',
            where: [{ property: 'plan', source: 'event', op: '!=', value: 'free' }],
          },
          optional: false,
        },
      ],
      filters: [{ property: 'platform', source: 'event', op: 'in', value: ['web', 'ios'] }],
      sample: { fraction: 0.5 },
    },
  ],
];

describe('funnel scan against the SQL chain', () => {
  it.each(shapes)('%s', async (_, spec) => {
    const [scan, sql] = await bothWays(spec);
    expect(scan.groups[0]?.steps[0]?.count).toBeGreaterThan(100);
    expect(scan.groups[0]?.steps.at(-1)?.count).toBeGreaterThan(10);
    expect(rounded(scan)).toEqual(rounded(sql));
  });

  it('falls back to the chain when events are no longer stored in user and time order', async () => {
    // A copy of an early user's in-range event, appended by hand, lands after every other user's
    // rows: a scan that trusted the order would count that user twice.
    await workspace.use((c) =>
      c.run(`INSERT INTO events SELECT * FROM events
             WHERE event = 'app_opened' AND ts >= TIMESTAMP '2026-01-25' ORDER BY uid, ts LIMIT 1`),
    );
    const [scan, sql] = await bothWays(base);
    expect(rounded(scan)).toEqual(rounded(sql));
  });
});
