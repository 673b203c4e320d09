/**
 * The ordered and strict funnel as one pass over each user's events, the way ClickHouse's
 * windowFunnel works: the events arrive in stored (user, time, row) order, each with a bit mask
 * of the steps and exclusions it matches, and every first-step event in a range starts an attempt
 * whose chain is found by binary search in the per-step lists (ordered) or by looking at the next
 * event (strict). It computes exactly what the SQL chain of chain.ts computes (same rules, same
 * tie-breaks; units.test.ts checks the two against each other on generated data), without joins.
 *
 * Any-order funnels run here too (and only here when their steps can match one event: the SQL
 * chain cannot match steps to distinct events): every event of any step starts an attempt,
 * filled by StepMatcher (matching.ts). Their "users" are then streams: a user, or a user's events of one held value
 * or breakdown value, numbered by the read.
 *
 * Pure and synchronous over serialisable input (a plain-data plan, chunks of typed arrays): it
 * runs in a worker thread as `funnelScanTask` (workers/), or in place as `scanFunnel`.
 */
import { defineStreamTask } from '../../workers/task';
import { StepMatcher } from './matching';

/** The shape of the funnel the scan needs, with times in epoch microseconds. */
export interface FunnelScanPlan {
  steps: number;
  /** Indices of the required steps after the first, in order. */
  required: number[];
  /** Optional steps: the required step before and after each (after = -1 at the end). */
  optional: { step: number; before: number; after: number }[];
  exclusions: { from: number; to: number }[];
  /** shared[i][j]: steps i and j can match one event, which may then not fill both. */
  shared: boolean[][];
  windowUs: number;
  /** Where attempts may start: [startUs, endUs) per range (0 = the range, 1 = the one before). */
  ranges: { startUs: number; endUs: number }[];
  /** Strict order: each next step is the user's very next event (the read has every event). */
  strict: boolean;
  /**
   * How a row's key holds its rowid and entry period: key = rowid * keyScale + hour, hour < keyScale
   * (a power of two, so both are exact below 2^53), the period's local start being periodBaseUs +
   * hour hours (local period starts fall on whole hours).
   */
  keyScale: number;
  periodBaseUs: number;
  /** One row per attempt; else one per (user, range, entry period): its furthest attempt. */
  perAttempt: boolean;
  /**
   * Any order: an event of any step starts an attempt, its level the most steps distinct events
   * of its window fill (matching.ts); `required` and `optional` are then unused.
   */
  anyOrder: boolean;
}

/** One chunk of the ordered read: the columns of `length` rows. */
export interface FunnelScanChunk {
  uids: Int32Array;
  /** Epoch microseconds. */
  times: Float64Array;
  /** Bit s: matches step s; bit steps + x: matches exclusion x. */
  masks: Int32Array;
  /**
   * The event's rowid (attempts are named by their first step's row) and, on rows that may start
   * an attempt, its entry period, as FunnelScanPlan.keyScale says: one column read instead of two.
   */
  keys: Float64Array;
  length: number;
}

/**
 * Attempts, column by column: per user, range and entry period its furthest attempt (or every
 * attempt), the step times (NaN = not reached) and the level (1 + required steps reached). In
 * blocks of a fixed capacity, so nothing is copied to grow them; a user's rows share a block.
 */
export interface FunnelScanRows {
  count: number;
  blocks: FunnelScanBlock[];
}

/** One block of rows: the first `count` of each column. */
export interface FunnelScanBlock {
  count: number;
  capacity: number;
  uid: Int32Array;
  rng: Int32Array;
  period: Float64Array;
  attempt: Float64Array;
  level: Int32Array;
  /** Step s's time of row i at s * capacity + i (one array: a message moves it whole). */
  times: Float64Array;
  /**
   * 1 on the row each user reports per range (units.ts, bestOf: the furthest, then the one that
   * reached that step first, then the latest start; in any order the earliest start; then the
   * first stored); every row when counting attempts. Streams are not users: theirs is per stream.
   */
  best: Int32Array;
}

