import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../../shared/calendar/local-days';
import type {
  StickinessPer,
  StickinessResult,
  StickinessSpec,
  StickinessUnit,
} from '../../../../shared/specs/stickiness';
import { analysisFixture } from '../../testing/analysis-fixture';
import type { TempWorkspace } from '../../testing/temp-workspace';

/**
 * Stickiness computed a second way, plainly, on generated events in a zone with DST and Sunday
 * weeks: local times from Intl (not DuckDB's ICU), periods and units from day strings, and the
 * units a period could hold by sampling every quarter hour of real time.
 */
const ZONE = 'America/New_York';
const FROM = '2024-02-25';
const TO = '2024-05-25';
/** The last event: 11:00 local on Monday 2024-05-20, so the range's end is not observed. */
const LAST = Date.parse('2024-05-20T15:00:00Z');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Row {
  user: string;
  event: string;
  ms: number;
}

function generate(): Row[] {
  const random = rng(7);
  const rows: Row[] = [];
  const start = Date.parse('2024-02-20T00:00:00Z');
  const span = Date.parse('2024-05-20T12:00:00Z') - start;
  for (let u = 0; u < 60; u++) {
    const n = 1 + Math.floor(random() * 40);
    let t = start + random() * span;
    for (let i = 0; i < n; i++) {
      // Bursts (same hour or day) and gaps, so every count of events per unit occurs.
      const r = random();
      t +=
        r < 0.3
          ? random() * 3_600_000
          : r < 0.6
            ? random() * 86_400_000
            : random() * 8 * 86_400_000;
      if (t > start + span) break;
      rows.push({
        user: `u${u}`,
        event: random() < 0.8 ? 'use' : 'other',
        ms: Math.floor(t / 1000) * 1000,
      });
    }
  }
  rows.push({ user: 'z', event: 'other', ms: LAST });
  return rows;
}

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});
function local(ms: number): { day: string; hour: string } {
  const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const day = `${p.year}-${p.month}-${p.day}`;
  return { day, hour: `${day} ${p.hour}` };
}

const weekday = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();
const sundayOf = (day: string): string => addDays(day, -weekday(day));
const dayDiff = (a: string, b: string): number =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** Memoised by key: the reference asks the same few hundred days the same questions. */
function memo<T>(f: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let v = known.get(key);
    if (v === undefined) {
      v = f(key);
      known.set(key, v);
    }
    return v;
  };
}
const sundayOfDay = memo(sundayOf);

function unitOf(unit: StickinessUnit, t: { day: string; hour: string }): string {
  if (unit === 'hour') return t.hour;
  if (unit === 'day') return t.day;
  if (unit === 'week') return sundayOfDay(t.day);
  return `${t.day.slice(0, 7)}-01`;
}
const unitDay = (unit: StickinessUnit, key: string): string =>
  unit === 'month' ? key : key.slice(0, 10);

