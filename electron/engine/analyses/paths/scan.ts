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

/** Bit of PathsScanRows.firsts saying a session is its user's first through node k. */
export const firstBit = (k: number): number => 1 << k;

/** Bit of PathsScanRows.firsts saying a session is its user's first through link k, k + 1. */
export const linkFirstBit = (steps: number, k: number): number => 1 << (steps + 1 + k);

/** Bits of a row's cell below its event: the flags. */
const FLAG_BITS = 3;

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
  /**
   * How the read carries sessions. 'column': a sessions column. Else `values` holds the
   * session's number within its user above `shift` bits (the session id being uid * perUser +
   * that number, as the import numbers them), the cell below.
   */
  sessions: 'column' | { shift: number; perUser: number };
  /** Per node code (0..events), its index among the units table's node names. */
  nodeIndex: Int32Array;
}

/**
 * One chunk of the ordered read: the columns of `length` rows. A row's cell is its event code
 * plus one above FLAG_BITS, its flags below (0 above them: an event the codes do not name).
 */
export interface PathsScanChunk {
  uids: Int32Array;
  /** With sessions: 'column'; else they are packed into `values`. */
  sessions?: Float64Array;
  values: Int32Array;
  length: number;
}

/** The cell a read computes from an event code (-1 for none) and its flags. */
export function cellOf(code: number, flags: number): number {
  return ((code + 1) << FLAG_BITS) | flags;
}

/** Bits a cell takes with codes 0..events-1 (and -1). */
export function cellBits(events: number): number {
  return Math.max(1, Math.ceil(Math.log2(events + 1))) + FLAG_BITS;
}

/**
 * The path of every anchored session, one row each: its user, its session and its path, an
 * index into the distinct paths, which hold the nodes at each step k (the anchor at 0, then 1,
 * 2, ... forward, or back from an end event) as their indexes among the node names
 * (plan.nodeIndex); `valid[k]` has bit j set (32 a word) where path j reaches step k.
 */
export interface PathsScanRows {
  count: number;
  uids: Int32Array;
  sessions: BigInt64Array;
  /** Per session, its path: an index into `nodes`. */
  paths: Int32Array;
  /**
   * Per session, bit k (firstBit): its user's first session with its node at step k; bit
   * steps + 1 + k (linkFirstBit): the first with its nodes at steps k and k + 1.
   */
  firsts: Int32Array;
  /** How many distinct paths. */
  distinct: number;
  nodes: Uint16Array[];
  valid: Uint32Array[];
  /** A session id or user went down: the events are no longer stored session by session. */
  outOfOrder: boolean;
  /** A packed row could not hold its session (plan.sessions): read with a sessions column. */
  unpacked: boolean;
}

export class PathsScanner {
  private session = -Infinity;
  private uid = -1;
  private n = 0;
  private cells = new Int32Array(256);
  private count = 0;
  private uids = new Int32Array(4096);
  private sessions = new Float64Array(4096);
  /** (steps + 1) codes per session, -1 past the path's end. */
  private paths: Int32Array;
  /** Users per (step, code), counted once each: sessions arrive in user order. */
  private readonly users: Int32Array;
  private readonly lastUser: Int32Array;
  outOfOrder = false;
  unpacked = false;

  constructor(private readonly plan: PathsScanPlan) {
    const width = plan.steps + 1;
    this.paths = new Int32Array(4096 * width);
    this.users = new Int32Array(width * Math.max(1, plan.events));
    this.lastUser = new Int32Array(width * Math.max(1, plan.events)).fill(-1);
  }

  push(chunk: PathsScanChunk): void {
    if (this.outOfOrder || this.unpacked) return;
    const { sessions } = this.plan;
    if (sessions === 'column') this.pushColumns(chunk);
    else this.pushPacked(chunk, sessions.shift, sessions.perUser);
  }

  private pushColumns({ uids, sessions, values, length }: PathsScanChunk): void {
    if (sessions === undefined) throw new Error('a paths read without its sessions column');
    for (let i = 0; i < length; i++) {
      const session = sessions[i] ?? 0;
      if (session !== this.session && !this.next(session, uids[i] ?? 0)) return;
      if (this.n === this.cells.length) this.cells = grow(this.cells, this.n * 2);
      this.cells[this.n++] = values[i] ?? 0;
    }
  }

  private pushPacked(chunk: PathsScanChunk, shift: number, perUser: number): void {
    const { uids, values, length } = chunk;
    const cellMask = (1 << shift) - 1;
    let session = this.session;
    for (let i = 0; i < length; i++) {
      const value = values[i] ?? -1;
      if (value < 0) {
        this.unpacked = true;
        return;
      }
      const uid = uids[i] ?? 0;
      // Exact in a double: uid < 2^31 and perUser * 2^31 < 2^53.
      const next = uid * perUser + (value >>> shift);
      if (next !== session) {
        if (!this.next(next, uid)) return;
        session = next;
      }
      if (this.n === this.cells.length) this.cells = grow(this.cells, this.n * 2);
      this.cells[this.n++] = value & cellMask;
    }
  }

  /** A new session begins; false when the read is out of order (and the scan is over). */
  private next(session: number, uid: number): boolean {
    // Users' sessions must come whole and in user order too: users are counted by that order.
    if (session < this.session || uid < this.uid) {
      this.outOfOrder = true;
      return false;
    }
    this.flush();
    this.session = session;
    this.uid = uid;
    return true;
  }