const GROW = 1.5;
/** Rows per block of the scan's output, unless a user needs more. */
const BLOCK_ROWS = 65_536;
const HOUR_US = 3_600_000_000;
/** Keys from here on may have been rounded. */
const EXACT_KEYS = 2 ** 53;
const EMPTY = new Int32Array(0);
const EMPTY_TIMES = new Float64Array(0);

/** Collects a user's rows, then computes their attempts; rows accumulate across users. */
export class FunnelScanner {
  private readonly plan: FunnelScanPlan;
  private user = -1;
  /**
   * The rows of the user being computed: [begin, end) of these arrays, which are a chunk's own
   * when the user's rows all arrived in it (most users: nothing is copied), else the carry's.
   */
  private ts: Float64Array = EMPTY_TIMES;
  private masks: Int32Array = EMPTY;
  private keys: Float64Array = EMPTY_TIMES;
  private begin = 0;
  private end = 0;
  /** A user's rows at a chunk's end, which the next chunk may continue. */
  private carryTs = new Float64Array(1024);
  private carryMasks = new Int32Array(1024);
  private carryKeys = new Float64Array(1024);
  private carried = 0;
  private readonly stepRows: Int32Array[];
  private readonly stepCounts: Int32Array;
  private readonly exclusionRows: Int32Array[];
  private readonly exclusionCounts: Int32Array;
  private block: FunnelScanBlock;
  private readonly blocks: FunnelScanBlock[] = [];
  private readonly rowOf: Int32Array;
  /** Per step: where next() found its last answer in the step's list (this user). */
  private readonly cursor: Int32Array;
  private readonly bestRows: Int32Array;
  private readonly required: Int32Array;
  /** The highest level an attempt can reach: the first step plus every required one. */
  private readonly topLevel: number;
  /** Any order: the rows that start attempts (an event of any step). */
  private startRows = new Int32Array(256);
  private startCount = 0;
  private readonly matcher: StepMatcher;
  /** Per range: the out row the current user reports so far (bestOf), or -1. */
  private readonly reported: Int32Array;
  /** Any order: an attempt's candidate rows, at most steps² of them. */
  private readonly candidates: Int32Array;
  private readonly kept: Int32Array;
  /**
   * Set when rows arrive out of (user, time, row) order (a workspace changed by hand with SQL):
   * the caller must not use the result.
   */
  outOfOrder = false;

  constructor(plan: FunnelScanPlan) {
    this.plan = plan;
    this.stepRows = Array.from({ length: plan.steps }, () => new Int32Array(256));
    this.stepCounts = new Int32Array(plan.steps);
    this.exclusionRows = plan.exclusions.map(() => new Int32Array(256));
    this.exclusionCounts = new Int32Array(plan.exclusions.length);
    this.block = emptyBlock(plan.steps, BLOCK_ROWS);
    this.rowOf = new Int32Array(plan.steps);
    this.cursor = new Int32Array(plan.steps);
    this.bestRows = new Int32Array(plan.steps);
    this.required = Int32Array.from(plan.required);
    this.topLevel = plan.anyOrder ? plan.steps : 1 + plan.required.length;
    this.matcher = new StepMatcher(plan.steps);
    this.candidates = new Int32Array(plan.steps * plan.steps);
    this.kept = new Int32Array(plan.steps);
    this.reported = new Int32Array(Math.max(1, plan.ranges.length)).fill(-1);
  }

