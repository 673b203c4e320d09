import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScoreSpec } from '../../../shared/specs/score';
import { generatedTempWorkspace } from '../testing/generated-workspace';
import { workspaceTemplate, type TempWorkspace } from '../testing/temp-workspace';

/*
 * UTC; the data ends on 2024-03-10, so a 7-day window is 03-04 .. 03-10, ending 03-11 00:00.
 * - a uses the feature on 03-05, 03-08 and 03-10 and purchases on 03-09 (all at 10:00);
 * - b uses it on 03-02 (the window before) and 03-04;
 * - c purchased on 03-01 only;
 * - d used it four times in the window before (02-27 .. 03-02) and once on 03-06.
 */
const EVENTS = `user_id,event,timestamp
a,feature,2024-03-05T10:00:00Z
a,feature,2024-03-08T10:00:00Z
a,purchase,2024-03-09T10:00:00Z
a,feature,2024-03-10T10:00:00Z
b,feature,2024-03-02T10:00:00Z
b,feature,2024-03-04T10:00:00Z
c,purchase,2024-03-01T10:00:00Z
d,feature,2024-02-27T10:00:00Z
d,feature,2024-02-28T10:00:00Z
d,feature,2024-03-01T10:00:00Z
d,feature,2024-03-02T10:00:00Z
d,feature,2024-03-06T10:00:00Z
`;

let ws: TempWorkspace;
const template = workspaceTemplate(async (w) => {
  await w.api['import.events']({ files: [w.write('e.csv', EVENTS)] });
});
beforeEach(async () => {
  ws = await template.fresh();
});
afterEach(() => ws.close());
afterAll(() => template.dispose());

const ev = (event: string) => ({ event, where: [] });
const points = (extra: Partial<Extract<ScoreSpec, { type: 'behavioural' }>> = {}): ScoreSpec =>
  ({
    type: 'behavioural',
    version: 1,
    days: 7,
    rules: [
      { event: ev('feature'), points: 1, cap: 2 },
      { event: ev('purchase'), points: 5 },
    ],
    ...extra,
  }) as ScoreSpec;

const byUser = (users: { user_id: string; score: number }[]) =>
  Object.fromEntries(users.map((u) => [u.user_id, Math.round(u.score * 10_000) / 10_000]));

describe('a behavioural score', () => {
  it('adds points per event in the window, each rule capped', async () => {
    const r = await ws.api['scores.run']({ spec: points() });
    expect(r).toMatchObject({
      asOf: '2024-03-10',
      window: { from: '2024-03-04', to: '2024-03-10' },
    });
    // a: 3 features capped at 2, and 5 for the purchase; b: 03-04 only; d: 03-06 only.
    expect(byUser(r.top)).toEqual({ a: 7, b: 1, c: 0, d: 1 });
    expect(r.mean).toBeCloseTo(9 / 4, 10);
    // c had 5 the week before and nothing now; d had 2 (4 uses capped) and 1 now: down by half.
    expect(r.dropped.users).toBe(2);
    // Events, whatever the points: c 1 -> 0, d 4 -> 1; b 1 -> 1 kept up.
    expect(r.dropped.usage).toBe(2);
    expect(r.dropped.sample.map((u) => [u.user_id, u.previous, u.score])).toEqual([
      ['c', 5, 0],
      ['d', 2, 1],
    ]);
  });

  it('with a half-life, an event 7 days old is worth half', async () => {
    const r = await ws.api['scores.run']({ spec: points({ halfLifeDays: 7 }) });
    const end = Date.parse('2024-03-11T00:00:00Z');
    const worth = (at: string): number => 0.5 ** ((end - Date.parse(at)) / 86_400_000 / 7);
    const a =
      Math.min(
        2,
        worth('2024-03-05T10:00:00Z') +
          worth('2024-03-08T10:00:00Z') +
          worth('2024-03-10T10:00:00Z'),
      ) +
      5 * worth('2024-03-09T10:00:00Z');
    expect(r.top.find((u) => u.user_id === 'a')?.score).toBeCloseTo(a, 10);
    expect(r.top.find((u) => u.user_id === 'b')?.score).toBeCloseTo(
      worth('2024-03-04T10:00:00Z'),
      10,
    );
  });
});

