import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/api/contract';
import { EngineProcess, type EngineChannel, type FromEngine } from './engine-process';

/**
 * The engine in a process of its own, with a Node child standing in for Electron's utility
 * process (Electron cannot start here): engine-host.ts serves Engine.call over the child's
 * channel, EngineProcess is the main process's client.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-engine-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const children: { kill: () => void }[] = [];
function spawnHost(): EngineChannel {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(path.join(import.meta.dirname, 'engine-host.ts'), [], {
    execArgv: ['--import', tsx],
    env: { ...process.env, WORKBENCH_HOME: path.join(dir, 'home'), WORKBENCH_READER: 'inline' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push({ kill: () => child.kill() });
  return {
    post: (m) => child.send(m),
    onMessage: (listener) => child.on('message', (m) => listener(m as FromEngine)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => child.kill(),
  };
}

describe('the engine in its own process', () => {
  const crashes: string[] = [];
  const engine = new EngineProcess(spawnHost, (m) => crashes.push(m));
  afterAll(() => engine.dispose());

  it('answers calls with the engine’s replies, progress on the way', async () => {
    const opened = await engine.call('workspace.open', { path: path.join(dir, 'w.duckdb') });
    expect(opened.ok).toBe(true);
    const csv = path.join(dir, 'e.csv');
    writeFileSync(
      csv,
      'user_id,event,timestamp\nu1,a,2024-01-01T10:00:00Z\nu2,a,2024-01-02T10:00:00Z\n',
    );
    const progress: ProgressEvent[] = [];
    const imported = await engine.call(
      'import.events',
      { files: [csv] },
      { jobId: 'job-1', onProgress: (p) => progress.push(p) },
    );
    expect(imported).toMatchObject({ ok: true, value: { totalEvents: 2 } });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.jobId === 'job-1' && p.method === 'import.events')).toBe(true);
    const run = await engine.call('analysis.run', { spec: { kind: 'eventTypes' } });
    expect(run).toMatchObject({ ok: true, value: { rows: [{ event: 'a', events: 2, users: 2 }] } });
  });

  it('brings errors back as data', async () => {
    const reply = await engine.call('analysis.run', { spec: { kind: 'nope' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('answers the calls of a process that died, and starts a fresh one for the next', async () => {
    const running = engine.call('workspace.info', {});
    children.at(-1)?.kill();
    expect(await running).toMatchObject({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: expect.stringMatching(/engine process stopped unexpectedly.*workspace\.info/),
      },
    });
    expect(crashes).toHaveLength(1);
    // A fresh process: no workspace open in it yet.
    expect(await engine.call('workspace.info', {})).toMatchObject({
      ok: false,
      error: { code: 'NO_WORKSPACE' },
    });
  });
});
