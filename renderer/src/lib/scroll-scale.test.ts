import { describe, expect, it } from 'vitest';
import { drawnTop, movedOffset, scrollScale } from './scroll-scale';

describe('scroll scale', () => {
  it('is the identity when the rows fit under the cap', () => {
    const s = scrollScale(28 * 1000, 400, 15_000_000);
    expect(s).toEqual({ spacer: 28_000, scale: 1, maxOffset: 27_600 });
    expect(drawnTop(2800, 1234, s.scale)).toBe(2800);
  });

  it('maps the whole scroll range onto every row past the cap', () => {
    const rows = 1_552_221;
    const s = scrollScale(rows * 28, 420, 15_000_000);
    expect(s.spacer).toBe(15_000_000);
    // The last scroll position shows the last row at the bottom of the view.
    const lastScrollTop = s.spacer - 420;
    const offset = lastScrollTop * s.scale;
    expect(offset).toBeCloseTo(rows * 28 - 420, 3);
    const lastRowTop = drawnTop((rows - 1) * 28, offset, s.scale);
    expect(lastRowTop - lastScrollTop).toBeCloseTo(420 - 28, 3);
    // A row at the top of the view is drawn at the scroll position.
    const someOffset = 1_000_000 * 28;
    expect(drawnTop(someOffset, someOffset, s.scale)).toBeCloseTo(someOffset / s.scale, 6);
  });

  it('moves by row pixels within range', () => {
    const s = scrollScale(1000 * 28, 280);
    expect(movedOffset(0, -50, s)).toBe(0);
    expect(movedOffset(100, 28, s)).toBe(128);
    expect(movedOffset(27_000, 10_000, s)).toBe(27_720);
  });
});
