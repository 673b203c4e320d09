import { ApiError, type ApiErrorShape } from '../../../shared/api/errors';

/**
 * What a task running in a worker thread can ask of its caller: whether it was cancelled. A
 * task's loop polls it (a flag in shared memory, so a synchronous scan sees it without yielding
 * to the worker's event loop).
 */
export interface TaskContext {
  cancelled(): boolean;
  /** Throws the CANCELLED error the caller receives. */
  throwIfCancelled(): void;
}

/**
 * A pure function the pool runs in a worker: its input and output cross by structured clone
 * (typed arrays in the output are transferred, not copied). Define one with `defineTask` next to
 * the code it runs and list it in tasks.ts, the worker's registry.
 */
export interface CallTask<In, Out> {
  kind: 'call';
  /** Unique across tasks.ts ('paths.scan'). */
  name: string;
  run(input: In, ctx: TaskContext): Out | Promise<Out>;
}

/**
 * A task fed in chunks (an ordered read of DuckDB's result, chunk after chunk): it opens with
 * `init`, takes each chunk as it arrives, and answers when the caller finishes. One worker holds
 * the task's state from open to finish.
 */
export interface StreamTask<Init, Chunk, Out, State = unknown> {
  kind: 'stream';
  name: string;
  open(init: Init, ctx: TaskContext): State;
  push(state: State, chunk: Chunk, ctx: TaskContext): void;
  finish(state: State, ctx: TaskContext): Out;
}

export type AnyTask = CallTask<never, unknown> | StreamTask<never, never, unknown, unknown>;

export function defineTask<In, Out>(
  name: string,
  run: (input: In, ctx: TaskContext) => Out | Promise<Out>,
): CallTask<In, Out> {
  return { kind: 'call', name, run };
}

export function defineStreamTask<Init, Chunk, Out, State>(
  name: string,
  parts: Omit<StreamTask<Init, Chunk, Out, State>, 'kind' | 'name'>,
): StreamTask<Init, Chunk, Out, State> {
  return { kind: 'stream', name, ...parts };
}

export const CANCELLED_MESSAGE = 'Cancelled. Nothing was changed.';

/** A context over a flag in shared memory: element 0 is set to 1 when the caller cancels. */
export function flagContext(flag: Int32Array): TaskContext {
  return {
    cancelled: () => Atomics.load(flag, 0) === 1,
    throwIfCancelled: () => {
      if (Atomics.load(flag, 0) === 1) throw new ApiError('CANCELLED', CANCELLED_MESSAGE);
    },
  };
}

/** Any thrown value as the error shape that crosses threads (and every transport after). */
export function errorShape(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toShape();
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: `An analysis worker failed: ${message}`,
    detail: error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {},
  };
}

/**
 * The buffers of the typed arrays in a value (its fields, one level of nesting and arrays of
 * them): what a message can move instead of copying. Each buffer once; shared memory never.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number): void => {
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) found.add(v.buffer);
      return;
    }
    if (depth > 2 || typeof v !== 'object' || v === null) return;
    for (const item of Array.isArray(v) ? v : Object.values(v)) visit(item, depth + 1);
  };
  visit(value, 0);
  return [...found];
}
