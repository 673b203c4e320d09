import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsSpecSchema } from '../../../../shared/specs/metrics';
import type { MetricDefinition, ObservationWindow } from '../../../../shared/specs/user-metrics';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';
import { prng } from '../funnel/generated';
import { plainMetrics, WallClock, type PlainEvent } from './plain-metrics';

/**
 * The SQL's per-user table against the plain computation (plain-metrics.ts) on generated events:
 * 300 users over 40 days across the start of daylight saving time in America/New_York, events on
 * a 5-minute grid (ties at one instant, in a shuffled file), sessions of bursts, a start event
 * most users do, amounts on most purchases. No event falls in the local hours 01:00 .. 02:59, so
 * no window starts or ends at a wall time the change of clocks skips or repeats.
 */
const ZONE = 'America/New_York';
const FROM = Date.parse('2024-02-25T05:00:00Z');
const SPAN_DAYS = 40;
/** The data's last event: 13:03 local, not a midnight, so the last day was partly observed. */
const LAST = Date.parse('2024-04-05T17:03:00Z');

function generate(): PlainEvent[] {
  const rand = prng(12);
  const clock = new WallClock(ZONE);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const events: Omit<PlainEvent, 'row'>[] = [];
  for (let u = 0; u < 300; u++) {
    const user = `u${String(u).padStart(3, '0')}`;
    let t = FROM + Math.floor(rand() * SPAN_DAYS * 288) * 5 * 60_000;
    const plan = pick(['v1', 'v2', null] as const);
    const signs = rand() < 0.7;
    const n = 1 + Math.floor(rand() * (u % 11 === 0 ? 80 : 25));
    for (let i = 0; i < n && t < LAST; i++) {
      const hour = new Date(clock.wall(t)).getUTCHours();
      if (hour !== 1 && hour !== 2) {
        const event =
          i === 0 ? 'visit' : i === 1 && signs ? 'signup' : pick(['view', 'view', 'buy', 'share']);
        events.push({
          user,
          event,
          ms: t,
          amount:
            event === 'buy' && rand() < 0.8
              ? Math.round(rand() * 400) / 4
              : event === 'view' && rand() < 0.1
                ? Math.round(rand() * 40) / 4
                : null,
          plan: rand() < 0.85 ? plan : pick(['v1', 'v2', null] as const),
        });
      }
      // Bursts: ties, minutes, the 30-minute gap and a minute past it, hours, days.
      t +=
        pick([0, 0, 5, 10, 30, 30, 35, 60, 180, 24 * 60, 3 * 24 * 60, 7 * 24 * 60, 14 * 24 * 60]) *
        60_000;
    }
  }
  events.push({ user: 'zz', event: 'visit', ms: LAST, amount: null, plan: null });
  // The file's order shuffled: events at one instant are ordered by their line.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [events[i], events[j]] = [events[j] as PlainEvent, events[i] as PlainEvent];
  }
  return events.map((e, row) => ({ ...e, row }));
}

const csvOf = (events: readonly PlainEvent[]): string =>
  `user_id,event,timestamp,amount,plan\n${events
    .map(
      (e) =>
        `${e.user},${e.event},${new Date(e.ms).toISOString()},${e.amount ?? ''},${e.plan ?? ''}`,
    )
    .join('\n')}\n`;

const ev = (...names: string[]) => names.map((event) => ({ event, where: [] }));
const METRICS: MetricDefinition[] = [
  { name: 'active_days', type: 'activeDays', events: ev('$any'), per: 'week' },
  { name: 'buy_days', type: 'distinctDays', events: ev('buy') },
  // Two events in a CASE per 64-day word (the 100-day window): their OR kept together.
  { name: 'view_buy_days', type: 'distinctDays', events: ev('view', 'buy') },
  { name: 'views', type: 'count', events: ev('view'), per: 'window' },
  {
    name: 'v1_views',
    type: 'count',
    events: [
      { event: 'view', where: [{ property: 'plan', source: 'event', op: '=', value: 'v1' }] },
    ],
    per: 'week',
  },
  { name: 'sessions', type: 'sessions', per: 'window' },
  { name: 'len', type: 'sessionLength', stat: 'median' },
  { name: 'depth', type: 'sessionDepth', stat: 'mean' },
  { name: 'features', type: 'featureAdoption', features: ['view', 'buy', 'share'], as: 'share' },
  { name: 'steps', type: 'funnel', steps: ev('view', 'buy', 'buy'), as: 'furthestStep' },
  { name: 'done', type: 'funnel', steps: ev('signup', 'view', 'share'), as: 'completed' },
  { name: 'recency', type: 'recency' },
  { name: 'tenure', type: 'tenure' },
  { name: 'trend', type: 'trend', events: ev('$any') },
  // Named events share their counts with other metrics; one with conditions counts its own.
  { name: 'trend_named', type: 'trend', events: ev('view', 'buy') },
  {
    name: 'trend_v1',
    type: 'trend',
    events: [
      { event: 'view', where: [{ property: 'plan', source: 'event', op: '=', value: 'v1' }] },
    ],
  },
  { name: 'views_buys', type: 'count', events: ev('view', 'buy'), per: 'window' },
  { name: 'revenue', type: 'property', events: ev('buy'), property: 'amount', agg: 'sum' },
  { name: 'top_amount', type: 'property', events: ev('$any'), property: 'amount', agg: 'max' },
  { name: 'first_buy', type: 'time', events: ev('buy'), which: 'first' },
  { name: 'last_view', type: 'time', events: ev('view'), which: 'last' },
  { name: 'revenue_per_view', type: 'ratio', numerator: 'revenue', denominator: 'views' },
];

