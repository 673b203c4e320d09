import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelSpec } from '../../../../shared/specs/funnel';
import { queryRows } from '../../duckdb/database';
import { raw } from '../../sql/fragment';
import type { Workspace } from '../../workspace/workspace';
import type { AnalysisContext } from '../context';
import { analysisContext } from '../index';
import {
  generateDistinctAnySpec,
  generateEvents,
  generatedFunnelWorkspace,
  generateSpec,
  prng,
  type GeneratedEvent,
} from './generated';
import { planFunnel } from './plan';
import { createUnits, type FunnelEngine } from './units';

/**
 * The one-pass scan against the SQL chain: on generated workspaces (ties, events exactly at a
 * window's end, many attempts per user; zones behind UTC and half an hour off it) and random shapes of funnel the scan
 * computes (optional steps x exclusions x steps sharing events x first-time steps x attempts x
 * breakdowns x previous range), both must give the same units, row for row.
 */
/** Shapes per workspace: about 80 ms each for both computations. */
const SHAPES = 10;
const clock = () => new Date('2024-03-20T00:00:00Z');
const workspaces: { workspace: Workspace; close: () => void; events: GeneratedEvent[] }[] = [];

beforeAll(async () => {
  for (const [seed, zone] of [
    [1, 'UTC'],
    [2, 'America/New_York'],
    [4, 'Asia/Kolkata'],
  ] as const) {
    const events = generateEvents(seed, 70);
    workspaces.push({ ...(await generatedFunnelWorkspace(events, zone)), events });
  }
});
afterAll(() => workspaces.forEach((w) => w.close()));

async function unitsOf(
  ctx: AnalysisContext,
  spec: FunnelSpec,
  engine: FunnelEngine,
): Promise<Record<string, unknown>[]> {
  const { c } = ctx;
  const plan = planFunnel(ctx, spec);
  await c.run(`ATTACH IF NOT EXISTS ':memory:' AS funnel_test`);
  await c.run('DROP TABLE IF EXISTS funnel_test.units');
  await createUnits(c, plan, raw('funnel_test.units'), engine);
  const times = spec.steps.map((_, i) => `CAST(t${i} AS VARCHAR) AS t${i}`).join(', ');
  const rows = await queryRows(
    c,
    `SELECT uid, rng, grp, CAST(grp_values AS VARCHAR) AS vals, CAST(period AS VARCHAR) AS period, label,
            attempt, level, ${times}, best
     FROM funnel_test.units ORDER BY ALL`,
  );
  await c.run('DROP TABLE funnel_test.units');
  return rows;
}

describe('funnel scan against the SQL chain', () => {
  it('gives the same units on random workspaces and shapes', async () => {
    const rand = prng(42);
    let compared = 0;
    let nonEmpty = 0;
    for (const { workspace } of workspaces) {
      await workspace.use(async (c) => {
        const ctx = await analysisContext(workspace, c, clock);
        for (let i = 0; i < SHAPES; i++) {
          const spec = generateSpec(rand, { scannable: true });
          const scan = await unitsOf(ctx, spec, 'scan');
          const chain = await unitsOf(ctx, spec, 'sql');
          expect(scan, JSON.stringify(spec)).toEqual(chain);
          compared++;
          if (scan.some((r) => Number(r.level) > 1)) nonEmpty++;
        }
      });
    }
    expect(compared).toBe(3 * SHAPES);
    // Most shapes convert someone: the comparison is not of empty tables.
    expect(nonEmpty).toBeGreaterThan(1.5 * SHAPES);
  });

  it('falls back to the chain when events are no longer stored in user and time order', async () => {
    const { workspace } = workspaces[0] ?? {};
    if (workspace === undefined) throw new Error('no workspace');
    // Without first-time steps: their read is sorted back into stored order anyway.
    const generated = generateSpec(prng(7), { scannable: true });
    const spec: FunnelSpec = {
      ...generated,
      steps: generated.steps.map((s, i) => ({
        events: i === 0 ? { event: 'A', where: [] } : s.events,
        optional: s.optional,
      })),
    };
    await workspace.use(async (c) => {
      const ctx = await analysisContext(workspace, c, clock);
      const before = await unitsOf(ctx, spec, 'auto');
      // A copy of an early user's in-range event, appended by hand, lands after every other
      // user's rows: a scan that trusted the order would count that user twice.
      await c.run(
        `INSERT INTO events SELECT * FROM events WHERE event = 'A' AND ts >= '2024-03-03 06:00' ORDER BY uid, ts LIMIT 1`,
      );
      await expect(unitsOf(ctx, spec, 'scan')).rejects.toThrow(/in order/);
      expect(await unitsOf(ctx, spec, 'auto')).toEqual(await unitsOf(ctx, spec, 'sql'));
      await c.run(`DELETE FROM events WHERE rowid = (SELECT max(rowid) FROM events)`);
      expect(await unitsOf(ctx, spec, 'auto')).toEqual(before);
    });
  });
});

describe('any-order scan against the SQL chain', () => {
  /** Any order whose steps share no event (the chain's shapes): held values, 'all' values. */
  const ANY = 8;

  it('gives the same units', async () => {
    // Seed 10's shapes hold q (counting users, so streams are regrouped), count sessions, hold
    // values through every step ('all'), exclude events and take first-time steps.
    const rand = prng(10);
    let nonEmpty = 0;
    const { workspace } = workspaces[1] ?? {};
    if (workspace === undefined) throw new Error('no workspace');
    await workspace.use(async (c) => {
      const ctx = await analysisContext(workspace, c, clock);
      for (let i = 0; i < ANY; i++) {
        const spec = generateDistinctAnySpec(rand);
        const scan = await unitsOf(ctx, spec, 'scan');
        expect(scan, JSON.stringify(spec)).toEqual(await unitsOf(ctx, spec, 'sql'));
        if (scan.some((r) => Number(r.level) > 1)) nonEmpty++;
      }
    });
    expect(nonEmpty).toBeGreaterThan(ANY / 2);
  });
});
