import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiClient } from '../../../shared/api/contract';
import { Engine } from '../engine';
import { createLocalClient } from '../local-client';
import { Workspace } from '../workspace/workspace';

export interface TempWorkspace {
  api: ApiClient;
  dir: string;
  file: string;
  /** Writes a file into the temp folder and returns its path. */
  write(name: string, content: string | Buffer): string;
  /** Rows of a read-only query, through the contract like any client. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

let emptyWorkspace: Promise<string> | undefined;

/**
 * A new workspace as Workspace.open creates it, made once per process and copied for each test:
 * creating the schema commits it to a write-ahead log, which the test's first import would then
 * checkpoint (two fsyncs and ~30 ms); the closed copy has no log.
 */
function emptyWorkspaceFile(): Promise<string> {
  if (emptyWorkspace === undefined) {
    emptyWorkspace = (async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-empty-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'empty.duckdb');
      (await Workspace.open(file)).close();
      if (existsSync(`${file}.wal`)) throw new Error(`${file} kept a write-ahead log`);
      return file;
    })();
    // A failed build is tried again by the next test, and reported by each.
    emptyWorkspace.catch(() => (emptyWorkspace = undefined));
  }
  return emptyWorkspace;
}

/**
 * A fresh workspace file in a fresh temp folder, opened through the engine's contract; a copy
 * of the workspace file `from` when given.
 */
export async function tempWorkspace(from?: string): Promise<TempWorkspace> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-test-'));
  const file = path.join(dir, 'test.duckdb');
  copyFileSync(from ?? (await emptyWorkspaceFile()), file);
  const engine = new Engine({ ...process.env, WORKBENCH_HOME: dir });
  const api = createLocalClient(engine);
  await api['workspace.open']({ path: file });
  return {
    api,
    dir,
    file,
    write(name, content) {
      const target = path.join(dir, name);
      writeFileSync(target, content);
      return target;
    },
    async rows(sql) {
      return (await api['sql.query']({ sql, limit: 10_000_000 })).rows;
    },
    close() {
      engine.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A workspace prepared once, then copied for every test that wants one as it was: `prepare`
 * runs on the first `fresh()` (an import costs ~0.3 s; a copy of a small workspace file a few
 * milliseconds), and each `fresh()` is a workspace of its own, in its own folder.
 */
export function workspaceTemplate(prepare: (w: TempWorkspace) => Promise<void>): {
  fresh(): Promise<TempWorkspace>;
  dispose(): void;
} {
  let made: Promise<TempWorkspace> | undefined;
  const template = async (): Promise<TempWorkspace> => {
    const w = await tempWorkspace();
    await prepare(w);
    // Closed, so that the file holds everything (no write-ahead log beside it) and can be copied.
    await w.api['workspace.close']({});
    if (existsSync(`${w.file}.wal`)) throw new Error(`${w.file} kept a write-ahead log`);
    return w;
  };
  return {
    async fresh() {
      made ??= template();
      return tempWorkspace((await made).file);
    },
    dispose() {
      void made?.then((w) => w.close());
    },
  };
}

/** Events as an analyst reads them: text user id, event, UTC time to the microsecond. */
export const EVENTS_AS_TEXT = `SELECT u.user_id, e.event, strftime(e.ts, '%Y-%m-%d %H:%M:%S.%f') AS ts, e.* EXCLUDE (uid, ts, event, session_id, insert_key, source_id, source_file, source_row)
  FROM events e JOIN users u USING (uid) ORDER BY e.ts, u.user_id, e.event`;

/** The team's real datasets (../shared/datasets beside the repository). */
export const DATASETS = path.resolve(import.meta.dirname, '../../../../shared/datasets');
export const RETAIL_PARQUET = path.join(DATASETS, 'online-retail', 'online_retail.parquet');

/**
 * Everything an analyst could see of a workspace: counts, types, sources, and a digest of every
 * event. Equal before and after a refused import means the import changed nothing.
 */
export async function workspaceSnapshot(w: TempWorkspace): Promise<unknown> {
  const info = await w.api['workspace.info']({});
  const digest = await w.rows(
    `SELECT count(*) AS n, sum(hash(uid, ts, event, session_id)) AS h FROM events`,
  );
  return { ...info, digest };
}