const utcText = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

describe('the metrics table against a plain computation, generated events in America/New_York', () => {
  const events = generate();
  let ws: TempWorkspace;
  beforeAll(async () => {
    ({ ws } = await analysisFixture(csvOf(events), { timezone: ZONE }));
  });
  afterAll(() => ws.close());

  const windows: ObservationWindow[] = [
    { type: 'calendar', days: 28 },
    // 03-03 .. 03-12: the clocks went forward on 03-10, so the window holds 239 hours.
    { type: 'calendar', days: 10, asOf: '2024-03-12' },
    { type: 'sinceStart', days: 14 },
    { type: 'sinceStart', days: 8, startEvent: { event: 'signup', where: [] } },
    // Active days in two 64-day words, and in a distinct count beyond six words.
    { type: 'calendar', days: 100 },
    { type: 'sinceStart', days: 70 },
    { type: 'calendar', days: 400 },
  ];
  /** Windows longer than the data: everyone active has sessions and a first half before it. */
  const long = (w: ObservationWindow): boolean => w.days > 40;
  it.each(windows.map((w) => [JSON.stringify(w), w] as const))('%s', async (_, window) => {
    const spec = metricsSpecSchema.parse({ kind: 'metrics', window, metrics: METRICS });
    const page = await ws.api['metrics.page']({ spec, limit: 100_000 });
    const table = tableFromIPC(Buffer.from(page.arrow, 'base64'));
    const sqlRows = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < table.numRows; i++) {
      const row = Object.fromEntries(
        table.schema.fields.map((f) => {
          const v = table.getChild(f.name)?.get(i) as unknown;
          return [f.name, typeof v === 'bigint' ? Number(v) : v];
        }),
      );
      sqlRows.set(String(row.user_id), row);
    }
    const plain = plainMetrics(events, window, METRICS, ZONE, LAST);
    expect([...sqlRows.keys()].sort()).toEqual(plain.map((r) => r.user));
    // Enough of everything for the comparison to mean something.
    expect(plain.length).toBeGreaterThan(100);
    // (Since each first event, the window's first half and first session are never empty.)
    const noneSometimes = long(window)
      ? ['first_buy']
      : window.type === 'calendar'
        ? ['first_buy', 'trend', 'revenue_per_view', 'len']
        : ['first_buy'];
    for (const m of noneSometimes)
      expect(
        plain.some((r) => r.values[m] === null),
        m,
      ).toBe(true);
    expect(plain.some((r) => r.values.steps === 3)).toBe(true);
    expect(plain.some((r) => r.values.done === 1)).toBe(true);
    expect(plain.some((r) => !r.complete)).toBe(window.type === 'sinceStart');
    expect(plain.some((r) => Number(r.values.buy_days) > 1)).toBe(true);
    if (window.type === 'calendar' && window.asOf !== undefined) {
      // Recency's hard case: nothing in the window, events before it and after it.
      const quiet = plain.filter((r) => {
        const own = events.filter((e) => e.user === r.user);
        return (
          own.some((e) => e.ms < r.ws) &&
          own.some((e) => e.ms >= r.we) &&
          !own.some((e) => e.ms >= r.ws && e.ms < r.we)
        );
      });
      expect(quiet.length).toBeGreaterThan(5);
    }

    // Every difference at once (an expect per value is slow and stops at the first).
    const differences: string[] = [];
    let compared = 0;
    for (const p of plain) {
      const s = sqlRows.get(p.user) ?? {};
      const bounds = [utcText(p.ws), utcText(p.we), p.complete];
      if (JSON.stringify([s.window_start, s.window_end, s.complete]) !== JSON.stringify(bounds))
        differences.push(`${p.user} window ${JSON.stringify(bounds)}`);
      for (const m of METRICS) {
        const want = p.values[m.name] ?? null;
        const got = s[m.name];
        const same =
          want === null
            ? got === null
            : typeof got === 'number' && Math.abs(got - want) < 1e-9 * Math.max(1, Math.abs(want));
        if (!same) differences.push(`${p.user} ${m.name}: SQL ${String(got)}, plain ${want}`);
        compared++;
      }
    }
    expect(differences.slice(0, 20)).toEqual([]);
    expect(compared).toBe(plain.length * METRICS.length);
  });
});
