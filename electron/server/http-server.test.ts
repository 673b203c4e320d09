import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { ProgressEvent } from '../../shared/api/contract';
import { httpTransport } from '../../shared/api/http-transport';
import { Engine } from '../engine/engine';
import { MAX_BODY_BYTES, startServer, uploadName, type WorkbenchServer } from './http-server';

let dir: string;
let engine: Engine;
let server: WorkbenchServer;
let base: string;
let uploads: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-http-'));
  engine = new Engine({ WORKBENCH_HOME: dir });
  uploads = path.join(dir, 'uploads');
  server = await startServer({ engine, uploadDir: uploads });
  base = server.url.replace(/\/\?token=.*$/, '');
});
afterAll(async () => {
  await server.close();
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** What the renderer sends: the raw file as the body, its name in the query. */
const upload = (name: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/upload?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${server.token}`,
      'content-type': 'application/octet-stream',
      ...headers,
    },
    body,
  });

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

  it('takes a file upload with the token: bytes intact, beyond the JSON cap, importable', async () => {
    // Every byte value, and more than the 10 MB a JSON call may carry.
    const body = Buffer.alloc(MAX_BODY_BYTES + 123_457);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + (i >> 8)) & 0xff;
    const reply = await upload('blob.bin', body);
    expect(reply.status).toBe(200);
    const { value } = (await reply.json()) as { value: { path: string } };
    expect(path.basename(value.path)).toBe('blob.bin');
    expect(path.dirname(path.dirname(value.path))).toBe(uploads);
    expect(readFileSync(value.path).equals(body)).toBe(true);

    // The renderer's next step: import what it uploaded, by the path it got back.
    const csv =
      'user_id,event,timestamp\nu1,open,2024-01-01T00:00:00Z\nu2,open,2024-01-02T00:00:00Z\n';
    const sent = (await (await upload('events.csv', csv)).json()) as { value: { path: string } };
    const api = createClient(httpTransport(base, server.token, fetch));
    await api['workspace.open']({ path: path.join(dir, 'upload.duckdb') });
    const preview = await api['import.preview']({ files: [sent.value.path] });
    expect(preview.rows.map((r) => r.user_id)).toEqual(['u1', 'u2']);
    expect((await api['import.events']({ files: [sent.value.path] })).rowsImported).toBe(2);
  });

  it('refuses an upload without the session token or from another origin', async () => {
    const before = existsSync(uploads) ? readdirSync(uploads).length : 0;
    const anonymous = await fetch(`${base}/api/upload?name=e.csv`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const wrong = await upload('e.csv', 'x', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const foreign = await upload('e.csv', 'x', { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(existsSync(uploads) ? readdirSync(uploads).length : 0).toBe(before);
  });

  it('keeps only the file name of an upload, inside its own fresh folder', async () => {
    const names: [string, string][] = [
      ['../../evil/e.csv', 'e.csv'],
      ['..\\..\\windows\\e.csv', 'e.csv'],
      ['/etc/passwd', 'passwd'],
      ['.bashrc', 'bashrc'],
      ['a<b>:c|d?.csv', 'a_b__c_d_.csv'],
    ];
    const folders = new Set<string>();
    for (const [name, kept] of names) {
      const reply = (await (await upload(name, 'data')).json()) as { value: { path: string } };
      expect(path.basename(reply.value.path)).toBe(kept);
      expect(path.dirname(path.dirname(reply.value.path))).toBe(uploads);
      folders.add(path.dirname(reply.value.path));
    }
    expect(folders.size).toBe(names.length);
    expect(existsSync(path.join(dir, 'evil'))).toBe(false);
    expect(uploadName('x'.repeat(300) + '.csv.gz')).toMatch(/^x{193}\.csv\.gz$/);
    for (const name of ['', '..', '../..', '/']) {
      const reply = await upload(name, 'data');
      expect(reply.status).toBe(400);
      expect(await reply.json()).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringContaining('file name') as unknown,
        },
      });
    }
  });

  it('refuses an upload over the size cap and keeps nothing of it', async () => {
    const small = await startServer({ engine, uploadDir: uploads, maxUploadBytes: 1000 });
    const root = small.url.replace(/\/\?token=.*$/, '');
    const auth = { authorization: `Bearer ${small.token}` };
    const before = readdirSync(uploads).length;
    try {
      const ok = await fetch(`${root}/api/upload?name=a.csv`, {
        method: 'POST',
        headers: auth,
        body: 'x'.repeat(1000),
      });
      expect(ok.status).toBe(200);
      // Declared too large: refused before a byte is stored.
      const declared = await fetch(`${root}/api/upload?name=b.csv`, {
        method: 'POST',
        headers: auth,
        body: 'x'.repeat(1001),
      });
      expect(declared.status).toBe(413);
      expect(await declared.json()).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringContaining('larger than the 1000 bytes') as unknown,
        },
      });
      // Streamed without a length: cut off when it passes the cap, the partial file removed.
      const streamed = await fetch(`${root}/api/upload?name=c.csv`, {
        method: 'POST',
        headers: auth,
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(400));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(readdirSync(uploads).length).toBe(before + 1);
    } finally {
      await small.close();
    }
    // Closing the server removes the uploads of its session.
    expect(readdirSync(uploads).length).toBe(before);
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
