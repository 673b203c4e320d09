import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A private folder for one import or preview: the decompressed copy of a .gz, a pipe saved to a
 * file, the staged rows, DuckDB's spill files. It lives beside the workspace when it can (the
 * disk the analyst chose for the data, and not a RAM-backed /tmp), and is removed when the work
 * ends, however it ends. A process killed mid-import leaves its folder behind; the next import
 * beside the same workspace removes folders whose process is gone.
 */
export interface Scratch {
  readonly dir: string;
  /** A path inside the folder. */
  file(name: string): string;
  dispose(): Promise<void>;
}

const PREFIX = '.workbench-import-';

export async function createScratch(workspacePath?: string): Promise<Scratch> {
  const near =
    workspacePath === undefined || workspacePath === ':memory:'
      ? undefined
      : path.dirname(workspacePath);
  let dir: string | undefined;
  if (near !== undefined) {
    removeAbandoned(near);
    dir = await mkdtemp(path.join(near, `${PREFIX}${process.pid}-`)).catch(() => undefined);
  }
  dir ??= await mkdtemp(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
  const at = dir;
  return {
    dir: at,
    file: (name) => path.join(at, name),
    dispose: () => rm(at, { recursive: true, force: true }),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAbandoned(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^\.workbench-import-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
      rmSync(path.join(folder, name), { recursive: true, force: true });
    }
  }
}
