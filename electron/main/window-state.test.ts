import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE,
  MIN_SIZE,
  parseWindowState,
  readWindowState,
  restoredBounds,
  writeWindowState,
} from './window-state';

describe('window state', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1040 };
  const saved = { bounds: { x: 100, y: 80, width: 1500, height: 900 }, maximized: true };

  it('round-trips through its file, and reads nothing from a missing or foreign one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'window-state-'));
    try {
      const file = path.join(dir, 'profile', 'window-state.json');
      expect(readWindowState(file)).toBeNull();
      writeWindowState(file, saved);
      expect(readWindowState(file)).toEqual(saved);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(saved);
      writeFileSync(file, '{"bounds": {"x": "1"}, "maximized": false}');
      expect(readWindowState(file)).toBeNull();
      writeFileSync(file, '{not json');
      expect(readWindowState(file)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects sizes that are not positive whole numbers', () => {
    expect(
      parseWindowState('{"bounds":{"x":0,"y":0,"width":0,"height":9},"maximized":false}'),
    ).toBeNull();
    expect(
      parseWindowState('{"bounds":{"x":0,"y":0,"width":1.5,"height":9},"maximized":false}'),
    ).toBeNull();
    expect(parseWindowState('null')).toBeNull();
  });

  it('restores bounds on a screen, and the maximized flag', () => {
    expect(restoredBounds(saved, [screen])).toEqual({ ...saved.bounds, maximized: true });
  });

  it('opens with the default size when nothing was saved', () => {
    expect(restoredBounds(null, [screen])).toEqual({ ...DEFAULT_SIZE, maximized: false });
  });

  it('drops the position on an unplugged monitor, keeping a size that fits', () => {
    const offScreen = { bounds: { x: 3000, y: 100, width: 2400, height: 1300 }, maximized: false };
    expect(restoredBounds(offScreen, [screen])).toEqual({
      width: 1920,
      height: 1040,
      maximized: false,
    });
  });

  it('drops the position when the title bar is above the screen or barely on it', () => {
    const above = { bounds: { x: 100, y: -500, width: 1400, height: 900 }, maximized: false };
    expect(restoredBounds(above, [screen]).x).toBeUndefined();
    const sliver = { bounds: { x: 1880, y: 100, width: 1400, height: 900 }, maximized: false };
    expect(restoredBounds(sliver, [screen]).x).toBeUndefined();
  });

  it('keeps a window on a second screen, and never goes below the minimum size', () => {
    const left = { x: -1280, y: 0, width: 1280, height: 1000 };
    const there = { bounds: { x: -1200, y: 50, width: 600, height: 400 }, maximized: false };
    expect(restoredBounds(there, [screen, left])).toEqual({
      x: -1200,
      y: 50,
      width: MIN_SIZE.width,
      height: MIN_SIZE.height,
      maximized: false,
    });
  });
});