  /** The session just read: find its anchor and walk from it. */
  private flush(): void {
    const { plan, cells } = this;
    const n = this.n;
    this.n = 0;
    if (n === 0) return;
    const flagMask = (1 << FLAG_BITS) - 1;
    let anchor = -1;
    for (let r = 0; r < n; r++) {
      const f = (cells[r] ?? 0) & flagMask;
      if (plan.anchored ? (f & PATH_FLAGS.anchor) !== 0 : (f & PATH_FLAGS.hidden) === 0) {
        anchor = r;
        break;
      }
    }
    if (anchor < 0) return;
    if (!plan.anchored && ((cells[anchor] ?? 0) & PATH_FLAGS.inRange) === 0) return;
    const width = plan.steps + 1;
    if (this.count === this.uids.length) {
      const size = this.count * 2;
      this.uids = grow(this.uids, size);
      this.sessions = grow(this.sessions, size);
      this.paths = grow(this.paths, size * width);
    }
    const row = this.count * width;
    const { paths } = this;
    for (let k = 0; k < width; k++) paths[row + k] = -1;
    const direction = plan.backward ? -1 : 1;
    let step = 0;
    let previous = -1;
    for (let r = anchor; r >= 0 && r < n && step <= plan.steps; r += direction) {
      const cell = cells[r] ?? 0;
      if (r !== anchor && (cell & PATH_FLAGS.hidden) !== 0) continue;
      const code = (cell >> FLAG_BITS) - 1;
      if (plan.collapseRepeats && code === previous) continue;
      paths[row + step] = code;
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
    if (!this.outOfOrder && !this.unpacked) this.flush();
    const { count, paths, plan } = this;
    const { events, nodeIndex } = plan;
    const width = plan.steps + 1;
    const codes = events + 1;
    const uids = this.uids.slice(0, count);
    // Per step, each code's node: itself or "(other)".
    const nodeOf = new Int32Array(width * Math.max(1, events));
    for (let k = 0; k < width; k++) nodeOf.set(this.nodeCodes(k), k * events);
    const firsts = new Int32Array(count);
    const pathOf = new Int32Array(count);
    // The distinct paths, keyed by their nodes in base codes + 1 (a string where that number
    // would not be exact): on the 10M-event bench 1M sessions follow 22k paths.
    const numeric = (codes + 1) ** width <= Number.MAX_SAFE_INTEGER;
    const ids = new Map<number | string, number>();
    let distinct: Int32Array = new Int32Array(1024 * width);
    // A user's first session through a node, and through a link: rows come in user order, so a
    // repeat is told by the last user seen with the key. What lets the Sankey count users as a
    // plain sum rather than a distinct count per node.
    const lastNode = new Int32Array(width * codes).fill(-1);
    const lastLink = new Int32Array(Math.max(0, width - 1) * codes * codes).fill(-1);
    for (let i = 0; i < count; i++) {
      const uid = uids[i] ?? 0;
      const row = i * width;
      let previous = -1;
      let key = 0;
      let length = 0;
      // A path holds its steps from 0 on: the first -1 ends it.
      for (let k = 0; k < width; k++) {
        const code = paths[row + k] ?? -1;
        if (code < 0) break;
        const node = nodeOf[k * events + code] ?? events;
        key = key * (codes + 1) + node + 1;
        length++;
        const at = k * codes + node;
        if (lastNode[at] !== uid) {
          lastNode[at] = uid;
          firsts[i] = (firsts[i] ?? 0) | firstBit(k);
        }
        if (k > 0) {
          const link = ((k - 1) * codes + previous) * codes + node;
          if (lastLink[link] !== uid) {
            lastLink[link] = uid;
            firsts[i] = (firsts[i] ?? 0) | linkFirstBit(plan.steps, k - 1);
          }
        }
        previous = node;
      }
      const name = numeric ? key : paths.subarray(row, row + length).join(',');
      let id = ids.get(name);
      if (id === undefined) {
        id = ids.size;
        ids.set(name, id);
        if ((id + 1) * width > distinct.length) distinct = grow(distinct, distinct.length * 2);
        for (let k = 0; k < width; k++) {
          const code = k < length ? (paths[row + k] ?? 0) : -1;
          distinct[id * width + k] = code < 0 ? -1 : (nodeOf[k * events + code] ?? events);
        }
      }
      pathOf[i] = id;
    }
    const n = ids.size;
    const nodes = Array.from({ length: width }, () => new Uint16Array(n));
    const valid = Array.from({ length: width }, () => new Uint32Array(Math.ceil(n / 32)));
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < width; k++) {
        const node = distinct[j * width + k] ?? -1;
        if (node < 0) break;
        (nodes[k] as Uint16Array)[j] = nodeIndex[node] ?? 0;
        const bits = valid[k] as Uint32Array;
        bits[j >>> 5] = (bits[j >>> 5] ?? 0) | (1 << (j & 31));
      }
    }
    return {
      count,
      uids,
      sessions: bigints(this.sessions, count),
      paths: pathOf,
      firsts,
      distinct: n,
      nodes,
      valid,
      outOfOrder: this.outOfOrder,
      unpacked: this.unpacked,
    };
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Whole numbers (below 2^53) as BIGINTs: written as two 32-bit words each, which is ~20x faster
 * than a BigInt per value.
 */
function bigints(values: Float64Array, count: number): BigInt64Array {
  const out = new BigInt64Array(count);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < count; i++) out[i] = BigInt(values[i] ?? 0);
    return out;
  }
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    const x = values[i] ?? 0;
    const high = Math.floor(x / 4294967296);
    words[2 * i] = x - high * 4294967296;
    words[2 * i + 1] = high;
  }
  return out;
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
