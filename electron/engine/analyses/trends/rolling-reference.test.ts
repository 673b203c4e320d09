import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../../../shared/calendar/local-days';
import { trendsSpecSchema, type TrendsResult } from '../../../../shared/specs/trends';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * DAU, WAU, MAU and DAU/MAU checked against a plain second computation on generated events:
 * sets of users per local day (New York, across the DST change of 2024-03-10), unions over the
 * 7 and 30 days ending on a day, and DAU/MAU per day = that day's users / the users of the 30
 * days ending on it; a week averages its days' DAU and ratios and counts WAU / MAU at its end.
 * Cumulative unique users are checked against the users seen so far.
 */
const ZONE = 'America/New_York';

function generated(): { csv: string; rows: { user: string; ts: Date }[] } {
  let seed = 20240301;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const rows: { user: string; ts: Date }[] = [];
  const start = Date.parse('2024-01-01T00:00:00Z');
  for (let u = 0; u < 60; u++) {
    // Each user has a habit: active on some days of a stretch of the 4 months.
    const first = Math.floor(random() * 100);
    const last = Math.min(120, first + 5 + Math.floor(random() * 80));
    const often = 0.05 + random() * 0.6;
    for (let d = first; d <= last; d++) {
      if (random() > often) continue;
      const events = 1 + Math.floor(random() * 3);
      for (let k = 0; k < events; k++) {
        rows.push({ user: `u${u}`, ts: new Date(start + d * 86_400_000 + random() * 86_400_000) });
      }
    }
  }
  const csv = [
    'user_id,event,timestamp',
    ...rows.map((r) => `${r.user},open,${r.ts.toISOString()}`),
    '',
  ].join('\n');
  return { csv, rows };
}

const { csv, rows } = generated();
const byDay = new Map<string, Set<string>>();
for (const r of rows) {
  const day = localDate(r.ts, ZONE);
  let set = byDay.get(day);
  if (set === undefined) byDay.set(day, (set = new Set()));
  set.add(r.user);
}
const active = (day: string, n: number): number => {
  const users = new Set<string>();
  for (let i = 0; i < n; i++) for (const u of byDay.get(addDays(day, -i)) ?? []) users.add(u);
  return users.size;
};
const dau = (day: string): number => byDay.get(day)?.size ?? 0;
const ratio = (day: string): number | null => {
  const monthly = active(day, 30);
  return monthly === 0 ? null : dau(day) / monthly;
};
const daysOf = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};
const mean = (xs: (number | null)[]): number | null => {
  const kept = xs.filter((x): x is number => x !== null);
  return kept.length === 0 ? null : kept.reduce((a, b) => a + b, 0) / kept.length;
};

describe('rolling measures against a plain computation', () => {
  let ws: TempWorkspace;
  let run: (spec: unknown) => Promise<TrendsResult>;
  beforeAll(async () => {
    const fixture = await analysisFixture(csv, { timezone: ZONE });
    ws = fixture.ws;
    run = (spec) => fixture.run(trendsSpecSchema.parse({ kind: 'trends', ...(spec as object) }));
  });
  afterAll(() => ws.close());

  const from = '2024-02-20';
  const to = '2024-04-14';
  const range = { type: 'absolute', from, to };
  const series = (['dau', 'wau', 'mau', 'stickiness'] as const).map((measure) => ({
    events: { event: 'open' },
    measure,
  }));

  it('per day', async () => {
    const r = await run({ series, interval: 'day', dateRange: range });
    const days = daysOf(from, to);
    expect(r.periods).toEqual(days);
    expect(r.series[0]?.values).toEqual(days.map(dau));
    expect(r.series[1]?.values).toEqual(days.map((d) => active(d, 7)));
    expect(r.series[2]?.values).toEqual(days.map((d) => active(d, 30)));
    const sticky = r.series[3]?.values ?? [];
    days.forEach((d, i) => {
      const want = ratio(d);
      if (want === null) expect(sticky[i]).toBeNull();
      else expect(sticky[i]).toBeCloseTo(want, 12);
    });
    expect(days.map(dau).some((n) => n > 0)).toBe(true);
  });

  it('per week: DAU and DAU/MAU averaged over the days counted, WAU and MAU at the last', async () => {
    const r = await run({ series, interval: 'week', dateRange: range });
    // Weeks start on Monday; the first and last are cut by the range.
    r.periods.forEach((start, i) => {
      const days = daysOf(
        start < from ? from : start,
        addDays(start, 6) > to ? to : addDays(start, 6),
      );
      const end = days[days.length - 1] ?? start;
      expect(r.series[0]?.values[i]).toBeCloseTo(mean(days.map(dau)) ?? NaN, 12);
      expect(r.series[1]?.values[i]).toBe(active(end, 7));
      expect(r.series[2]?.values[i]).toBe(active(end, 30));
      expect(r.series[3]?.values[i]).toBeCloseTo(mean(days.map(ratio)) ?? NaN, 12);
    });
  });

  it('the users behind a point are as many as it counts', async () => {
    const spec = trendsSpecSchema.parse({
      kind: 'trends',
      series: series.slice(0, 3),
      interval: 'day',
      dateRange: range,
    });
    const r = (await ws.api['analysis.run']({ spec })) as TrendsResult;
    for (const at of [0, 17, 40]) {
      for (const line of r.series) {
        const picked = await ws.api['analysis.users']({
          spec,
          select: { kind: 'trends', series: line.series, period: r.periods[at] ?? '' },
          limit: 1,
        });
        expect(picked.total, `${line.label} ${r.periods[at]}`).toBe(line.values[at]);
      }
    }
  });

  it('cumulative unique users: each user once, from their first day in the range', async () => {
    const r = await run({
      series: [{ events: { event: 'open' }, measure: 'uniqueUsers' }],
      interval: 'day',
      dateRange: range,
      display: { cumulative: true },
    });
    const seen = new Set<string>();
    const want = daysOf(from, to).map((d) => {
      for (const u of byDay.get(d) ?? []) seen.add(u);
      return seen.size;
    });
    expect(r.series[0]?.values).toEqual(want);
    expect(r.series[0]?.total).toBe(seen.size);
  });
});
