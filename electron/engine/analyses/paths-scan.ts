import { OTHER_LABEL } from '../../../shared/specs/common';
import type { PathsResult } from '../../../shared/specs/paths';

/**
 * Paths in one pass over the events in stored order, where each session's events are contiguous
 * and in (time, row) order: per session the anchor, then the next (or previous) visible events,
 * up to the number of steps. The same rules as the SQL of paths.ts, which numbers every event of
 * every anchored session with a window sort; this reads each row once.
 */

/** Row flags the scan query computes. */
export const PATH_FLAGS = { anchor: 1, hidden: 2, inRange: 4 } as const;

export interface PathsScanPlan {
  /** Event names by code. */
  events: string[];
  steps: number;
  limit: number;
  backward: boolean;
  /** Without a start or end event, the anchor is the session's first visible event. */
  anchored: boolean;
  collapseRepeats: boolean;
}

export class PathsScanner {
  private readonly plan: PathsScanPlan;
  private session = -Infinity;
  private uid = -1;
  private n = 0;
  private codes = new Int32Array(256);
  private flags = new Int32Array(256);
  /** Per anchored session: its user and the event code at each step (-1 = none). */
  private sessionUids = new Int32Array(1024);
  private sessionSteps = new Int32Array(1024);
  private sessions = 0;
  outOfOrder = false;

  constructor(plan: PathsScanPlan) {
    this.plan = plan;
    this.sessionSteps = new Int32Array(1024 * (plan.steps + 1));
  }

  push(
    uids: Int32Array,
    sessions: Float64Array,
    codes: Int32Array,
    flags: Int32Array,
    length: number,
  ): void {
    for (let i = 0; i < length; i++) {
      const session = sessions[i] ?? 0;
      if (session !== this.session) {
        if (session < this.session) this.outOfOrder = true;
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
    if (this.sessions === this.sessionUids.length) {
      this.sessionUids = grow(this.sessionUids, this.sessions * 2);
      this.sessionSteps = grow(this.sessionSteps, this.sessions * 2 * width);
    }
    const base = this.sessions * width;
    this.sessionSteps.fill(-1, base, base + width);
    this.sessionUids[this.sessions] = this.uid;
    const direction = plan.backward ? -1 : 1;
    let step = 0;
    let previous = -1;
    for (let r = anchor; r >= 0 && r < n && step < width; r += direction) {
      const code = codes[r] ?? 0;
      if (r !== anchor && ((flags[r] ?? 0) & PATH_FLAGS.hidden) !== 0) continue;
      if (plan.collapseRepeats && code === previous) continue;
      this.sessionSteps[base + step] = code;
      previous = code;
      step++;
    }
    this.sessions++;
  }

  /** Ends the scan: the nodes and links of the Sankey, counted as paths.ts counts them. */
  finish(): Omit<PathsResult, 'kind' | 'sampled'> {
    this.flush();
    const { plan } = this;
    const width = plan.steps + 1;
    const codes = plan.events.length;
    const other = codes;
    const sign = plan.backward ? -1 : 1;
    // Users per (step, event): sessions arrive in user order, so "a user not yet counted for this
    // key" is "a user other than the last one counted for it".
    const users = new Int32Array(width * codes);
    const lastUid = new Int32Array(width * codes).fill(-1);
    for (let s = 0; s < this.sessions; s++) {
      const uid = this.sessionUids[s] ?? 0;
      for (let k = 0; k < width; k++) {
        const code = this.sessionSteps[s * width + k] ?? -1;
        if (code < 0) break;
        const key = k * codes + code;
        if (lastUid[key] !== uid) {
          lastUid[key] = uid;
          users[key] = (users[key] ?? 0) + 1;
        }
      }
    }
    // Each step keeps its `limit` most frequent events (by users, then name); the rest are other.
    const kept = new Uint8Array(width * codes);
    for (let k = 0; k < width; k++) {
      const ranked = plan.events
        .map((name, code) => ({ name, code, users: users[k * codes + code] ?? 0 }))
        .filter((e) => e.users > 0)
        .sort((a, b) => b.users - a.users || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .slice(0, plan.limit);
      for (const e of ranked) kept[k * codes + e.code] = 1;
    }
    const nodeOf = (k: number, code: number): number =>
      kept[k * codes + code] === 1 ? code : other;
    const nameOf = (node: number): string =>
      node === other ? OTHER_LABEL : (plan.events[node] ?? '');

    const nodes = new Map<number, { users: number; sessions: number; last: number }>();
    const links = new Map<number, { users: number; sessions: number; last: number }>();
    const count = (
      map: Map<number, { users: number; sessions: number; last: number }>,
      key: number,
      uid: number,
    ): void => {
      let entry = map.get(key);
      if (entry === undefined) {
        entry = { users: 0, sessions: 0, last: -1 };
        map.set(key, entry);
      }
      entry.sessions++;
      if (entry.last !== uid) {
        entry.last = uid;
        entry.users++;
      }
    };
    const span = codes + 1;
    for (let s = 0; s < this.sessions; s++) {
      const uid = this.sessionUids[s] ?? 0;
      let previous = -1;
      for (let k = 0; k < width; k++) {
        const code = this.sessionSteps[s * width + k] ?? -1;
        if (code < 0) break;
        const node = nodeOf(k, code);
        count(nodes, k * span + node, uid);
        if (previous >= 0) count(links, ((k - 1) * span + previous) * span + node, uid);
        previous = node;
      }
    }
    const id = (step: number, event: string): string => `${step}:${event}`;
    return {
      direction: plan.backward ? 'backward' : 'forward',
      nodes: [...nodes.entries()]
        .map(([key, v]) => {
          const step = sign * Math.floor(key / span) || 0; // never -0
          const event = nameOf(key % span);
          return { id: id(step, event), step, event, users: v.users, sessions: v.sessions };
        })
        .sort((x, y) => x.step - y.step || y.users - x.users || x.event.localeCompare(y.event)),
      links: [...links.entries()]
        .map(([key, v]) => {
          const later = key % span;
          const from = Math.floor(key / span);
          const k = Math.floor(from / span);
          const earlier = from % span;
          // Links run in time order: forward from step k to k + 1, backward from -(k + 1) to -k.
          const [source, target] = plan.backward
            ? [id(-(k + 1), nameOf(later)), id(-k, nameOf(earlier))]
            : [id(k, nameOf(earlier)), id(k + 1, nameOf(later))];
          return { source, target, users: v.users, sessions: v.sessions };
        })
        .sort(
          (x, y) =>
            x.source.localeCompare(y.source) ||
            y.users - x.users ||
            x.target.localeCompare(y.target),
        ),
      sessions: this.sessions,
    };
  }
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(size, 16));
  next.set(array);
  return next;
}
