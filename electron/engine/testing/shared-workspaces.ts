import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import type { ApiClient } from '../../../shared/api/contract';
import { Engine } from '../engine';
import { createLocalClient } from '../local-client';
import { DATASETS, RETAIL_PARQUET, tempWorkspace, type TempWorkspace } from './temp-workspace';

/**
 * Workspaces that several test files read as they are, built once per test run and copied for
 * each file that asks (a copy of the file costs milliseconds; importing Online Retail again costs
 * seconds). Each is built through the contract, like any workspace, and what building it
 * answered (the import summary) is kept beside it for the tests about the import itself.
 */
const SHARED = {
  /** UCI Online Retail, the Parquet file, times as written (UTC). */
  'online-retail': async (api: ApiClient, file: string) => {
    await api['workspace.open']({ path: file });
    return api['import.events']({ files: [RETAIL_PARQUET] });
  },
  /** The REES46 e-commerce slice: view, cart and purchase events of one October morning. */
  rees46: async (api: ApiClient, file: string) => {
    await api['workspace.open']({ path: file });
    return api['import.events']({
      files: [path.join(DATASETS, 'rees46-ecommerce-slice', 'rees46_2019-10-01_slice.csv')],
    });
  },
  /** The GA4 obfuscated sample: item rows of purchases, imported as 'purchase' events. */
  ga4: async (api: ApiClient, file: string) => {
    await api['workspace.open']({ path: file });
    return api['import.events']({
      files: [path.join(DATASETS, 'ga4-obfuscated-sample-purchases', 'ga4_sample.csv')],
      mapping: { eventName: 'purchase' },
    });
  },
  /** The demo product a first-time user opens: 1,500 people over 120 days up to yesterday. */
  demo: async (api: ApiClient, file: string) =>
    api['workspace.openDemo']({ path: file, users: 1_500, days: 120 }),
};

export type SharedWorkspaceName = keyof typeof SHARED;
type Made<N extends SharedWorkspaceName> = Awaited<ReturnType<(typeof SHARED)[N]>>;

let fallbackRoot: string | undefined;
/** This run's folder (global-setup.ts); a folder of this process's own outside that setup. */
function root(): string {
  const provided = inject('sharedWorkspaces') as string | undefined;
  if (provided !== undefined) return provided;
  if (fallbackRoot === undefined) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-shared-workspaces-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    fallbackRoot = dir;
  }
  return fallbackRoot;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds a workspace into `file` (in a folder of its own) and answers what building it answered. */
export type SharedBuild = (api: ApiClient, file: string) => Promise<unknown>;

/** Builds `key` into `final` (and what building answered into `final`.json), all or nothing. */
async function build(key: string, make: SharedBuild, final: string): Promise<void> {
  const dir = mkdtempSync(`${final}.building-`);
  const engine = new Engine({ ...process.env, WORKBENCH_HOME: dir });
  try {
    const api = createLocalClient(engine);
    const file = path.join(dir, 'w.duckdb');
    const made = await make(api, file);
    // Closed, so that the file holds everything (no write-ahead log beside it) and can be copied.
    await api['workspace.close']({});
    if (existsSync(`${file}.wal`)) throw new Error(`${key}: the workspace kept a write-ahead log`);
    writeFileSync(`${final}.json`, JSON.stringify(made));
    renameSync(file, final);
  } finally {
    engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const files = new Map<string, Promise<string>>();

/**
 * The file of the shared workspace `key` (a file name: letters, digits, dashes), built by `make`
 * for the first test (of any worker) that asks; the others wait for it. The same key must always
 * be built the same way. Read it through a copy: it is shared.
 */
export function sharedFile(key: string, make: SharedBuild): Promise<string> {
  if (!/^[\w-]+$/.test(key)) throw new Error(`not a shared workspace key: ${key}`);
  let file = files.get(key);
  if (file === undefined) {
    file = (async () => {
      const final = path.join(root(), `${key}.duckdb`);
      const lock = `${final}.lock`;
      for (;;) {
        if (existsSync(final)) return final;
        let fd: number;
        try {
          fd = openSync(lock, 'wx');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          // Another worker is building it; unless that worker is gone, wait for it.
          const owner = Number(readFileSync(lock, 'utf8'));
          if (owner > 0 && !alive(owner)) rmSync(lock, { force: true });
          await sleep(50);
          continue;
        }
        writeSync(fd, String(process.pid));
        closeSync(fd);
        try {
          await build(key, make, final);
        } finally {
          rmSync(lock, { force: true });
        }
      }
    })();
    files.set(key, file);
    // A failed build is tried again by the next test that asks, and reported by each.
    file.catch(() => files.delete(key));
  }
  return file;
}

/** The file of the shared workspace `name`. Read it through a copy: it is shared. */
export function sharedWorkspaceFile(name: SharedWorkspaceName): Promise<string> {
  return sharedFile(name, SHARED[name]);
}

/**
 * A workspace of this test's own: a copy of the shared workspace `name` in a fresh folder,
 * opened through the contract, with what building it answered (`made`: the import summary).
 */
export async function sharedWorkspace<N extends SharedWorkspaceName>(
  name: N,
): Promise<TempWorkspace & { made: Made<N> }> {
  const file = await sharedWorkspaceFile(name);
  const made = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Made<N>;
  return Object.assign(await tempWorkspace(file), { made });
}
