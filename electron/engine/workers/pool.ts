import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../../../shared/api/errors';
import type { FromWorker, ToWorker, WorkerStart } from './protocol';
import { CANCELLED_MESSAGE, type CallTask, type StreamTask, type TaskContext } from './task';

/**
 * JavaScript work off the event loop that serves the window (DESIGN.md): the ordered scans of
 * funnels and paths run in worker threads, at most two (the machines have two cores, and DuckDB
 * uses them too). A task is a pure function (task.ts) listed in tasks.ts; `runTask` and
 * `openTaskStream` run it in the shared pool, or in this thread where no worker entry exists.
 *
 * - Errors cross as data: a task's ApiError arrives with its code, anything else as INTERNAL.
 * - Cancellation crosses as data too: a flag in shared memory the task polls; a worker that does
 *   not answer within a second of it is terminated, and the call rejects with CANCELLED.
 * - A crash (an uncaught error, out of memory, process.exit in a task) rejects the call with an
 *   error that says so; that worker is gone, and the next call starts a fresh one.
 */

/** A worker's entry file: the bundled `engine-worker.mjs`, or TypeScript through tsx. */
export interface WorkerEntry {
  file: string;
  typescript: boolean;
}

const ENTRY_NAMES = ['engine-worker.mjs', 'engine-worker.js'];

/**
 * The entry beside the code that holds this module: a bundle's `engine-worker.{mjs,js}` in the
 * same folder or one up (from a split chunk: scripts/node-bundle.mjs, electron.vite.config.ts),
 * else this folder's worker-main.ts (vitest, tsx). `WORKBENCH_WORKERS=inline` runs tasks in this
 * thread (debugging, measuring the overhead).
 */
export function engineWorkerEntry(): WorkerEntry | undefined {
  if (process.env.WORKBENCH_WORKERS === 'inline') return undefined;
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    for (const name of ENTRY_NAMES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return { file, typescript: false };
    }
  }
  const source = path.join(here, 'worker-main.ts');
  return existsSync(source) ? { file: source, typescript: true } : undefined;
}

/** tsx's ESM API (its `tsImport`), as the URL a worker imports it from. */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exports = (
    JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, unknown> }
  ).exports['./esm/api'] as { import: { default: string } };
  return pathToFileURL(path.join(path.dirname(manifest), exports.import.default)).href;
}

