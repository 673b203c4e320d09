import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../analyses/funnel/generated';
import { analysisFixture } from '../testing/analysis-fixture';
import type { LifecycleSpec } from '../../../shared/specs/lifecycle';
import type { StickinessSpec } from '../../../shared/specs/stickiness';
import type { TrendsSpec } from '../../../shared/specs/trends';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';

/**
 * Any event in a UTC workspace is read from user_days (activity.ts); a named event from the
 * events. On a workspace whose only event is 'use', both must give every number alike, with
 * several events a day (at least / at most K per unit), days across week and month ends,
 * sampling, and the users behind a number.
 */
type Fixture = Awaited<ReturnType<typeof analysisFixture>>;
let fx: Fixture;
beforeAll(async () => {
  const rand = prng(11);
  const lines = ['user_id,event,timestamp'];
  for (let u = 0; u < 60; u++) {
    for (let d = 0; d < 75; d++) {
      if (rand() > 0.25) continue;
      const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000);
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const at = new Date(day.getTime() + Math.floor(rand() * 86_400_000));
        lines.push(`u${u},use,${at.toISOString()}`);
      }
    }
  }
  fx = await analysisFixture(`${lines.join('\n')}\n`);
});
afterAll(() => fx.ws.close());

const range = { type: 'absolute' as const, from: '2024-01-10', to: '2024-03-05' };
const any: StickinessSpec['events'] = { event: '$any', where: [] };
const use: StickinessSpec['events'] = { event: 'use', where: [] };

async function alike(spec: StickinessSpec | LifecycleSpec): Promise<void> {
  const byDays = await fx.run(spec);
  const byEvents = await fx.run({ ...spec, events: use } as AnalysisSpec);
  expect(byDays, JSON.stringify(spec)).toEqual(byEvents);
}

describe('activity read from user_days', () => {
  it('gives stickiness the numbers the events give', async () => {
    const shapes: Partial<StickinessSpec>[] = [
      { unit: 'day', per: 'week' },
      { unit: 'day', per: 'month', minEventsPerUnit: 2 },
      { unit: 'day', per: 'week', minEventsPerUnit: 2, maxEventsPerUnit: 3 },
      { unit: 'week', per: 'range', minEventsPerUnit: 3 },
      { unit: 'day', per: 'days', perDays: 10, sample: { fraction: 0.5 } },
      { unit: 'day', per: 'range', cumulative: true },
    ];
    for (const shape of shapes) {
      await alike({
        kind: 'stickiness',
        version: 1,
        events: any,
        unit: 'day',
        per: 'week',
        minEventsPerUnit: 1,
        cumulative: false,
        dateRange: range,
        filters: [],
        ...shape,
      } as StickinessSpec);
    }
  });

  it('gives lifecycle the numbers and users the events give', async () => {
    for (const interval of ['day', 'week', 'month'] as const) {
      const spec: LifecycleSpec = {
        kind: 'lifecycle',
        version: 1,
        events: any,
        interval,
        dateRange: range,
        filters: [],
      };
      await alike(spec);
      const users = async (events: typeof any) =>
        (
          await fx.ws.api['analysis.users']({
            spec: { ...spec, events },
            select: { kind: 'lifecycle', period: '2024-02-05', status: 'resurrecting' },
            limit: 1000,
          })
        ).users.map((u) => u.user_id);
      if (interval === 'week') expect(await users(any)).toEqual(await users(use));
    }
  });

  it('gives trends of users and events the numbers the events give', async () => {
    const measures = ['total', 'uniqueUsers', 'perUser', 'dau', 'wau', 'mau'] as const;
    for (const interval of ['day', 'week', 'month'] as const) {
      const spec = (events: StickinessSpec['events']): TrendsSpec => ({
        kind: 'trends',
        version: 1,
        // Labelled: a series is named after its event otherwise.
        series: measures.map((measure) => ({ events, measure, label: measure })),
        interval,
        dateRange: range,
        filters: [],
        formulas: [],
        compare: interval === 'week',
        display: { chart: 'line', cumulative: false },
        ...(interval === 'month' ? { sample: { fraction: 0.5 } } : {}),
      });
      expect(await fx.run(spec(any)), interval).toEqual(await fx.run(spec(use)));
    }
  });
});
