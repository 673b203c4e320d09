import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import type { MethodName, Reply, RequestOf, ResponseOf } from '../shared/api/contract';
import { CLOCK_ENV, DEMO_TEMPLATE_ENV, E2E_NOW } from './global-setup';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'scripts', 'web.mjs');
const URL_LINE = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/;

/** Browser mode on a workspace of its own, as a test sees it. */
export interface Workbench {
  /** The app's URL, session token included: `page.goto(workbench.url + '#events')`. */
  url: string;
  /** `http://127.0.0.1:<port>`, no token. */
  baseUrl: string;
  token: string;
  workspacePath: string;
  /** A temp folder of this server's own, removed afterwards; the workspace lives in it. */
  tmpDir: string;
  /** Writes a file into tmpDir (folders created) and returns its absolute path. */
  write(name: string, content: string | Uint8Array): string;
  /** A contract call over HTTP with the token: the reply, errors as data ({ok, value | error}). */
  api<M extends MethodName>(method: M, request?: RequestOf<M>): Promise<Reply<M>>;
  /** Like api, but returns the value and throws with the engine's message when the call fails. */
  value<M extends MethodName>(method: M, request?: RequestOf<M>): Promise<ResponseOf<M>>;
  /**
   * @deprecated Use `api` (typed by the contract) or `value`. Kept for the first view specs.
   */
  call(
    method: MethodName,
    request?: unknown,
  ): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  /** What the server printed so far (stdout and stderr), for failure reports. */
  log(): string;
}

export interface StartOptions {
  /** Open a copy of the 20k-user demo workspace (~1.5M events) instead of an empty one. */
  demo?: boolean;
  /** The server's clock (WORKBENCH_NOW), when a test needs another day than the run's E2E_NOW. */
  now?: string;
}

/**
 * Starts browser mode as a user would (`npm run web`: scripts/web.mjs), on a fresh workspace in
 * a new temp folder, and waits for the URL line it prints. The renderer was built once by the
 * global setup, so the server starts with --no-build (under a second here).
 */
