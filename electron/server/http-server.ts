import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMethodName, type ProgressEvent } from '../../shared/api/contract';
import type { ApiErrorShape } from '../../shared/api/errors';
import type { Engine } from '../engine/engine';

/** Requests larger than this are refused before they are read whole (imports send paths, not files). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The largest file browser mode accepts on /api/upload (streamed to disk, never held whole). */
export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;

export interface WorkbenchServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * The API contract over HTTP on 127.0.0.1, for browser mode and end-to-end tests. Every request
 * needs the session token (like a notebook server), calls are POST /api/call/<method> with the
 * JSON request, replies are the contract's {ok, value | error}, and progress events stream on
 * GET /api/events as Server-Sent Events. No CORS headers are sent, and requests from another
 * origin are refused.
 */
export async function startServer(options: {
  engine: Engine;
  port?: number;
  token?: string;
  /** The built renderer, served for every path outside /api (browser mode). */
  staticDir?: string;
  /** Where uploads go, one fresh folder each; default <tmp>/retention-workbench-uploads. */
  uploadDir?: string;
  maxUploadBytes?: number;
}): Promise<WorkbenchServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const listeners = new Set<ServerResponse>();
  // This session's uploads: copies made only to be imported, removed when the server stops.
  const uploads = new Set<string>();
  const broadcast = (event: ProgressEvent): void => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of listeners) res.write(data);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { ok: false, error: { code: 'INTERNAL', message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!authorised(req, url, token)) {
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
    const origin = req.headers.origin;
    const own = `http://${req.headers.host ?? ''}`;
    if (origin !== undefined && origin !== own) {
      send(res, 403, failure('INVALID_REQUEST', `Requests from ${origin} are not accepted.`));
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
      req.on('close', () => listeners.delete(res));
      return;
    }
    if (
      req.method === 'GET' &&
      options.staticDir !== undefined &&
      !url.pathname.startsWith('/api/')
    ) {
      res.setHeader('set-cookie', `workbench_token=${token}; HttpOnly; SameSite=Strict; Path=/`);
      await serveStatic(res, options.staticDir, url.pathname);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/upload') {
      const reply = await receiveUpload(req, url.searchParams.get('name') ?? '', {
        root: options.uploadDir ?? path.join(os.tmpdir(), 'retention-workbench-uploads'),
        maxBytes: options.maxUploadBytes ?? MAX_UPLOAD_BYTES,
        folders: uploads,
      });
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
      send(res, 404, failure('UNKNOWN_METHOD', `No method '${method}'.`));
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
    const jobId = typeof envelope.jobId === 'string' ? envelope.jobId : undefined;
    const reply = await options.engine.call(method, envelope.request ?? {}, {
      ...(jobId === undefined ? {} : { jobId }),
      onProgress: broadcast,
    });
    send(res, 200, reply);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    close: async () => {
      for (const res of listeners) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(
        [...uploads].map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)),
      );
    },
  };
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
  const wanted = path.resolve(base, `.${decodeURIComponent(pathname)}`);
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
  });
  res.end(body);
}

/**
 * Browser mode's file picker: the page cannot hand the engine a path, so it sends the file's bytes
 * (the raw body, any size up to the cap) and gets back the path of a copy on this machine, which
 * import.preview and import.events then read like any other. Streamed to disk, never held in
 * memory, and not subject to the JSON body cap; each upload gets a fresh folder, so two files of
 * the same name never meet, and a failed upload leaves nothing behind.
 */
async function receiveUpload(
  req: IncomingMessage,
  name: string,
  limits: { root: string; maxBytes: number; folders: Set<string> },
): Promise<{
  status: number;
  body: { ok: true; value: { path: string } } | { ok: false; error: ApiErrorShape };
}> {
  const base = uploadName(name);
  if (base === '') {
    return {
      status: 400,
      body: failure('INVALID_REQUEST', 'Give the file name: POST /api/upload?name=events.csv.'),
    };
  }
  const tooLarge = {
    status: 413,
    body: failure(
      'INVALID_REQUEST',
      `${base} is larger than the ${formatBytes(limits.maxBytes)} an upload may be. Open it from disk in the desktop app, or import it with the CLI (npx workbench import).`,
    ),
  };
  if (Number(req.headers['content-length'] ?? 0) > limits.maxBytes) return tooLarge;
  await mkdir(limits.root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(path.join(limits.root, 'upload-'));
  limits.folders.add(dir);
  const target = path.join(dir, base);
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > limits.maxBytes ? new UploadTooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(req, cap, createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    limits.folders.delete(dir);
    if (error instanceof UploadTooLarge) return tooLarge;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') {
      return {
        status: 507,
        body: failure(
          'DISK_FULL',
          `The disk is full: ${base} could not be stored in ${limits.root}.`,
        ),
      };
    }
    return {
      status: 400,
      body: failure('INVALID_REQUEST', `The upload of ${base} did not complete: ${String(error)}`),
    };
  }
  return { status: 200, body: { ok: true, value: { path: target } } };
}

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

function authorised(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  // The page's own assets are fetched without the token in their URL: the cookie set when the
  // page was opened with it vouches for them (SameSite=Strict, so other sites cannot use it).
  const cookie = /(?:^|;\s*)workbench_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const given = header?.startsWith('Bearer ')
    ? header.slice(7)
    : (url.searchParams.get('token') ?? cookie ?? null);
  if (given === null || given === undefined) return false;
  const a = Buffer.from(given);
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
