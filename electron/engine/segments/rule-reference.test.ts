import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/calendar/local-days';
import type { EventFilter } from '../../../shared/specs/common';
import type { EventRule, EventWindow, SegmentRule } from '../../../shared/specs/segment';
import { SeededRandom } from '../demo/seeded-random';
import { generatedTempWorkspace } from '../testing/generated-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';

/*
 * Segment membership against a plain evaluation in JavaScript of the same rules, on the
 * generated demo workspace (2,000 people, 70 days up to 2026-03-16) in New York, whose clocks
 * change on 2026-03-08: random trees of event conditions over every kind of window, a metric,
 * and AND / OR / NOT, as of the last day and as of an earlier one.
 */

const TZ = 'America/New_York';
const DAY = 86_400_000;

interface Ev {
  event: string;
  t: number;
  day: string;
  plan: string | null;
}
interface Person {
  id: string;
  first: number;
  events: Ev[];
}

let ws: TempWorkspace;
let people: Person[];
let eventNames: string[];

beforeAll(async () => {
  ws = await generatedTempWorkspace();
  await ws.api['workspace.updateSettings']({ timezone: TZ });
  const rows = await ws.rows(
    `SELECT u.user_id, e.event, epoch_ms(e.ts) AS t, CAST(e.plan AS VARCHAR) AS plan
       FROM events e JOIN users u ON u.uid = e.uid ORDER BY u.user_id, e.ts`,
  );
  const byUser = new Map<string, Person>();
  for (const r of rows) {
    const id = String(r.user_id);
    const t = Number(r.t);
    let p = byUser.get(id);
    if (p === undefined) {
      p = { id, first: t, events: [] };
      byUser.set(id, p);
    }
    p.first = Math.min(p.first, t);
    p.events.push({
      event: String(r.event),
      t,
      day: new Date(wall(t)).toISOString().slice(0, 10),
      plan: r.plan === null ? null : String(r.plan),
    });
  }
  people = [...byUser.values()];
  eventNames = [...new Set(rows.map((r) => String(r.event)))].sort();
}, 120_000);
afterAll(() => ws.close());

/** The zone's wall-clock time of an instant, as milliseconds of a UTC date with those fields. */
const WALL = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
function wall(t: number): number {
  const parts = WALL.formatToParts(new Date(t));
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) + (t % 1000)
  );
}

/** The instant of a wall-clock time (the later reading of an hour that repeats is not needed here). */
function instantOf(wallMs: number): number {
  let t = wallMs - (wall(wallMs) - wallMs);
  t = wallMs - (wall(t) - t);
  return t;
}

const dayStart = (day: string): number => instantOf(Date.parse(`${day}T00:00:00Z`));
const shift = (t: number, days: number): number => instantOf(wall(t) + days * DAY);

function matches(f: EventFilter, e: Ev): boolean {
  if (f.event !== '$any' && f.event !== e.event) return false;
  return f.where.every((c) => 'property' in c && c.property === 'plan' && e.plan === c.value);
}

function eventHolds(rule: EventRule, p: Person, asOf: string, end: number): boolean {
  const w: EventWindow = rule.when;
  let inWindow: (e: Ev) => boolean = () => true;
  let complete = true;
  if (w.type === 'last') inWindow = (e) => e.day >= addDays(asOf, 1 - w.days);
  else if (w.type === 'between') inWindow = (e) => e.day >= w.from && e.day <= w.to;
  else if (w.type === 'sinceStart') {
    const startEvent = w.start;
    const start =
      startEvent === undefined
        ? p.first
        : p.events.find((e) => e.t < end && matches(startEvent, e))?.t;
    if (start === undefined) return false;
    const from = w.from === 0 ? start : shift(start, w.from);
    const to = w.to === undefined ? Infinity : shift(start, w.to);
    inWindow = (e) => e.t >= from && e.t < to;
    if (w.to !== undefined) complete = to <= end;
    else if (w.from > 0) complete = from <= end;
  }
  const n = p.events.filter((e) => e.t < end && matches(rule.event, e) && inWindow(e)).length;
  const t = rule.times ?? 0;
  switch (rule.op) {
    case 'did':
      return n > 0;
    case 'at least':
      return n >= t;
    case 'did not':
      return complete && n === 0;
    case 'at most':
      return complete && n <= t;
    case 'exactly':
      return complete && n === t;
  }
}

