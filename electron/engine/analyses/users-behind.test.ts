import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { FunnelResult } from '../../../shared/specs/funnel';
import { resultTable } from '../../../shared/specs/result-table';
import type { RetentionResult } from '../../../shared/specs/retention';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { sharedWorkspace } from '../testing/shared-workspaces';
import type { TempWorkspace } from '../testing/temp-workspace';

/**
 * From a number to its users: the list holds exactly the users the number counts. Checked on a
 * hand-made funnel, then number by number on the demo product.
 */
let ws: TempWorkspace;
beforeAll(async () => {
  ws = await sharedWorkspace('demo');
});
afterAll(() => ws.close());

const users = async (spec: AnalysisSpec, select: UserSelection) =>
  ws.api['analysis.users']({ spec, select, limit: 100_000 });
const range = { type: 'relative' as const, last: 60, unit: 'day' as const };
const lifecycleSpec: AnalysisSpec = {
  kind: 'lifecycle',
  version: 1,
  events: { event: 'app_opened', where: [] },
  interval: 'week',
  dateRange: range,
  filters: [],
};

describe('users behind a number', () => {
  it('funnel steps: converted and dropped users match the counts, and are the right people', async () => {
    const spec: AnalysisSpec = {
      kind: 'funnel',
      version: 1,
      steps: ['signed_up', 'onboarding_started', 'project_created'].map((event) => ({
        events: { event, where: [] },
        optional: false,
      })),
      order: 'ordered',
      window: { n: 1, unit: 'day' },
      exclusions: [],
      countBy: 'users',
      dateRange: range,
      filters: [],
      interval: 'week',
    };
    const result = (await ws.api['analysis.run']({ spec })) as FunnelResult;
    // Step by step as `workbench run` prints them (its `step` column, numbered from 1): the
    // selection names a step by that same number.
    const rows = resultTable(result).rows;
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3]);
    for (const row of rows) {
      const step = Number(row.step);
      expect((await users(spec, { kind: 'funnel', step, outcome: 'converted' })).total).toBe(
        row.users,
      );
      if (step > 1)
        expect((await users(spec, { kind: 'funnel', step, outcome: 'dropped' })).total).toBe(
          row.dropped,
        );
    }
    await expect(
      users(spec, { kind: 'funnel', step: 0, outcome: 'converted' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('numbered from 1'),
    });
    await expect(
      users(spec, { kind: 'funnel', step: 4, outcome: 'converted' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('numbered 1 to 3'),
    });
    // A converted user really did both events, the second after the first.
    const converted = await users(spec, { kind: 'funnel', step: 3, outcome: 'converted' });
    const first = converted.users[0]?.user_id ?? '';
    const events = await ws.rows(
      `SELECT e.event FROM events e JOIN users u USING (uid) WHERE u.user_id = '${first.replaceAll("'", "''")}' AND e.event IN ('signed_up', 'project_created') ORDER BY e.ts`,
    );
    expect(events.map((e) => e.event)).toEqual(['signed_up', 'project_created']);
    expect(converted.users[0]).toMatchObject({ email: expect.stringContaining('@') });
  });

  it('retention cells', async () => {
    const spec: AnalysisSpec = {
      kind: 'retention',
      version: 1,
      start: { event: 'signed_up', where: [] },
      return: { event: 'app_opened', where: [] },
      cohort: 'first_time',
      period: 'week',
      periods: 4,
      criterion: 'on',
      time: 'calendar',
      measure: 'users',
      dateRange: range,
      filters: [],
    };
    const result = (await ws.api['analysis.run']({ spec })) as RetentionResult;
    const cohort = result.groups[0]?.cohorts[1];
    expect(cohort).toBeDefined();
    for (let column = 0; column < 3; column++) {
      const picked = await users(spec, { kind: 'retention', cohort: cohort?.cohort ?? '', column });
      expect(picked.total).toBe(cohort?.values[column]);
    }
  });

  it('lifecycle bars and stickiness buckets', async () => {
    const lifecycle = lifecycleSpec;
    const l = await ws.api['analysis.run']({ spec: lifecycle });
    if (l.kind !== 'lifecycle') throw new Error('lifecycle expected');
    const at = 3;
    for (const status of ['new', 'returning', 'resurrecting', 'dormant'] as const) {
      const picked = await users(lifecycle, {
        kind: 'lifecycle',
        period: l.periods[at] ?? '',
        status,
      });
      expect(picked.total).toBe(Math.abs(l[status][at] ?? -1));
    }
    const stickiness: AnalysisSpec = {
      kind: 'stickiness',
      version: 1,
      events: { event: 'app_opened', where: [] },
      unit: 'day',
      per: 'week',
      minEventsPerUnit: 1,
      cumulative: true,
      dateRange: range,
      filters: [],
    };
    const s = await ws.api['analysis.run']({ spec: stickiness });
    if (s.kind !== 'stickiness') throw new Error('stickiness expected');
    const period = s.periods[2];
    expect(
      (await users(stickiness, { kind: 'stickiness', bucket: 2, period: period?.period ?? '' }))
        .total,
    ).toBe(period?.users[1]);
  });

  it('trend points: unique users and rolling weekly actives, per breakdown value', async () => {
    const spec: AnalysisSpec = {
      kind: 'trends',
      version: 1,
      series: [
        { events: { event: 'app_opened', where: [] }, measure: 'uniqueUsers' },
        { events: { event: '$any', where: [] }, measure: 'wau' },
      ],
      interval: 'day',
      dateRange: { type: 'relative', last: 14, unit: 'day' },
      breakdown: { property: 'platform', source: 'event', limit: 2 },
      filters: [],
      formulas: [],
      compare: false,
      display: { chart: 'line', cumulative: false },
    };
    const result = await ws.api['analysis.run']({ spec });
    if (result.kind !== 'trends') throw new Error('trends expected');
    for (const line of result.series
      .slice(0, 3)
      .concat(result.series.filter((x) => x.series === 1).slice(0, 2))) {
      for (const at of [3, 9]) {
        const period = result.periods[at] ?? '';
        const picked = await users(spec, {
          kind: 'trends',
          series: line.series,
          period,
          ...(line.breakdown === undefined ? {} : { breakdown: line.breakdown }),
        });
        expect(picked.total, `${line.label} ${line.breakdown ?? ''} ${period}`).toBe(
          line.values[at],
        );
      }
    }
  });

  it('path nodes', async () => {
    const spec: AnalysisSpec = {
      kind: 'paths',
      version: 1,
      start: { event: 'app_opened', where: [] },
      steps: 3,
      hide: [],
      limit: 3,
      collapseRepeats: false,
      dateRange: { type: 'relative', last: 14, unit: 'day' },
    };
    const result = await ws.api['analysis.run']({ spec });
    if (result.kind !== 'paths') throw new Error('paths expected');
    for (const node of result.nodes.slice(0, 6)) {
      expect(
        (await users(spec, { kind: 'paths', step: node.step, event: node.event })).total,
        node.id,
      ).toBe(node.users);
    }
  });

  it('refuses a selection of another kind than the spec', async () => {
    const spec = lifecycleSpec;
    await expect(
      users(spec, { kind: 'funnel', step: 1, outcome: 'converted' }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
