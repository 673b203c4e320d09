import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ApiClient, CallOptions, ProgressEvent } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { processIo, type CliIo } from './io';
import { formatCount } from './output';
import { progressBar } from './progress';
import { defaultWorkspacePath } from '../engine/workspace/default-location';
import { snapshotWorkspace, type WorkspaceSnapshot } from '../engine/workspace/snapshot';

/**
 * What a command opens: the workspace file (created when missing if `create`), a scratch
 * in-memory workspace (`--preview` reads files, not a workspace, and must create nothing), or
 * nothing (`demo` opens its own).
 */
export type OpenMode = { create: boolean; readOnly: boolean } | 'scratch' | null;

export interface SessionOptions {
  showProgress: boolean;
  /**
   * The command imports: once the engine reports the commit point, Ctrl-C no longer cancels
   * (there is nothing left to undo) and the command reports the import as done.
   */
  commits?: boolean;
  /** Where notes and the progress bar go, and the environment the engine reads (the process's). */
  io?: Pick<CliIo, 'stderr' | 'env'>;
}

export interface Session {
  api: ApiClient;
  options: CallOptions;
  stop: () => void;
  /** Whether Ctrl-C was pressed while the command ran. */
  interrupted: () => boolean;
  /** True when the workspace was locked by another process and a copy of it is read instead. */
  snapshot: boolean;
  /** The workspace file as the user named it, absolute; null for scratch and no workspace. */
  workspacePath: string | null;
}

/**
 * Opens the workspace for one command and wires Ctrl-C to cancellation: the first interrupts the
 * running job (which rolls back), a second one quits at once. A read-only command on a workspace
 * another process holds (the window) reads a snapshot of it; a command that created the
 * workspace file and then fails removes it again.
 */
async function openSession(
  workspace: string | undefined,
  open: OpenMode,
  settings: SessionOptions,
): Promise<Session & { discardCreated: () => void }> {
  // Loaded here, not at the top: DuckDB's native library takes longer to load than the rest of
  // the CLI, and `--help` or a usage error needs none of it.
  const [{ Engine }, { createLocalClient }] = await Promise.all([
    import('../engine/engine'),
    import('../engine/local-client'),
  ]);
  const { stderr, env } = settings.io ?? processIo();
  const say = (text: string): void => void stderr.write(text);
  const target =
    open === null || open === 'scratch'
      ? null
      : path.resolve(workspace ?? defaultWorkspacePath(env));
  const existed = target !== null && existsSync(target);
  let engine = new Engine(env);
  let api = createLocalClient(engine);
  let snapshot: WorkspaceSnapshot | null = null;
  let created = false;
  /** Rows the running import has committed, once the engine reports its commit point. */
  let committedRows: number | null = null;

  const controller = new AbortController();
  const bar = progressBar(settings.showProgress, stderr);
  const onProgress = (event: ProgressEvent): void => {
    if (settings.commits === true && event.committed === true) committedRows = event.rows ?? 0;
    bar.update(event);
  };
  const discardCreated = (): void => {
    if (!created || target === null || committedRows !== null) return;
    for (const file of [target, `${target}.wal`]) {
      try {
        rmSync(file, { force: true });
      } catch {
        // Windows refuses to remove a file still open; it is an empty workspace either way.
      }
    }
  };
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    bar.stop();
    if (committedRows !== null) {
      if (interrupts > 1) {
        say(
          `Already imported ${formatCount(committedRows)} events; the workspace file is finished the next time it is opened.\n`,
        );
        process.exit(0);
      }
      say(
        'Already imported: the import was committed, so Ctrl-C cancels nothing now. Finishing the workspace file… (Ctrl-C again to leave that to its next opening)\n',
      );
      return;
    }
    if (interrupts > 1) {
      discardCreated();
      process.exit(130);
    }
    say('Cancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    bar.stop();
    process.off('SIGINT', onSigint);
    engine.dispose();
    snapshot?.dispose();
  };

  try {
    if (open === 'scratch') {
      await api['workspace.open']({ path: ':memory:', create: true, readOnly: false });
    } else if (open !== null && target !== null) {
      try {
        await api['workspace.open']({ path: target, ...open });
        created = open.create && !existed;
      } catch (error) {
        if (!open.readOnly || !(error instanceof ApiError) || error.code !== 'WORKSPACE_LOCKED')
          throw error;
        say(
          `Note: ${target} is open in another process, which locks it; reading a copy of it as it is now.\n`,
        );
        snapshot = await snapshotWorkspace(target);
        // An engine whose data folder is the snapshot's: the copy must not join the recent
        // workspaces list that the window offers.
        engine.dispose();
        engine = new Engine({ ...env, WORKBENCH_HOME: snapshot.dir });
        api = createLocalClient(engine);
        await api['workspace.open']({ path: snapshot.path, create: false, readOnly: true });
      }
    }
  } catch (error) {
    stop();
    discardCreated();
    throw error;
  }
  return {
    api,
    options: { signal: controller.signal, onProgress },
    stop,
    interrupted: () => interrupts > 0,
    snapshot: snapshot !== null,
    workspacePath: target,
    discardCreated,
  };
}

/** Runs one command's work in a session, closing it (and undoing a workspace it created on failure). */
export async function withSession<T>(
  workspace: string | undefined,
  open: OpenMode,
  settings: SessionOptions,
  work: (s: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(workspace, open, settings);
  try {
    return await work(session);
  } catch (error) {
    session.stop();
    session.discardCreated();
    throw error;
  } finally {
    session.stop();
  }
}
