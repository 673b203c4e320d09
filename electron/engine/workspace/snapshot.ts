import { constants, mkdtempSync, rmSync } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';

export interface WorkspaceSnapshot {
  /** The private folder holding the copy (and nothing else). */
  dir: string;
  /** The copy of the workspace file, named as the original so the workspace keeps its name. */
  path: string;
  /** Removes the folder and the copy. */
  dispose(): void;
}

const ATTEMPTS = 5;
const RETRY_MS = 300;

/** Size and modification time of a file, or null when it does not exist. */
async function fingerprint(file: string): Promise<string | null> {
  const info = await stat(file).catch(() => null);
  return info === null ? null : `${info.size}:${info.mtimeMs}`;
}

/**
 * A copy, taken now, of a workspace that another process holds open. DuckDB lets a process that
 * writes a file lock everyone else out, even readers, so the window having a workspace open
 * would otherwise stop every read-only command on it. The copy goes to a private temp folder
 * (cloned, not copied, where the file system can: APFS, Btrfs, XFS), with its write-ahead log,
 * which DuckDB replays in memory when it opens the copy read-only.
 *
 * The file and its log are fingerprinted before and after copying: a difference means the other
 * process wrote meanwhile (an import, a checkpoint), so the copy may be torn and is taken again.
 */
export async function snapshotWorkspace(file: string): Promise<WorkspaceSnapshot> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-snapshot-'));
  const copy = path.join(dir, path.basename(file));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      const before = [await fingerprint(file), await fingerprint(`${file}.wal`)];
      rmSync(`${copy}.wal`, { force: true });
      await copyFile(file, copy, constants.COPYFILE_FICLONE);
      if (before[1] !== null) {
        await copyFile(`${file}.wal`, `${copy}.wal`, constants.COPYFILE_FICLONE).catch(
          (error: unknown) => {
            // The log was folded into the file meanwhile: the fingerprints below tell.
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          },
        );
      }
      const after = [await fingerprint(file), await fingerprint(`${file}.wal`)];
      if (before[0] === after[0] && before[1] === after[1]) return { dir, path: copy, dispose };
    }
  } catch (error) {
    dispose();
    throw error;
  }
  dispose();
  throw new ApiError(
    'WORKSPACE_LOCKED',
    `${file} is open in another process that is writing to it now (an import?), so no consistent copy of it could be read. Try again when that is done.`,
    { path: file },
  );
}
