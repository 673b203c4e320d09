import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { lstat, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMethodName, unknownMethodMessage, type ProgressEvent } from '../../shared/api/contract';
import type { ApiErrorShape } from '../../shared/api/errors';
import type { Engine } from '../engine/engine';

/** Requests larger than this are refused before they are read whole (imports send paths, not files). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The largest file browser mode accepts on /api/upload (streamed to disk, never held whole). */
export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;

/**
 * All uploads of one session together: they stay on disk until the server stops, so without a
 * total a page (or a script holding the token) could fill the temp disk one 20 GB file at a time.
 */
export const UPLOAD_QUOTA_BYTES = 40 * 1024 ** 3;

export interface WorkbenchServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * The API contract over HTTP on 127.0.0.1, for browser mode and end-to-end tests.
 *
 * - The app itself (the built renderer) is served to anyone who asks by the right Host: it holds
 *   no data, and a reload must work after the page has taken the token out of its address bar.
 * - Everything under /api needs the session token, and only as `Authorization: Bearer` — never a
 *   cookie (cookies ignore ports, so another local server would receive it) nor the URL (it would
 *   end up in history and logs). Calls are POST /api/call/<method> with `{request, jobId}`,
 *   replies the contract's {ok, value | error}; progress streams on GET /api/events (SSE).
 * - The Host header must be 127.0.0.1:<port> or localhost:<port> (DNS rebinding: a page of
 *   evil.example resolved to 127.0.0.1 is same-origin with us in the browser's eyes, but says its
 *   own name in Host). No CORS headers are sent, and requests from another origin are refused.
 * - A call whose client goes away is cancelled (its DuckDB statement interrupted), not left to run
 *   on a core for nobody.
 */
export async function startServer(options: {
  engine: Engine;
  port?: number;
  token?: string;
  /** The built renderer, served for every path outside /api (browser mode). */
  staticDir?: string;
  /**
   * Where this session's private upload folder is made (mkdtemp, 0700, removed at close);
   * default the system temp directory.
   */
  uploadRoot?: string;
  /** The largest single upload. */
  maxUploadBytes?: number;
  /** The most all uploads of this session may hold together. */
  uploadQuotaBytes?: number;
}): Promise<WorkbenchServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const listeners = new Set<ServerResponse>();
  const uploads = new UploadStore(
    options.uploadRoot ?? os.tmpdir(),
    options.maxUploadBytes ?? MAX_UPLOAD_BYTES,
    options.uploadQuotaBytes ?? UPLOAD_QUOTA_BYTES,
  );
  const broadcast = (event: ProgressEvent): void => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of listeners) res.write(data);
  };
  // Known once listening; no request arrives before.
  let hosts: ReadonlySet<string> = new Set();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { ok: false, error: { code: 'INTERNAL', message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!hosts.has(host.toLowerCase())) {
      send(
        res,
        421,
        failure(
          'INVALID_REQUEST',
          `This is the workbench on ${[...hosts][0] ?? '127.0.0.1'}, not ${host || 'an unnamed host'}.`,
        ),
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      send(res, 403, failure('INVALID_REQUEST', `Requests from ${origin} are not accepted.`));
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, failure('INVALID_REQUEST', `No route ${req.method ?? ''} ${url.pathname}.`));
        return;
      }
      if (options.staticDir === undefined) {
        send(res, 404, failure('UNKNOWN_METHOD', `No route GET ${url.pathname}.`));
        return;
      }
      const pathname = decodePath(url.pathname);
      if (pathname === null) {
        send(res, 400, failure('INVALID_REQUEST', `The address ${url.pathname} is not valid.`));
        return;
      }
      await serveStatic(res, options.staticDir, pathname);
      return;
    }
    if (!authorised(req, token)) {
      send(
        res,
        401,
        failure(
          'INVALID_REQUEST',
          'Missing or wrong session token. Open the URL the workbench printed.',
        ),
      );
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      listeners.add(res);
      res.on('close', () => listeners.delete(res));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/upload') {
      const reply = await uploads.receive(req, url.searchParams.get('name') ?? '');
      if (reply.status !== 200) {
        // The rest of a refused body (up to 20 GB) is not worth reading: answer, then hang up.
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
      }
      send(res, reply.status, reply.body);
      return;
    }
    const call = /^\/api\/call\/([\w.]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || call === null) {
      send(res, 404, failure('UNKNOWN_METHOD', `No route ${req.method ?? ''} ${url.pathname}.`));
      return;
    }
    const method = call[1] ?? '';
    if (!isMethodName(method)) {
      send(res, 404, failure('UNKNOWN_METHOD', unknownMethodMessage(method)));
      return;
    }
    const body = await readBody(req);
    if (body === 'too large') {
      send(
        res,
        413,
        failure(
          'INVALID_REQUEST',
          `The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`,
        ),
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = body === '' ? {} : JSON.parse(body);
    } catch {
      send(res, 400, failure('INVALID_REQUEST', 'The request body is not JSON.'));
      return;
    }
    const envelope = (parsed ?? {}) as { request?: unknown; jobId?: unknown };
    // Every call is a job with an id, the caller's or ours: job.cancel and the progress stream
    // name it, and so does the response header a client without an id of its own can read.
    const jobId =
      typeof envelope.jobId === 'string' && envelope.jobId !== ''
        ? envelope.jobId
        : `http-${randomUUID()}`;
    res.setHeader('x-workbench-job', jobId);
    // The client hung up before its answer (a closed tab, a timeout, a killed curl): the answer
    // has no reader, so the work stops. 'close' also comes after a reply is sent; then the work
    // is done and there is nothing to abort.
    const disconnected = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) disconnected.abort();
    });
    const reply = await options.engine.call(method, envelope.request ?? {}, {
      jobId,
      signal: disconnected.signal,
      onProgress: broadcast,
    });
    send(res, 200, reply);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    close: async () => {
      for (const res of listeners) res.end();
      // Calls still running end with their clients (their requests are aborted above).
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await uploads.dispose();
    },
  };
}

