import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { ApiClient } from '../../shared/api/contract';
import { httpTransport } from '../../shared/api/http-transport';
import { Engine } from '../engine/engine';
import { startServer, type WorkbenchServer } from './http-server';

// Over HTTP the workspace is open read-write, so read-only SQL is all that stands between a
// request and the data: it must neither change the workspace nor read the machine's files.
let dir: string;
let engine: Engine;
let server: WorkbenchServer;
let api: ApiClient;
let secret: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-sql-http-'));
  engine = new Engine({ WORKBENCH_HOME: dir });
  server = await startServer({ engine });
  api = createClient(httpTransport(new URL(server.url).origin, server.token, fetch));
  await api['workspace.open']({ path: path.join(dir, 'w.duckdb') });
  const events = path.join(dir, 'e.csv');
  writeFileSync(
    events,
    'user_id,event,timestamp\nu1,a,2024-01-01T00:00:00Z\nu2,b,2024-01-02T00:00:00Z\n',
  );
  await api['import.events']({ files: [events] });
  secret = path.join(dir, 'secret.csv');
  writeFileSync(secret, 'password\nhunter2\n');
});
afterAll(async () => {
  await server.close();
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (): Promise<unknown> =>
  (await api['sql.query']({ sql: 'SELECT count(*) AS n FROM events' })).rows[0]?.n;

describe('sql.query over HTTP', () => {
  it('refuses EXPLAIN ANALYZE DELETE and leaves the events intact', async () => {
    await expect(
      api['sql.query']({ sql: 'EXPLAIN ANALYZE DELETE FROM events' }),
    ).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(
      api['sql.query']({ sql: 'EXPLAIN ANALYZE DELETE FROM workbench_meta' }),
    ).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(await count()).toBe(2);
    // The workspace still opens: its metadata is there.
    expect((await api['workspace.open']({ path: path.join(dir, 'w.duckdb') })).readOnly).toBe(
      false,
    );
    expect(await count()).toBe(2);
  });

  it('writes no file and reads none', async () => {
    const out = path.join(dir, 'out.csv');
    await expect(
      api['sql.query']({ sql: `EXPLAIN ANALYZE COPY events TO '${out}'` }),
    ).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(existsSync(out)).toBe(false);
    for (const sql of [`SELECT * FROM read_csv('${secret}')`, `SELECT * FROM '${secret}'`]) {
      await expect(api['sql.query']({ sql })).rejects.toMatchObject({ code: 'READ_ONLY' });
    }
  });

  it('answers queries as before', async () => {
    const r = await api['sql.query']({
      sql: 'SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY event',
    });
    expect(r.rows).toEqual([
      { event: 'a', n: 1 },
      { event: 'b', n: 1 },
    ]);
  });
});
