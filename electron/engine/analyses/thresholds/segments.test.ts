import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../../shared/api/errors';
import { metricsSpecSchema } from '../../../../shared/specs/metrics';
import { thresholdsSpecSchema, type ThresholdsResult } from '../../../../shared/specs/thresholds';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * Saved segments as the population and side by side (issue 12: "any segment", "B2B and B2C
 * thresholds differ"). 200 users start an hour apart; the first 100 are B2B (a marker event at
 * their start). Each did 'a' (i mod 5) times in their first day; a B2B user came back in days
 * 8-14 when they did it at least 3 times, a B2C user at least once. So the benchmark is "at
 * least 3" for B2B (40 of 100 reach it, all retained; none of the 60 below) and "at least 1"
 * for B2C (80 of 100; none of the 20 below).
 */

const T0 = Date.parse('2024-03-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function events(): string {
  const lines = ['user_id,event,timestamp'];
  const at = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; i < 200; i++) {
    const user = `u${String(i).padStart(3, '0')}`;
    const start = T0 + i * HOUR;
    lines.push(`${user},signup,${at(start)}`);
    if (i < 100) lines.push(`${user},b2b,${at(start)}`);
    const a = i % 5;
    for (let k = 0; k < a; k++) lines.push(`${user},a,${at(start + (k + 1) * 60_000)}`);
    const back = i < 100 ? a >= 3 : a >= 1;
    if (back) lines.push(`${user},view,${at(start + 9 * DAY)}`);
  }
  // The export ends well after every outcome window.
  lines.push(`last,signup,${at(T0 + 40 * DAY)}`);
  return `${lines.join('\n')}\n`;
}

const spec = (extra: Record<string, unknown>) =>
  thresholdsSpecSchema.parse({
    kind: 'thresholds',
    metrics: [{ name: 'a', type: 'count', events: [{ event: 'a' }] }],
    heatmapEvents: ['a'],
    holdoutShare: 0,
    resamples: 0,
    minUsers: 1,
    ...extra,
  });

describe('saved segments in threshold benchmarks', () => {
  let ws: TempWorkspace;
  let run: Awaited<ReturnType<typeof analysisFixture>>['run'];
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(events()));
    // B2B: the users behind "did b2b at least once" of a metrics table; B2C: the others.
    const marker = metricsSpecSchema.parse({
      kind: 'metrics',
      window: { type: 'calendar', days: 60, asOf: '2024-04-15' },
      metrics: [{ name: 'b2b', type: 'count', events: [{ event: 'b2b' }], per: 'window' }],
    });
    for (const [name, select] of [
      ['B2B', { kind: 'metrics', metric: 'b2b', from: 1, inclusive: false, missing: false }],
      ['B2C', { kind: 'metrics', metric: 'b2b', to: 1, inclusive: false, missing: false }],
      ['All', { kind: 'metrics', metric: 'b2b', from: 0, inclusive: false, missing: false }],
    ] as const) {
      const made = await ws.api['segments.createStatic']({ name, spec: marker, select });
      ids[name] = made.segment.id;
    }
  });
  afterAll(() => ws.close());

  const best = (r: ThresholdsResult) => r.metrics[0]?.best;

  it('takes a segment as the population', async () => {
    const r = await run(spec({ segment: ids.B2B }));
    expect(r.population.users).toBe(100);
    expect(best(r)).toMatchObject({
      threshold: 3,
      above: 40,
      below: 60,
      rateAbove: 1,
      rateBelow: 0,
    });
    const b2c = await run(spec({ segment: ids.B2C }));
    // B2C's 100 and the last user, who has no B2B marker either (but no outcome window seen).
    expect(best(b2c)).toMatchObject({ threshold: 1, above: 80, below: 20, rateAbove: 1 });
    // The metrics table too.
    const table = await run(
      metricsSpecSchema.parse({
        kind: 'metrics',
        window: { type: 'calendar', days: 60, asOf: '2024-04-15' },
        segment: ids.B2B,
        metrics: [{ name: 'a', type: 'count', events: [{ event: 'a' }], per: 'window' }],
      }),
    );
    expect(table.users).toBe(100);
    expect(table.metrics[0]?.mean).toBe(2);
  });

  it('benchmarks segments side by side, each user in the first listed one', async () => {
    const r = await run(spec({ splitSegments: [ids.B2B, ids.B2C] }));
    const group = (value: string) => r.split?.groups.find((g) => g.value === value);
    expect(r.split?.property).toBe('segment');
    expect(group('B2B')).toMatchObject({ users: 100, positive: 40 });
    expect(group('B2B')?.benchmarks[0]).toMatchObject({ threshold: 3, rateAbove: 1, rateBelow: 0 });
    expect(group('B2C')).toMatchObject({ users: 100, positive: 80 });
    expect(group('B2C')?.benchmarks[0]).toMatchObject({ threshold: 1, rateAbove: 1, rateBelow: 0 });
    // The users behind a group are its members.
    const reply = await ws.api['analysis.users']({
      spec: spec({ splitSegments: [ids.B2B, ids.B2C] }),
      select: { kind: 'thresholds', group: 'B2B', set: 'all' },
      limit: 200,
    });
    expect(reply.total).toBe(100);

    // Segments that share users: each in the first listed, and a warning says so.
    const shared = await ws.api['analysis.run']({
      spec: spec({ splitSegments: [ids.B2B, ids.All] }),
    });
    if (shared.kind !== 'thresholds') throw new Error('not thresholds');
    expect((shared.warnings ?? []).join(' ')).toContain(
      '100 users are members of more than one of these segments',
    );
    expect(shared.split?.groups.map((g) => [g.value, g.users])).toEqual([
      ['B2B', 100],
      ['All', 100],
    ]);
  });

  it('refuses a segment that is not saved, and a split two ways', async () => {
    const missing = await run(spec({ segment: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect((missing as ApiError).message).toContain("No saved segment with id 'nope'");
    expect((missing as ApiError).detail).toMatchObject({ field: 'segment' });
    const split = await run(spec({ splitSegments: [ids.B2B, 'gone'] })).catch((e: unknown) => e);
    expect((split as ApiError).detail).toMatchObject({ field: 'splitSegments[1]' });
    expect(() =>
      spec({ splitSegments: [ids.B2B], split: { property: 'plan', source: 'user' } }),
    ).toThrow(/not both/);
    expect(() => spec({ splitSegments: Array.from({ length: 11 }, (_, i) => `s${i}`) })).toThrow(
      /at most 10 segments/,
    );
    expect(() => spec({ segment: '' })).toThrow();
  });
});
