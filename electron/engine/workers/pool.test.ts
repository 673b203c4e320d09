import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cellOf, pathsScanTask } from '../analyses/paths/scan';
import { engineWorkerEntry, WorkerPool } from './pool';
import { crashes, doubled, echo, hangs, refuses, sleeps, spins, sums, throws } from './test-tasks';

/**
 * The pool against a worker entry of misbehaving tasks (test-worker.ts), started from the
 * TypeScript sources through tsx as in development.
 */
const pool = new WorkerPool(
  { file: path.join(import.meta.dirname, 'test-worker.ts'), typescript: true },
  { size: 2, cancelGraceMs: 300 },
);
afterAll(() => pool.close());

describe('worker pool', () => {
  it('runs a task in a worker thread and answers with its value', async () => {
    expect(await pool.run(echo, { text: 'hi' })).toEqual({ text: 'hi', thread: 'worker' });
  });

  it('moves typed arrays both ways', async () => {
    const values = Int32Array.from([1, 2, 3]);
    const out = await pool.run(doubled, { values }, { transfer: [values.buffer] });
    expect([...out.values]).toEqual([2, 4, 6]);
    // Transferred, not copied: the caller's array is detached.
    expect(values.length).toBe(0);
  });

  it('brings an ApiError back with its code, message and detail', async () => {
    await expect(pool.run(refuses, { field: 'steps' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'no steps',
      detail: { field: 'steps' },
    });
  });

  it('brings any other error back as INTERNAL, saying a worker failed', async () => {
    await expect(pool.run(throws, null as never)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/worker failed: x is not a function/),
    });
  });

  it('cancels a task that polls its flag, and the worker goes on serving', async () => {
    const controller = new AbortController();
    const running = pool.run(spins, null, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await pool.run(echo, { text: 'after' })).toMatchObject({ text: 'after' });
  });

  it('terminates a task that never polls after the grace period', async () => {
    const controller = new AbortController();
    const running = pool.run(hangs, null as never, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await pool.run(echo, { text: 'fresh' })).toMatchObject({ text: 'fresh' });
  });

  it('refuses at once when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      pool.run(echo, { text: 'x' }, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('rejects the call of a crashed worker clearly, and the next call gets a fresh worker', async () => {
    await expect(pool.run(crashes, null as never)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(
        /analysis worker stopped unexpectedly \(exit code 3\).*fresh one.*'test\.crashes'/,
      ),
    });
    expect(await pool.run(echo, { text: 'again' })).toMatchObject({ text: 'again' });
  });

  it('runs at most two tasks at once; the third waits for a free worker', async () => {
    const started = performance.now();
    const answers = await Promise.all([
      pool.run(sleeps, { ms: 300 }),
      pool.run(sleeps, { ms: 300 }),
      pool.run(sleeps, { ms: 300 }),
    ]);
    expect(answers).toEqual([300, 300, 300]);
    expect(pool.workers).toBeLessThanOrEqual(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
  });

  it('feeds a stream task chunk by chunk and answers at finish', async () => {
    const stream = await pool.stream(sums, { start: 1 });
    for (let i = 0; i < 20; i++) {
      const chunk = Float64Array.from([i, i]);
      await stream.push(chunk, [chunk.buffer]);
    }
    expect(await stream.finish()).toEqual({ total: 1 + 2 * 190, chunks: 20 });
  });

  it('gives a stream error at the next push or at finish, and frees the worker', async () => {
    const stream = await pool.stream(sums, { start: 0 });
    await stream.push(Float64Array.from([1, -2]));
    // The refusal arrives with the worker's answer: at a later push, or at finish.
    const later = (async () => {
      for (let i = 0; i < 10; i++) await stream.push(Float64Array.from([1]));
      return stream.finish();
    })();
    await expect(later).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'negative value -2',
    });
    expect(await pool.run(echo, { text: 'free' })).toMatchObject({ text: 'free' });
  });

  it('abandons a stream without an answer', async () => {
    const stream = await pool.stream(sums, { start: 0 });
    await stream.push(Float64Array.from([1]));
    await stream.abandon();
    expect(await pool.run(echo, { text: 'ok' })).toMatchObject({ text: 'ok' });
  });
});

describe('the engine worker entry', () => {
  it('is bundled beside the CLI and the server, and serves the engine tasks', async () => {
    const bundler = path.join(import.meta.dirname, '../../../scripts/node-bundle.mjs');
    const { ensureBundle } = (await import(bundler)) as { ensureBundle: () => Promise<string> };
    const bundled = new WorkerPool({
      file: path.join(await ensureBundle(), 'engine-worker.mjs'),
      typescript: false,
    });
    try {
      const stream = await bundled.stream(pathsScanTask, {
        steps: 2,
        limit: 8,
        events: 3,
        backward: false,
        anchored: true,
        collapseRepeats: false,
        sessions: 'column',
        nodeIndex: Int32Array.from([0, 1, 2, 3]),
      });
      await stream.push({
        uids: Int32Array.from([7, 7, 7]),
        sessions: Float64Array.from([70, 70, 70]),
        values: Int32Array.from([cellOf(0, 5), cellOf(1, 4), cellOf(2, 4)]),
        length: 3,
      });
      const rows = await stream.finish();
      // One session, its three steps: the events coded 0, 1, 2.
      expect([...rows.uids]).toEqual([7]);
      expect(rows.nodes.map((n) => [...n])).toEqual([[0], [1], [2]]);
    } finally {
      await bundled.close();
    }
  });

  it('is the TypeScript source in the source tree, and none when asked to run inline', () => {
    expect(engineWorkerEntry()).toEqual({
      file: path.join(import.meta.dirname, 'worker-main.ts'),
      typescript: true,
    });
    process.env.WORKBENCH_WORKERS = 'inline';
    try {
      expect(engineWorkerEntry()).toBeUndefined();
    } finally {
      delete process.env.WORKBENCH_WORKERS;
    }
  });
});
