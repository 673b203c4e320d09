import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { ProgressEvent } from '../../shared/api/contract';
import { httpTransport } from '../../shared/api/http-transport';
import { Engine } from '../engine/engine';
import { MAX_BODY_BYTES, startServer, type WorkbenchServer } from './http-server';

let dir: string;
let engine: Engine;
let server: WorkbenchServer;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-http-'));
  engine = new Engine({ WORKBENCH_HOME: dir });
  server = await startServer({ engine });
  base = server.url.replace(/\/\?token=.*$/, '');
});
afterAll(async () => {
  await server.close();
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('the contract over HTTP', () => {
  it('refuses requests without the session token, or with a wrong one', async () => {
    expect((await post(`${base}/api/call/workspace.info`, '{}')).status).toBe(401);
    expect(
      (await post(`${base}/api/call/workspace.info`, '{}', { authorization: 'Bearer nope' }))
        .status,
    ).toBe(401);
    const ok = await post(`${base}/api/call/workspace.info?token=${server.token}`, '{}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: false, error: { code: 'NO_WORKSPACE' } });
  });

  it('refuses other origins, unknown methods, bodies that are not JSON or too large', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    expect(
      (
        await post(`${base}/api/call/workspace.info`, '{}', {
          ...auth,
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    expect((await post(`${base}/api/call/nope.nope`, '{}', auth)).status).toBe(404);
    expect((await post(`${base}/api/call/workspace.info`, '{not json', auth)).status).toBe(400);
    const big = await post(`${base}/api/call/workspace.info`, 'x'.repeat(MAX_BODY_BYTES + 1), auth);
    expect(big.status).toBe(413);
    expect(big.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('carries calls, validation errors and progress events like any transport', async () => {
    const api = createClient(httpTransport(base, server.token, fetch));
    await api['workspace.open']({ path: path.join(dir, 'w.duckdb') });
    await expect(api['import.events']({ files: [] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });

    const events: ProgressEvent[] = [];
    const stream = await fetch(`${base}/api/events?token=${server.token}`);
    const reader = stream.body?.getReader();
    const decoder = new TextDecoder();
    const reading = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return;
        for (const line of decoder.decode(chunk.value).split('\n')) {
          if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ProgressEvent);
        }
      }
    })();
    const file = path.join(dir, 'e.csv');
    writeFileSync(
      file,
      'user_id,event,timestamp\nu1,a,2024-01-01T00:00:00Z\nu2,b,2024-01-02T00:00:00Z\n',
    );
    const summary = await api['import.events']({ files: [file] }, { jobId: 'job-1' });
    expect(summary.rowsImported).toBe(2);
    expect((await api['workspace.info']({})).users).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    await reader?.cancel();
    await reading;
    expect(events.some((e) => e.jobId === 'job-1' && e.method === 'import.events')).toBe(true);
  });

  it('takes a file upload with the token and hands back a local path to import', async () => {
    const csv = 'user_id,event,timestamp\nu1,open,2024-01-01T00:00:00Z\n';
    expect((await post(`${base}/api/upload?name=e.csv`, csv)).status).toBe(401);
    const reply = (await (
      await post(`${base}/api/upload?name=../../evil/e.csv`, csv, {
        authorization: `Bearer ${server.token}`,
        'content-type': 'application/octet-stream',
      })
    ).json()) as { ok: boolean; value: { path: string } };
    expect(reply.ok).toBe(true);
    // Only the file name is kept, inside a fresh folder of the system's temp directory.
    expect(path.basename(reply.value.path)).toBe('e.csv');
    expect(path.dirname(path.dirname(reply.value.path))).toBe(os.tmpdir());
    expect(readFileSync(reply.value.path, 'utf8')).toBe(csv);
    rmSync(path.dirname(reply.value.path), { recursive: true, force: true });
  });

  it('serves the app to a browser holding the token, its assets by cookie', async () => {
    const appDir = path.join(dir, 'app');
    mkdirSync(path.join(appDir, 'assets'), { recursive: true });
    writeFileSync(path.join(appDir, 'index.html'), '<main>app</main>');
    writeFileSync(path.join(appDir, 'assets', 'a.js'), 'console.log(1)');
    const web = await startServer({ engine, staticDir: appDir });
    const root = web.url.replace(/\/\?token=.*$/, '');
    try {
      const page = await fetch(web.url);
      expect(await page.text()).toBe('<main>app</main>');
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect((await fetch(`${root}/assets/a.js`)).status).toBe(401);
      const asset = await fetch(`${root}/assets/a.js`, { headers: { cookie } });
      expect(asset.headers.get('content-type')).toContain('javascript');
      // Outside the app folder nothing is served but the app itself.
      expect(
        await (await fetch(`${root}/..%2F..%2Fetc%2Fpasswd`, { headers: { cookie } })).text(),
      ).toBe('<main>app</main>');
    } finally {
      await web.close();
    }
  });
});
