import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { contentSecurityPolicy } from './csp';

/**
 * The desktop app's page comes from `app://workbench/`, a scheme of its own, not from file://.
 * A file:// page shares its origin with every local file, may read them (Electron's extra
 * file:// privileges, which the GrantFileProtocolExtraPrivileges fuse removes, fuses.ts), and
 * gets no response headers from us. app:// serves only the built renderer's folder, with the
 * CSP as a real header, and gives the page an origin of its own (its localStorage too).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before the app is ready (Electron's rule for privileges). `standard`: parsed like
 * http (relative URLs, an origin, storage); `secure`: a secure context like https;
 * `supportFetchAPI`: the page's own module scripts and fetches. Not `bypassCSP` (the policy holds
 * here too), not `corsEnabled` (no other origin reads it).
 */
export const APP_SCHEME_DEFINITION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The protocol handler: a file of the built renderer (`rendererDir`), or an error status. Only
 * GET of app://workbench/…; nothing outside the folder, through `..`, an encoded `%2F..`, or a
 * symlink pointing out of it.
 */
export async function serveAppFile(
  rendererDir: string,
  request: { url: string; method: string },
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return status(405);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return status(400);
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return status(404);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return status(400);
  }
  const root = await realpath(rendererDir).catch(() => null);
  if (root === null) return status(404);
  const wanted = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  // Resolved through links before the containment check, so a link cannot lead out.
  const file = await realpath(wanted).catch(() => null);
  if (file === null || !file.startsWith(`${root}${path.sep}`)) return status(404);
  const body = await readFile(file).catch(() => null);
  if (body === null) return status(404);
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 200,
    headers: {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    },
  });
}

function status(code: number): Response {
  return new Response(null, { status: code });
}
