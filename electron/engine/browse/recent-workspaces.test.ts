import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api/contract';
import { Engine } from '../engine';
import { createLocalClient } from '../local-client';
import {
  RECENT_LIMIT,
  recentListPath,
  recentWorkspaces,
  rememberWorkspace,
} from './recent-workspaces';

let home: string;
let env: NodeJS.ProcessEnv;
let engine: Engine;
let api: ApiClient;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'workbench-recent-'));
  env = { WORKBENCH_HOME: home };
  engine = new Engine(env);
  api = createLocalClient(engine);
});
afterEach(() => {
  engine.dispose();
  rmSync(home, { recursive: true, force: true });
});

const file = (name: string): string => path.join(home, `${name}.duckdb`);

describe('workspace.recent', () => {
  it('lists the workspaces opened, most recent first, each once', async () => {
    expect(await api['workspace.recent']({})).toEqual([]);
    await api['workspace.open']({ path: file('a') });
    await api['workspace.open']({ path: file('b') });
    await api['workspace.open']({ path: file('a') });
    await api['workspace.open']({ path: file('c'), readOnly: false });
    const recent = await api['workspace.recent']({});
    expect(recent.map((r) => [r.name, r.path])).toEqual([
      ['c', file('c')],
      ['a', file('a')],
      ['b', file('b')],
    ]);
    const times = recent.map((r) => Date.parse(r.openedAt));
    expect(times.every((t, i) => i === 0 || t <= (times[i - 1] ?? 0))).toBe(true);
    // Kept beside the workspaces in $WORKBENCH_HOME, nowhere else.
    expect(recentListPath(env)).toBe(path.join(home, 'recent-workspaces.json'));
    expect(existsSync(recentListPath(env))).toBe(true);
  });

  it('remembers the demo workspace too, and not a failed open', async () => {
    await api['workspace.openDemo']({ path: file('demo'), users: 20, days: 3, seed: 1 });
    await expect(
      api['workspace.open']({ path: file('missing'), create: false }),
    ).rejects.toMatchObject({
      code: 'WORKSPACE_NOT_FOUND',
    });
    expect((await api['workspace.recent']({})).map((r) => r.name)).toEqual(['demo']);
  });

  it(`keeps the ${RECENT_LIMIT} most recent and leaves out files that are gone`, async () => {
    for (let i = 0; i < 12; i++) writeFileSync(file(`w${i}`), '');
    for (let i = 0; i < 12; i++) {
      rememberWorkspace(
        env,
        { path: file(`w${i}`), name: `w${i}` },
        new Date(Date.UTC(2024, 0, 1, i)),
      );
    }
    expect(recentWorkspaces(env).map((r) => r.name)).toEqual(
      [11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `w${i}`),
    );
    expect(recentWorkspaces(env)[0]?.openedAt).toBe('2024-01-01T11:00:00.000Z');
    rmSync(file('w10'));
    expect(recentWorkspaces(env).map((r) => r.name)).toEqual(
      [11, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `w${i}`),
    );
    // A file that went missing does not hold a place the next time the list is written.
    rememberWorkspace(env, { path: file('w1'), name: 'w1' });
    const saved = JSON.parse(readFileSync(recentListPath(env), 'utf8')) as { name: string }[];
    expect(saved.map((r) => r.name)).toEqual([1, 11, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `w${i}`));
  });

  it('starts over from a damaged or foreign list file', async () => {
    writeFileSync(recentListPath(env), '{not json');
    expect(await api['workspace.recent']({})).toEqual([]);
    writeFileSync(
      recentListPath(env),
      JSON.stringify([
        { path: 42 },
        { path: file('x'), name: 'x', openedAt: '2024-01-01T00:00:00Z' },
      ]),
    );
    writeFileSync(file('x'), '');
    expect((await api['workspace.recent']({})).map((r) => r.name)).toEqual(['x']);
    await api['workspace.open']({ path: file('y') });
    expect((await api['workspace.recent']({})).map((r) => r.name)).toEqual(['y', 'x']);
  });
});
