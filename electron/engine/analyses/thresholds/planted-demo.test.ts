import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  thresholdsSpecSchema,
  type ThresholdsResult,
  type ThresholdsSelection,
  type ThresholdsSpec,
} from '../../../../shared/specs/thresholds';
import { EVENTS, PLANS, simulate } from '../../demo/demo-model';
import { sharedFile } from '../../testing/shared-workspaces';
import { tempWorkspace, type TempWorkspace } from '../../testing/temp-workspace';

/**
 * The demo's planted finding (resources/demo/FINDING.md), found by the analysis itself: free users
 * who create 3+ reports and team-trial users who invite 2+ teammates in their first 7 days are
 * retained far more, split by signup_plan and checked on the most recent starters held out. A
 * smaller demo than the app's: 7,000 people over 90 days, seeded, ending 2026-03-01.
 */
const DEMO = { users: 7_000, days: 90, seed: 11, end: '2026-03-01' };
const DAY = 86_400_000;
const PLANTED = {
  free: { metric: 'reports', threshold: 3 },
  team_trial: { metric: 'invites', threshold: 2 },
} as const;

/**
 * The demo's own simulation (demo-model.ts) written as a plain export: user, event, time and the
 * plan of each user's first 14 days, and the people's signup_plan. What the planted finding
 * needs, without the app's export step (ids hashed, Parquet written) or the later events: the
 * build takes half as long (~4.5 s against ~8.5 s on a busy machine).
 */
function demoFile(): Promise<string> {
  const key = `thresholds-demo-${DEMO.users}u-${DEMO.days}d-seed${DEMO.seed}-${DEMO.end}`;
  return sharedFile(key, async (api, file) => {
    const lines = ['user_id,event,timestamp,plan'];
    // Each user's events come in order of time from their signed_up on.
    let current = -1;
    let until = 0;
    const users = simulate(
      {
        users: DEMO.users,
        days: DEMO.days,
        seed: DEMO.seed,
        endMs: Date.parse(`${DEMO.end}T00:00:00Z`),
      },
      (user, event, ms, plan) => {
        if (user !== current) [current, until] = [user, ms + 14 * DAY];
        // Days 1-14 are all a benchmark of days 1-7 against days 8-14 reads.
        if (ms < until)
          lines.push(`u${user},${EVENTS[event]},${new Date(ms).toISOString()},${PLANS[plan]}`);
      },
    );
    const dir = path.dirname(file);
    const events = path.join(dir, 'events.csv');
    const people = path.join(dir, 'people.csv');
    writeFileSync(events, `${lines.join('\n')}\n`);
    writeFileSync(
      people,
      `user_id,signup_plan\n${users.map((u) => `u${u.index},${u.signupPlan}\n`).join('')}`,
    );
    await api['workspace.open']({ path: file });
    await api['import.events']({ files: [events] });
    return api['import.users']({ files: [people] });
  });
}

const spec = (extra: Record<string, unknown> = {}): ThresholdsSpec =>
  thresholdsSpecSchema.parse({
    kind: 'thresholds',
    startEvent: { event: 'signed_up' },
    metrics: [
      { name: 'reports', type: 'count', events: [{ event: 'report_created' }] },
      { name: 'invites', type: 'count', events: [{ event: 'teammate_invited' }] },
    ],
    heatmapEvents: ['report_created', 'teammate_invited'],
    split: { property: 'signup_plan', source: 'user' },
    resamples: 50,
    ...extra,
  });

describe('the planted demo threshold', () => {
  let ws: TempWorkspace;
  let split: ThresholdsResult;
  beforeAll(async () => {
    ws = await tempWorkspace(await demoFile());
    split = (await ws.api['analysis.run']({ spec: spec() })) as ThresholdsResult;
  }, 120_000);
  afterAll(() => ws.close());
  const total = async (
    s: ThresholdsSpec,
    select: Omit<ThresholdsSelection, 'kind' | 'set'> & { set?: 'holdout' },
  ) =>
    (
      await ws.api['analysis.users']({
        spec: s,
        select: { kind: 'thresholds', set: 'all', ...select },
        limit: 1,
      })
    ).total;

  it.each(Object.entries(PLANTED))(
    'recovers the %s threshold within one step, split by signup_plan',
    async (plan, { metric, threshold }) => {
      const group = split.split?.groups.find((g) => g.value === plan);
      expect(group?.users).toBeGreaterThan(1_000);
      const b = group?.benchmarks.find((x) => x.metric === metric);
      expect(Math.abs((b?.threshold ?? -10) - threshold)).toBeLessThanOrEqual(1);
      expect(b?.tooSmall).toBe(false);
      expect(b?.rateAbove).toBeGreaterThan(0.55);
      expect(b?.rateBelow).toBeLessThan(0.3);
      // The planted behaviour is the plan's stronger benchmark.
      const other = group?.benchmarks.find((x) => x.metric !== metric);
      expect(b?.phi ?? 0).toBeGreaterThan(other?.phi ?? 1);
      // The group's users at or above it are the ones analysis.users lists.
      const t = b?.threshold ?? 0;
      const above = await total(spec(), { metric, threshold: t, side: 'above', group: plan });
      expect(above).toBe(Math.round((b?.reach ?? 0) * (group?.users ?? 0)));
      const retained = await total(spec(), { group: plan, outcome: 'positive' });
      expect(retained).toBe(group?.positive);
    },
  );

  it("splits the same by the plan of each user's signed_up event", async () => {
    const byEvent = (await ws.api['analysis.run']({
      spec: spec({ split: { property: 'plan', source: 'event' } }),
    })) as ThresholdsResult;
    expect(byEvent.split?.groups).toEqual(split.split?.groups);
    expect(split.split?.groups.map((g) => g.value)).toEqual(['free', 'team_trial']);
  });

  it.each(Object.entries(PLANTED))(
    'finds the %s threshold on the earlier starters and the held-out ones confirm it',
    async (plan, { metric, threshold }) => {
      const s = spec({
        filters: [{ property: 'signup_plan', source: 'user', op: '=', value: plan }],
        split: undefined,
        minUsers: 50,
      });
      const r = (await ws.api['analysis.run']({ spec: s })) as ThresholdsResult;
      expect(r.metrics[0]?.name).toBe(metric);
      const m = r.metrics[0];
      expect(Math.abs((m?.best?.threshold ?? -10) - threshold)).toBeLessThanOrEqual(1);
      const held = m?.holdout;
      expect(held?.tooSmall).toBe(false);
      expect(held?.rateAbove).toBeGreaterThan((held?.rateBelow ?? 1) + 0.25);
      expect(held?.rateAboveInterval?.low).toBeGreaterThan(held?.rateBelowInterval?.high ?? 1);
      // The bootstrap interval holds the planted threshold.
      expect(m?.best?.thresholdInterval?.low).toBeLessThanOrEqual(threshold);
      expect(m?.best?.thresholdInterval?.high).toBeGreaterThanOrEqual(threshold);

      // The held-out users behind the two rates are the ones counted, within the split group too.
      const t = m?.best?.threshold ?? 0;
      const side = { metric, threshold: t, set: 'holdout' } as const;
      expect(await total(s, { ...side, side: 'above' })).toBe(held?.above);
      expect(await total(s, { ...side, side: 'above', outcome: 'positive' })).toBe(
        held?.abovePositive,
      );
      expect(await total(s, { ...side, side: 'below', outcome: 'positive' })).toBe(
        held?.belowPositive,
      );
    },
  );
});
