import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { createLocalClient } from '../local-client';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';
import { dataDirectory, defaultWorkspacePath } from './default-location';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

const EVENTS =
  'user_id,event,timestamp\nu1,a,2024-03-30T23:30:00Z\nu1,b,2024-03-31T00:30:00Z\nu2,a,2024-03-31T22:30:00Z\n';

describe('workspace', () => {
  it('is created with the schema, UTC and Monday weeks', async () => {
    const info = await ws.api['workspace.info']({});
    expect(info.workspace.settings).toEqual({
      timezone: 'UTC',
      weekStart: 'monday',
      sessionGapMinutes: 30,
      memoryLimit: null,
    });
    expect(info.events).toBe(0);
    expect(info.range).toBeNull();
    const tables = await ws.rows(`SELECT table_name FROM duckdb_tables() ORDER BY table_name`);
    expect(tables.map((t) => t.table_name)).toEqual([
      'events',
      'saved_specs',
      'segment_members',
      'segment_state',
      'session_facts',
      'sources',
      'user_days',
      'users',
      'workbench_meta',
    ]);
  });

  it('validates and stores settings', async () => {
    await expect(
      ws.api['workspace.updateSettings']({ timezone: 'Mars/Olympus' }),
    ).rejects.toMatchObject({ code: 'BAD_TIMEZONE' });
    const s = await ws.api['workspace.updateSettings']({
      timezone: 'Europe/Paris',
      weekStart: 'sunday',
    });
    expect(s.settings).toEqual({
      timezone: 'Europe/Paris',
      weekStart: 'sunday',
      sessionGapMinutes: 30,
      memoryLimit: null,
    });
  });

  it('says clearly when another process holds it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-lock-'));
    const file = path.join(dir, 'held.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(file)}).then(() => { console.log('ready'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) =>
          String(d).includes('ready') ? resolve() : undefined,
        );
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const engine = new Engine();
      const api = createLocalClient(engine);
      const error = await api['workspace.open']({ path: file }).catch(
        (e: { code: string; message: string }) => e,
      );
      expect(error).toMatchObject({
        code: 'WORKSPACE_LOCKED',
        message: expect.stringContaining('open in another process'),
      });
      expect((error as { message: string }).message).toContain(`PID ${holder.pid}`);
      engine.dispose();
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a workspace, and a missing one when asked not to create', async () => {
    const engine = new Engine();
    const api = createLocalClient(engine);
    await expect(
      api['workspace.open']({ path: ws.write('notes.duckdb', 'hello') }),
    ).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
    await expect(
      api['workspace.open']({ path: path.join(ws.dir, 'none.duckdb'), create: false }),
    ).rejects.toMatchObject({
      code: 'WORKSPACE_NOT_FOUND',
    });
    engine.dispose();
  });

  it('reopens read-only with the same data and refuses writes', async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    await ws.api['workspace.close']({});
    await ws.api['workspace.open']({ path: ws.file, readOnly: true });
    expect((await ws.api['workspace.info']({})).events).toBe(3);
    await expect(
      ws.api['import.events']({ files: [ws.write('e2.csv', EVENTS)] }),
    ).rejects.toMatchObject({ code: 'READ_ONLY' });
  });

  it("derives users' active days for a workspace written before they existed", async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    await ws.api['sql.query']({
      sql: 'DROP TABLE user_days; DROP TABLE session_facts',
      write: true,
    });
    await ws.api['workspace.close']({});
    await ws.api['workspace.open']({ path: ws.file });
    const days = await ws.rows('SELECT uid, day, events FROM user_days ORDER BY uid, day');
    expect(days.map((d) => [d.uid, String(d.day), d.events])).toEqual([
      [0, '2024-03-30', 1],
      [0, '2024-03-31', 1],
      [1, '2024-03-31', 1],
    ]);
    const sessions = await ws.rows('SELECT uid, events FROM session_facts ORDER BY uid, started');
    expect(sessions.map((x) => [x.uid, x.events])).toEqual([
      [0, 1],
      [0, 1],
      [1, 1],
    ]);
  });

  it('has a default location under the user data directory', () => {
    expect(dataDirectory({ WORKBENCH_HOME: '/x/y' })).toBe('/x/y');
    expect(defaultWorkspacePath({ WORKBENCH_HOME: '/x/y' })).toBe('/x/y/workspaces/default.duckdb');
    if (process.platform === 'linux') {
      expect(dataDirectory({ XDG_DATA_HOME: '/d' })).toBe('/d/retention-workbench');
    }
  });

  it('opens the default workspace when no path is given', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'workbench-home-'));
    const engine = new Engine({ WORKBENCH_HOME: home });
    const summary = await createLocalClient(engine)['workspace.open']({});
    expect(summary.path).toBe(path.join(home, 'workspaces', 'default.duckdb'));
    engine.dispose();
    rmSync(home, { recursive: true, force: true });
  });
});