/** A URL path as a file path; null when its percent-encoding is broken (`/%E0%A4%A`). */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Files of the built renderer; anything that is not a file is the app itself (index.html). */
async function serveStatic(res: ServerResponse, root: string, pathname: string): Promise<void> {
  const base = path.resolve(root);
  const wanted = path.resolve(base, `.${pathname}`);
  const inside = wanted === base || wanted.startsWith(`${base}${path.sep}`);
  const file =
    inside && (await stat(wanted).catch(() => null))?.isFile()
      ? wanted
      : path.join(base, 'index.html');
  const body = await readFile(file).catch(() => null);
  if (body === null) {
    send(res, 404, failure('FILE_NOT_FOUND', 'The app is not built (npm run web builds it).'));
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The first address carries the token: never pass it on as a Referer, never be framed.
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
  res.end(body);
}

type UploadReply = {
  status: number;
  body: { ok: true; value: { path: string } } | { ok: false; error: ApiErrorShape };
};

/**
 * Browser mode's file picker: the page cannot hand the engine a path, so it sends the file's bytes
 * (the raw body, any size up to the cap) and gets back the path of a copy on this machine, which
 * import.preview and import.events then read like any other. Streamed to disk, never held in
 * memory, and not subject to the JSON body cap.
 *
 * Where: one folder of this session's own, made with mkdtemp (a fresh unguessable name, mode
 * 0700) and checked to be a real directory owned by us before every upload. A fixed, shared
 * name in the temp directory could already exist, made (or swapped for a symlink) by another
 * user, who could then read the upload or replace it between upload and import. Each upload gets
 * a fresh folder inside, so two files of the same name never meet, and a failed upload leaves
 * nothing behind. Everything goes at close, or when the process exits.
 */
class UploadStore {
  private folder: Promise<string> | null = null;
  /** Bytes this session's uploads hold, those still arriving included. */
  private stored = 0;
  private exitHook: (() => void) | null = null;

  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
    private readonly quotaBytes: number,
  ) {}

  async receive(req: IncomingMessage, name: string): Promise<UploadReply> {
    const base = uploadName(name);
    if (base === '') {
      return {
        status: 400,
        body: failure('INVALID_REQUEST', 'Give the file name: POST /api/upload?name=events.csv.'),
      };
    }
    const tooLarge: UploadReply = {
      status: 413,
      body: failure(
        'INVALID_REQUEST',
        `${base} is larger than the ${formatBytes(this.maxBytes)} an upload may be. ${ELSEWHERE}`,
      ),
    };
    const overQuota = (): UploadReply => ({
      status: 413,
      body: failure(
        'INVALID_REQUEST',
        `${base} does not fit: the uploads of this session may hold ${formatBytes(this.quotaBytes)} together, and ${formatBytes(this.stored)} of it is taken. Restart browser mode to free it. ${ELSEWHERE}`,
      ),
    });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBytes) return tooLarge;
    if (this.stored + declared > this.quotaBytes) return overQuota();

    let session: string;
    try {
      session = await this.sessionFolder();
      await verifyPrivateFolder(session);
    } catch (error) {
      return {
        status: 500,
        body: failure(
          'INTERNAL',
          `Uploads are refused: ${error instanceof Error ? error.message : String(error)}`,
        ),
      };
    }
    const dir = await mkdtemp(path.join(session, 'upload-'));
    const target = path.join(dir, base);
    let received = 0;
    const cap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        received += chunk.length;
        this.stored += chunk.length;
        if (received > this.maxBytes) done(new UploadTooLarge());
        else if (this.stored > this.quotaBytes) done(new UploadOverQuota());
        else done(null, chunk);
      },
    });
    try {
      // 'wx': the name is new in a folder only we can write to; never through an existing link.
      await pipeline(req, cap, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      this.stored -= received;
      await rm(dir, { recursive: true, force: true });
      if (error instanceof UploadTooLarge) return tooLarge;
      if (error instanceof UploadOverQuota) return overQuota();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') {
        return {
          status: 507,
          body: failure(
            'DISK_FULL',
            `The disk is full: ${base} could not be stored in ${session}.`,
          ),
        };
      }
      return {
        status: 400,
        body: failure(
          'INVALID_REQUEST',
          `The upload of ${base} did not complete: ${String(error)}`,
        ),
      };
    }
    return { status: 200, body: { ok: true, value: { path: target } } };
  }

  /** Made on the first upload: a server that never receives one leaves no folder. */
  private sessionFolder(): Promise<string> {
    this.folder ??= mkdtemp(path.join(this.root, 'retention-workbench-uploads-')).then(
      (dir) => {
        // A server stopped by process.exit() (web.ts after SIGTERM, a crash in a test) never
        // reaches dispose(); the uploads must not outlive it either way.
        this.exitHook = () => rmSync(dir, { recursive: true, force: true });
        process.on('exit', this.exitHook);
        return dir;
      },
      (error: unknown) => {
        this.folder = null;
        throw error;
      },
    );
    return this.folder;
  }

  async dispose(): Promise<void> {
    const dir = await this.folder?.catch(() => null);
    if (this.exitHook !== null) process.off('exit', this.exitHook);
    if (dir !== null && dir !== undefined) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

const ELSEWHERE =
  'Open it from disk in the desktop app, or import it with the CLI (npx workbench import).';

/**
 * A folder only we can use: a directory itself (lstat: a symlink to one is refused, not
 * followed), owned by this process's user, with no access for group or others.
 */
export async function verifyPrivateFolder(dir: string): Promise<void> {
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a directory (a link?).`);
  const uid = process.getuid?.();
  // Windows has no uid or POSIX modes; its temp folder is per user already.
  if (uid === undefined) return;
  if (info.uid !== uid) throw new Error(`${dir} belongs to another user (uid ${info.uid}).`);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`${dir} is open to other users (mode ${(info.mode & 0o777).toString(8)}).`);
  }
}

class UploadOverQuota extends Error {}
class UploadTooLarge extends Error {}

// eslint-disable-next-line no-control-regex -- control characters are what this removes
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f<>:"|?*]/g;

/**
 * The file's own name and nothing else: no folders (`../../x` is `x`), no leading dots (no
 * hidden files, no `..`), no characters Windows refuses or controls, at most 200 characters
 * (the extension kept: it tells the importer the format).
 */
export function uploadName(name: string): string {
  const last = name.replaceAll('\\', '/').split('/').pop() ?? '';
  const cleaned = last
    .replace(UNSAFE_NAME_CHARACTERS, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (cleaned.length <= 200) return cleaned;
  // Up to two extensions (`.csv.gz`), each short: a long name is shortened before them.
  const ext = /(\.[\w-]{1,10}){1,2}$/.exec(cleaned)?.[0] ?? '';
  return `${cleaned.slice(0, 200 - ext.length)}${ext}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Math.round(bytes / 1024 ** 3)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${bytes} bytes`;
}

/** The session token, from the Authorization header only (see startServer). */
function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string | 'too large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return 'too large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return 'too large';
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function failure(
  code: ApiErrorShape['code'],
  message: string,
): { ok: false; error: ApiErrorShape } {
  return { ok: false, error: { code, message } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}
