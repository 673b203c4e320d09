/**
 * The ordered funnel as one pass over a user's matching events, the way ClickHouse's windowFunnel
 * works: the events arrive in (user, time, row) order, each with a bit mask of the steps and
 * exclusions it matches, and every first-step event in the range starts an attempt whose chain
 * is found by binary search in the per-step lists. It computes exactly what the SQL chain of
 * funnel.ts computes (same rules, same tie-breaks), without the joins: that is what makes a
 * 10M-event funnel interactive.
 */

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
  rangeStartUs: number;
  rangeEndUs: number;
  /** One unit per user (its furthest attempt) or one per attempt. */
  perAttempt: boolean;
}

/** Counted units, column by column: step times (NaN = not reached) and the level reached. */
export interface FunnelScanUnits {
  count: number;
  uid: Int32Array;
  level: Int32Array;
  times: Float64Array[];
}

const GROW = 1.5;

/** Collects a user's rows, then computes their attempts; units accumulate across users. */
export class FunnelScanner {
  private readonly plan: FunnelScanPlan;
  private user = -1;
  private n = 0;
  private ts = new Float64Array(1024);
  private masks = new Int32Array(1024);
  private readonly stepRows: Int32Array[];
  private readonly stepCounts: Int32Array;
  private readonly exclusionRows: Int32Array[];
  private readonly exclusionCounts: Int32Array;
  private units: FunnelScanUnits;
  private readonly rowOf: Int32Array;
  private readonly bestRows: Int32Array;
  private readonly required: Int32Array;
  /** The highest level an attempt can reach: the first step plus every required one. */
  private readonly topLevel: number;
  /** Set when rows arrive out of (user, time) order: the caller must not trust the result. */
  outOfOrder = false;

  constructor(plan: FunnelScanPlan) {
    this.plan = plan;
    this.stepRows = Array.from({ length: plan.steps }, () => new Int32Array(256));
    this.stepCounts = new Int32Array(plan.steps);
    this.exclusionRows = plan.exclusions.map(() => new Int32Array(256));
    this.exclusionCounts = new Int32Array(plan.exclusions.length);
    this.units = emptyUnits(plan.steps, 4096);
    this.rowOf = new Int32Array(plan.steps);
    this.bestRows = new Int32Array(plan.steps);
    this.required = Int32Array.from(plan.required);
    this.topLevel = 1 + plan.required.length;
  }

  /** Feeds one batch of rows (a DuckDB chunk's columns). */
  push(uids: Int32Array, times: Float64Array, masks: Int32Array, length: number): void {
    let i = 0;
    while (i < length) {
      const uid = uids[i] ?? 0;
      if (uid !== this.user) {
        if (uid < this.user) this.outOfOrder = true;
        this.flushUser();
        this.user = uid;
      }
      // The user's run of rows in this batch is copied in one go.
      let j = i + 1;
      while (j < length && uids[j] === uid) j++;
      this.reserve(this.n + j - i);
      const ts = this.ts;
      let last = this.n > 0 ? (ts[this.n - 1] ?? 0) : -Infinity;
      for (let r = i; r < j; r++) {
        const t = times[r] ?? 0;
        if (t < last) this.outOfOrder = true;
        last = t;
      }
      ts.set(times.subarray(i, j), this.n);
      this.masks.set(masks.subarray(i, j), this.n);
      this.n += j - i;
      i = j;
    }
  }

  /** Ends the scan and hands over the units. */
  finish(): FunnelScanUnits {
    this.flushUser();
    return this.units;
  }

  private reserve(rows: number): void {
    if (rows <= this.ts.length) return;
    const size = Math.max(rows, Math.ceil(this.ts.length * GROW));
    const ts = new Float64Array(size);
    ts.set(this.ts);
    this.ts = ts;
    const masks = new Int32Array(size);
    masks.set(this.masks);
    this.masks = masks;
  }

  private flushUser(): void {
    if (this.n === 0) return;
    const { plan } = this;
    // Per-step (and per-exclusion) lists of row indices, in time order.
    this.stepCounts.fill(0);
    this.exclusionCounts.fill(0);
    for (let r = 0; r < this.n; r++) {
      const mask = this.masks[r] ?? 0;
      for (let s = 0; s < plan.steps; s++) {
        if ((mask & (1 << s)) !== 0) this.pushRow(this.stepRows, this.stepCounts, s, r);
      }
      for (let x = 0; x < plan.exclusions.length; x++) {
        if ((mask & (1 << (plan.steps + x))) !== 0)
          this.pushRow(this.exclusionRows, this.exclusionCounts, x, r);
      }
    }
    this.attempts();
    this.n = 0;
  }

  private pushRow(lists: Int32Array[], counts: Int32Array, i: number, row: number): void {
    let list = lists[i] ?? new Int32Array(256);
    const count = counts[i] ?? 0;
    if (count === list.length) {
      list = grow(list, Int32Array);
      lists[i] = list;
    }
    list[count] = row;
    counts[i] = count + 1;
  }

