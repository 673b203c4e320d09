import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { ProgressEvent } from '../../shared/api/contract';
import { httpTransport } from '../../shared/api/http-transport';
import { Engine } from '../engine/engine';
import {
  MAX_BODY_BYTES,
  startServer,
  uploadName,
  verifyPrivateFolder,
  type WorkbenchServer,
} from './http-server';

let dir: string;
let engine: Engine;
let server: WorkbenchServer;
let base: string;
let uploads: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-http-'));
  engine = new Engine({ WORKBENCH_HOME: dir });
  uploads = path.join(dir, 'uploads');
  mkdirSync(uploads);
  server = await startServer({ engine, uploadRoot: uploads });
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
    // In the URL it would end up in history, logs and Referer headers: only the header counts.
    expect((await post(`${base}/api/call/workspace.info?token=${server.token}`, '{}')).status).toBe(
      401,
    );
    const ok = await post(`${base}/api/call/workspace.info`, '{}', {
      authorization: `Bearer ${server.token}`,
    });
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
    const stream = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
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
    expect(sessionFolderOf(value.path)).toMatch(/retention-workbench-uploads-\w+$/);
    expect(path.dirname(sessionFolderOf(value.path))).toBe(uploads);
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
    const before = filesUnder(uploads).length;
    const anonymous = await fetch(`${base}/api/upload?name=e.csv`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const wrong = await upload('e.csv', 'x', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const foreign = await upload('e.csv', 'x', { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(filesUnder(uploads).length).toBe(before);
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
      expect(path.dirname(sessionFolderOf(reply.value.path))).toBe(uploads);
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
    const root = mkdtempSync(path.join(dir, 'cap-'));
    const small = await startServer({ engine, uploadRoot: root, maxUploadBytes: 1000 });
    const origin = small.url.replace(/\/\?token=.*$/, '');
    const auth = { authorization: `Bearer ${small.token}` };
    try {
      const ok = await fetch(`${origin}/api/upload?name=a.csv`, {
        method: 'POST',
        headers: auth,
        body: 'x'.repeat(1000),
      });
      expect(ok.status).toBe(200);
      // Declared too large: refused before a byte is stored.
      const declared = await fetch(`${origin}/api/upload?name=b.csv`, {
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
      const streamed = await fetch(`${origin}/api/upload?name=c.csv`, {
        method: 'POST',
        headers: auth,
        body: chunks(4, 400),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(filesUnder(root).map((f) => path.basename(f))).toEqual(['a.csv']);
    } finally {
      await small.close();
    }
    // Closing the server removes the uploads of its session, their folder included.
    expect(readdirSync(root)).toEqual([]);
  });

  it('holds at most the quota of all uploads together, and says so', async () => {
    const root = mkdtempSync(path.join(dir, 'quota-'));
    const small = await startServer({
      engine,
      uploadRoot: root,
      maxUploadBytes: 1000,
      uploadQuotaBytes: 1500,
    });
    const origin = small.url.replace(/\/\?token=.*$/, '');
    const auth = { authorization: `Bearer ${small.token}` };
    const send = (name: string, body: string | ReadableStream<Uint8Array>) =>
      fetch(`${origin}/api/upload?name=${name}`, {
        method: 'POST',
        headers: auth,
        body,
        duplex: 'half',
      } as RequestInit);
    try {
      expect((await send('a.csv', 'x'.repeat(1000))).status).toBe(200);
      // Each within the per-file cap, together over the quota: declared, then streamed.
      for (const body of ['x'.repeat(600), chunks(3, 200)]) {
        const refused = await send('b.csv', body);
        expect(refused.status).toBe(413);
        expect(await refused.json()).toMatchObject({
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: expect.stringMatching(
              /b\.csv does not fit: the uploads of this session may hold 1500 bytes together, and 1000 bytes of it is taken/,
            ) as unknown,
          },
        });
      }
      // A refused upload gives its share back: what still fits is taken.
      expect((await send('c.csv', 'x'.repeat(500))).status).toBe(200);
      expect(
        filesUnder(root)
          .map((f) => path.basename(f))
          .sort(),
      ).toEqual(['a.csv', 'c.csv']);
    } finally {
      await small.close();
    }
  });

  it('keeps uploads in a private folder of its own, never a planted shared one', async () => {
    // What the temp directory may hold when another user was there first: the fixed folder
    // name the server once used, made theirs, or a symlink to a folder they can read.
    const tmp = mkdtempSync(path.join(dir, 'tmp-'));
    const theirs = path.join(tmp, 'theirs');
    mkdirSync(theirs, { mode: 0o777 });
    symlinkSync(theirs, path.join(tmp, 'retention-workbench-uploads'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    let web: WorkbenchServer | undefined;
    try {
      // Default location: the system temp directory (os.tmpdir() reads TMPDIR).
      web = await startServer({ engine });
      const reply = await fetch(`${web.url.replace(/\/\?token=.*$/, '')}/api/upload?name=e.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${web.token}` },
        body: 'secret',
      });
      const { value } = (await reply.json()) as { value: { path: string } };
      const session = sessionFolderOf(value.path);
      expect(path.dirname(session)).toBe(tmp);
      expect(session).not.toBe(path.join(tmp, 'retention-workbench-uploads'));
      expect(filesUnder(theirs)).toEqual([]);
      const info = lstatSync(session);
      expect(info.isDirectory()).toBe(true);
      expect(info.mode & 0o777).toBe(0o700);
      if (process.getuid !== undefined) expect(info.uid).toBe(process.getuid());
    } finally {
      // Assigning undefined would set the text 'undefined' for every later test in this process.
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await web?.close();
    }
    expect(readdirSync(tmp).sort()).toEqual(['retention-workbench-uploads', 'theirs']);
  });

  it('trusts an upload folder only if it is a private directory of its own user', async () => {
    const own = mkdtempSync(path.join(dir, 'own-'));
    await expect(verifyPrivateFolder(own)).resolves.toBeUndefined();
    const link = path.join(dir, 'link-to-own');
    symlinkSync(own, link);
    await expect(verifyPrivateFolder(link)).rejects.toThrow(/not a directory/);
    if (process.getuid === undefined) return;
    const open = mkdtempSync(path.join(dir, 'open-'));
    chmodSync(open, 0o755);
    await expect(verifyPrivateFolder(open)).rejects.toThrow(/open to other users \(mode 755\)/);
    if (process.getuid() === 0) {
      const foreign = mkdtempSync(path.join(dir, 'foreign-'));
      chownSync(foreign, 65534, 65534);
      await expect(verifyPrivateFolder(foreign)).rejects.toThrow(/belongs to another user/);
    }
  });

  it('serves the app without the token or a cookie; /api needs the token in its header', async () => {
    const appDir = path.join(dir, 'app');
    mkdirSync(path.join(appDir, 'assets'), { recursive: true });
    writeFileSync(path.join(appDir, 'index.html'), '<main>app</main>');
    writeFileSync(path.join(appDir, 'assets', 'a.js'), 'console.log(1)');
    const web = await startServer({ engine, staticDir: appDir });
    const root = web.url.replace(/\/\?token=.*$/, '');
    try {
      const page = await fetch(web.url);
      expect(await page.text()).toBe('<main>app</main>');
      // Cookies ignore ports: one set here would be sent to every other server on 127.0.0.1.
      expect(page.headers.get('set-cookie')).toBeNull();
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      // A reload, after the page took the token out of its address: the app, and its assets.
      expect(await (await fetch(`${root}/`)).text()).toBe('<main>app</main>');
      const asset = await fetch(`${root}/assets/a.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
      // Outside the app folder nothing is served but the app itself.
      expect(await (await fetch(`${root}/..%2F..%2Fetc%2Fpasswd`)).text()).toBe('<main>app</main>');
      // The data is behind the token, whatever cookie comes along.
      const call = await post(`${root}/api/call/workspace.info`, '{}', {
        cookie: `workbench_token=${web.token}`,
      });
      expect(call.status).toBe(401);
    } finally {
      await web.close();
    }
  });

  it('answers broken percent-encoding with 400, not 500', async () => {
    const appDir = path.join(dir, 'app-400');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(path.join(appDir, 'index.html'), '<main>app</main>');
    const web = await startServer({ engine, staticDir: appDir });
    const port = new URL(web.url).port;
    try {
      for (const bad of ['/%E0%A4%A', '/%', '/assets/%zz.js']) {
        const reply = await raw(port, bad);
        expect(reply.status, bad).toBe(400);
        expect(JSON.parse(reply.body)).toMatchObject({
          ok: false,
          error: { code: 'INVALID_REQUEST' },
        });
      }
    } finally {
      await web.close();
    }
  });

  it('answers only to its own host names (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    const auth = { authorization: `Bearer ${server.token}` };
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const reply = await raw(port, '/api/call/workspace.recent', { host, ...auth }, 'POST');
      expect(reply.status, host).toBe(200);
    }
    // evil.example resolved to 127.0.0.1: the browser sends the token-less page's own name, and
    // a script of that page that guessed or stole the token would be same-origin with us.
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:1`, '']) {
      const reply = await raw(port, '/api/call/workspace.recent', { host, ...auth }, 'POST');
      expect(reply.status, host).toBe(421);
      expect(JSON.parse(reply.body)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' },
      });
    }
  });

  it('names every call’s job, even one sent without an id', async () => {
    const api = createClient(httpTransport(base, server.token, fetch));
    await api['workspace.open']({ path: path.join(dir, 'disconnect.duckdb') });
    // A job id even when the client sent none: job.cancel and the progress stream can name it.
    const named = await post(
      `${base}/api/call/sql.query`,
      JSON.stringify({ request: { sql: 'SELECT 1 AS one' } }),
      { authorization: `Bearer ${server.token}` },
    );
    expect(named.headers.get('x-workbench-job')).toMatch(/^http-[\w-]+$/);
  });

  it('cancels a call whose client hangs up', async () => {
    const api = createClient(httpTransport(base, server.token, fetch));
    await api['workspace.open']({ path: path.join(dir, 'hang-up.duckdb') });
    const calls = vi.spyOn(engine, 'call');
    try {
      // Minutes of work on one core if left alone.
      const body = JSON.stringify({
        request: { sql: 'SELECT sum(hash(i)) FROM range(100000000000) t(i)' },
        jobId: 'gone',
      });
      const port = new URL(server.url).port;
      const request = http.request({
        host: '127.0.0.1',
        port,
        path: '/api/call/sql.query',
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      request.on('error', () => undefined);
      request.end(body);
      await vi.waitFor(() => expect(calls).toHaveBeenCalled());
      // Let the statement start before the client goes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      request.destroy();
      // Left running, the statement would take minutes: five seconds tell the two apart.
      const reply = await Promise.race([
        calls.mock.results[0]?.value as Promise<unknown>,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000)),
      ]);
      expect(reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    } finally {
      calls.mockRestore();
    }
  });
});

/** A request with a Host header of the test's choosing (fetch always sends the real one). */
function raw(
  port: string,
  pathname: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: pathname, method, headers, setHost: !('host' in headers) },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(method === 'POST' ? '{}' : undefined);
  });
}

/** A body of `count` chunks of `size` bytes, sent without a Content-Length. */
function chunks(count: number, size: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < count; i++) controller.enqueue(new Uint8Array(size));
      controller.close();
    },
  });
}

/** `<root>/retention-workbench-uploads-XXXX/upload-YYYY/<file>`: the session's folder. */
function sessionFolderOf(file: string): string {
  return path.dirname(path.dirname(file));
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
