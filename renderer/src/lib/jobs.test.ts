import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobStore } from './jobs';

describe('JobStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tracks a call with its progress and result, and cancels through its signal', async () => {
    const store = new JobStore({ showAfterMs: 0 });
    let seen = '';
    let aborted = false;
    const value = await store.run('importing e.csv', async ({ jobId, signal, onProgress }) => {
      seen = jobId ?? '';
      signal?.addEventListener('abort', () => (aborted = true));
      onProgress?.({ jobId: seen, method: 'import.events', phase: 'sorting', fraction: 0.5 });
      expect(store.snapshot()[0]).toMatchObject({ phase: 'sorting', fraction: 0.5 });
      store.cancel(seen);
      return 42;
    });
    expect(value).toBe(42);
    expect(aborted).toBe(true);
    expect(store.snapshot()[0]).toMatchObject({ state: 'done', fraction: 1 });
    vi.advanceTimersByTime(3_000);
    expect(store.snapshot()).toEqual([]);
  });

  it('marks cancelled and failed calls, and rethrows', async () => {
    const store = new JobStore({ showAfterMs: 0 });
    const cancel = Object.assign(new Error('Cancelled.'), { code: 'CANCELLED' });
    await expect(store.run('a', () => Promise.reject(cancel))).rejects.toBe(cancel);
    await expect(store.run('b', () => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
    expect(store.snapshot().map((j) => [j.label, j.state, j.message])).toEqual([
      ['a', 'cancelled', 'Cancelled.'],
      ['b', 'failed', 'bad'],
    ]);
  });

  it('keeps quick calls out of the tray and shows slow ones', async () => {
    const store = new JobStore({ showAfterMs: 400 });
    let changes = 0;
    store.subscribe(() => changes++);
    await store.run('quick', async () => 1);
    expect(store.snapshot()).toEqual([]);

    let finish: (v: number) => void = () => undefined;
    const slow = store.run('slow', () => new Promise<number>((resolve) => (finish = resolve)));
    expect(store.snapshot()).toEqual([]);
    vi.advanceTimersByTime(400);
    expect(store.snapshot().map((j) => [j.label, j.state])).toEqual([['slow', 'running']]);
    finish(2);
    await slow;
    expect(store.snapshot().map((j) => j.state)).toEqual(['done']);
    expect(changes).toBeGreaterThan(2);
  });
});
