import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');

export interface Workbench {
  /** The app's URL, session token included. */
  url: string;
  baseUrl: string;
  token: string;
  workspacePath: string;
  dir: string;
  /** Writes a file into the test's temp folder and returns its path. */
  write(name: string, content: string): string;
  /** A contract call over HTTP with the token; returns the reply ({ok, value | error}). */
  call(
    method: string,
    request?: unknown,
  ): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
}

/**
 * Browser mode on a fresh temporary workspace, started as a user would (tsx
 * electron/server/web.ts), one per test file; the renderer is built once in global setup.
 */
export async function startWorkbench(options: { demo?: boolean } = {}): Promise<{
  workbench: Workbench;
  stop: () => void;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-e2e-'));
  const workspacePath = path.join(dir, 'workspace.duckdb');
  const args = [
    path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    path.join(root, 'electron', 'server', 'web.ts'),
    '--no-build',
    '--no-open',
    ...(options.demo === true ? [] : ['--workspace', workspacePath]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, WORKBENCH_HOME: dir, WORKBENCH_PORT: '0', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`browser mode did not start: ${stderr}`)),
      120_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`browser mode exited (${code}): ${stderr}`)));
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  const baseUrl = parsed.origin;
  const workbench: Workbench = {
    url,
    baseUrl,
    token,
    workspacePath,
    dir,
    write(name, content) {
      const target = path.join(dir, name);
      writeFileSync(target, content);
      return target;
    },
    async call(method, request = {}) {
      const response = await fetch(`${baseUrl}/api/call/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ request }),
      });
      return (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    },
  };
  return {
    workbench,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A test with `workbench`: browser mode on a fresh, empty workspace of its own. */
export const test = base.extend<{ workbench: Workbench }>({
  workbench: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { workbench, stop } = await startWorkbench();
      await use(workbench);
      stop();
    },
    { timeout: 120_000 },
  ],
});

export { expect } from '@playwright/test';