describe('a health score', () => {
  const frequency = {
    name: 'frequency',
    metric: { name: 'f', type: 'activeDays', events: [ev('$any')], per: 'window' },
    weight: 1,
    higherIsBetter: true,
  };
  it('is the mid-rank percentile of each component, weighted, in bands', async () => {
    const spec = { type: 'health', days: 7, components: [frequency] } as unknown as ScoreSpec;
    const r = await ws.api['scores.run']({ spec });
    // Active days in the window: a 4, b 1, d 1, c 0 (of 4 users): a above 3, b and d share.
    expect(byUser(r.top)).toEqual({ a: 87.5, b: 50, d: 50, c: 12.5 });
    expect(r.bands).toEqual([
      { band: 'healthy', users: 1 },
      { band: 'watch', users: 2 },
      { band: 'at risk', users: 1 },
    ]);
    expect(r.top[0]?.components).toEqual({ frequency: { value: 4, percentile: 87.5 } });
  });

  it('weights several components, lower-is-better ones read from the other end', async () => {
    const spec = {
      type: 'health',
      days: 7,
      components: [
        frequency,
        {
          name: 'recency',
          metric: { name: 'r', type: 'recency' },
          weight: 3,
          higherIsBetter: false,
        },
      ],
      bands: { healthy: 60, watch: 30 },
    } as unknown as ScoreSpec;
    const r = await ws.api['scores.run']({ spec, limit: 10 });
    // A second computation from the components' own values.
    const users = r.top;
    const mid = (values: number[], v: number, higher: boolean): number => {
      const below = values.filter((x) => (higher ? x < v : x > v)).length;
      const equal = values.filter((x) => x === v).length;
      return (100 * (below + equal / 2)) / values.length;
    };
    const f = users.map((u) => u.components.frequency?.value ?? NaN);
    const rc = users.map((u) => u.components.recency?.value ?? NaN);
    for (const u of users) {
      const pf = mid(f, u.components.frequency?.value ?? NaN, true);
      const pr = mid(rc, u.components.recency?.value ?? NaN, false);
      expect(u.score).toBeCloseTo((pf + 3 * pr) / 4, 8);
      expect(u.band).toBe(u.score >= 60 ? 'healthy' : u.score >= 30 ? 'watch' : 'at risk');
    }
    expect(users).toHaveLength(4);
  });

  it('week by week: the last point is the score as of the day, the user\u2019s own beside it', async () => {
    const spec = { type: 'health', days: 7, components: [frequency] } as unknown as ScoreSpec;
    const history = await ws.api['scores.history']({ spec, weeks: 2, userId: 'a' });
    expect(history.map((p) => p.asOf)).toEqual(['2024-03-03', '2024-03-10']);
    expect(history[1]).toMatchObject({ user: 87.5, mean: 50 });
    // As of 03-03 a was not seen yet; c (03-01), b (03-02) and d (4 days) were.
    expect(history[0]?.user).toBeNull();
    expect(history[0]?.bands?.reduce((n, b) => n + b.users, 0)).toBe(3);
    await expect(
      ws.api['scores.history']({ spec, weeks: 2, userId: 'nobody' }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/No user 'nobody'/),
    });
  });

  it('is refused with a clear message when it cannot be computed', async () => {
    await expect(
      ws.api['scores.run']({
        spec: { type: 'health', components: [{ ...frequency, weight: 0 }] } as unknown as ScoreSpec,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/weight above 0/) });
    await expect(
      ws.api['scores.run']({
        spec: { type: 'health', bands: { healthy: 30, watch: 60 } } as unknown as ScoreSpec,
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/watch cut-off is at most the healthy one/),
    });
  });

  it('exports every user\u2019s score, band and components', async () => {
    const spec = { type: 'health', days: 7, components: [frequency] } as unknown as ScoreSpec;
    const out = await ws.api['scores.export']({ spec, path: ws.write('scores.csv', '') });
    expect(out.rows).toBe(4);
    expect(readFileSync(out.path, 'utf8').trim().split('\n')).toEqual([
      'user_id,email,score,band,frequency,frequency_percentile',
      'a,,87.5,healthy,4.0,87.5',
      'b,,50.0,watch,1.0,50.0',
      'c,,12.5,at risk,0.0,12.5',
      'd,,50.0,watch,1.0,50.0',
    ]);
  });
});

describe('a score\u2019s validation on the generated demo', () => {
  let demo: TempWorkspace;
  beforeAll(async () => {
    demo = await generatedTempWorkspace();
  }, 120_000);
  afterAll(() => demo.close());

  it('gives the AUC of the score 30 days before the end for churn in those days, as pairs count it', async () => {
    const spec = { type: 'health', days: 28 } as ScoreSpec;
    const r = await demo.api['scores.run']({ spec });
    const v = r.validation;
    if (v === null) throw new Error('no validation');
    const [last] = await demo.rows(`SELECT CAST(max(ts) AS DATE)::VARCHAR AS d FROM events`);
    const day = (d: string, n: number): string =>
      new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    expect(v.asOf).toBe(day(String(last?.d), -30));
    // The same score as of that day, and who had no event in the 30 days after it.
    const out = await demo.api['scores.export']({
      spec: { ...spec, asOf: v.asOf },
      path: demo.write('v.csv', ''),
    });
    const scores = new Map(
      readFileSync(out.path, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([id, , score]) => [String(id), Number(score)]),
    );
    const active = new Set(
      (
        await demo.rows(
          `SELECT DISTINCT u.user_id FROM events e JOIN users u ON u.uid = e.uid
            WHERE e.ts >= TIMESTAMP '${day(v.asOf, 1)}' AND e.ts < TIMESTAMP '${day(v.asOf, 31)}'`,
        )
      ).map((x) => String(x.user_id)),
    );
    const churned = [...scores].filter(([id]) => !active.has(id)).map(([, s]) => s);
    const stayed = [...scores].filter(([id]) => active.has(id)).map(([, s]) => s);
    let wins = 0;
    for (const s of stayed) for (const c of churned) wins += s > c ? 1 : s === c ? 0.5 : 0;
    expect(v.users).toBe(scores.size);
    expect(v.churned).toBe(churned.length);
    // The export rounds scores to 0.01: a pair closer than that may tie there.
    expect(v.auc).toBeCloseTo(wins / (stayed.length * churned.length), 2);
    expect(v.auc).toBeGreaterThan(0.6);
    const total = v.byBand?.reduce((n, b) => n + b.users, 0);
    expect(total).toBe(v.users);
  }, 60_000);
});
