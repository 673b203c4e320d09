import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../../shared/api/errors';
import type { FromWorker, ToWorker, WorkerStart } from './protocol';
import {
  CANCELLED_MESSAGE,
  errorShape,
  flagContext,
  transferablesOf,
  type AnyTask,
  type CallTask,
  type StreamTask,
} from './task';

/**
 * The worker's side of the protocol (protocol.ts): runs the named task of `tasks`, one at a
 * time, and answers with its value or its error as data. Called by an entry file
 * (worker-main.ts; a test's own entry with test tasks).
 */
export function serveTasks(tasks: readonly AnyTask[]): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks runs in a worker thread');
  const start = workerData as WorkerStart;
  const ctx = flagContext(new Int32Array(start.cancel));
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void =>
    port.postMessage(message, transfer);
  const fail = (id: number, error: unknown): void =>
    post({ type: 'failed', id, error: errorShape(error) });
  const done = (id: number, value: unknown): void =>
    post({ type: 'done', id, value }, transferablesOf(value));
  const find = <K extends AnyTask['kind']>(
    name: string,
    kind: K,
  ): Extract<AnyTask, { kind: K }> => {
    const task = byName.get(name);
    if (task?.kind !== kind)
      throw new ApiError(
        'INTERNAL',
        `The analysis worker has no ${kind} task '${name}' (electron/engine/workers/tasks.ts lists them).`,
      );
    return task as Extract<AnyTask, { kind: K }>;
  };

  let stream: {
    id: number;
    task: StreamTask<unknown, unknown, unknown, unknown>;
    state: unknown;
    failed: boolean;
  } | null = null;

  const onMessage = async (m: ToWorker): Promise<void> => {
    switch (m.type) {
      case 'call': {
        try {
          const task = find(m.task, 'call') as CallTask<unknown, unknown>;
          done(m.id, await task.run(m.input, ctx));
        } catch (error) {
          fail(m.id, error);
        }
        return;
      }
      case 'open': {
        try {
          const task = find(m.task, 'stream') as StreamTask<unknown, unknown, unknown, unknown>;
          stream = { id: m.id, task, state: task.open(m.input, ctx), failed: false };
        } catch (error) {
          stream = null;
          fail(m.id, error);
        }
        return;
      }
      case 'push': {
        const s = stream;
        if (s?.id === m.id && !s.failed) {
          try {
            if (ctx.cancelled()) throw new ApiError('CANCELLED', CANCELLED_MESSAGE);
            s.task.push(s.state, m.input, ctx);
          } catch (error) {
            s.failed = true;
            fail(m.id, error);
          }
        }
        post({ type: 'ack', id: m.id });
        return;
      }
      case 'finish': {
        const s = stream;
        stream = null;
        if (s?.id !== m.id || s.failed) return;
        try {
          ctx.throwIfCancelled();
          done(m.id, s.task.finish(s.state, ctx));
        } catch (error) {
          fail(m.id, error);
        }
        return;
      }
    }
  };
  port.on('message', (m: ToWorker) => void onMessage(m));
  post({ type: 'ready' });
}
