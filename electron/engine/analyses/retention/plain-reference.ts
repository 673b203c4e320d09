/**
 * Retention computed a second way, plainly, for tests: a loop over each user's events in their
 * stored order, written from the rules (not from the SQL), in UTC. Used to check the engine on
 * generated and real data.
 */
export interface PlainEvent {
  uid: number;
  /** Epoch milliseconds (UTC). */
  ms: number;
  event: string;
  /** The breakdown property's value (text or null). */
  b?: string | null;
  /** The measured property's value. */
  v?: number | null;
}

export interface PlainSpec {
  /** '$any' for any event. */
  start: string;
  /** '$any' for any event. */
  ret: string;
  cohort: 'first_time' | 'recurring';
  period: 'hour' | 'day' | 'week' | 'month';
  periods: number;
  criterion: 'on' | 'on_or_after';
  time: 'calendar' | 'rolling';
  minOccurrences: number;
  /** Returns must carry the start event's `b`. */
  sameValue: boolean;
  /** Sum `v` of the counted periods' return events instead of counting users. */
  sum: boolean;
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
  observed: number;
}

export interface PlainCohort {
  cohort: string;
  group: string | null;
  size: number;
  values: number[];
  incomplete: boolean[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ROLLING = { hour: HOUR, day: DAY, week: 7 * DAY, month: 30 * DAY };

/** The period index of a UTC time: hours, days, Monday weeks or months since the epoch. */
function periodIndex(ms: number, period: PlainSpec['period']): number {
  switch (period) {
    case 'hour':
      return Math.floor(ms / HOUR);
    case 'day':
      return Math.floor(ms / DAY);
    case 'week':
      // 1970-01-01 was a Thursday: Monday-started weeks are shifted by 3 days.
      return Math.floor((Math.floor(ms / DAY) + 3) / 7);
    case 'month': {
      const d = new Date(ms);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
  }
}

function periodStart(index: number, period: PlainSpec['period']): number {
  switch (period) {
    case 'hour':
      return index * HOUR;
    case 'day':
      return index * DAY;
    case 'week':
      return (index * 7 - 3) * DAY;
    case 'month':
      return Date.UTC(Math.floor(index / 12), index % 12, 1);
  }
}

function label(index: number, period: PlainSpec['period']): string {
  const iso = new Date(periodStart(index, period)).toISOString();
  return period === 'hour' ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00` : iso.slice(0, 10);
}

/** Each user's events, grouped once per array of events (the tests run many specs on one). */
const grouped = new WeakMap<readonly PlainEvent[], PlainEvent[][]>();
function byUserOf(events: readonly PlainEvent[]): PlainEvent[][] {
  let lists = grouped.get(events);
  if (lists === undefined) {
    const byUser = new Map<number, PlainEvent[]>();
    for (const e of events) {
      const list = byUser.get(e.uid);
      if (list === undefined) byUser.set(e.uid, [e]);
      else if ((list.at(-1)?.ms ?? e.ms) > e.ms)
        throw new Error(`user ${e.uid}: events out of order`);
      else list.push(e);
    }
    lists = [...byUser.values()];
    grouped.set(events, lists);
  }
  return lists;
}

/** `events` must be ordered by uid, then time, then their stored order. */
export function plainRetention(events: readonly PlainEvent[], spec: PlainSpec): PlainCohort[] {
  const cells = new Map<string, PlainCohort>();
  for (const list of byUserOf(events)) {
    const starts = list.filter((e) => spec.start === '$any' || e.event === spec.start);
    let entries: PlainEvent[] = [];
    if (spec.cohort === 'first_time') {
      const first = starts[0];
      if (first !== undefined && first.ms >= spec.from && first.ms < spec.to) entries = [first];
    } else {
      const seen = new Set<number>();
      for (const s of starts) {
        const p = periodIndex(s.ms, spec.period);
        if (s.ms < spec.from || s.ms >= spec.to || seen.has(p)) continue;
        seen.add(p);
        entries.push(s);
      }
    }
    for (const entry of entries) {
      const cohortIndex = periodIndex(entry.ms, spec.period);
      const counts = new Array<number>(spec.periods + 1).fill(0);
      const sums = new Array<number>(spec.periods + 1).fill(0);
      // From the first event at the entry's instant (ties before it in stored order count) to the
      // first past the last period: the list is in time order, and k only grows along it.
      let from = list.indexOf(entry);
      while (from > 0 && (list[from - 1]?.ms ?? -Infinity) >= entry.ms) from--;
      for (let i = from; i < list.length; i++) {
        const r = list[i] as PlainEvent;
        if (spec.ret !== '$any' && r.event !== spec.ret) continue;
        if (spec.sameValue && (r.b ?? null) !== (entry.b ?? null)) continue;
        const k =
          spec.time === 'rolling'
            ? Math.floor((r.ms - entry.ms) / ROLLING[spec.period])
            : periodIndex(r.ms, spec.period) - cohortIndex;
        if (k > spec.periods) break;
        if (k < 0) continue;
        counts[k] = (counts[k] ?? 0) + 1;
        sums[k] = (sums[k] ?? 0) + (r.v ?? 0);
      }
      const returned = counts.map((n) => n >= spec.minOccurrences);
      const key = `${spec.sameValue ? String(entry.b ?? null) : ''}|${cohortIndex}`;
      let cell = cells.get(key);
      if (cell === undefined) {
        const cohortEnd = periodStart(cohortIndex + 1, spec.period);
        cell = {
          cohort: label(cohortIndex, spec.period),
          group: spec.sameValue ? (entry.b ?? null) : null,
          size: 0,
          values: new Array<number>(spec.periods + 1).fill(0),
          // A cell "in k or later" can still grow while any period up to the last shown can.
          incomplete: counts.map((_, column) => {
            const k = spec.criterion === 'on' ? column : spec.periods;
            return spec.time === 'rolling'
              ? cohortEnd + (k + 1) * ROLLING[spec.period] > spec.observed
              : periodStart(cohortIndex + k + 1, spec.period) > spec.observed;
          }),
        };
        cells.set(key, cell);
      }
      cell.size++;
      for (let k = 0; k <= spec.periods; k++) {
        const counted =
          spec.criterion === 'on' ? returned[k] === true : returned.slice(k).some(Boolean);
        if (!counted) continue;
        const add = spec.sum
          ? spec.criterion === 'on'
            ? (sums[k] ?? 0)
            : sums.reduce((a, s, j) => (j >= k && returned[j] === true ? a + s : a), 0)
          : 1;
        cell.values[k] = (cell.values[k] ?? 0) + add;
      }
    }
  }
  return [...cells.values()].sort(
    (a, b) => String(a.group).localeCompare(String(b.group)) || a.cohort.localeCompare(b.cohort),
  );
}
