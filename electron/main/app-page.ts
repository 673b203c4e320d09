import { APP_HOST, APP_SCHEME, APP_URL } from './app-protocol';

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
 * The built page on the app's own scheme (app-protocol.ts) or, under `electron-vite dev`, the
 * dev server. Only the one index.html of app://workbench counts as the app page (what may call
 * the engine over IPC, navigate, keep permissions): not another file of the folder, not a
 * file:// page, not a look-alike host.
 */
export function appPage(devServerUrl: string | undefined): AppPage {
  if (devServerUrl !== undefined && devServerUrl !== '') {
    const origin = new URL(devServerUrl).origin;
    return { url: devServerUrl, isDevServer: true, isOwn: (url) => originOf(url) === origin };
  }
  return { url: APP_URL, isDevServer: false, isOwn: isAppIndex };
}

function isAppIndex(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === `${APP_SCHEME}:` &&
      parsed.host === APP_HOST &&
      (parsed.pathname === '/index.html' || parsed.pathname === '/')
    );
  } catch {
    return false;
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
