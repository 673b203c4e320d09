import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../shared/api/contract';
import { withJobs } from './job-transport';

/** A fake engine: `import.events` runs until cancelled, reporting progress on a shared stream. */
function fakeEngine() {
  const streams = new Set<(e: ProgressEvent) => void>();
  const running = new Map<string, () => void>();
  const calls: string[] = [];
  let opened = 0;
  const source = (listener: (e: ProgressEvent) => void) => {
    opened++;
    streams.add(listener);
    return () => streams.delete(listener);
  };
  const emit = (e: ProgressEvent) => streams.forEach((l) => l(e));
  const transport = async (method: string, request: unknown, options: { jobId?: string }) => {
    calls.push(method);
    if (method === 'job.cancel') {
      running.get((request as { jobId: string }).jobId)?.();
      return { ok: true as const, value: { cancelled: true } };
    }
    const jobId = options.jobId ?? '';
    return new Promise<never>((resolve) => {
      running.set(jobId, () =>
        resolve({ ok: false, error: { code: 'CANCELLED', message: 'Cancelled.' } } as never),
      );
    });
  };
  return { source, emit, transport, calls, streams, opened: () => opened };
}

describe('withJobs', () => {
  it('routes a call its own progress and cancels it through its signal', async () => {
    const engine = fakeEngine();
    const { transport, onProgress } = withJobs(engine.transport as never, engine.source);
    const all: string[] = [];
    const stopAll = onProgress((e) => all.push(e.jobId));
    const mine: ProgressEvent[] = [];
    const controller = new AbortController();
    const reply = transport(
      'import.events',
      {},
      { jobId: 'j1', signal: controller.signal, onProgress: (e) => mine.push(e) },
    );
    engine.emit({ jobId: 'j1', method: 'import.events', phase: 'reading', fraction: 0.2 });
    engine.emit({ jobId: 'other', method: 'sql.query', phase: 'x', fraction: null });
    expect(mine.map((e) => e.phase)).toEqual(['reading']);
    expect(all).toEqual(['j1', 'other']);
    controller.abort();
    expect(await reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(engine.calls).toEqual(['import.events', 'job.cancel']);
    // One stream for every listener; closed when the last one leaves.
    expect(engine.opened()).toBe(1);
    stopAll();
    expect(engine.streams.size).toBe(0);
  });

  it('gives every call a job id and never starts an already cancelled one', async () => {
    const engine = fakeEngine();
    const { transport } = withJobs(engine.transport as never, engine.source);
    const controller = new AbortController();
    controller.abort();
    expect(await transport('sql.query', {}, { signal: controller.signal })).toMatchObject({
      error: { code: 'CANCELLED' },
    });
    expect(engine.calls).toEqual([]);
  });
});
