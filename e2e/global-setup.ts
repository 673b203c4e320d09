import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';

/** The run's shared folder (the demo workspace template); workers inherit the variable. */
export const DEMO_TEMPLATE_ENV = 'WORKBENCH_E2E_RUN_DIR';

/**
 * The instant every e2e run reads as now (electron/engine/clock.ts: WORKBENCH_NOW), so that no
 * test depends on the day it runs: the demo ends the day before (13 March 2026), "This month"
 * is 1-14 March, unlike the last 30 days of data. Servers, the CLI and the browser share it.
 */
export const E2E_NOW = '2026-03-14T15:00:00Z';
export const CLOCK_ENV = 'WORKBENCH_NOW';

/**
 * Once per run, before any worker starts: checks the browser, builds the renderer (every server
 * then starts with --no-build) and makes the run's shared folder. Returns the teardown.
 */
export default function globalSetup(config: FullConfig): () => void {
  const executable = config.projects[0]?.use.launchOptions?.executablePath;
  if (executable === undefined || !existsSync(executable)) {
    throw new Error(
      'No Chromium found. Install Debian’s (apt-get install -y chromium) or set CHROMIUM_PATH; ' +
        'Playwright cannot download its own browser on these machines.',
    );
  }
  // WORKBENCH_E2E_NO_BUILD=1 reuses out/renderer when iterating on specs alone.
  if (process.env.WORKBENCH_E2E_NO_BUILD !== '1') {
    const root = path.resolve(import.meta.dirname, '..');
    const build = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
  }
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'workbench-e2e-run-'));
  process.env[DEMO_TEMPLATE_ENV] = runDir;
  // Workers inherit it, and every server and CLI they spawn inherits it from them.
  process.env[CLOCK_ENV] = E2E_NOW;
  return () => rmSync(runDir, { recursive: true, force: true });
}