  /** Feeds one chunk of the ordered read. */
  push(chunk: FunnelScanChunk): void {
    if (this.outOfOrder) return;
    const { uids, times, masks, keys, length } = chunk;
    let i = 0;
    while (i < length) {
      const uid = uids[i] ?? 0;
      let j = i + 1;
      while (j < length && uids[j] === uid) j++;
      if (uid === this.user && i === 0 && this.carried > 0) {
        // The carried user goes on in this chunk.
        if (!this.ordered(times, keys, i, j, this.carryTs, this.carryKeys, this.carried)) return;
        this.carry(times, masks, keys, i, j);
        if (j < length) this.flushCarry();
        i = j;
        continue;
      }
      if (uid <= this.user) {
        this.outOfOrder = true;
        return;
      }
      if (this.carried > 0) this.flushCarry();
      this.user = uid;
      if (!this.ordered(times, keys, i, j, EMPTY_TIMES, EMPTY_TIMES, 0)) return;
      if (j === length) {
        this.carry(times, masks, keys, i, j);
      } else {
        this.ts = times;
        this.masks = masks;
        this.keys = keys;
        this.begin = i;
        this.end = j;
        this.flushUser();
      }
      i = j;
    }
  }

  /** Ends the scan: the rows, in arrays of exactly `count`. */
  finish(): FunnelScanRows {
    if (!this.outOfOrder && this.carried > 0) this.flushCarry();
    if (this.block.count > 0) this.blocks.push(this.block);
    this.block = emptyBlock(this.plan.steps, 0);
    return { count: this.blocks.reduce((sum, b) => sum + b.count, 0), blocks: this.blocks };
  }

  /**
   * Whether rows [i, j) of one user come in (time, row) order after the `before` rows already
   * held (ties keep the stored order, which is rowid order: times may not go down, keys only go
   * up), with exact keys; else marks the read out of order.
   */
  private ordered(
    times: Float64Array,
    keys: Float64Array,
    i: number,
    j: number,
    heldTimes: Float64Array,
    heldKeys: Float64Array,
    before: number,
  ): boolean {
    let lastT = before > 0 ? (heldTimes[before - 1] ?? 0) : -Infinity;
    let lastKey = before > 0 ? (heldKeys[before - 1] ?? 0) : -Infinity;
    for (let r = i; r < j; r++) {
      const t = times[r] ?? 0;
      const key = keys[r] ?? 0;
      if (t < lastT || key <= lastKey || key >= EXACT_KEYS) {
        this.outOfOrder = true;
        return false;
      }
      lastT = t;
      lastKey = key;
    }
    return true;
  }

  /** Appends rows [i, j) of a chunk to the carried user's. */
  private carry(
    times: Float64Array,
    masks: Int32Array,
    keys: Float64Array,
    i: number,
    j: number,
  ): void {
    const rows = this.carried + j - i;
    if (rows > this.carryTs.length) {
      const size = Math.max(rows, Math.ceil(this.carryTs.length * GROW));
      this.carryTs = resize(this.carryTs, size, Float64Array);
      this.carryMasks = resize(this.carryMasks, size, Int32Array);
      this.carryKeys = resize(this.carryKeys, size, Float64Array);
    }
    this.carryTs.set(times.subarray(i, j), this.carried);
    this.carryMasks.set(masks.subarray(i, j), this.carried);
    this.carryKeys.set(keys.subarray(i, j), this.carried);
    this.carried = rows;
  }

  private flushCarry(): void {
    this.ts = this.carryTs;
    this.masks = this.carryMasks;
    this.keys = this.carryKeys;
    this.begin = 0;
    this.end = this.carried;
    this.carried = 0;
    this.flushUser();
  }

