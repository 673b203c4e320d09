import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder where this run's shared workspaces are built (testing/shared-workspaces.ts). */
    sharedWorkspaces: string;
  }
}

/**
 * Vitest's global setup: one folder per run for the workspaces that several test files read
 * (the real datasets imported, the demo product). Nothing is built here: the first test that
 * asks for one builds it, so a run that needs none (`vitest run shared/`) pays nothing.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-shared-workspaces-'));
  project.provide('sharedWorkspaces', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
