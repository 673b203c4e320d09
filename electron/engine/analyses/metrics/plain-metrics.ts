import { addDays } from '../../../../shared/calendar/local-days';
import type { EventFilter } from '../../../../shared/specs/common';
import type { MetricDefinition, ObservationWindow } from '../../../../shared/specs/user-metrics';

/**
 * The per-user metrics table computed a second way, plainly, for tests: loops over each user's
 * events written from the metric definitions (shared/specs/user-metrics.ts), not from the SQL.
 * Local time comes from Intl (not DuckDB's ICU), sessions are cut here from the events (a gap of
 * more than 30 minutes starts one; events at one instant share it), and the window's days are
 * local wall time: a calendar window's local days, or since a start the k-th 24 hours of wall
 * time after it.
 */
export interface PlainEvent {
  user: string;
  event: string;
  /** Epoch milliseconds (UTC). */
  ms: number;
  amount: number | null;
  plan: string | null;
  /** Its line in the file: the order of events at one instant. */
  row: number;
}

export interface PlainRow {
  user: string;
  /** Epoch ms of the window's [start, end). */
  ws: number;
  we: number;
  complete: boolean;
  values: Record<string, number | null>;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Local wall time of a zone as epoch-like milliseconds (the wall clock read as if it were UTC). */
export class WallClock {
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** The zone's offset at an instant; offsets change on whole UTC quarter hours, so cached by them. */
  private offset(ms: number): number {
    const key = Math.floor(ms / (15 * MINUTE));
    let o = this.offsets.get(key);
    if (o === undefined) {
      const at = key * 15 * MINUTE;
      const p = Object.fromEntries(
        this.format.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]),
      ) as Record<string, number>;
      const wall = Date.UTC(
        p.year ?? 0,
        (p.month ?? 1) - 1,
        p.day ?? 1,
        p.hour ?? 0,
        p.minute ?? 0,
        p.second ?? 0,
      );
      o = wall - at;
      this.offsets.set(key, o);
    }
    return o;
  }

  wall(ms: number): number {
    return ms + this.offset(ms);
  }

  /** The instant of a wall time (one that exists and is not repeated: the tests keep to those). */
  instant(wall: number): number {
    const guess = wall - this.offset(wall);
    return wall - this.offset(guess);
  }

  day(ms: number): string {
    return new Date(this.wall(ms)).toISOString().slice(0, 10);
  }

  /** The instant of the local midnight that starts `day`. */
  dayStart(day: string): number {
    return this.instant(Date.parse(`${day}T00:00:00Z`));
  }
}

const dayDiff = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

function matches(f: EventFilter, e: PlainEvent): boolean {
  if (f.event !== '$any' && f.event !== e.event) return false;
  return f.where.every((c) => {
    if ('any' in c || 'all' in c || 'segment' in c || c.property !== 'plan' || c.op !== '=') {
      throw new Error('the plain reference knows plan = value conditions only');
    }
    return e.plan === c.value;
  });
}
const anyOf = (list: readonly EventFilter[], e: PlainEvent): boolean =>
  list.some((f) => matches(f, e));

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
const mean = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

interface Session {
  started: number;
  events: number;
  seconds: number;
}

/** Sessions of one user's events (in time order): a gap of more than 30 minutes starts one. */
function sessionsOf(events: readonly PlainEvent[]): Session[] {
  const out: Session[] = [];
  let current: { started: number; last: number; events: number } | null = null;
  for (const e of events) {
    if (current === null || e.ms - current.last > 30 * MINUTE) {
      if (current !== null)
        out.push({
          started: current.started,
          events: current.events,
          seconds: (current.last - current.started) / 1000,
        });
      current = { started: e.ms, last: e.ms, events: 1 };
    } else {
      current.last = e.ms;
      current.events++;
    }
  }
  if (current !== null)
    out.push({
      started: current.started,
      events: current.events,
      seconds: (current.last - current.started) / 1000,
    });
  return out;
}