  /** Computes the current user's attempts, rows [begin, end) of ts, masks and keys. */
  private flushUser(): void {
    const { plan, masks } = this;
    // Per-step (and per-exclusion) lists of row indices, in (time, row) order.
    this.stepCounts.fill(0);
    this.exclusionCounts.fill(0);
    this.startCount = 0;
    const steps = plan.steps;
    const stepBits = (1 << steps) - 1;
    const exclusions = plan.exclusions.length;
    for (let r = this.begin; r < this.end; r++) {
      const mask = masks[r] ?? 0;
      if (mask === 0) continue;
      let bits = mask & stepBits;
      if (plan.anyOrder && bits !== 0) {
        if (this.startCount === this.startRows.length) {
          this.startRows = resize(this.startRows, Math.ceil(this.startCount * GROW), Int32Array);
        }
        this.startRows[this.startCount++] = r;
      }
      // Each set bit (most rows match one step).
      while (bits !== 0) {
        this.pushRow(this.stepRows, this.stepCounts, 31 - Math.clz32(bits & -bits), r);
        bits &= bits - 1;
      }
      if (exclusions > 0) {
        let x = mask >>> steps;
        while (x !== 0) {
          this.pushRow(this.exclusionRows, this.exclusionCounts, 31 - Math.clz32(x & -x), r);
          x &= x - 1;
        }
      }
    }
    // A user emits at most a row per start: all of them go in one block.
    const room = this.end - this.begin;
    if (this.block.capacity - this.block.count < room) {
      if (this.block.count > 0) this.blocks.push(this.block);
      this.block = emptyBlock(steps, Math.max(BLOCK_ROWS, room));
    }
    this.attempts();
    const { reported } = this;
    for (let g = 0; g < reported.length; g++) {
      const at = reported[g] ?? -1;
      if (at >= 0) this.block.best[at] = 1;
      reported[g] = -1;
    }
  }

  private pushRow(lists: Int32Array[], counts: Int32Array, i: number, row: number): void {
    let list = lists[i] ?? new Int32Array(256);
    const count = counts[i] ?? 0;
    if (count === list.length) {
      list = resize(list, Math.ceil(list.length * GROW) + 16, Int32Array);
      lists[i] = list;
    }
    list[count] = row;
    counts[i] = count + 1;
  }

  /**
   * Every first-step event in a range (any order: every event of any step) starts an attempt.
   * Per (range, period) the unit is reported by its furthest attempt, then (units.ts, bestOf) in
   * order the one that reached that step first and the latest start reaching it then, in any
   * order the earliest. Attempts come in time order and a later start never reaches a step
   * sooner, so once the whole funnel is done only starts up to that time can still replace it.
   */
  private attempts(): void {
    const { plan, rowOf, bestRows, ts } = this;
    this.cursor.fill(0);
    const starts = plan.anyOrder ? this.startRows : (this.stepRows[0] ?? EMPTY);
    const startCount = plan.anyOrder ? this.startCount : (this.stepCounts[0] ?? 0);
    let keyRange = -1;
    let keyPeriod = NaN;
    let bestLevel = 0;
    let bestStart = -1;
    // When the best attempt reached its deepest counted step (ordered funnels).
    let bestDeep = 0;
    for (let a = 0; a < startCount; a++) {
      const r0 = starts[a] ?? 0;
      const rng = rangeOf(plan.ranges, ts[r0] ?? 0);
      if (rng < 0) continue;
      const period = this.periodOf(r0);
      if (plan.perAttempt) {
        const level = this.chain(r0, rowOf);
        if (level > 0) this.emit(rowOf, r0, level, rng, period);
        continue;
      }
      if (rng !== keyRange || period !== keyPeriod) {
        // The previous period's best (inline: a closure per user showed in profiles).
        if (bestLevel > 0) this.emit(bestRows, bestStart, bestLevel, keyRange, keyPeriod);
        bestLevel = 0;
        keyRange = rng;
        keyPeriod = period;
      }
      if (plan.anyOrder) {
        if (bestLevel === this.topLevel) continue;
        const level = this.chain(r0, rowOf, bestLevel + 1);
        if (level > bestLevel) {
          bestLevel = level;
          bestStart = r0;
          bestRows.set(rowOf);
        }
        continue;
      }
      if (bestLevel === this.topLevel && (ts[r0] ?? 0) > bestDeep) continue;
      const level = this.chain(r0, rowOf);
      if (level === 0 || level < bestLevel) continue;
      const deep = ts[this.deepestRow(rowOf, level)] ?? 0;
      if (
        level > bestLevel ||
        deep < bestDeep ||
        (deep === bestDeep && (ts[r0] ?? 0) > (ts[bestStart] ?? 0))
      ) {
        bestLevel = level;
        bestStart = r0;
        bestDeep = deep;
        bestRows.set(rowOf);
      }
    }
    if (bestLevel > 0) this.emit(bestRows, bestStart, bestLevel, keyRange, keyPeriod);
  }

