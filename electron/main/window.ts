import { BrowserWindow, screen, shell, type WebContents } from 'electron';
import type { AppPage } from './app-page';
import { MIN_SIZE, readWindowState, restoredBounds, writeWindowState } from './window-state';

/**
 * The one window: sandboxed, isolated, no Node in the page, webviews off; where it was last
 * time (if that is still on a screen). It is shown once the page has painted, not blank.
 */
export function createWindow(options: {
  preload: string;
  stateFile: string;
  /** Development builds only: a released app has no DevTools at all (menu.ts says why). */
  devTools: boolean;
}): BrowserWindow {
  const restored = restoredBounds(
    readWindowState(options.stateFile),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...(restored.x === undefined || restored.y === undefined
      ? {}
      : { x: restored.x, y: restored.y }),
    width: restored.width,
    height: restored.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Retention Workbench',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  if (restored.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  // 'close' comes while the window still has its bounds; normal bounds, so that un-maximizing
  // next time returns to the size the analyst chose.
  window.on('close', () =>
    writeWindowState(options.stateFile, {
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized(),
    }),
  );
  return window;
}

/**
 * No remote content: the page may not navigate anywhere but itself, open windows, or embed
 * webviews. Web links go to the system browser; every other scheme (file:, javascript:, custom
 * protocol handlers) is dropped.
 */
export function confineToAppPage(contents: WebContents, page: AppPage): void {
  contents.setWindowOpenHandler(({ url }) => {
    openIfWebLink(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (page.isOwn(event.url)) return;
    event.preventDefault();
    openIfWebLink(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!page.isOwn(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function openIfWebLink(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return;
  }
  if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url);
}
