import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is remembered between runs: the normal (unmaximized) bounds, and whether maximized. */
export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const MIN_SIZE = { width: 1280, height: 720 } as const;
export const DEFAULT_SIZE = { width: 1440, height: 900 } as const;

/** How much of the title bar must lie on a screen for the window to be reachable with a mouse. */
const GRIP = { width: 120, height: 24 } as const;

/** The saved state, or null when there is none or it is not one this version wrote. */
export function parseWindowState(text: string): WindowState | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { bounds, maximized } = value as { bounds?: unknown; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null || typeof maximized !== 'boolean') return null;
  const b = bounds as Record<string, unknown>;
  const [x, y, width, height] = [b.x, b.y, b.width, b.height];
  if (
    !isInteger(x) ||
    !isInteger(y) ||
    !isInteger(width) ||
    !isInteger(height) ||
    width <= 0 ||
    height <= 0
  ) {
    return null;
  }
  return { bounds: { x, y, width, height }, maximized };
}

/**
 * The window options to restore: the saved bounds when the title bar is still on one of the
 * screens (work areas) now attached, otherwise only the size, so the window opens centred rather
 * than on a monitor that was unplugged. The size never exceeds the screen it lands on.
 */
export function restoredBounds(
  state: WindowState | null,
  workAreas: Rect[],
): { x?: number; y?: number; width: number; height: number; maximized: boolean } {
  if (state === null) return { ...DEFAULT_SIZE, maximized: false };
  const { bounds, maximized } = state;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: GRIP.height };
  const home = workAreas.find((area) => {
    const overlap = intersection(titleBar, area);
    return overlap !== null && overlap.width >= GRIP.width && overlap.height >= GRIP.height;
  });
  const largest = workAreas.reduce<Rect | undefined>(
    (best, area) =>
      best === undefined || area.width * area.height > best.width * best.height ? area : best,
    undefined,
  );
  const screen = home ?? largest;
  const width = Math.max(MIN_SIZE.width, Math.min(bounds.width, screen?.width ?? bounds.width));
  const height = Math.max(
    MIN_SIZE.height,
    Math.min(bounds.height, screen?.height ?? bounds.height),
  );
  return home === undefined
    ? { width, height, maximized }
    : { x: bounds.x, y: bounds.y, width, height, maximized };
}

export function readWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(readFileSync(file, 'utf8'));
  } catch {
    // First start, or a state file we cannot read: the default size is a fine answer.
    return null;
  }
}

/** Written whole then renamed, so a crash mid-write never leaves a half file to parse. */
export function writeWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.tmp`;
    writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(partial, file);
  } catch {
    // A read-only profile only loses the window's position.
  }
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}
