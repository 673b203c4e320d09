import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratch } from './scratch';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-scratch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('an import scratch folder', () => {
  it('lives beside the workspace and is gone after dispose', async () => {
    const scratch = await createScratch(path.join(dir, 'w.duckdb'));
    expect(path.dirname(scratch.dir)).toBe(dir);
    writeFileSync(scratch.file('stage.parquet'), 'x');
    await scratch.dispose();
    expect(existsSync(scratch.dir)).toBe(false);
  });

  it("removes the folders of a process that died mid-import, never a live one's", async () => {
    // A pid above the kernel's pid_max is never alive.
    const dead = path.join(dir, '.workbench-import-4194305-abc123');
    const live = path.join(dir, `.workbench-import-${process.ppid}-def456`);
    mkdirSync(dead);
    mkdirSync(live);
    writeFileSync(path.join(dead, 'stage.parquet'), 'left by a killed import');
    const scratch = await createScratch(path.join(dir, 'w.duckdb'));
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    await scratch.dispose();
  });
});
