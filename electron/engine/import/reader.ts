import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApiError } from '../../../shared/api/errors';
import { throwIfCancelled, type JobContext } from '../jobs';
import {
  runReadTask,
  type FromReader,
  type ReadResult,
  type ReadTask,
  type ToReader,
} from './read-files';

/**
 * Runs read tasks in a child process, so that a crash of DuckDB's reader (a segfault on a
 * hostile file) or its running out of memory is an error on that file, not the end of the
 * window or the server. A worker thread would not do: a segfault ends the whole process.
 *
 * One idle reader is kept warm for the next preview (forking costs ~0.2 s from a bundle, ~1.5 s
 * through tsx in development); a reader that staged a big import exits, returning its memory.
 */

/** Readers that staged more than this exit afterwards rather than wait for the next task. */
const RECYCLE_AFTER_BYTES = 256 * 1024 ** 2;
/** An idle reader exits after this long. */
const IDLE_MS = 30_000;

interface Reader {
  child: ChildProcess;
  ready: Promise<void>;
  idleTimer?: NodeJS.Timeout;
}

let idle: Reader | undefined;

/**
 * The reader's entry: a bundled `import-reader.{mjs,js}` beside the bundle that holds this code
 * (or one folder up, from a split chunk), else this folder's TypeScript source through tsx.
 * `WORKBENCH_READER=inline` reads in this process instead (debugging, measuring the overhead);
 * `WORKBENCH_READER=<file>.mjs` runs that bundled entry (tests of the source that want the
 * reader as the app starts it, without tsx compiling it at every start).
 */
function readerEntry(): { file: string; execArgv: string[] } | undefined {
  const chosen = process.env.WORKBENCH_READER;
  if (chosen === 'inline') return undefined;
  if (chosen !== undefined && /\.m?js$/.test(chosen) && existsSync(chosen)) {
    return { file: chosen, execArgv: [] };
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    for (const name of ['import-reader.mjs', 'import-reader.js']) {
      const file = path.join(dir, name);
      if (existsSync(file)) return { file, execArgv: [] };
    }
  }
  const source = path.join(here, 'reader-child.ts');
  if (!existsSync(source)) return undefined;
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return { file: source, execArgv: ['--import', pathToFileURL(tsx).href] };
}

function spawnReader(entry: { file: string; execArgv: string[] }): Reader {
  const child = fork(entry.file, [], {
    execArgv: entry.execArgv,
    // In Electron, process.execPath is the app: this makes it run the entry as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (m: FromReader): void => {
      if (m.type !== 'ready') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      reject(
        new ApiError(
          'INTERNAL',
          `The file reader process could not start (exit ${signal ?? code}). Reinstall the workbench if this persists.`,
          { entry: entry.file },
        ),
      );
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', reject);
  });
  const reader: Reader = { child, ready };
  child.once('exit', () => {
    if (idle === reader) idle = undefined;
  });
  return reader;
}

function park(reader: Reader): void {
  if (idle !== undefined || reader.child.exitCode !== null) {
    reader.child.kill();
    return;
  }
  idle = reader;
  // An idle reader must not keep the CLI (or a test) alive.
  reader.child.unref();
  reader.child.channel?.unref();
  reader.idleTimer = setTimeout(() => {
    if (idle === reader) idle = undefined;
    reader.child.kill();
  }, IDLE_MS);
  reader.idleTimer.unref();
}

function take(entry: { file: string; execArgv: string[] }): Reader {
  const reader = idle ?? spawnReader(entry);
  idle = undefined;
  if (reader.idleTimer !== undefined) clearTimeout(reader.idleTimer);
  reader.child.ref();
  reader.child.channel?.ref();
  return reader;
}

/**
 * Starts a reader now, if none is idle, so that its start (loading DuckDB: 0.2-0.5 s) overlaps
 * the work an import does before it reads (resolving inputs, checking free space).
 */
export function warmUpReader(): void {
  if (idle !== undefined) return;
  const entry = readerEntry();
  if (entry === undefined) return;
  const reader = spawnReader(entry);
  // Whoever takes it awaits `ready` and sees a failed start; unused, it just exits.
  reader.ready.catch(() => reader.child.kill());
  park(reader);
}

/** Runs `task` in a reader process (in this one when no reader entry exists), with progress and cancellation. */
export async function readFiles<T extends ReadTask>(
  task: T,
  job: JobContext,
): Promise<ReadResult<T>> {
  throwIfCancelled(job);
  const entry = readerEntry();
  if (entry === undefined) return runReadTask(task, job);
  let reader = take(entry);
  await reader.ready;
  // An idle reader may have died (killed, out of memory) since it was parked: start another.
  if (!reader.child.connected) {
    reader = spawnReader(entry);
    await reader.ready;
  }
  const label =
    task.inputs.files.length === 1
      ? (task.inputs.files[0] ?? '')
      : `${task.inputs.files.length} files`;
  const { child } = reader;
  return new Promise<ReadResult<T>>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      child.off('message', onMessage);
      child.off('exit', onExit);
      job.signal?.removeEventListener('abort', onAbort);
    };
    const onMessage = (m: FromReader): void => {
      if (m.type === 'progress') {
        job.onProgress?.({ phase: m.phase, fraction: m.fraction });
      } else if (m.type === 'done') {
        finish();
        if (task.inputs.bytes > RECYCLE_AFTER_BYTES) child.kill();
        else park(reader);
        resolve(m.result as ReadResult<T>);
      } else if (m.type === 'failed') {
        // The task closed its DuckDB instance either way: the reader is as good as new.
        finish();
        if (task.inputs.bytes > RECYCLE_AFTER_BYTES) child.kill();
        else park(reader);
        reject(ApiError.fromShape(m.error));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      finish();
      if (job.signal?.aborted) {
        reject(new ApiError('CANCELLED', 'Cancelled. Nothing was changed.'));
        return;
      }
      const how = signal ?? `exit code ${code}`;
      const oom = signal === 'SIGKILL' ? ' (the system stopped it, most likely out of memory)' : '';
      reject(
        new ApiError(
          'READER_CRASHED',
          `${label}: the file reader crashed while reading it (${how})${oom}. Nothing was imported and the workspace is unchanged. Something in the file trips the reader: check the file, or split it and import the parts to find the rows at fault.`,
          { file: label, signal, code },
        ),
      );
    };
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    job.signal?.addEventListener('abort', onAbort, { once: true });
    if (job.signal?.aborted) onAbort();
    const message: ToReader = { type: 'run', task };
    child.send(message);
  });
}