function value(
  m: MetricDefinition,
  ctx: {
    clock: WallClock;
    window: ObservationWindow;
    ws: number;
    we: number;
    /** The window's events, in stored order. */
    inWindow: PlainEvent[];
    all: PlainEvent[];
    sessions: Session[];
  },
): number | null {
  const { clock, window, ws, we, inWindow } = ctx;
  const days = window.days;
  const perWeek = (n: number, per: 'week' | 'window'): number =>
    per === 'week' ? n / (days / 7) : n;
  const dayKey = (e: PlainEvent): string =>
    window.type === 'calendar'
      ? clock.day(e.ms)
      : String(Math.floor((clock.wall(e.ms) - clock.wall(ws)) / DAY));
  const windowSessions = ctx.sessions.filter((s) => s.started >= ws && s.started < we);
  const endDay = clock.day(we - 1);
  switch (m.type) {
    case 'activeDays':
    case 'distinctDays': {
      const n = new Set(inWindow.filter((e) => anyOf(m.events, e)).map(dayKey)).size;
      return m.type === 'activeDays' ? perWeek(n, m.per) : n;
    }
    case 'count':
      return perWeek(inWindow.filter((e) => anyOf(m.events, e)).length, m.per);
    case 'sessions':
      return perWeek(windowSessions.length, m.per);
    case 'featureAdoption': {
      const used = m.features.filter((f) => inWindow.some((e) => e.event === f)).length;
      return m.as === 'share' ? used / m.features.length : used;
    }
    case 'sessionLength': {
      const v = windowSessions.map((s) => s.seconds);
      return m.stat === 'median' ? median(v) : mean(v);
    }
    case 'sessionDepth': {
      const v = windowSessions.map((s) => s.events);
      return m.stat === 'median' ? median(v) : mean(v);
    }
    case 'funnel': {
      // In order, each step on an event after the previous step's: the earliest match each time.
      let step = 0;
      for (const e of inWindow) {
        const f = m.steps[step];
        if (f !== undefined && matches(f, e)) step++;
      }
      return m.as === 'completed' ? (step === m.steps.length ? 1 : 0) : step;
    }
    case 'recency': {
      const before = ctx.all.filter((e) => e.ms < we);
      const last = before[before.length - 1];
      return last === undefined ? null : dayDiff(clock.day(last.ms), endDay);
    }
    case 'tenure': {
      const first = ctx.all[0];
      return first === undefined ? null : dayDiff(clock.day(first.ms), endDay);
    }
    case 'trend': {
      const mid = clock.instant(clock.wall(ws) + days * 12 * 3_600_000);
      const matched = inWindow.filter((e) => anyOf(m.events, e));
      const first = matched.filter((e) => e.ms < mid).length;
      const second = matched.length - first;
      return first === 0 ? null : (second - first) / first;
    }
    case 'property': {
      const v = inWindow
        .filter((e) => anyOf(m.events, e) && e.amount !== null)
        .map((e) => e.amount as number);
      if (m.agg === 'sum') return v.reduce((a, b) => a + b, 0);
      if (v.length === 0) return null;
      if (m.agg === 'avg') return mean(v);
      return m.agg === 'min' ? Math.min(...v) : Math.max(...v);
    }
    case 'time': {
      const matched = inWindow.filter((e) => anyOf(m.events, e));
      const e = m.which === 'first' ? matched[0] : matched[matched.length - 1];
      return e === undefined ? null : (clock.wall(e.ms) - clock.wall(ws)) / DAY;
    }
    case 'ratio':
      return null; // from the other metrics, below
  }
}

/**
 * The table: a row per user whose window exists (first seen before a calendar window's end, or
 * with a start), `observed` the instant the data was observed until (never a local midnight here).
 */
export function plainMetrics(
  events: readonly PlainEvent[],
  window: ObservationWindow,
  metrics: readonly MetricDefinition[],
  zone: string,
  observed: number,
): PlainRow[] {
  const clock = new WallClock(zone);
  const byUser = new Map<string, PlainEvent[]>();
  for (const e of events) {
    const list = byUser.get(e.user);
    if (list === undefined) byUser.set(e.user, [e]);
    else list.push(e);
  }
  const observedDay = clock.day(observed);
  const rows: PlainRow[] = [];
  for (const [user, unsorted] of byUser) {
    const all = [...unsorted].sort((a, b) => a.ms - b.ms || a.row - b.row);
    let ws: number;
    let we: number;
    let complete: boolean;
    if (window.type === 'calendar') {
      const last = window.asOf ?? observedDay;
      ws = clock.dayStart(addDays(last, 1 - window.days));
      we = clock.dayStart(addDays(last, 1));
      if ((all[0]?.ms ?? Infinity) >= we) continue;
      complete = last <= observedDay;
    } else {
      const start = window.startEvent;
      const first = all.find((e) => start === undefined || matches(start, e));
      if (first === undefined) continue;
      ws = first.ms;
      we = clock.instant(clock.wall(ws) + window.days * DAY);
      complete = we <= observed;
    }
    const inWindow = all.filter((e) => e.ms >= ws && e.ms < we);
    const ctx = { clock, window, ws, we, inWindow, all, sessions: sessionsOf(all) };
    const values: Record<string, number | null> = {};
    for (const m of metrics) values[m.name] = value(m, ctx);
    for (const m of metrics) {
      if (m.type !== 'ratio') continue;
      const n = values[m.numerator] ?? null;
      const d = values[m.denominator] ?? null;
      values[m.name] = n === null || d === null || d === 0 ? null : n / d;
    }
    rows.push({ user, ws, we, complete, values });
  }
  return rows.sort((a, b) => a.user.localeCompare(b.user));
}
