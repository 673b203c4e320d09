/**
 * Browsers cap an element's height (Chromium near 33.5M px, Firefox near 17.9M): a grid of
 * 1.55M rows at 28 px (43M px) cannot be a plain scroller, or its last rows are out of reach.
 * Past the cap the spacer stays at MAX_SCROLL_PX and scroll positions map linearly onto rows:
 * the scrollbar still spans every row, and wheel and keys move by real row pixels (the grid
 * drives scrollTop itself then).
 */
export const MAX_SCROLL_PX = 15_000_000;

export interface ScrollScale {
  /** Height of the scrolled content (the spacer), in px. */
  spacer: number;
  /** Row pixels per scrolled pixel (1 when the rows fit). */
  scale: number;
  /** The largest offset into the rows (their height less the viewport), in row pixels. */
  maxOffset: number;
}

export function scrollScale(
  contentPx: number,
  viewportPx: number,
  max: number = MAX_SCROLL_PX,
): ScrollScale {
  const maxOffset = Math.max(0, contentPx - viewportPx);
  if (contentPx <= max) return { spacer: contentPx, scale: 1, maxOffset };
  return { spacer: max, scale: maxOffset / Math.max(1, max - viewportPx), maxOffset };
}

/** Where a row starting at `rowStart` (row pixels) is drawn inside the spacer. */
export function drawnTop(rowStart: number, offset: number, scale: number): number {
  return rowStart - offset + offset / scale;
}

/** The offset into the rows after moving by `delta` row pixels, kept in range. */
export function movedOffset(offset: number, delta: number, s: ScrollScale): number {
  return Math.min(s.maxOffset, Math.max(0, offset + delta));
}