  /** A start row's entry period (its local start, epoch µs), from its key. */
  private periodOf(row: number): number {
    const hour = (this.keys[row] ?? 0) % this.plan.keyScale;
    return this.plan.periodBaseUs + hour * HOUR_US;
  }

  /** A row's rowid, from its key. */
  private rowidOf(row: number): number {
    const key = this.keys[row] ?? 0;
    return (key - (key % this.plan.keyScale)) / this.plan.keyScale;
  }

  /** The row of an ordered attempt's deepest counted step: its first or a required one. */
  private deepestRow(rowOf: Int32Array, level: number): number {
    const step = level === 1 ? 0 : (this.required[level - 2] ?? 0);
    return rowOf[step] ?? 0;
  }

  /**
   * Fills rowOf with the row that fills each step (-1 = not reached) and returns the level, or
   * 0 when an exclusion removes the attempt. Any order may also answer 0 when the attempt
   * cannot reach `need` (what it would take to count).
   */
  private chain(r0: number, rowOf: Int32Array, need = 0): number {
    if (this.plan.anyOrder) return this.matchAnyOrder(r0, rowOf, need);
    const { plan, ts, required } = this;
    rowOf.fill(-1);
    rowOf[0] = r0;
    const end = (ts[r0] ?? 0) + plan.windowUs;
    let prev = 0;
    let level = 1;
    for (let i = 0; i < required.length; i++) {
      const k = required[i] ?? 0;
      const from = rowOf[prev] ?? -1;
      if (from < 0) break;
      const row = plan.strict
        ? this.nextStrict(k, from)
        : this.next(k, from, this.sharedOf(prev, k));
      if (row >= 0 && (ts[row] ?? 0) <= end) {
        rowOf[k] = row;
        level++;
      }
      prev = k;
    }
    // An optional step counts when it falls after the previous required step and no later than
    // the next one (never on the next one's event) or the window's end.
    for (const o of plan.optional) {
      const from = rowOf[o.before] ?? -1;
      if (from < 0) continue;
      const row = this.next(o.step, from, this.sharedOf(o.before, o.step));
      if (row < 0 || (ts[row] ?? 0) > end) continue;
      const afterRow = o.after < 0 ? -1 : (rowOf[o.after] ?? -1);
      if (afterRow >= 0) {
        const before = this.sharedOf(o.step, o.after)
          ? row < afterRow
          : (ts[row] ?? 0) <= (ts[afterRow] ?? 0);
        if (!before) continue;
      }
      rowOf[o.step] = row;
    }
    return this.excluded(rowOf, end) ? 0 : level;
  }

