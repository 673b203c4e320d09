import type { MethodName } from '../../shared/api/contract';
import type { Engine } from '../engine/engine';
import type { FromEngine, ToEngine } from './engine-process';

/** The engine process's side of its channel: messages in, messages out. */
export interface EnginePort {
  onMessage(listener: (message: ToEngine) => void): void;
  post(message: FromEngine): void;
}

/**
 * Serves Engine.call on `port` (engine-process.ts holds the other side): each call answers with
 * its reply, its progress on the way; a cancel aborts that call like the job's own signal.
 */
export function serveEngine(engine: Engine, port: EnginePort): void {
  const running = new Map<number, AbortController>();
  port.onMessage((m) => {
    if (m.type === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    void engine
      .call(m.method as MethodName, m.request, {
        ...(m.jobId === undefined ? {} : { jobId: m.jobId }),
        signal: controller.signal,
        onProgress: (event) => port.post({ type: 'progress', id: m.id, event }),
      })
      .then((reply) => {
        running.delete(m.id);
        port.post({ type: 'reply', id: m.id, reply });
      });
  });
  port.post({ type: 'ready' });
}
