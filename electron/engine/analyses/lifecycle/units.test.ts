import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleSpec } from '../../../../shared/specs/lifecycle';
import { analysisFixture } from '../../testing/analysis-fixture';
import { Workspace } from '../../workspace/workspace';
import { runAnalysis } from '..';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * The units of a spec are materialised once per data generation and every reader uses them:
 * the bars, the users behind a bar (sampled or not) and the next run of the same spec.
 */
const EVENTS = [
  'user_id,event,timestamp',
  // 40 users: u0..u39 use the app in week 1; the even ones again in week 2.
  ...Array.from({ length: 40 }, (_, i) => `u${i},use,2024-01-02T10:00:00Z`),
  ...Array.from({ length: 20 }, (_, i) => `u${2 * i},use,2024-01-09T10:00:00Z`),
  '',
].join('\n');

const spec: LifecycleSpec = {
  kind: 'lifecycle',
  version: 1,
  events: { event: 'use', where: [] },
  interval: 'week',
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-14' },
  filters: [],
};

describe('lifecycle units', () => {
  let ws: TempWorkspace;
  beforeAll(async () => {
    ({ ws } = await analysisFixture(EVENTS));
  });
  afterAll(() => ws.close());

  const cached = async (): Promise<number> =>
    Number(
      (
        await ws.rows(
          `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'units_cache' AND table_name LIKE 'u_lifecycle_%'`,
        )
      )[0]?.n,
    );

  it('materialises units once and reuses them for the same spec and data', async () => {
    const before = await cached();
    const first = await ws.api['analysis.run']({ spec });
    const again = await ws.api['analysis.run']({ spec });
    expect(again).toEqual(first);
    expect(await cached()).toBe(before + 1);
    if (first.kind !== 'lifecycle') throw new Error('lifecycle expected');
    expect(first.new).toEqual([40, 0]);
    expect(first.returning).toEqual([0, 20]);
    expect(first.dormant).toEqual([0, -20]);
    const dormant = await ws.api['analysis.users']({
      spec,
      select: { kind: 'lifecycle', period: '2024-01-08', status: 'dormant' },
      limit: 100,
    });
    expect(dormant.total).toBe(20);
    expect(dormant.users.every((u) => Number(u.user_id.slice(1)) % 2 === 1)).toBe(true);
    // A period that is no label of the result has nobody behind it, whatever it holds.
    for (const period of ['2024-01-09', 'next week', "2024-01-08' OR TRUE --"]) {
      const none = await ws.api['analysis.users']({
        spec,
        select: { kind: 'lifecycle', period, status: 'dormant' },
        limit: 100,
      });
      expect(none.total, period).toBe(0);
    }
    // Users behind a number reuse the run's units: no new table.
    expect(await cached()).toBe(before + 1);
  });

  it('lists the users of a sampled answer from that sample, as many as its bar', async () => {
    const sampled = { ...spec, sample: { fraction: 0.5 } };
    const result = await ws.api['analysis.run']({ spec: sampled });
    if (result.kind !== 'lifecycle') throw new Error('lifecycle expected');
    const bar = result.new[0] ?? -1;
    expect(bar).toBeGreaterThan(0);
    expect(bar).toBeLessThan(40);
    const users = await ws.api['analysis.users']({
      spec: sampled,
      select: { kind: 'lifecycle', period: '2024-01-01', status: 'new' },
      limit: 100,
    });
    expect(users.total).toBe(bar);
  });

  it('computes new units after an import changes the data', async () => {
    await ws.api['import.events']({
      files: [ws.write('more.csv', 'user_id,event,timestamp\nnew1,use,2024-01-10T10:00:00Z\n')],
      mode: 'append',
    });
    const result = await ws.api['analysis.run']({ spec });
    if (result.kind !== 'lifecycle') throw new Error('lifecycle expected');
    expect(result.new).toEqual([40, 1]);
  });

  it('works on a workspace opened read-only (units never touch its file)', async () => {
    await ws.api['workspace.close']({});
    const workspace = await Workspace.open(ws.file, { readOnly: true });
    try {
      const result = await runAnalysis(workspace, spec, {}, () => new Date('2024-03-01T00:00:00Z'));
      if (result.kind !== 'lifecycle') throw new Error('lifecycle expected');
      expect(result.new).toEqual([40, 1]);
    } finally {
      workspace.close();
    }
  });
});