/** A TypeScript entry is imported through tsx inside the worker (eval code is CommonJS). */
const TS_BOOTSTRAP = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.entry, workerData.entry));`;

export interface TaskOptions {
  signal?: AbortSignal;
  /** Buffers of the input to move to the worker rather than copy (the caller loses them). */
  transfer?: ArrayBuffer[];
}

/** A stream task opened on one worker: push chunks, then finish for its answer. */
export interface TaskStream<Chunk, Out> {
  /** Resolves when the worker can take more (a few chunks stay in flight). */
  push(chunk: Chunk, transfer?: ArrayBuffer[]): Promise<void>;
  finish(): Promise<Out>;
  /** Gives the worker back without an answer (the caller fell back to another way). */
  abandon(): Promise<void>;
}

interface Slot {
  worker: Worker;
  flag: Int32Array;
  busy: boolean;
  dead: boolean;
  /** Set while a cancelled task is given its grace period: its end is CANCELLED, not a crash. */
  cancelling: boolean;
  idleTimer?: NodeJS.Timeout;
  lastError?: Error;
  listener?: (m: FromWorker) => void;
  onDeath?: (error: ApiError) => void;
}

/** Chunks a stream keeps in flight before `push` waits for the worker. */
export const IN_FLIGHT = 4;

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private nextId = 1;
  private readonly size: number;
  private readonly idleMs: number;
  private readonly graceMs: number;

  constructor(
    private readonly entry: WorkerEntry,
    options: { size?: number; idleMs?: number; cancelGraceMs?: number } = {},
  ) {
    this.size = Math.max(1, options.size ?? Math.min(2, os.availableParallelism()));
    this.idleMs = options.idleMs ?? 30_000;
    this.graceMs = options.cancelGraceMs ?? 1_000;
  }

  /** Workers alive now (for tests). */
  get workers(): number {
    return this.slots.size;
  }

  async run<In, Out>(task: CallTask<In, Out>, input: In, options: TaskOptions = {}): Promise<Out> {
    const slot = await this.acquire(options.signal);
    try {
      const id = this.nextId++;
      const answer = this.answer<Out>(slot, id, task.name, options.signal);
      this.post(slot, { type: 'call', id, task: task.name, input }, options.transfer);
      return await answer.promise;
    } finally {
      this.release(slot);
    }
  }

  async stream<Init, Chunk, Out>(
    task: StreamTask<Init, Chunk, Out, unknown>,
    init: Init,
    options: TaskOptions = {},
  ): Promise<TaskStream<Chunk, Out>> {
    const slot = await this.acquire(options.signal);
    const id = this.nextId++;
    let inFlight = 0;
    let wake: (() => void)[] = [];
    const wakeAll = (): void => {
      const w = wake;
      wake = [];
      for (const f of w) f();
    };
    const answer = this.answer<Out>(slot, id, task.name, options.signal, (m) => {
      if (m.type !== 'ack') return;
      inFlight--;
      wake.shift()?.();
    });
    let settled: { error: unknown } | null = null;
    let released = false;
    const end = answer.promise.then(
      () => undefined,
      (error: unknown) => {
        settled = { error };
      },
    );
    void end.finally(() => {
      wakeAll();
      if (!released) {
        released = true;
        this.release(slot);
      }
    });
    this.post(slot, { type: 'open', id, task: task.name, input: init }, options.transfer);
    let finished = false;
    return {
      push: async (chunk, transfer) => {
        while (inFlight >= IN_FLIGHT && settled === null) {
          await new Promise<void>((resolve) => wake.push(resolve));
        }
        if (settled !== null) throw (settled as { error: unknown }).error;
        if (finished) throw new Error('push after finish');
        inFlight++;
        this.post(slot, { type: 'push', id, input: chunk }, transfer);
      },
      finish: async () => {
        if (!finished && settled === null) this.post(slot, { type: 'finish', id });
        finished = true;
        const value = await answer.promise;
        await end;
        return value;
      },
      abandon: async () => {
        if (!finished && settled === null) {
          Atomics.store(slot.flag, 0, 1);
          this.post(slot, { type: 'finish', id });
        }
        finished = true;
        await end;
      },
    };
  }

  /** Ends every worker; calls still running reject as crashed. */
  async close(): Promise<void> {
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
  }

  private post(slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    slot.worker.postMessage(message, transfer);
  }

  /** The answer of task `id` on `slot`: its value, its error, a crash, or CANCELLED. */
  private answer<Out>(
    slot: Slot,
    id: number,
    task: string,
    signal: AbortSignal | undefined,
    other?: (m: FromWorker) => void,
  ): { promise: Promise<Out> } {
    Atomics.store(slot.flag, 0, 0);
    slot.cancelling = false;
    const promise = new Promise<Out>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const cleanUp = (): void => {
        slot.listener = undefined;
        slot.onDeath = undefined;
        signal?.removeEventListener('abort', onAbort);
        if (grace !== undefined) clearTimeout(grace);
      };
      const onAbort = (): void => {
        Atomics.store(slot.flag, 0, 1);
        slot.cancelling = true;
        grace = setTimeout(() => void slot.worker.terminate(), this.graceMs);
      };
      slot.listener = (m) => {
        if (m.type === 'ready' || m.id !== id) return;
        if (m.type === 'done') {
          cleanUp();
          resolve(m.value as Out);
        } else if (m.type === 'failed') {
          cleanUp();
          reject(ApiError.fromShape(m.error));
        } else other?.(m);
      };
      slot.onDeath = (error) => {
        cleanUp();
        reject(
          slot.cancelling
            ? new ApiError('CANCELLED', CANCELLED_MESSAGE)
            : new ApiError('INTERNAL', `${error.message} It was running '${task}'.`, error.detail),
        );
      };
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    return { promise };
  }

  private async acquire(signal: AbortSignal | undefined): Promise<Slot> {
    if (signal?.aborted === true) throw new ApiError('CANCELLED', CANCELLED_MESSAGE);
    const idle = [...this.slots].find((s) => !s.busy && !s.dead);
    if (idle !== undefined) return this.take(idle);
    if (this.slots.size < this.size) return this.take(this.spawn());
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new ApiError('CANCELLED', CANCELLED_MESSAGE));
      };
      const grant = (slot: Slot): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.take(slot));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private take(slot: Slot): Slot {
    slot.busy = true;
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.worker.ref();
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    // A dead worker's place goes to a fresh one, for whoever waits.
    const next = this.waiting.shift();
    if (next !== undefined) {
      next(slot.dead ? this.spawn() : slot);
      return;
    }
    if (slot.dead) return;
    // An idle worker must not keep the CLI (or a test) alive, nor stay forever.
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => void slot.worker.terminate(), this.idleMs);
    slot.idleTimer.unref();
  }

  private spawn(): Slot {
    const cancel = new SharedArrayBuffer(4);
    const start: WorkerStart & { tsx?: string } = { cancel };
    const worker = this.entry.typescript
      ? new Worker(TS_BOOTSTRAP, {
          eval: true,
          workerData: { ...start, entry: pathToFileURL(this.entry.file).href, tsx: tsxApiUrl() },
        })
      : new Worker(this.entry.file, { workerData: start });
    const slot: Slot = {
      worker,
      flag: new Int32Array(cancel),
      busy: false,
      dead: false,
      cancelling: false,
    };
    worker.on('message', (m: FromWorker) => slot.listener?.(m));
    worker.on('error', (error) => {
      slot.lastError = error;
    });
    worker.once('exit', (code) => {
      slot.dead = true;
      this.slots.delete(slot);
      if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
      const why = slot.lastError?.message ?? `exit code ${code}`;
      slot.onDeath?.(
        new ApiError(
          'INTERNAL',
          `The analysis worker stopped unexpectedly (${why}); the next run starts a fresh one.`,
          slot.lastError?.stack === undefined ? undefined : { stack: slot.lastError.stack },
        ),
      );
    });
    this.slots.add(slot);
    return slot;
  }
}

let shared: WorkerPool | null | undefined;

/** The engine's pool, started on first use; null where tasks run in this thread. */
export function enginePool(): WorkerPool | null {
  if (shared === undefined) {
    const entry = engineWorkerEntry();
    shared = entry === undefined ? null : new WorkerPool(entry);
  }
  return shared;
}

/** Where `runTask` and `openTaskStream` run a task: the engine's pool unless told otherwise. */
export interface EngineTaskOptions extends TaskOptions {
  /** Another pool (tests), or null to run in this thread. */
  pool?: WorkerPool | null;
}

function inlineContext(signal: AbortSignal | undefined): TaskContext {
  return {
    cancelled: () => signal?.aborted === true,
    throwIfCancelled: () => {
      if (signal?.aborted === true) throw new ApiError('CANCELLED', CANCELLED_MESSAGE);
    },
  };
}

/** Runs `task` in the engine's pool (in this thread without one). */
export async function runTask<In, Out>(
  task: CallTask<In, Out>,
  input: In,
  options: EngineTaskOptions = {},
): Promise<Out> {
  const pool = options.pool === undefined ? enginePool() : options.pool;
  if (pool !== null) return pool.run(task, input, options);
  const ctx = inlineContext(options.signal);
  ctx.throwIfCancelled();
  return task.run(input, ctx);
}

/** Opens `task` on a worker of the engine's pool (in this thread without one). */
export async function openTaskStream<Init, Chunk, Out, State>(
  task: StreamTask<Init, Chunk, Out, State>,
  init: Init,
  options: EngineTaskOptions = {},
): Promise<TaskStream<Chunk, Out>> {
  const pool = options.pool === undefined ? enginePool() : options.pool;
  if (pool !== null)
    return pool.stream(task as StreamTask<Init, Chunk, Out, unknown>, init, options);
  const ctx = inlineContext(options.signal);
  ctx.throwIfCancelled();
  const state = task.open(init, ctx);
  return {
    push: async (chunk) => {
      ctx.throwIfCancelled();
      task.push(state, chunk, ctx);
    },
    finish: async () => {
      ctx.throwIfCancelled();
      return task.finish(state, ctx);
    },
    abandon: async () => undefined,
  };
}
