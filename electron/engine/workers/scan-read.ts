import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { typedItems } from '../duckdb/vectors';
import { IN_FLIGHT, openTaskStream, type EngineTaskOptions } from './pool';
import type { StreamTask } from './task';

/** The typed columns of an ordered read, named, in the read's column order. */
export type ScanColumns = Record<string, Int32ArrayConstructor | Float64ArrayConstructor>;

/** One batch of the read as a stream task receives it: each named column, and the row count. */
export type ScanBatch<C extends ScanColumns> = { [K in keyof C]: InstanceType<C[K]> } & {
  length: number;
};

/** Rows gathered before they cross to the worker in one message (about 1 MB per column). */
const BATCH_ROWS = 65_536;

/**
 * Feeds an ordered DuckDB read to a stream task in a worker thread and answers with what the
 * task's finish returns: the read's chunks are copied out of DuckDB's vectors into batches of
 * `columns` (no NULLs in them), each batch in shared memory the worker reads in place, a few in
 * flight. The event loop only copies memory; the scan itself runs in the worker. A batch is
 * filled again once the worker has taken it (the task must not keep it past its push).
 *
 *   const rows = await scanInWorker(pathsScanTask, plan, await c.run(sql),
 *     { uids: Int32Array, sessions: Float64Array, codes: Int32Array, flags: Int32Array },
 *     { signal });
 */
export async function scanInWorker<C extends ScanColumns, Init, Out>(
  task: StreamTask<Init, ScanBatch<C>, Out, unknown>,
  init: Init,
  read: DuckDBMaterializedResult,
  columns: C,
  options: EngineTaskOptions = {},
): Promise<Out> {
  const names = Object.keys(columns) as (keyof C & string)[];
  const stream = await openTaskStream(task, init, options);
  // One batch more than may be in flight: when a push returns, the batch sent that many pushes
  // before has been taken. New arrays per batch (140 MB for a 10M-event read) set off a full
  // garbage collection every few batches.
  const slots = Array.from({ length: IN_FLIGHT + 1 }, () => {
    const batch: Record<string, unknown> = { length: 0 };
    for (const name of names) {
      const Kind = columns[name] as Int32ArrayConstructor;
      batch[name] = new Kind(new SharedArrayBuffer(BATCH_ROWS * Kind.BYTES_PER_ELEMENT));
    }
    return batch as ScanBatch<C>;
  });
  let slot = 0;
  const newBatch = (): ScanBatch<C> => {
    const batch = slots[slot++ % slots.length] as ScanBatch<C>;
    batch.length = 0;
    return batch;
  };
  const send = async (batch: ScanBatch<C>): Promise<void> => {
    await stream.push(batch);
    // Between batches the event loop serves the window: copying a read of millions of rows in
    // one go held it for 300 ms.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  try {
    let batch = newBatch();
    for (let i = 0; i < read.chunkCount; i++) {
      const chunk = read.getChunk(i);
      const n = chunk.rowCount;
      if (batch.length + n > BATCH_ROWS && batch.length > 0) {
        await send(batch);
        batch = newBatch();
      }
      if (n > BATCH_ROWS) throw new Error(`a chunk of ${n} rows is larger than a batch`);
      names.forEach((name, column) => {
        const Kind = columns[name] as Int32ArrayConstructor;
        const values = typedItems(chunk.getColumnVector(column), Kind).subarray(0, n);
        (batch[name] as Int32Array).set(values, batch.length);
      });
      batch.length += n;
    }
    if (batch.length > 0) await send(batch);
    return await stream.finish();
  } catch (error) {
    await stream.abandon();
    throw error;
  }
}