describe('SQL', () => {
  it('is read-only unless writes are allowed', async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    const r = await ws.api['sql.query']({
      sql: 'SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY event',
    });
    expect(r.columns).toEqual(['event', 'n']);
    expect(r.rows).toEqual([
      { event: 'a', n: 2 },
      { event: 'b', n: 1 },
    ]);
    await expect(ws.api['sql.query']({ sql: 'DELETE FROM events' })).rejects.toMatchObject({
      code: 'READ_ONLY',
    });
    await expect(ws.api['sql.query']({ sql: 'SELECT 1; DROP TABLE events' })).rejects.toMatchObject(
      { code: 'READ_ONLY' },
    );
    expect((await ws.api['workspace.info']({})).events).toBe(3);
    await ws.api['sql.query']({ sql: `CREATE TABLE notes AS SELECT 1 AS x`, write: true });
    expect((await ws.api['sql.query']({ sql: 'SELECT x FROM notes' })).rows).toEqual([{ x: 1 }]);
  });

  it('reports DuckDB errors with their position, and cuts at the limit', async () => {
    const error = await ws.api['sql.query']({ sql: 'SELECT nope FROM events' }).catch(
      (e: { code: string; message: string }) => e,
    );
    expect(error).toMatchObject({ code: 'SQL_ERROR', message: expect.stringContaining('nope') });
    expect((error as { message: string }).message).toContain('LINE 1');
    const r = await ws.api['sql.query']({ sql: 'SELECT * FROM range(100)', limit: 10 });
    expect(r.rows).toHaveLength(10);
    expect(r.truncated).toBe(true);
  });
});

describe('analysis specs and saved specs', () => {
  it('counts event types within whole days of the workspace time zone', async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    const run = async (spec: { kind: 'eventTypes'; from?: string; to?: string }) => {
      const result = await ws.api['analysis.run']({ spec });
      if (result.kind !== 'eventTypes') throw new Error('expected an eventTypes result');
      return result;
    };
    const all = await run({ kind: 'eventTypes' });
    expect(all.rows.map((r) => [r.event, r.events, r.users])).toEqual([
      ['a', 2, 2],
      ['b', 1, 1],
    ]);
    // 2024-03-31 in UTC holds b (00:30) and u2's a (22:30).
    const utcDay = await run({ kind: 'eventTypes', from: '2024-03-31', to: '2024-03-31' });
    expect(utcDay.rows.map((r) => [r.event, r.events])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    // In Paris (UTC+1, then +2 from 31 March 02:00) the same day starts 2024-03-30 23:00 UTC and
    // ends 2024-03-31 22:00 UTC: it takes u1's a (23:30) and b, but no longer u2's a (22:30).
    await ws.api['workspace.updateSettings']({ timezone: 'Europe/Paris' });
    const parisDay = await run({ kind: 'eventTypes', from: '2024-03-31', to: '2024-03-31' });
    expect(parisDay.rows.map((r) => [r.event, r.events, r.users])).toEqual([
      ['a', 1, 1],
      ['b', 1, 1],
    ]);
    await expect(ws.api['analysis.run']({ spec: { kind: 'nope' } as never })).rejects.toMatchObject(
      { code: 'INVALID_REQUEST' },
    );
  });

  it('saves, updates, lists and deletes specs', async () => {
    const saved = await ws.api['saved.save']({
      kind: 'analysis',
      name: 'All events',
      spec: { kind: 'eventTypes' },
    });
    const renamed = await ws.api['saved.save']({
      id: saved.id,
      kind: 'analysis',
      name: 'Event volume',
      spec: { kind: 'eventTypes', from: '2024-01-01' },
    });
    expect(renamed.createdAt).toBe(saved.createdAt);
    expect(await ws.api['saved.list']({})).toMatchObject([
      { id: saved.id, name: 'Event volume', spec: { from: '2024-01-01' } },
    ]);
    expect(await ws.api['saved.delete']({ id: saved.id })).toEqual({ deleted: true });
    expect(await ws.api['saved.list']({ kind: 'analysis' })).toEqual([]);
  });
});

describe('the contract at the engine boundary', () => {
  it('refuses unknown methods and invalid requests as data, and requires an open workspace', async () => {
    const engine = new Engine();
    expect(await engine.call('nope.nope' as 'workspace.info', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(await engine.call('workspace.info', {})).toMatchObject({
      ok: false,
      error: { code: 'NO_WORKSPACE' },
    });
    expect(await engine.call('sql.query', { sql: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    engine.dispose();
  });
});
