import { defineStreamTask } from '../../workers/task';

/**
 * Paths in one pass over the events in stored order, where each session's events are contiguous
 * and in (time, row) order: per session the anchor, then the next (or previous) visible events,
 * up to the number of steps. The same rules as the SQL of units.ts (which numbers every event of
 * every anchored session with a window sort); this reads each row once. It runs in a worker
 * thread (workers/pool.ts), fed the read chunk by chunk.
 */

/** Row flags the scan query computes. */
export const PATH_FLAGS = { anchor: 1, hidden: 2, inRange: 4 } as const;

export interface PathsScanPlan {
  steps: number;
  backward: boolean;
  /** Without a start or end event, the anchor is the session's first visible event. */
  anchored: boolean;
  collapseRepeats: boolean;
}

/** One chunk of the ordered read: the columns of `length` rows. */
export interface PathsScanChunk {
  uids: Int32Array;
  sessions: Float64Array;
  codes: Int32Array;
  flags: Int32Array;
  length: number;
}

/**
 * The path steps of every anchored session, one row each: step 0 is the anchor, then 1, 2, ...
 * forward or -1, -2, ... backward; `codes` are the scan's event codes.
 */
export interface PathsScanRows {
  count: number;
  uids: Int32Array;
  sessions: Float64Array;
  steps: Int32Array;
  codes: Int32Array;
  /** A session id went down: the events are no longer stored session by session. */
  outOfOrder: boolean;
}

export class PathsScanner {
  private session = -Infinity;
  private uid = -1;
  private n = 0;
  private codes = new Int32Array(256);
  private flags = new Int32Array(256);
  private readonly out: Omit<PathsScanRows, 'outOfOrder'> = {
    count: 0,
    uids: new Int32Array(4096),
    sessions: new Float64Array(4096),
    steps: new Int32Array(4096),
    codes: new Int32Array(4096),
  };
  outOfOrder = false;

  constructor(private readonly plan: PathsScanPlan) {}

  push({ uids, sessions, codes, flags, length }: PathsScanChunk): void {
    if (this.outOfOrder) return;
    for (let i = 0; i < length; i++) {
      const session = sessions[i] ?? 0;
      if (session !== this.session) {
        if (session < this.session) {
          this.outOfOrder = true;
          return;
        }
        this.flush();
        this.session = session;
        this.uid = uids[i] ?? 0;
      }
      if (this.n === this.codes.length) {
        this.codes = grow(this.codes, this.n * 2);
        this.flags = grow(this.flags, this.n * 2);
      }
      this.codes[this.n] = codes[i] ?? 0;
      this.flags[this.n] = flags[i] ?? 0;
      this.n++;
    }
  }

  /** The session just read: find its anchor and walk from it. */
  private flush(): void {
    const { plan, codes, flags } = this;
    const n = this.n;
    this.n = 0;
    if (n === 0) return;
    let anchor = -1;
    for (let r = 0; r < n; r++) {
      const f = flags[r] ?? 0;
      if (plan.anchored ? (f & PATH_FLAGS.anchor) !== 0 : (f & PATH_FLAGS.hidden) === 0) {
        anchor = r;
        break;
      }
    }
    if (anchor < 0) return;
    if (!plan.anchored && ((flags[anchor] ?? 0) & PATH_FLAGS.inRange) === 0) return;
    const direction = plan.backward ? -1 : 1;
    let step = 0;
    let previous = -1;
    for (let r = anchor; r >= 0 && r < n && step <= plan.steps; r += direction) {
      const code = codes[r] ?? 0;
      if (r !== anchor && ((flags[r] ?? 0) & PATH_FLAGS.hidden) !== 0) continue;
      if (plan.collapseRepeats && code === previous) continue;
      this.emit(step * direction, code);
      previous = code;
      step++;
    }
  }

  private emit(step: number, code: number): void {
    const out = this.out;
    if (out.count === out.uids.length) {
      const size = out.count * 2;
      out.uids = grow(out.uids, size);
      out.sessions = grow(out.sessions, size);
      out.steps = grow(out.steps, size);
      out.codes = grow(out.codes, size);
    }
    out.uids[out.count] = this.uid;
    out.sessions[out.count] = this.session;
    // Never -0: step 0 reads the same both ways.
    out.steps[out.count] = step === 0 ? 0 : step;
    out.codes[out.count] = code;
    out.count++;
  }

  /** Ends the scan: every step row, in arrays of exactly `count`. */
  finish(): PathsScanRows {
    if (!this.outOfOrder) this.flush();
    const { count } = this.out;
    return {
      count,
      uids: this.out.uids.slice(0, count),
      sessions: this.out.sessions.slice(0, count),
      steps: this.out.steps.slice(0, count),
      codes: this.out.codes.slice(0, count),
      outOfOrder: this.outOfOrder,
    };
  }
}

function grow<T extends Int32Array | Float64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, 16));
  next.set(array);
  return next;
}

/** The scan as a worker task: opened with its plan, fed the read, answered with its rows. */
export const pathsScanTask = defineStreamTask('paths.scan', {
  open: (plan: PathsScanPlan) => new PathsScanner(plan),
  push: (scanner, chunk: PathsScanChunk, ctx) => {
    ctx.throwIfCancelled();
    scanner.push(chunk);
  },
  finish: (scanner) => scanner.finish(),
});
