import type { Session } from 'electron';

/**
 * The app page's Content-Security-Policy: its own scripts only (no eval, no inline script, no
 * remote code), data only from itself. Inline styles stay allowed because the charts and the
 * virtualized grid position elements with style attributes.
 *
 * Delivered twice: as a <meta> tag the build puts into index.html (electron.vite.config.ts; the
 * same file browser mode's server serves), and as a response header: set by the app://
 * protocol handler on the desktop page (app-protocol.ts), and here on the dev server's
 * responses. `dev` is the `electron-vite dev` server: React's hot reload needs its inline
 * preamble script and a websocket; built pages never get those.
 */
export function contentSecurityPolicy(options: { dev?: boolean; meta?: boolean } = {}): string {
  return [
    "default-src 'self'",
    options.dev === true ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    options.dev === true ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    // Browsers ignore (and warn about) frame-ancestors in a <meta> tag.
    ...(options.meta === true ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

/** Sets the policy on every response for the app's page; other responses pass untouched. */
export function enforceContentSecurityPolicy(
  session: Session,
  dev: boolean,
  isAppUrl: (url: string) => boolean,
): void {
  const policy = contentSecurityPolicy({ dev });
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    // Header names arrive in any case; one policy, ours, replaces whatever the server sent.
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
}
