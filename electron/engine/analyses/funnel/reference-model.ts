import {
  isConditionGroup,
  NONE_LABEL,
  OTHER_LABEL,
  type ConditionNode,
} from '../../../../shared/specs/common';
import {
  BREAKDOWN_JOINER,
  breakdownProperties,
  WINDOW_SECONDS,
  type FunnelSpec,
} from '../../../../shared/specs/funnel';

/**
 * The funnel's rules written plainly over one workspace's events, for tests: loops and linear
 * searches, no binary search, no joins, none of the engine's code. A second computation of every
 * number (each step per group, conversion over time, the previous range) on generated data, for
 * the shapes the generator makes (a UTC workspace; conditions '=', 'is set', 'is not set' and
 * any-groups; no per-step windows).
 */
export interface ModelEvent {
  uid: number;
  event: string;
  ms: number;
  /** rowid: stored order, and the tie-break of equal times. */
  row: number;
  p: string | null;
  q: string | null;
  session: number | null;
}

/** Per period label: [entered, completed]. */
export type ModelPeriods = Record<string, [number, number]>;

export interface ModelGroup {
  breakdown: string | null;
  /** Units reaching each step. */
  counts: number[];
  overTime: ModelPeriods;
}

export interface ModelResult {
  groups: ModelGroup[];
  overTime: ModelPeriods;
  previous: ModelGroup[];
  previousOverTime: ModelPeriods;
}

const DAY = 86_400_000;

function holds(node: ConditionNode, e: ModelEvent): boolean {
  if (isConditionGroup(node)) {
    return 'any' in node ? node.any.some((x) => holds(x, e)) : node.all.every((x) => holds(x, e));
  }
  if ('segment' in node) throw new Error('the model has no segments');
  const v = node.property === 'p' ? e.p : node.property === 'q' ? e.q : null;
  if (node.op === '=') return v !== null && v === node.value;
  if (node.op === 'is set') return v !== null;
  if (node.op === 'is not set') return v === null;
  throw new Error(`the model has no '${node.op}'`);
}

function periodOf(ms: number, interval: FunnelSpec['interval']): string {
  const iso = new Date(ms).toISOString();
  if (interval === 'hour') return `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00`;
  if (interval === 'day') return iso.slice(0, 10);
  if (interval === 'month') return `${iso.slice(0, 7)}-01`;
  const day = Math.floor(ms / DAY) * DAY;
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
  return new Date(monday).toISOString().slice(0, 10);
}

interface Attempt {
  unit: string;
  uid: number;
  held: string | null;
  rng: number;
  period: string;
  attempt: number;
  t0: number;
  level: number;
  /** When its deepest counted step was reached. */
  deep: number;
  reached: boolean[];
  value: string | null;
  grp: string | null;
}

/**
 * The attempt a unit is reported by: the furthest; in order, then the first to reach that step
 * and the latest start reaching it then (PostHog overwrites its chain with every later first
 * step); in any order the earliest start. Then the first stored.
 */
function better(anyOrder: boolean, a: Attempt, b: Attempt): boolean {
  if (a.level !== b.level) return a.level > b.level;
  if (!anyOrder && a.deep !== b.deep) return a.deep < b.deep;
  if (a.t0 !== b.t0) return anyOrder ? a.t0 < b.t0 : a.t0 > b.t0;
  return a.attempt < b.attempt;
}

function reduce(
  anyOrder: boolean,
  rows: readonly Attempt[],
  key: (a: Attempt) => unknown[],
): Attempt[] {
  const m = new Map<string, Attempt>();
  for (const a of rows) {
    const k = JSON.stringify(key(a));
    const had = m.get(k);
    if (had === undefined || better(anyOrder, a, had)) m.set(k, a);
  }
  return [...m.values()];
}

