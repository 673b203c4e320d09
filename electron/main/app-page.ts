import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the window's page comes from, and how to tell a URL of it from anything else. */
export interface AppPage {
  /** What the window loads. */
  url: string;
  /** Served by `electron-vite dev` (hot reload) rather than built files. */
  isDevServer: boolean;
  /** True for the app's own page (any hash or query), false for every other page or file. */
  isOwn(url: string): boolean;
}

/**
 * The built page (a file beside the main bundle) or, under `electron-vite dev`, the dev server.
 * A plain `file://` prefix test would also trust any other local HTML file the window were made
 * to open, so the comparison is with the one index.html, and with the dev server's origin.
 */
export function appPage(devServerUrl: string | undefined, indexHtml: string): AppPage {
  if (devServerUrl !== undefined && devServerUrl !== '') {
    const origin = new URL(devServerUrl).origin;
    return { url: devServerUrl, isDevServer: true, isOwn: (url) => originOf(url) === origin };
  }
  const page = pathToFileURL(path.resolve(indexHtml)).href;
  return { url: page, isDevServer: false, isOwn: (url) => withoutHashOrQuery(url) === page };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function withoutHashOrQuery(url: string): string | null {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return null;
  }
}