  /**
   * Any order: rowOf[j] is the row by which j + 1 steps were done (matching.ts), read from each
   * step's first `steps` rows at or after the start's time and within the window.
   */
  private matchAnyOrder(r0: number, rowOf: Int32Array, need: number): number {
    const { plan, ts, candidates } = this;
    rowOf.fill(-1);
    const t0 = ts[r0] ?? 0;
    const end = t0 + plan.windowUs;
    let count = 0;
    // The level is at most the number of steps with an event in the window.
    let possible = 0;
    for (let s = 0; s < plan.steps; s++) {
      const list = this.stepRows[s] ?? EMPTY;
      const listCount = this.stepCounts[s] ?? 0;
      const before = count;
      for (let i = this.firstAtOrAfter(s, t0), taken = 0; i < listCount; i++, taken++) {
        const row = list[i] ?? 0;
        if (taken === plan.steps || (ts[row] ?? 0) > end) break;
        candidates[count++] = row;
      }
      if (count > before) possible++;
    }
    if (possible < need) return 0;
    // In (time, row) order, each row once: rows are numbered in that order. A few candidates
    // (steps²) sort fastest in place; a typed-array sort costs more than it saves below ~32.
    if (count > 32) candidates.subarray(0, count).sort();
    else {
      for (let i = 1; i < count; i++) {
        const row = candidates[i] ?? 0;
        let j = i - 1;
        while (j >= 0 && (candidates[j] ?? 0) > row) {
          candidates[j + 1] = candidates[j] ?? 0;
          j--;
        }
        candidates[j + 1] = row;
      }
    }
    let unique = 0;
    for (let i = 0; i < count; i++) {
      const row = candidates[i] ?? 0;
      if (unique === 0 || row !== candidates[unique - 1]) candidates[unique++] = row;
    }
    const level = this.matcher.match(candidates, unique, this.masks, this.kept);
    for (let j = 0; j < level; j++) rowOf[j] = this.kept[j] ?? -1;
    return this.excluded(rowOf, end) ? 0 : level;
  }

  /**
   * An exclusion: an excluded event after step `from` and before step `to`, or before the
   * window's end when `to` was not reached.
   */
  private excluded(rowOf: Int32Array, end: number): boolean {
    const { plan, ts } = this;
    for (let x = 0; x < plan.exclusions.length; x++) {
      const { from, to } = plan.exclusions[x] ?? { from: 0, to: 0 };
      const fromRow = rowOf[from] ?? -1;
      if (fromRow < 0) continue;
      const hit = this.firstAfter(x, ts[fromRow] ?? 0);
      if (hit < 0) continue;
      const tHit = ts[hit] ?? 0;
      const toRow = rowOf[to] ?? -1;
      if (toRow >= 0 ? tHit < (ts[toRow] ?? 0) : tHit <= end) return true;
    }
    return false;
  }

  private sharedOf(a: number, b: number): boolean {
    return this.plan.shared[a]?.[b] ?? false;
  }

  /** Strict order: the user's next event, if it matches step k. */
  private nextStrict(k: number, fromRow: number): number {
    const row = fromRow + 1;
    return row < this.end && ((this.masks[row] ?? 0) & (1 << k)) !== 0 ? row : -1;
  }

  /**
   * The first step-k row at or after the previous step's time; when the two steps can match one
   * event, strictly after the previous step's row (rows are in (time, row) order). Step k is
   * always looked for after the same step, whose row only goes up from one attempt to the next
   * (starts come in order, and each step's row is a rising function of the one before), so the
   * answer does too: the list is walked from the last answer instead of searched.
   */
  private next(k: number, fromRow: number, shared: boolean): number {
    const list = this.stepRows[k] ?? EMPTY;
    const count = this.stepCounts[k] ?? 0;
    let i = this.cursor[k] ?? 0;
    if (shared) {
      while (i < count && (list[i] ?? 0) <= fromRow) i++;
    } else {
      const { ts } = this;
      const t = ts[fromRow] ?? 0;
      while (i < count && (ts[list[i] ?? 0] ?? 0) < t) i++;
    }
    this.cursor[k] = i;
    return i < count ? (list[i] ?? -1) : -1;
  }

