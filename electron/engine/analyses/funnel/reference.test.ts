import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelResult, FunnelSpec } from '../../../../shared/specs/funnel';
import { generatedTempWorkspace } from '../../testing/generated-workspace';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * An independent check: the engine's funnel against a plain JavaScript implementation of the
 * same rules, over every event of the generated workspace (2,000 users, generated-workspace.ts).
 */
/** Ordered skips profile_completed; strict follows the onboarding, which runs event by event. */
const STEPS = {
  ordered: ['signed_up', 'onboarding_started', 'project_created', 'report_created'],
  strict: ['signed_up', 'onboarding_started', 'profile_completed', 'project_created'],
};
const FROM = '2026-01-15';
const TO = '2026-02-10';
const WINDOW_MS = 2 * 86_400_000;

interface Ev {
  uid: number;
  event: string;
  ms: number;
}

let ws: TempWorkspace;
/**
 * Every user's events in (time, row) order from the range's first day to its last attempt's
 * window end, grouped once for both orders: an attempt starts in the range and ends within its
 * window, so no step or next event of one lies outside.
 */
let byUser: Ev[][];

beforeAll(async () => {
  ws = await generatedTempWorkspace();
  const rows = await ws.rows(
    `SELECT uid, event, epoch_ms(ts) AS ms FROM events
     WHERE ts >= TIMESTAMP '${FROM}' AND ts <= TIMESTAMP '${TO}' + INTERVAL 1 DAY + INTERVAL ${WINDOW_MS} MILLISECOND
     ORDER BY uid, ts, rowid`,
  );
  const users = new Map<number, Ev[]>();
  for (const r of rows) {
    const e = { uid: Number(r.uid), event: String(r.event), ms: Number(r.ms) };
    const list = users.get(e.uid);
    if (list === undefined) users.set(e.uid, [e]);
    else list.push(e);
  }
  byUser = [...users.values()];
});
afterAll(() => ws.close());

/** The rules, written plainly: each in-range first step starts an attempt; greedy earliest next step. */
function reference(order: 'ordered' | 'strict'): number[] {
  const steps = STEPS[order];
  const start = Date.parse(`${FROM}T00:00:00Z`);
  const end = Date.parse(`${TO}T00:00:00Z`) + 86_400_000;
  const counts = steps.map(() => 0);
  for (const list of byUser) {
    let best = 0;
    list.forEach((first, i) => {
      if (first.event !== steps[0] || first.ms < start || first.ms >= end) return;
      let level = 1;
      let at = i;
      for (let s = 1; s < steps.length; s++) {
        let found = -1;
        if (order === 'strict') {
          const next = list[at + 1];
          if (next !== undefined && next.event === steps[s] && next.ms <= first.ms + WINDOW_MS)
            found = at + 1;
        } else {
          for (let j = at + 1; j < list.length; j++) {
            const e = list[j];
            if (e === undefined || e.ms > first.ms + WINDOW_MS) break;
            if (e.event === steps[s]) {
              found = j;
              break;
            }
          }
        }
        if (found < 0) break;
        level++;
        at = found;
      }
      best = Math.max(best, level);
    });
    for (let s = 0; s < best; s++) counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

describe('funnel against an independent implementation', () => {
  it.each(['ordered', 'strict'] as const)('%s', async (order) => {
    const spec: FunnelSpec = {
      kind: 'funnel',
      version: 1,
      steps: STEPS[order].map((event) => ({ events: { event, where: [] }, optional: false })),
      order,
      window: { n: 2, unit: 'day' },
      exclusions: [],
      countBy: 'users',
      dateRange: { type: 'absolute', from: FROM, to: TO },
      filters: [],
      interval: 'week',
    };
    const result = (await ws.api['analysis.run']({ spec })) as FunnelResult;
    const engine = result.groups[0]?.steps.map((s) => s.count);
    const expected = reference(order);
    expect(expected[0]).toBeGreaterThan(500);
    expect(expected[3]).toBeGreaterThan(50);
    expect(engine).toEqual(expected);
  });
});
