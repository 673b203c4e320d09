import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/errors';

/** What long work receives from its transport: where to report progress, and how to be stopped. */
export interface JobContext {
  signal?: AbortSignal;
  onProgress?: (progress: {
    phase: string;
    fraction: number | null;
    rows?: number;
    bytes?: number;
    totalBytes?: number;
    committed?: boolean;
  }) => void;
}

export const NO_JOB: JobContext = {};

export function throwIfCancelled(job: JobContext): void {
  if (job.signal?.aborted) throw new ApiError('CANCELLED', 'Cancelled. Nothing was changed.');
}

/**
 * Runs one statement while polling DuckDB's progress for it, mapped into [start, end] of the
 * job, and interrupts it when the job is cancelled.
 */
export async function tracked<T>(
  connection: DuckDBConnection,
  job: JobContext,
  phase: { label: string; start: number; end: number; totalBytes?: number },
  run: () => Promise<T>,
): Promise<T> {
  throwIfCancelled(job);
  const report = (pct: number | null): void => {
    if (job.onProgress === undefined) return;
    const within = pct === null ? 0 : Math.max(0, Math.min(1, pct / 100));
    const fraction = phase.start + (phase.end - phase.start) * within;
    job.onProgress({
      phase: phase.label,
      fraction,
      ...(phase.totalBytes !== undefined
        ? { bytes: Math.round(phase.totalBytes * within), totalBytes: phase.totalBytes }
        : {}),
    });
  };
  const onAbort = (): void => connection.interrupt();
  job.signal?.addEventListener('abort', onAbort, { once: true });
  // Listening first: a cancel that the first report brings (a caller stopping at "started")
  // stops the phase before its statement runs, not after it has run to the end.
  report(0);
  try {
    throwIfCancelled(job);
  } catch (error) {
    job.signal?.removeEventListener('abort', onAbort);
    throw error;
  }
  const timer =
    job.onProgress === undefined
      ? undefined
      : setInterval(() => {
          const pct = connection.progress.percentage;
          if (pct >= 0) report(pct);
        }, 200);
  const t0 = performance.now();
  try {
    const result = await run();
    if (process.env.WORKBENCH_PROFILE)
      process.stderr.write(
        `[profile] ${phase.label}: ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
      );
    report(100);
    return result;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    job.signal?.removeEventListener('abort', onAbort);
  }
}