  /** The index in step s's list of its first row at or after time t. */
  private firstAtOrAfter(s: number, t: number): number {
    const list = this.stepRows[s] ?? EMPTY;
    let lo = 0;
    let hi = this.stepCounts[s] ?? 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ts[list[mid] ?? 0] ?? 0) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The first row of exclusion x strictly later than time t. */
  private firstAfter(x: number, t: number): number {
    const list = this.exclusionRows[x] ?? EMPTY;
    const count = this.exclusionCounts[x] ?? 0;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ts[list[mid] ?? 0] ?? 0) > t) hi = mid;
      else lo = mid + 1;
    }
    return lo < count ? (list[lo] ?? -1) : -1;
  }

  /** One attempt's row: its start row names it, rowOf gives the step times. */
  private emit(rowOf: Int32Array, start: number, level: number, rng: number, period: number): void {
    const o = this.block;
    const at = o.count;
    o.uid[at] = this.user;
    o.rng[at] = rng;
    o.period[at] = period;
    o.attempt[at] = this.rowidOf(start);
    o.level[at] = level;
    // A loop, not forEach: this runs once per attempt, and a closure per attempt showed in
    // profiles (allocation, and tsx's name wrapper in development).
    const { times, capacity } = o;
    for (let s = 0; s < this.plan.steps; s++) {
      const row = rowOf[s] ?? -1;
      times[s * capacity + at] = row < 0 ? NaN : (this.ts[row] ?? NaN);
    }
    o.count++;
    if (this.plan.perAttempt) o.best[at] = 1;
    else if (this.reports(at, this.reported[rng] ?? -1)) this.reported[rng] = at;
  }

  /**
   * Whether out row `at` is reported before row `than` of the same user and range (-1: none
   * yet), by units.ts's bestOf, on the values written: the level, then (in order) the earlier
   * time of the deepest counted step and the later start, (any order) the earlier start, then
   * the first stored.
   */
  private reports(at: number, than: number): boolean {
    if (than < 0) return true;
    const o = this.block;
    const level = o.level[at] ?? 0;
    const other = o.level[than] ?? 0;
    if (level !== other) return level > other;
    const { times, capacity } = o;
    const s = times[at] ?? 0;
    const r = times[than] ?? 0;
    if (!this.plan.anyOrder) {
      const deep = (level === 1 ? 0 : (this.required[level - 2] ?? 0)) * capacity;
      const a = times[deep + at] ?? 0;
      const b = times[deep + than] ?? 0;
      if (a !== b) return a < b;
      if (s !== r) return s > r;
    } else if (s !== r) {
      return s < r;
    }
    return (o.attempt[at] ?? 0) < (o.attempt[than] ?? 0);
  }
}

/** The range an attempt starting at `t` belongs to, or -1. */
function rangeOf(ranges: FunnelScanPlan['ranges'], t: number): number {
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i];
    if (r !== undefined && t >= r.startUs && t < r.endUs) return i;
  }
  return -1;
}

/** Runs the scan over chunks of the ordered read; null when they were not in stored order. */
export function scanFunnel(
  plan: FunnelScanPlan,
  chunks: Iterable<FunnelScanChunk>,
): FunnelScanRows | null {
  const scanner = new FunnelScanner(plan);
  for (const chunk of chunks) {
    scanner.push(chunk);
    if (scanner.outOfOrder) return null;
  }
  return scanner.finish();
}

function emptyBlock(steps: number, capacity: number): FunnelScanBlock {
  return {
    count: 0,
    capacity,
    uid: new Int32Array(capacity),
    rng: new Int32Array(capacity),
    period: new Float64Array(capacity),
    attempt: new Float64Array(capacity),
    level: new Int32Array(capacity),
    times: new Float64Array(steps * capacity),
    best: new Int32Array(capacity),
  };
}

function resize<T extends Int32Array | Float64Array>(
  array: T,
  size: number,
  Kind: new (length: number) => T,
): T {
  const next = new Kind(size);
  next.set(array.subarray(0, Math.min(array.length, size)));
  return next;
}

/** The scan as a worker task: fed the ordered read batch by batch; null when out of order. */
export const funnelScanTask = defineStreamTask('funnel.scan', {
  open: (plan: FunnelScanPlan) => new FunnelScanner(plan),
  push: (scanner: FunnelScanner, chunk: FunnelScanChunk) => scanner.push(chunk),
  finish: (scanner: FunnelScanner): FunnelScanRows | null =>
    scanner.outOfOrder ? null : scanner.finish(),
});
