import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../engine';
import { createLocalClient } from '../local-client';
import { Workspace } from './workspace';

let dir: string;
let engine: Engine;
let api: ReturnType<typeof createLocalClient>;
let file: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-damage-'));
  file = path.join(dir, 'w.duckdb');
  engine = new Engine({ ...process.env, WORKBENCH_HOME: dir });
  api = createLocalClient(engine);
  await api['workspace.open']({ path: file });
  await api['workspace.close']({});
});
afterEach(() => {
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function writeSettingsRow(value: string): Promise<void> {
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  await c.run(`UPDATE workbench_meta SET value = $1 WHERE key = 'settings'`, [value]);
  c.closeSync();
  db.closeSync();
}

/** Runs `work` with the effective user `nobody`, so permissions apply even when tests run as root. */
async function asNobody<T>(work: () => Promise<T>): Promise<T> {
  const root = process.geteuid?.() === 0;
  if (root) process.seteuid?.(65534);
  try {
    return await work();
  } finally {
    if (root) process.seteuid?.(0);
  }
}

describe('a workspace that is damaged or not ours to write still opens', () => {
  it('an unreadable settings row: the defaults, with a warning, not BAD_JSON', async () => {
    await writeSettingsRow('{"timezone": "Europe/Paris",');
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const summary = await api['workspace.open']({ path: file });
      expect(summary.settings.timezone).toBe('UTC');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('settings are not readable'));
      // The window reads the warning from info; the CLI's info prints it too.
      const info = await api['workspace.info']({});
      expect(info.warnings).toEqual([expect.stringContaining('settings are not readable')]);
      // Saving settings replaces the row, and the workspace is whole again.
      await api['workspace.updateSettings']({ timezone: 'Europe/Paris' });
      expect((await api['workspace.info']({})).warnings).toEqual([]);
      await api['workspace.close']({});
      expect((await api['workspace.open']({ path: file })).settings.timezone).toBe('Europe/Paris');
    } finally {
      warn.mockRestore();
    }
  });

  it('a workspace without write permission opens read-only and says why', async () => {
    chmodSync(dir, 0o755);
    chmodSync(file, 0o444);
    const workspace = await asNobody(() => Workspace.open(file, { create: false }));
    try {
      expect(workspace.readOnly).toBe(true);
      expect(() => workspace.assertWritable()).toThrow(/no permission to write the file/);
      expect((await workspace.info()).events).toBe(0);
    } finally {
      workspace.close();
    }
  });
});
