import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../shared/api/contract';
import { withSession } from './session';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-session-'));
  file = path.join(dir, 'e.csv');
  writeFileSync(
    file,
    'user_id,event,timestamp\nu1,open,2024-01-01T10:00:00Z\nu2,open,2024-01-02T10:00:00Z\n',
  );
  vi.stubEnv('WORKBENCH_HOME', dir);
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Imports with a Ctrl-C delivered at the first progress event `when` picks: the session's own
 * SIGINT listener is called, as the terminal's signal would (not vitest's).
 */
async function importWithCtrlC(
  workspace: string,
  when: (event: ProgressEvent) => boolean,
): Promise<{ outcome: unknown; interrupted: boolean; said: string }> {
  const before = new Set(process.listeners('SIGINT'));
  const said: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    said.push(String(text));
    return true;
  });
  let interrupted = false;
  try {
    const outcome = await withSession(
      workspace,
      { create: true, readOnly: false },
      { showProgress: false, commits: true },
      async (s) => {
        const ctrlC = process.listeners('SIGINT').filter((l) => !before.has(l));
        let sent = false;
        try {
          return await s.api['import.events'](
            { files: [file] },
            {
              ...s.options,
              onProgress: (event) => {
                s.options.onProgress?.(event);
                if (!sent && when(event)) {
                  sent = true;
                  for (const listener of ctrlC) listener('SIGINT');
                }
              },
            },
          );
        } finally {
          interrupted = s.interrupted();
        }
      },
    ).catch((error: unknown) => error);
    return { outcome, interrupted, said: said.join('') };
  } finally {
    stderr.mockRestore();
  }
}

describe('Ctrl-C during an import', () => {
  it('after the commit point cancels nothing: the import is reported done', async () => {
    const { outcome, interrupted, said } = await importWithCtrlC(
      path.join(dir, 'late.duckdb'),
      (e) => e.committed === true,
    );
    expect(outcome).toMatchObject({ rowsImported: 2 });
    expect(interrupted).toBe(true);
    expect(said).toContain('Already imported');
    expect(said).not.toContain('Cancelling');
  });

  it('before it cancels, and removes the workspace file the import created', async () => {
    const workspace = path.join(dir, 'early.duckdb');
    const { outcome, said } = await importWithCtrlC(
      workspace,
      (e) => e.phase === 'updating user facts',
    );
    expect(outcome).toMatchObject({ code: 'CANCELLED' });
    expect(said).toContain('Cancelling');
    expect(existsSync(workspace)).toBe(false);
  });
});
