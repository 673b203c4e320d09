/**
 * Any-order funnels whose steps can match one and the same event (step A = view, step B = view
 * where plan = pro): one event fills at most one step, as Amplitude and PostHog count them. An
 * attempt's level is then the largest number of steps that distinct events of its window can
 * fill: a maximum matching between the steps and the events.
 *
 * Which matching, when several reach the largest level: the one of the earliest events. The
 * window's events are taken in (time, row) order and each is kept when the events kept so far
 * and it can still fill distinct steps (one augmenting path). The sets of events that can fill
 * distinct steps form a matroid (a transversal matroid), so this greedy keeps, for every j at
 * once, the earliest event by which j + 1 steps can be done: the step times t0..t{n-1} are the
 * earliest possible, and t_j is "when j + 1 of the steps were done".
 *
 * Only the first `steps` events of each step (in the window) can matter: a step filled by a later
 * event has one of its first `steps` events free (the other steps hold at most steps - 1 of
 * them), which fills it as well and earlier. So an attempt reads at most steps² events.
 */
import type { FunnelPlan } from './plan';

/** An any-order funnel two of whose steps can match one event: only the scan computes it. */
export function anyOrderSharesEvents(plan: Pick<FunnelPlan, 'spec' | 'shared'>): boolean {
  return plan.spec.order === 'any' && plan.shared.some((row, i) => row.some((s, j) => j > i && s));
}

export class StepMatcher {
  private readonly steps: number;
  /** The event (as the caller numbers it) filling each step, -1 = none. */
  private readonly filledBy: Int32Array;
  /** Steps visited by the current augmenting search: marked with the search's stamp. */
  private readonly seen: Int32Array;
  private stamp = 0;
  private masks: Int32Array = new Int32Array(0);

  constructor(steps: number) {
    this.steps = steps;
    this.filledBy = new Int32Array(steps);
    this.seen = new Int32Array(steps);
  }

  /**
   * Takes `count` candidate events `events[0..count)` in (time, row) order, each named by an
   * index into `masks` (bit s: it matches step s). Writes the kept events, in order, to `kept`
   * and returns how many were kept (the level).
   */
  match(events: Int32Array, count: number, masks: Int32Array, kept: Int32Array): number {
    this.masks = masks;
    this.filledBy.fill(-1);
    let level = 0;
    for (let i = 0; i < count && level < this.steps; i++) {
      const e = events[i] ?? 0;
      this.stamp++;
      if (this.stamp === 0x7fffffff) {
        this.seen.fill(0);
        this.stamp = 1;
      }
      if (this.augment(e)) kept[level++] = e;
    }
    return level;
  }

  /** Finds a step for event e, moving the events that fill steps to others where they can. */
  private augment(e: number): boolean {
    const mask = this.masks[e] ?? 0;
    for (let s = 0; s < this.steps; s++) {
      if ((mask & (1 << s)) === 0 || this.seen[s] === this.stamp) continue;
      this.seen[s] = this.stamp;
      const holder = this.filledBy[s] ?? -1;
      if (holder < 0 || this.augment(holder)) {
        this.filledBy[s] = e;
        return true;
      }
    }
    return false;
  }
}