export async function startWorkbench(options: StartOptions = {}): Promise<{
  workbench: Workbench;
  stop: () => Promise<void>;
}> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'workbench-e2e-'));
  const workspacePath = path.join(tmpDir, options.demo === true ? 'demo.duckdb' : 'w.duckdb');
  if (options.demo === true) copyWorkspace(await demoTemplate(), workspacePath);

  const child = spawn(
    process.execPath,
    [web, ...['--workspace', workspacePath, '--port', '0', '--no-build', '--no-open']],
    {
      cwd: root,
      // Recent workspaces and the default workspace go to the temp folder, not the user's home.
      env: {
        ...process.env,
        WORKBENCH_HOME: path.join(tmpDir, 'home'),
        [CLOCK_ENV]: options.now ?? process.env[CLOCK_ENV] ?? E2E_NOW,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // The worker may exit before teardown ends (a crash, Ctrl-C, a stop() not awaited): never leave
  // a server or a temp folder behind.
  const cleanUpOnExit = (): void => {
    child.kill('SIGTERM');
    rmSync(tmpDir, { recursive: true, force: true });
  };
  process.on('exit', cleanUpOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(tmpDir, { recursive: true, force: true });
    process.off('exit', cleanUpOnExit);
  };

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`browser mode printed no URL within 60 s:\n${output}`)),
        60_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = URL_LINE.exec(output)?.[1];
        if (found === undefined) return;
        clearTimeout(timer);
        resolve(found);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new Error(`browser mode exited (${String(code)}) before printing its URL:\n${output}`),
        );
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  const baseUrl = parsed.origin;
  const api = async <M extends MethodName>(method: M, request?: RequestOf<M>) => {
    const response = await fetch(`${baseUrl}/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ request: request ?? {} }),
    });
    return (await response.json()) as Reply<M>;
  };
  const workbench: Workbench = {
    url,
    baseUrl,
    token,
    workspacePath,
    tmpDir,
    write(name, content) {
      const target = path.join(tmpDir, name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
      return target;
    },
    api,
    async value(method, request) {
      const reply = await api(method, request);
      if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
      return reply.value;
    },
    call: (method, request) => api(method, request as RequestOf<typeof method>),
    log: () => output,
  };
  return { workbench, stop };
}

/** DuckDB may leave a write-ahead log beside the file; a copy without it would lose rows. */
export function copyWorkspace(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
}

/**
 * The demo workspace is generated once per run (about 7 s on 2 cores) into the run's folder made
 * by the global setup, then copied for each server, so a test can never change another's data.
 * Two workers may ask at once: the first to create the lock folder generates, the other waits.
 */
export async function demoTemplate(): Promise<string> {
  const runDir = process.env[DEMO_TEMPLATE_ENV];
  if (runDir === undefined)
    throw new Error('e2e/global-setup.ts did not run (see playwright.config.ts).');
  const template = path.join(runDir, 'demo.duckdb');
  if (existsSync(template)) return template;
  const lock = path.join(runDir, 'demo.lock');
  try {
    mkdirSync(lock);
  } catch {
    const deadline = Date.now() + 180_000;
    while (!existsSync(template)) {
      if (Date.now() > deadline) throw new Error('Waited 3 minutes for the demo workspace.');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return template;
  }
  const partial = path.join(runDir, `demo-${process.pid}.duckdb`);
  const cli = spawn(
    process.execPath,
    [path.join(root, 'bin', 'workbench.js'), 'demo', '--workspace', partial, '--json'],
    {
      cwd: root,
      env: { ...process.env, WORKBENCH_HOME: path.join(runDir, 'home') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
  if (code !== 0)
    throw new Error(`generating the demo workspace failed (${String(code)}):\n${stderr}`);
  if (existsSync(`${partial}.wal`)) renameSync(`${partial}.wal`, `${template}.wal`);
  // Renamed last: the template's presence tells waiting workers it is complete.
  renameSync(partial, template);
  return template;
}

/**
 * The page's clock reads the run's instant too (Playwright's clock API), so what the window
 * computes from Date agrees with the servers. Timers keep running.
 */
export const test = base.extend<{ workbench: Workbench }, { demo: Workbench }>({
  page: async ({ page }, use) => {
    await page.clock.setFixedTime(new Date(process.env[CLOCK_ENV] ?? E2E_NOW));
    await use(page);
  },
  /**
   * A server of its own per test, on an empty workspace: tests may import, change settings or
   * break things freely. Starting one costs under a second.
   */
  workbench: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, testInfo) => {
      const { workbench, stop } = await startWorkbench();
      try {
        await use(workbench);
      } finally {
        if (testInfo.status !== testInfo.expectedStatus) {
          await testInfo.attach('server.log', { body: workbench.log(), contentType: 'text/plain' });
        }
        await stop();
      }
    },
    { timeout: 60_000 },
  ],
  /**
   * The 20k-user demo workspace, one server per worker shared by its tests: read it, do not
   * change it (import, settings, saves) — use `workbench` for that.
   */
  demo: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { workbench, stop } = await startWorkbench({ demo: true });
      try {
        await use(workbench);
      } finally {
        await stop();
      }
    },
    { scope: 'worker', timeout: 240_000 },
  ],
});

export { expect } from '@playwright/test';

/**
 * A test type whose worker fixture `ws` is a copy of the demo workspace of the calling spec
 * file's own: a file that saves segments, triggers or analyses in it must not meet another
 * file's. Each call defines a new fixture, set up once per worker.
 */
export function demoCopyTest() {
  return test.extend<object, { ws: Workbench }>({
    ws: [
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const { workbench, stop } = await startWorkbench({ demo: true });
        try {
          await use(workbench);
        } finally {
          await stop();
        }
      },
      { scope: 'worker', timeout: 240_000 },
    ],
  });
}
