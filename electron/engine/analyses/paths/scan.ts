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
  /** How many events each step keeps by name; the rest become "(other)". */
  limit: number;
  /** Event codes are 0..events-1, in name order; `events` is the code of "(other)". */
  events: number;
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
 * The path of every anchored session, one row each: `nodes[k][i]` is session i's node at step k
 * (the anchor at 0, then 1, 2, ... forward, or back from an end event), as an event code, the
 * "(other)" code (plan.events) for an event beyond its step's `limit` most frequent, or -1 when
 * the path is shorter.
 */
export interface PathsScanRows {
  count: number;
  uids: Int32Array;
  sessions: Float64Array;
  nodes: Int32Array[];
  /** firsts[k][i] = 1: session i is its user's first with its node at step k. */
  firsts: Int32Array[];
  /** linkFirsts[k][i] = 1: its user's first with its nodes at steps k and k + 1. */
  linkFirsts: Int32Array[];
  /** A session id or user went down: the events are no longer stored session by session. */
  outOfOrder: boolean;
}

export class PathsScanner {
  private session = -Infinity;
  private uid = -1;
  private n = 0;
  private codes = new Int32Array(256);
  private flags = new Int32Array(256);
  private count = 0;
  private uids = new Int32Array(4096);
  private sessions = new Float64Array(4096);
  /** (steps + 1) codes per session, -1 past the path's end. */
  private paths = new Int32Array(4096 * 2);
  /** Users per (step, code), counted once each: sessions arrive in user order. */
  private readonly users: Int32Array;
  private readonly lastUser: Int32Array;
  outOfOrder = false;

  constructor(private readonly plan: PathsScanPlan) {
    const width = plan.steps + 1;
    this.paths = new Int32Array(4096 * width);
    this.users = new Int32Array(width * Math.max(1, plan.events));
    this.lastUser = new Int32Array(width * Math.max(1, plan.events)).fill(-1);
  }

  push({ uids, sessions, codes, flags, length }: PathsScanChunk): void {
    if (this.outOfOrder) return;
    for (let i = 0; i < length; i++) {
      const session = sessions[i] ?? 0;
      if (session !== this.session) {
        // Users' sessions must come whole and in user order too: users are counted by that order.
        if (session < this.session || (uids[i] ?? 0) < this.uid) {
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
    const width = plan.steps + 1;
    if (this.count === this.uids.length) {
      const size = this.count * 2;
      this.uids = grow(this.uids, size);
      this.sessions = grow(this.sessions, size);
      this.paths = grow(this.paths, size * width);
    }
    const row = this.count * width;
    this.paths.fill(-1, row, row + width);
    const direction = plan.backward ? -1 : 1;
    let step = 0;
    let previous = -1;
    for (let r = anchor; r >= 0 && r < n && step <= plan.steps; r += direction) {
      const code = codes[r] ?? 0;
      if (r !== anchor && ((flags[r] ?? 0) & PATH_FLAGS.hidden) !== 0) continue;
      if (plan.collapseRepeats && code === previous) continue;
      this.paths[row + step] = code;
      const at = step * plan.events + code;
      if (this.lastUser[at] !== this.uid) {
        this.lastUser[at] = this.uid;
        this.users[at] = (this.users[at] ?? 0) + 1;
      }
      previous = code;
      step++;
    }
    this.uids[this.count] = this.uid;
    this.sessions[this.count] = this.session;
    this.count++;
  }

  /**
   * Per step, the code each event is drawn as: itself among the step's `limit` events with the
   * most users (ties by name, which is code order), "(other)" beyond them.
   */
  private nodeCodes(step: number): Int32Array {
    const { events, limit } = this.plan;
    const users = this.users.subarray(step * events, (step + 1) * events);
    const ranked = [...users.keys()]
      .filter((code) => (users[code] ?? 0) > 0)
      .sort((a, b) => (users[b] ?? 0) - (users[a] ?? 0) || a - b);
    const node = new Int32Array(Math.max(1, events)).fill(events);
    for (const code of ranked.slice(0, limit)) node[code] = code;
    return node;
  }

  /** Ends the scan: every anchored session's path, in arrays of exactly `count`. */
  finish(): PathsScanRows {
    if (!this.outOfOrder) this.flush();
    const { count, paths } = this;
    const width = this.plan.steps + 1;
    const nodes = Array.from({ length: width }, (_, step) => {
      const node = this.nodeCodes(step);
      const column = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const code = paths[i * width + step] ?? -1;
        column[i] = code < 0 ? -1 : (node[code] ?? -1);
      }
      return column;
    });
    const uids = this.uids.slice(0, count);
    const codes = this.plan.events + 1;
    const firsts = nodes.map((column) => firstOfUser(uids, column, codes));
    const linkFirsts = nodes.slice(1).map((next, k) => {
      const pair = new Int32Array(count);
      const here = nodes[k] ?? pair;
      for (let i = 0; i < count; i++) {
        pair[i] = (next[i] ?? -1) < 0 ? -1 : (here[i] ?? 0) * codes + (next[i] ?? 0);
      }
      return firstOfUser(uids, pair, codes * codes);
    });
    return {
      count,
      uids,
      sessions: this.sessions.slice(0, count),
      nodes,
      firsts,
      linkFirsts,
      outOfOrder: this.outOfOrder,
    };
  }
}

/**
 * 1 where a row is its user's first with its key (keys 0..size-1, -1 for none): rows come in user
 * order, so a user's repeat of a key is told by the last user seen with it. What lets the Sankey
 * count users as a plain sum rather than a distinct count per node.
 */
function firstOfUser(uids: Int32Array, keys: Int32Array, size: number): Int32Array {
  const last = new Int32Array(size).fill(-1);
  const first = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? -1;
    if (key < 0) continue;
    const uid = uids[i] ?? 0;
    if (last[key] !== uid) {
      last[key] = uid;
      first[i] = 1;
    }
  }
  return first;
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
