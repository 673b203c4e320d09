import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { typedItems } from '../duckdb/vectors';
import { openTaskStream, type EngineTaskOptions } from './pool';
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
 * `columns` (no NULLs in them), each batch moved (not copied) to the worker, a few in flight.
 * The event loop only copies memory; the scan itself runs in the worker.
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
  const newBatch = (): ScanBatch<C> => {
    const batch: Record<string, unknown> = { length: 0 };
    for (const name of names)
      batch[name] = new (columns[name] as Int32ArrayConstructor)(BATCH_ROWS);
    return batch as ScanBatch<C>;
  };
  const send = async (batch: ScanBatch<C>): Promise<void> => {
    const buffers = names.map((name) => (batch[name] as Int32Array).buffer as ArrayBuffer);
    await stream.push(batch, buffers);
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
