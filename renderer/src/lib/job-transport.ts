import type { CallOptions, MethodName, ProgressEvent, Reply } from '../../../shared/api/contract';
import type { Transport } from '../../../shared/api/client';

/** Where progress events of every call arrive (the preload bridge, or the server's SSE stream). */
export type ProgressSource = (listener: (event: ProgressEvent) => void) => () => void;

/**
 * Progress and cancellation for any transport, in one place: every call gets a job id, the
 * progress stream is fanned out to the call's own `onProgress`, and aborting its `signal` sends
 * `job.cancel` with that id (the call then ends with CANCELLED, from the engine, over the same
 * transport). The stream is opened on the first listener and shared by all of them.
 */
export function withJobs(
  transport: Transport,
  source: ProgressSource,
): { transport: Transport; onProgress: ProgressSource } {
  const listeners = new Set<(event: ProgressEvent) => void>();
  let close: (() => void) | null = null;
  const onProgress: ProgressSource = (listener) => {
    listeners.add(listener);
    close ??= source((event) => {
      for (const l of [...listeners]) l(event);
    });
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && close !== null) {
        close();
        close = null;
      }
    };
  };
  let counter = 0;
  const wrapped: Transport = async (method: MethodName, request: unknown, options: CallOptions) => {
    const jobId = options.jobId ?? `c-${Date.now().toString(36)}-${++counter}`;
    const { signal } = options;
    if (signal?.aborted === true) return cancelledReply();
    const stop =
      options.onProgress === undefined
        ? () => undefined
        : onProgress((event) => {
            if (event.jobId === jobId) options.onProgress?.(event);
          });
    const abort = (): void => {
      void transport('job.cancel', { jobId }, {}).catch(() => undefined);
    };
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await transport(method, request, { ...options, jobId });
    } finally {
      signal?.removeEventListener('abort', abort);
      stop();
    }
  };
  return { transport: wrapped, onProgress };
}

function cancelledReply(): Reply<MethodName> {
  return { ok: false, error: { code: 'CANCELLED', message: 'Cancelled before it started.' } };
}