  /** Every first-step event in the range is an attempt; keep them all or the user's best. */
  private attempts(): void {
    const { plan, rowOf, bestRows, ts } = this;
    const starts = this.stepRows[0] ?? new Int32Array(0);
    const startCount = this.stepCounts[0] ?? 0;
    let bestLevel = 0;
    for (let a = 0; a < startCount; a++) {
      const r0 = starts[a] ?? 0;
      const t0 = ts[r0] ?? 0;
      if (t0 < plan.rangeStartUs || t0 >= plan.rangeEndUs) continue;
      const level = this.chain(r0, rowOf);
      if (level === 0) continue; // excluded
      if (plan.perAttempt) {
        this.emit(rowOf, level);
      } else if (level > bestLevel) {
        // Attempts come in time order: the first of the highest level is the earliest one, and
        // once the whole funnel is done no later attempt can replace it.
        bestLevel = level;
        bestRows.set(rowOf);
        if (level === this.topLevel) break;
      }
    }
    if (!plan.perAttempt && bestLevel > 0) this.emit(bestRows, bestLevel);
  }

  /**
   * Fills rowOf with the row that fills each step (-1 = not reached) and returns the level, or
   * 0 when an exclusion removes the attempt.
   */
  private chain(r0: number, rowOf: Int32Array): number {
    const { plan, ts, required } = this;
    rowOf.fill(-1);
    rowOf[0] = r0;
    const t0 = ts[r0] ?? 0;
    const end = t0 + plan.windowUs;
    let prev = 0;
    let level = 1;
    for (let i = 0; i < required.length; i++) {
      const k = required[i] ?? 0;
      const from = rowOf[prev] ?? -1;
      if (from < 0) break;
      const row = this.next(k, from, this.sharedOf(prev, k));
      if (row >= 0 && (ts[row] ?? 0) <= end) {
        rowOf[k] = row;
        level++;
      }
      prev = k;
    }
    for (const o of plan.optional) {
      const from = rowOf[o.before] ?? -1;
      if (from < 0) continue;
      const afterRow = o.after < 0 ? -1 : (rowOf[o.after] ?? -1);
      const limit = afterRow < 0 ? end : Math.min(this.ts[afterRow] ?? end, end);
      const row = this.next(o.step, from, this.sharedOf(o.before, o.step));
      if (row >= 0 && (this.ts[row] ?? 0) <= limit) rowOf[o.step] = row;
    }
    for (let x = 0; x < plan.exclusions.length; x++) {
      const { from, to } = plan.exclusions[x] ?? { from: 0, to: 0 };
      const fromRow = rowOf[from] ?? -1;
      if (fromRow < 0) continue;
      const tFrom = this.ts[fromRow] ?? 0;
      const hit = this.firstAfter(x, tFrom);
      if (hit < 0) continue;
      const tHit = this.ts[hit] ?? 0;
      const toRow = rowOf[to] ?? -1;
      if (toRow >= 0 ? tHit < (this.ts[toRow] ?? 0) : tHit <= end) return 0;
    }
    return level;
  }

  private sharedOf(a: number, b: number): boolean {
    return this.plan.shared[a]?.[b] ?? false;
  }

  /**
   * The first step-k row at or after the previous step's time; when the two steps can match one
   * event, strictly after the previous step's row (rows are in (time, row) order).
   */
  private next(k: number, fromRow: number, shared: boolean): number {
    const list = this.stepRows[k] ?? new Int32Array(0);
    const count = this.stepCounts[k] ?? 0;
    let lo = 0;
    let hi = count;
    if (shared) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((list[mid] ?? 0) > fromRow) hi = mid;
        else lo = mid + 1;
      }
    } else {
      const t = this.ts[fromRow] ?? 0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.ts[list[mid] ?? 0] ?? 0) >= t) hi = mid;
        else lo = mid + 1;
      }
    }
    return lo < count ? (list[lo] ?? -1) : -1;
  }

  /** The first row of exclusion x strictly later than time t. */
  private firstAfter(x: number, t: number): number {
    const list = this.exclusionRows[x] ?? new Int32Array(0);
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

  private emit(rowOf: Int32Array, level: number): void {
    let u = this.units;
    if (u.count === u.uid.length) {
      u = {
        count: u.count,
        uid: grow(u.uid, Int32Array),
        level: grow(u.level, Int32Array),
        times: u.times.map((t) => grow(t, Float64Array)),
      };
      this.units = u;
    }
    u.uid[u.count] = this.user;
    u.level[u.count] = level;
    u.times.forEach((column, s) => {
      const row = rowOf[s] ?? -1;
      column[u.count] = row < 0 ? NaN : (this.ts[row] ?? NaN);
    });
    u.count++;
  }
}

function emptyUnits(steps: number, capacity: number): FunnelScanUnits {
  return {
    count: 0,
    uid: new Int32Array(capacity),
    level: new Int32Array(capacity),
    times: Array.from({ length: steps }, () => new Float64Array(capacity)),
  };
}

function grow<T extends Int32Array | Float64Array>(array: T, Kind: new (length: number) => T): T {
  const next = new Kind(Math.ceil(array.length * GROW) + 16);
  next.set(array);
  return next;
}
