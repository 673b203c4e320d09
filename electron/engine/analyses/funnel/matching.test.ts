import { describe, expect, it } from 'vitest';
import { StepMatcher } from './matching';

/** Events 0..n-1 in time order, each with the steps it matches (bit s = step s). */
function kept(steps: number, masks: number[]): number[] {
  const out = new Int32Array(steps);
  const events = Int32Array.from(masks.map((_, i) => i));
  const level = new StepMatcher(steps).match(events, masks.length, Int32Array.from(masks), out);
  return [...out.subarray(0, level)];
}

describe('one event per step, the earliest events', () => {
  it('gives a later event the step an earlier one could have taken', () => {
    // view (pro) fills "view" or "view where pro"; view (free) only "view": both fill a step.
    expect(kept(2, [0b11, 0b01])).toEqual([0, 1]);
  });

  it('never lets one event fill two steps', () => {
    expect(kept(2, [0b11])).toEqual([0]);
    expect(kept(2, [0b11, 0b11, 0b11])).toEqual([0, 1]);
  });

  it('moves every earlier event along a chain to fit one more', () => {
    // Event 0 fits all three steps, 1 the first two, 2 the first: 2 -> 0, 1 -> 1, 0 -> 2.
    expect(kept(3, [0b111, 0b011, 0b001])).toEqual([0, 1, 2]);
  });

  it('skips an event that fits no free step, keeping the next that does', () => {
    // Events 1 and 2 only fit step 0, held by event 0... which moves to step 1 for event 1;
    // event 2 then finds no step; event 3 fits step 2.
    expect(kept(3, [0b011, 0b001, 0b001, 0b100])).toEqual([0, 1, 3]);
  });
});