function periodOfDay(per: StickinessPer, perDays: number, day: string): string {
  const m = Number(day.slice(5, 7));
  switch (per) {
    case 'day':
      return day;
    case 'week':
      return sundayOf(day);
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'quarter':
      return `${day.slice(0, 4)}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    case 'year':
      return `${day.slice(0, 4)}-01-01`;
    case 'days':
      return addDays(FROM, Math.floor(dayDiff(FROM, day) / perDays) * perDays);
    case 'range':
      return FROM;
  }
}
const periodByKey = memo((key) => {
  const [per, perDays, day] = key.split('|') as [StickinessPer, string, string];
  return periodOfDay(per, Number(perDays), day);
});
const periodOf = (per: StickinessPer, perDays: number, day: string): string =>
  periodByKey(`${per}|${perDays}|${day}`);

const MOST: Record<string, number> = {
  'hour/day': 24,
  'hour/week': 168,
  'day/week': 7,
  'day/month': 31,
  'day/quarter': 92,
  'day/year': 366,
  'month/quarter': 3,
  'month/year': 12,
};

/** Every quarter hour from well before to well after the range, as local days and hours. */
const INSTANTS = (() => {
  const out: { ms: number; day: string; hour: string }[] = [];
  const end = Date.parse('2025-01-03T00:00:00Z');
  for (let ms = Date.parse('2023-12-28T00:00:00Z'); ms < end; ms += 900_000)
    out.push({ ms, ...local(ms) });
  return out;
})();

const inRange = (day: string): boolean => day >= FROM && day <= TO;

interface PeriodShape {
  full: Set<string>;
  possible: Set<string>;
  cut: boolean;
  to: string;
}

/**
 * The periods a shape's range touches, in order, and what each could hold: units in full, units
 * within the range and observed, whether the range or the data cuts it, its last day in range.
 * Depends on the unit and the period only, so each shape walks the instants once for all of its
 * criteria.
 */
const shapeOf = memo((key): { names: string[]; shape: Map<string, PeriodShape> } => {
  const [unit, per, perDaysText] = key.split('|') as [StickinessUnit, StickinessPer, string];
  const perDays = Number(perDaysText);
  const names: string[] = [];
  for (let d = FROM; d <= TO; d = addDays(d, 1)) {
    const p = periodOf(per, perDays, d);
    if (!names.includes(p)) names.push(p);
  }
  // The range's units, whole: a week the range cuts belongs to it entirely.
  const rangeUnits = new Set(INSTANTS.filter((t) => inRange(t.day)).map((t) => unitOf(unit, t)));
  const periodOfInstant = (t: { day: string; hour: string }): string | null => {
    if (per === 'range') return rangeUnits.has(unitOf(unit, t)) ? FROM : null;
    return periodOf(per, perDays, t.day);
  };
  const shape = new Map<string, PeriodShape>();
  for (const p of names) shape.set(p, { full: new Set(), possible: new Set(), cut: false, to: '' });
  for (const t of INSTANTS) {
    const p = periodOfInstant(t);
    const s = p === null ? undefined : shape.get(p);
    if (s === undefined) continue;
    const unitKey = unitOf(unit, t);
    s.full.add(unitKey);
    if (inRange(t.day) && t.ms <= LAST) s.possible.add(unitKey);
    else s.cut = true;
    if (inRange(t.day) && t.day > s.to) s.to = t.day;
  }
  return { names, shape };
});

/** The rows' local days and hours, computed once: the rows never change. */
const localOf = memo((ms) => local(Number(ms)));

/** Per user and unit, the number of matching ('use') events in the range. */
const eventsPerUnit = (rows: Row[], unit: StickinessUnit): Map<string, Map<string, number>> => {
  const events = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const t = localOf(String(r.ms));
    if (r.event !== 'use' || !inRange(t.day)) continue;
    const units = events.get(r.user) ?? new Map<string, number>();
    const key = unitOf(unit, t);
    units.set(key, (units.get(key) ?? 0) + 1);
    events.set(r.user, units);
  }
  return events;
};

function reference(rows: Row[], spec: StickinessSpec) {
  const perDays = spec.perDays ?? 1;
  const { names: periodNames, shape } = shapeOf(`${spec.unit}|${spec.per}|${perDays}`);
  // Per user and period, the units that count.
  const k = new Map<string, Map<string, number>>();
  for (const [user, units] of eventsPerUnit(rows, spec.unit)) {
    for (const [key, n] of units) {
      if (
        n < spec.minEventsPerUnit ||
        (spec.maxEventsPerUnit !== undefined && n > spec.maxEventsPerUnit)
      )
        continue;
      const p = spec.per === 'range' ? FROM : periodOf(spec.per, perDays, unitDay(spec.unit, key));
      const per = k.get(user) ?? new Map<string, number>();
      per.set(p, (per.get(p) ?? 0) + 1);
      k.set(user, per);
    }
  }
  const most =
    spec.per === 'range'
      ? (shape.get(FROM)?.full.size ?? 0)
      : spec.per === 'days'
        ? perDays * (spec.unit === 'hour' ? 24 : 1)
        : (MOST[`${spec.unit}/${spec.per}`] ?? 0);
  const bucketsOf = (counts: number[]): number[] =>
    Array.from(
      { length: most },
      (_, i) => counts.filter((c) => (spec.cumulative ? c >= i + 1 : c === i + 1)).length,
    );
  const periods = periodNames.map((p) => {
    const s = shape.get(p);
    const counts = [...k.values()].map((m) => m.get(p) ?? 0);
    return [p, s?.to, s?.cut, s?.full.size, s?.possible.size, bucketsOf(counts)];
  });
  const users = Array.from({ length: most }, (_, i) =>
    periods.reduce((sum, p) => sum + ((p[5] as number[])[i] ?? 0), 0),
  );
  const distinct = Array.from(
    { length: most },
    (_, i) =>
      [...k.values()].filter((m) => {
        const ks = [...m.values()];
        return spec.cumulative ? Math.max(...ks) >= i + 1 : ks.includes(i + 1);
      }).length,
  );
  return { periods, users, distinct };
}

const SHAPES: [StickinessUnit, StickinessPer, number?][] = [
  ['day', 'week'],
  ['day', 'month'],
  ['day', 'quarter'],
  ['day', 'year'],
  ['day', 'days', 10],
  ['day', 'range'],
  ['hour', 'day'],
  ['hour', 'week'],
  ['hour', 'days', 3],
  ['week', 'range'],
  ['month', 'quarter'],
  ['month', 'year'],
  ['month', 'range'],
];
const CRITERIA: { min: number; max?: number }[] = [
  { min: 1 },
  { min: 2 },
  { min: 1, max: 2 },
  { min: 2, max: 3 },
];

describe('stickiness against a plain computation', () => {
  let ws: TempWorkspace;
  let rows: Row[];
  beforeAll(async () => {
    rows = generate();
    const csv = [
      'user_id,event,timestamp',
      ...rows.map((r) => `${r.user},${r.event},${new Date(r.ms).toISOString()}`),
      '',
    ].join('\n');
    ({ ws } = await analysisFixture(csv, { timezone: ZONE }));
    await ws.api['workspace.updateSettings']({ weekStart: 'sunday' });
  });
  afterAll(() => ws.close());

  it.each(SHAPES)('%ss per %s %s', async (unit, per, perDays) => {
    for (const c of CRITERIA) {
      // Cumulative buckets are suffix sums of the same units: checked on two of the criteria.
      for (const cumulative of c.max === 2 || (c.min === 2 && c.max === undefined)
        ? [false]
        : [false, true]) {
        const spec: StickinessSpec = {
          kind: 'stickiness',
          version: 1,
          events: { event: 'use', where: [] },
          unit,
          per,
          ...(perDays === undefined ? {} : { perDays }),
          minEventsPerUnit: c.min,
          ...(c.max === undefined ? {} : { maxEventsPerUnit: c.max }),
          cumulative,
          dateRange: { type: 'absolute', from: FROM, to: TO },
          filters: [],
        };
        const r = (await ws.api['analysis.run']({ spec })) as StickinessResult;
        const want = reference(rows, spec);
        const what = JSON.stringify({ unit, per, c, cumulative });
        expect(
          r.periods.map((p) => [p.period, p.to, p.incomplete, p.units, p.possible, p.users]),
          what,
        ).toEqual(want.periods);
        expect(r.users, what).toEqual(want.users);
        expect(r.distinctUsers, what).toEqual(want.distinct);
        if (c.min !== 1 || c.max !== undefined) continue;
        // The users behind the largest bucket, overall and in its busiest period.
        const i = want.distinct.indexOf(Math.max(...want.distinct));
        const overall = await ws.api['analysis.users']({
          spec,
          select: { kind: 'stickiness', bucket: i + 1 },
          limit: 1,
        });
        expect(overall.total, what).toBe(want.distinct[i]);
        const busiest = want.periods.reduce((a, b) =>
          ((b[5] as number[])[i] ?? 0) > ((a[5] as number[])[i] ?? 0) ? b : a,
        );
        const inPeriod = await ws.api['analysis.users']({
          spec,
          select: { kind: 'stickiness', bucket: i + 1, period: String(busiest[0]) },
          limit: 1,
        });
        expect(inPeriod.total, what).toBe((busiest[5] as number[])[i]);
      }
    }
  });
});