function holds(rule: SegmentRule, p: Person, asOf: string, end: number): boolean {
  if ('all' in rule) return rule.all.every((r) => holds(r, p, asOf, end));
  if ('any' in rule) return rule.any.some((r) => holds(r, p, asOf, end));
  if ('not' in rule) return !holds(rule.not, p, asOf, end);
  if (rule.type === 'event') return eventHolds(rule, p, asOf, end);
  if (rule.type === 'metric' && rule.metric.type === 'count') {
    const events = rule.metric.events;
    const from = addDays(asOf, 1 - rule.days);
    const n = p.events.filter(
      (e) => e.t < end && e.day >= from && events.some((f) => matches(f, e)),
    ).length;
    const value = n / (rule.days / 7);
    return rule.op === '>' ? value > rule.value : value <= rule.value;
  }
  throw new Error(`the reference does not know ${JSON.stringify(rule)}`);
}

function reference(rule: SegmentRule, asOf: string): string[] {
  const end = dayStart(addDays(asOf, 1));
  return people
    .filter((p) => p.first < end && holds(rule, p, asOf, end))
    .map((p) => p.id)
    .sort();
}

function randomRule(random: SeededRandom, depth = 0): SegmentRule {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random.next() * list.length)] as T;
  if (depth < 2 && random.next() < 0.45) {
    const kind = pick(['all', 'any', 'not'] as const);
    if (kind === 'not') return { not: randomRule(random, depth + 1) };
    const items = [randomRule(random, depth + 1), randomRule(random, depth + 1)];
    return kind === 'all' ? { all: items } : { any: items };
  }
  const event: EventFilter = { event: pick([...eventNames, '$any']), where: [] };
  if (random.next() < 0.15) {
    return {
      type: 'metric',
      metric: { name: 'm', type: 'count', events: [event], per: 'week' },
      days: pick([7, 28]),
      op: pick(['>', '<='] as const),
      value: pick([0.5, 1, 3]),
    };
  }
  const when: EventWindow = pick([
    { type: 'ever' },
    { type: 'last', days: pick([1, 7, 30]) },
    { type: 'between', from: '2026-03-01', to: '2026-03-09' },
    { type: 'sinceStart', from: 0, to: pick([1, 7]) },
    { type: 'sinceStart', from: pick([3, 14]) },
    {
      type: 'sinceStart',
      from: 1,
      to: 8,
      start: {
        event: 'signed_up',
        where: [{ property: 'plan', source: 'event', op: '=', value: 'team_trial' }],
      },
    },
  ] satisfies EventWindow[]);
  const op = pick(['did', 'did not', 'at least', 'at most', 'exactly'] as const);
  const times = op === 'did' || op === 'did not' ? undefined : pick([1, 2, 5]);
  return { type: 'event', event, op, when, ...(times === undefined ? {} : { times }) };
}

describe('segment membership against a plain evaluation', () => {
  it('agrees on random rules as of the last day and as of an earlier one', async () => {
    const random = new SeededRandom(13);
    let nonEmpty = 0;
    for (let i = 0; i < 24; i++) {
      const rule = randomRule(random);
      const asOf = i % 3 === 2 ? '2026-03-08' : undefined;
      const count = await ws.api['segments.count']({
        rule,
        ...(asOf === undefined ? {} : { asOf }),
      });
      const expected = reference(rule, count.asOf);
      expect(count.members, JSON.stringify({ rule, asOf: count.asOf })).toBe(expected.length);
      if (expected.length > 0 && expected.length < people.length) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(12);
  }, 120_000);

  it('agrees on the windows that hold only once they have begun or ended', async () => {
    const report: EventFilter = { event: 'report_created', where: [] };
    const rules: SegmentRule[] = [
      { type: 'event', event: report, op: 'did not', when: { type: 'sinceStart', from: 14 } },
      {
        type: 'event',
        event: report,
        op: 'at most',
        times: 1,
        when: { type: 'sinceStart', from: 0, to: 7 },
      },
      {
        type: 'event',
        event: report,
        op: 'exactly',
        times: 1,
        when: { type: 'sinceStart', from: 3 },
      },
      {
        not: {
          type: 'event',
          event: report,
          op: 'did not',
          when: { type: 'sinceStart', from: 0, to: 30 },
        },
      },
    ];
    for (const rule of rules) {
      const count = await ws.api['segments.count']({ rule });
      expect(count.members, JSON.stringify(rule)).toBe(reference(rule, count.asOf).length);
    }
  }, 60_000);

  it('keeps exactly those users as members', async () => {
    const random = new SeededRandom(29);
    for (let i = 0; i < 3; i++) {
      const rule = randomRule(random);
      const saved = await ws.api['segments.save']({
        name: `r${i}`,
        spec: { type: 'dynamic', rule },
      });
      const ids = await ws.rows(
        `SELECT u.user_id FROM segment_members m JOIN users u ON u.uid = m.uid
          WHERE m.segment_id = '${saved.id}' ORDER BY u.user_id`,
      );
      expect(ids.map((r) => String(r.user_id)).sort()).toEqual(reference(rule, saved.asOf ?? ''));
    }
  }, 60_000);
});
