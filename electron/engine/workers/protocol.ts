import type { ApiErrorShape } from '../../../shared/api/errors';

/**
 * The messages between the pool (pool.ts) and a worker (serve.ts). One worker runs one task at a
 * time; `id` names it, so a late answer of a cancelled task is never taken for the next one's.
 * Errors cross as data (the contract's `{ code, message, detail? }`), never as thrown objects.
 */
export type ToWorker =
  | { type: 'call'; id: number; task: string; input: unknown }
  | { type: 'open'; id: number; task: string; input: unknown }
  /** The worker acknowledges every chunk (`ack`): the pool keeps a few in flight, no more. */
  | { type: 'push'; id: number; input: unknown }
  | { type: 'finish'; id: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'ack'; id: number }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: ApiErrorShape };

/** What a worker is started with (workerData). */
export interface WorkerStart {
  /** Int32Array over it: element 0 is 1 while the running task is cancelled. */
  cancel: SharedArrayBuffer;
  /** For a TypeScript entry started through tsx: the module to import. */
  entry?: string;
}
