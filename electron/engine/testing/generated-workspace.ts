import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDemoExport, type DemoOptions } from '../demo/generate-demo-data';
import { Workspace } from '../workspace/workspace';
import { sharedFile } from './shared-workspaces';
import { tempWorkspace, type TempWorkspace } from './temp-workspace';

/**
 * The generated workspace the equivalence tests share: demo events of 2,000 people over the 70
 * days up to 2026-03-16 (seeded), enough for weekly cohorts, funnels over a few weeks, paths
 * and sessions. One set of options, so that a test run generates and imports it once (~2.5 s
 * of CPU) for every file that reads it, instead of each file generating its own.
 */
export const GENERATED: DemoOptions = { users: 2_000, days: 70, seed: 5, end: '2026-03-16' };

/** The file of the generated workspace of `options`, built once per test run (shared-workspaces.ts). */
export function generatedWorkspaceFile(options: DemoOptions = GENERATED): Promise<string> {
  const key = `generated-${options.users}u-${options.days}d-seed${options.seed}-${options.end}`;
  return sharedFile(key, async (api, file) => {
    const demo = await writeDemoExport({
      ...options,
      outDir: path.join(path.dirname(file), 'demo'),
      format: 'parquet',
    });
    await api['workspace.open']({ path: file });
    return api['import.events']({ files: [demo.eventsFile] });
  });
}

/**
 * A copy of the generated workspace opened directly (not through the contract), for tests that
 * compare two computations of one analysis on the same connection. The copy is the test's own:
 * it may change it.
 */
export async function generatedWorkspace(
  options: DemoOptions = GENERATED,
): Promise<{ workspace: Workspace; close: () => void }> {
  const shared = await generatedWorkspaceFile(options);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-generated-'));
  const file = path.join(dir, 'generated.duckdb');
  copyFileSync(shared, file);
  const workspace = await Workspace.open(file);
  return {
    workspace,
    close: () => {
      workspace.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of the generated workspace, opened through the contract like any client's. */
export async function generatedTempWorkspace(
  options: DemoOptions = GENERATED,
): Promise<TempWorkspace> {
  return tempWorkspace(await generatedWorkspaceFile(options));
}
