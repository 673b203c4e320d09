import { describe, expect, it } from 'vitest';
import { JobStore } from './jobs';

describe('JobStore', () => {
  it('tracks a call with its progress and result', async () => {
    const cancelled: string[] = [];
    const store = new JobStore(async (id) => cancelled.push(id));
    let seen = '';
    const value = await store.run('importing e.csv', async ({ jobId }) => {
      seen = jobId ?? '';
      store.progress({ jobId: seen, method: 'import.events', phase: 'sorting', fraction: 0.5 });
      expect(store.snapshot()[0]).toMatchObject({ phase: 'sorting', fraction: 0.5 });
      store.cancel(seen);
      return 42;
    });
    expect(value).toBe(42);
    expect(store.snapshot()[0]).toMatchObject({ state: 'done', fraction: 1 });
    expect(cancelled).toEqual([seen]);
  });

  it('marks cancelled and failed calls, and rethrows', async () => {
    const store = new JobStore(async () => undefined);
    const cancel = Object.assign(new Error('Cancelled.'), { code: 'CANCELLED' });
    await expect(store.run('a', () => Promise.reject(cancel))).rejects.toBe(cancel);
    await expect(store.run('b', () => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
    expect(store.snapshot().map((j) => [j.label, j.state, j.message])).toEqual([
      ['a', 'cancelled', 'Cancelled.'],
      ['b', 'failed', 'bad'],
    ]);
  });
});
