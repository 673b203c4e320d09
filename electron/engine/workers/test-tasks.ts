import { ApiError } from '../../../shared/api/errors';
import { defineStreamTask, defineTask, type AnyTask } from './task';

/** Tasks for pool.test.ts: each shows one way a task ends. */
export const echo = defineTask('test.echo', (input: { text: string }) => ({
  text: input.text,
  thread: 'worker',
}));

export const doubled = defineTask('test.doubled', (input: { values: Int32Array }) => ({
  values: input.values.map((v) => v * 2),
}));

export const refuses = defineTask('test.refuses', (input: { field: string }): never => {
  throw new ApiError('INVALID_REQUEST', `no ${input.field}`, { field: input.field });
});

export const throws = defineTask('test.throws', (): never => {
  throw new TypeError('x is not a function');
});

/** Ends the worker thread outright, as a native crash or an exit in a library would. */
export const crashes = defineTask('test.crashes', (): never => process.exit(3));

/** Runs until cancelled, polling the flag like a scan's loop does. */
export const spins = defineTask('test.spins', (_input: null, ctx) => {
  let n = 0;
  for (;;) {
    if ((++n & 0xffff) === 0) ctx.throwIfCancelled();
  }
});

/** Never polls: only terminating the worker stops it. */
export const hangs = defineTask('test.hangs', (): never => {
  for (;;) {
    // Busy on purpose.
  }
});

export const sleeps = defineTask(
  'test.sleeps',
  async (input: { ms: number }) =>
    new Promise<number>((resolve) => setTimeout(() => resolve(input.ms), input.ms)),
);

/** Sums the chunks it is fed; a negative value is refused at that chunk. */
export const sums = defineStreamTask('test.sums', {
  open: (init: { start: number }) => ({ total: init.start, chunks: 0 }),
  push: (state, chunk: Float64Array) => {
    for (const v of chunk) {
      if (v < 0) throw new ApiError('INVALID_REQUEST', `negative value ${v}`);
      state.total += v;
    }
    state.chunks++;
  },
  finish: (state) => state,
});

/** Sums two columns of an ordered read, batch by batch (scan-read.ts). */
export const sumsColumns = defineStreamTask('test.sumsColumns', {
  open: () => ({ a: 0, b: 0, rows: 0, batches: 0 }),
  push: (state, batch: { a: Int32Array; b: Float64Array; length: number }) => {
    for (let i = 0; i < batch.length; i++) {
      state.a += batch.a[i] ?? 0;
      state.b += batch.b[i] ?? 0;
    }
    state.rows += batch.length;
    state.batches++;
  },
  finish: (state) => state,
});

export const TEST_TASKS: readonly AnyTask[] = [
  sumsColumns,
  echo,
  doubled,
  refuses,
  throws,
  crashes,
  spins,
  hangs,
  sleeps,
  sums,
];