export function modelFunnel(
  spec: FunnelSpec,
  all: readonly ModelEvent[],
  days: { from: string; to: string },
  previous: { from: string; to: string } | null,
): ModelResult {
  const W = spec.window.n * WINDOW_SECONDS[spec.window.unit] * 1000;
  const start = Date.parse(`${days.from}T00:00:00Z`);
  const end = Date.parse(`${days.to}T00:00:00Z`) + DAY;
  const scopeStart = previous === null ? start : Date.parse(`${previous.from}T00:00:00Z`);
  const n = spec.steps.length;
  const fraction = spec.sample?.fraction;
  const sampled = (uid: number): boolean =>
    fraction === undefined ||
    (BigInt(uid) * 2654435761n) % 4294967296n < BigInt(Math.floor(fraction * 4294967296));
  const shares = (i: number, j: number): boolean => {
    const a = spec.steps[i]?.events.event;
    const b = spec.steps[j]?.events.event;
    return a === b || a === '$any' || b === '$any';
  };
  const before = (a: ModelEvent, b: ModelEvent): boolean =>
    a.ms < b.ms || (a.ms === b.ms && a.row < b.row);
  // Per-step windows: each step's own limit after the previous one (ms; Infinity = none).
  const perStep = spec.steps.some((st) => st.within !== undefined)
    ? spec.steps.map((st) =>
        st.within === undefined ? Infinity : st.within.n * WINDOW_SECONDS[st.within.unit] * 1000,
      )
    : null;
  /**
   * Per-step windows, by exhaustive search: the most steps any chain from start s fills (each
   * step at or after the previous one, distinct events, within its own window of it and the
   * funnel's window of s), and the earliest time that many are filled.
   */
  const reachWithin = (
    stream: readonly ModelEvent[],
    s: ModelEvent,
    limits: readonly number[],
    isStep: (e: ModelEvent, i: number) => boolean,
  ): [number, number] => {
    const memo = new Map<string, [number, number]>();
    const from = (k: number, e: ModelEvent): [number, number] => {
      const key = `${k}:${e.row}`;
      const known = memo.get(key);
      if (known !== undefined) return known;
      let top: [number, number] = [k + 1, e.ms];
      if (k + 1 < n) {
        for (const x of stream) {
          if (!isStep(x, k + 1)) continue;
          if (shares(k, k + 1) ? !before(e, x) : x.ms < e.ms) continue;
          if (x.ms - e.ms > (limits[k + 1] ?? Infinity) || x.ms > s.ms + W) continue;
          const [level, t] = from(k + 1, x);
          if (level > top[0] || (level === top[0] && t < top[1])) top = [level, t];
        }
      }
      memo.set(key, top);
      return top;
    };
    return from(0, s);
  };
  const props = spec.breakdown === undefined ? [] : breakdownProperties(spec.breakdown);
  const valueOf = (e: ModelEvent): string | null => {
    if (props.length === 0) return null;
    const vs = props.map((p) => (p.property === 'p' ? e.p : e.q));
    if (vs.every((v) => v === null)) return null;
    return props.length === 1 ? (vs[0] ?? null) : JSON.stringify(vs);
  };
  const labelOf = (v: string): string =>
    props.length === 1
      ? v
      : (JSON.parse(v) as (string | null)[]).map((x) => x ?? NONE_LABEL).join(BREAKDOWN_JOINER);
  const held = spec.holdConstant?.property ?? (spec.countBy === 'sessions' ? 'session_id' : null);
  const heldOf = (e: ModelEvent): string | null =>
    held === 'session_id'
      ? e.session === null
        ? null
        : String(e.session)
      : held === 'p'
        ? e.p
        : held === 'q'
          ? e.q
          : null;
  const attribution = spec.breakdown?.attribution;
  const anyOrder = spec.order === 'any';
  const counted = spec.steps
    .map((_, i) => i)
    .filter((i) => spec.order === 'any' || i === 0 || spec.steps[i]?.optional !== true);
  const full = counted.length;

  const byUser = new Map<number, ModelEvent[]>();
  for (const e of all) {
    if (!sampled(e.uid)) continue;
    const list = byUser.get(e.uid) ?? [];
    list.push(e);
    byUser.set(e.uid, list);
  }
  const attempts: Attempt[] = [];
  for (const [uid, list] of byUser) {
    list.sort((a, b) => (before(a, b) ? -1 : 1));
    const firstEver = spec.steps.map((step) => {
      if (step.firstTime === undefined) return -1;
      const named = (e: ModelEvent): boolean =>
        step.events.event === '$any' || e.event === step.events.event;
      const hit = list.find((e) =>
        step.firstTime === 'event'
          ? named(e)
          : named(e) && step.events.where.every((c) => holds(c, e)),
      );
      return hit?.row ?? -2;
    });
    const isStep = (e: ModelEvent, i: number): boolean => {
      const step = spec.steps[i];
      if (step === undefined) return false;
      if (step.events.event !== '$any' && e.event !== step.events.event) return false;
      if (![...step.events.where, ...spec.filters].every((c) => holds(c, e))) return false;
      return step.firstTime === undefined || firstEver[i] === e.row;
    };
    const isExclusion = (e: ModelEvent, m: number): boolean => {
      const x = spec.exclusions[m];
      if (x === undefined) return false;
      if (x.events.event !== '$any' && e.event !== x.events.event) return false;
      return [...x.events.where, ...spec.filters].every((c) => holds(c, e));
    };
    /**
     * Any order: one event fills at most one step. Every assignment of distinct window events to
     * steps (or none) is tried; the most steps filled wins, then the earliest events (compared
     * earliest first). Each step only tries its first n events of the window: a step filled by
     * a later one has one of its first n free (the other steps hold at most n - 1), which is
     * earlier. Returns the times of the events filling steps, in order.
     */
    const anyOrderTimes = (stream: readonly ModelEvent[], s: ModelEvent): number[] => {
      const window = stream.filter((x) => x.ms >= s.ms && x.ms <= s.ms + W);
      const options = spec.steps.map((_, j) => window.filter((x) => isStep(x, j)).slice(0, n));
      const earlier = (a: ModelEvent[], b: ModelEvent[]): boolean => {
        const i = a.findIndex((x, k) => x !== b[k]);
        const x = a[i];
        const y = b[i];
        return x !== undefined && y !== undefined && before(x, y);
      };
      let best: ModelEvent[] = [];
      const chosen: ModelEvent[] = [];
      const assign = (j: number): void => {
        if (chosen.length + (n - j) < best.length) return;
        if (j === n) {
          const filled = [...chosen].sort((a, b) => (before(a, b) ? -1 : 1));
          if (
            filled.length > best.length ||
            (filled.length === best.length && earlier(filled, best))
          )
            best = filled;
          return;
        }
        assign(j + 1);
        for (const e of options[j] ?? []) {
          if (chosen.includes(e)) continue;
          chosen.push(e);
          assign(j + 1);
          chosen.pop();
        }
      };
      assign(0);
      return best.map((e) => e.ms);
    };
    const inScope = list.filter((e) => e.ms >= scopeStart && e.ms <= end + W);
    // A held property, and attribution 'all', split the events into streams of their own; with
    // a held property, events without its value take no part.
    const streams = new Map<string, ModelEvent[]>();
    for (const e of inScope) {
      if (held !== null && heldOf(e) === null) continue;
      const key = JSON.stringify([heldOf(e), attribution === 'all' ? valueOf(e) : 0]);
      const stream = streams.get(key) ?? [];
      stream.push(e);
      streams.set(key, stream);
    }
    for (const stream of streams.values()) {
      const excluded = (times: (number | null)[], t0: number): boolean =>
        spec.exclusions.some((x, m) => {
          const f = times[x.from];
          if (f === null || f === undefined) return false;
          const t = times[x.to] ?? null;
          return stream.some(
            (e) => isExclusion(e, m) && e.ms > f && (t === null ? e.ms <= t0 + W : e.ms < t),
          );
        });
      const starts = stream.filter(
        (e) =>
          e.ms >= scopeStart &&
          e.ms < end &&
          (spec.order === 'any' ? spec.steps.some((_, i) => isStep(e, i)) : isStep(e, 0)),
      );
      for (const s of starts) {
        const base = {
          uid,
          held: heldOf(s),
          unit:
            spec.countBy === 'attempts'
              ? `a${s.row}`
              : spec.countBy === 'sessions'
                ? `${uid}|${String(heldOf(s))}`
                : String(uid),
          rng: s.ms < start ? 1 : 0,
          period: periodOf(s.ms, spec.interval),
          attempt: s.row,
          t0: s.ms,
          grp: null,
        };
        if (spec.order === 'any') {
          const sorted = anyOrderTimes(stream, s);
          if (
            excluded(
              spec.steps.map((_, j) => sorted[j] ?? null),
              s.ms,
            )
          )
            continue;
          attempts.push({
            ...base,
            level: sorted.length,
            deep: sorted.at(-1) ?? s.ms,
            reached: spec.steps.map((_, j) => sorted.length >= j + 1),
            value: attribution === 'all' ? valueOf(s) : null,
          });
          continue;
        }
        if (perStep !== null) {
          const [level, deep] = reachWithin(stream, s, perStep, isStep);
          attempts.push({
            ...base,
            level,
            deep,
            reached: spec.steps.map((_, j) => j < level),
            value: null,
          });
          continue;
        }
        const N = attribution === 'step' ? (spec.breakdown?.step ?? 0) : -1;
        // Attribution to step N: each value of the step-N events is a funnel of its own.
        const values =
          N >= 0
            ? [
                ...new Set(
                  stream.filter((e) => isStep(e, N)).map((e) => JSON.stringify(valueOf(e))),
                ),
              ]
            : [JSON.stringify(attribution === 'all' ? valueOf(s) : null)];
        for (const v of values) {
          const fits = (e: ModelEvent, k: number): boolean =>
            k !== N || JSON.stringify(valueOf(e)) === v;
          if (!fits(s, 0)) continue;
          const rows: (ModelEvent | null)[] = spec.steps.map(() => null);
          rows[0] = s;
          let level = 1;
          let prev = 0;
          for (const k of counted.slice(1)) {
            const from = rows[prev];
            if (from === null || from === undefined) break;
            const found =
              spec.order === 'strict'
                ? [stream[stream.indexOf(from) + 1]].find(
                    (e) => e !== undefined && isStep(e, k) && fits(e, k),
                  )
                : stream.find(
                    (e) =>
                      isStep(e, k) &&
                      fits(e, k) &&
                      (shares(prev, k) ? before(from, e) : e.ms >= from.ms),
                  );
            if (found !== undefined && found.ms <= s.ms + W) {
              rows[k] = found;
              level++;
            }
            prev = k;
          }
          spec.steps.forEach((step, j) => {
            if (!step.optional) return;
            const b = [...counted].filter((i) => i < j).pop() ?? 0;
            const a = counted.find((i) => i > j);
            const from = rows[b];
            if (from === null || from === undefined) return;
            const e = stream.find(
              (x) => isStep(x, j) && (shares(b, j) ? before(from, x) : x.ms >= from.ms),
            );
            if (e === undefined || e.ms > s.ms + W) return;
            const next = a === undefined ? null : rows[a];
            if (next !== null && next !== undefined) {
              if (shares(j, a ?? 0) ? !before(e, next) : e.ms > next.ms) return;
            }
            rows[j] = e;
          });
          if (N > 0 && rows[N] === null) continue;
          if (
            excluded(
              rows.map((r) => r?.ms ?? null),
              s.ms,
            )
          )
            continue;
          attempts.push({
            ...base,
            level,
            deep: rows[counted[level - 1] ?? 0]?.ms ?? s.ms,
            reached: rows.map((r) => r !== null),
            value: N >= 0 || attribution === 'all' ? (JSON.parse(v) as string | null) : null,
          });
        }
      }
    }
    // First and last touch: the first (last) value set on the user's (session's) funnel events
    // in the days a range reads.
    if (attribution === 'first' || attribution === 'last') {
      const touched = list.filter(
        (e) => valueOf(e) !== null && spec.steps.some((_, i) => isStep(e, i)),
      );
      for (const a of attempts) {
        if (a.uid !== uid) continue;
        const from = a.rng === 0 ? start : scopeStart;
        const to = (a.rng === 0 ? end : start) + W;
        const mine = touched.filter(
          (e) =>
            e.ms >= from && e.ms <= to && (spec.countBy !== 'sessions' || heldOf(e) === a.held),
        );
        const pick = attribution === 'first' ? mine[0] : mine.at(-1);
        a.value = pick === undefined ? null : valueOf(pick);
      }
    }
  }

  const perPeriod = reduce(anyOrder, attempts, (a) => [a.unit, a.rng, a.value, a.period]);
  let grouped = perPeriod;
  if (spec.breakdown !== undefined) {
    const overall = reduce(
      anyOrder,
      perPeriod.filter((a) => a.rng === 0),
      (a) => [a.unit, a.value],
    );
    const conversions = new Map<string, number>();
    for (const a of overall) {
      if (a.value === null) continue;
      conversions.set(a.value, (conversions.get(a.value) ?? 0) + (a.level >= full ? 1 : 0));
    }
    const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
    const top = [...conversions]
      .sort((x, y) => y[1] - x[1] || cmp(labelOf(x[0]), labelOf(y[0])) || cmp(x[0], y[0]))
      .slice(0, spec.breakdown.limit)
      .map(([v]) => v);
    grouped = reduce(
      anyOrder,
      perPeriod.map((a) => ({
        ...a,
        grp: a.value === null ? NONE_LABEL : top.includes(a.value) ? labelOf(a.value) : OTHER_LABEL,
      })),
      (a) => [a.unit, a.rng, a.grp, a.period],
    );
  }
  const best = reduce(anyOrder, grouped, (a) => [a.unit, a.rng, a.grp]);
  const groupsOf = (rng: number): ModelGroup[] =>
    [...new Set(best.filter((a) => a.rng === rng).map((a) => a.grp))].map((grp) => {
      const overTime: ModelPeriods = {};
      for (const a of grouped) {
        if (a.rng !== rng || a.grp !== grp) continue;
        const [e, c] = overTime[a.period] ?? [0, 0];
        overTime[a.period] = [e + 1, c + (a.level >= full ? 1 : 0)];
      }
      const mine = best.filter((a) => a.rng === rng && a.grp === grp);
      return {
        breakdown: grp,
        counts: spec.steps.map((_, i) => mine.filter((a) => a.reached[i] === true).length),
        overTime,
      };
    });
  const totals = (rng: number): ModelPeriods => {
    const sets = new Map<string, [Set<string>, Set<string>]>();
    for (const a of grouped) {
      if (a.rng !== rng) continue;
      const [e, c] = sets.get(a.period) ?? [new Set<string>(), new Set<string>()];
      e.add(a.unit);
      if (a.level >= full) c.add(a.unit);
      sets.set(a.period, [e, c]);
    }
    return Object.fromEntries([...sets].map(([k, [e, c]]) => [k, [e.size, c.size]]));
  };
  return {
    groups: groupsOf(0),
    overTime: totals(0),
    previous: previous === null ? [] : groupsOf(1),
    previousOverTime: previous === null ? {} : totals(1),
  };
}
