import path from 'node:path';
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { IPC_CALL, IPC_PROGRESS } from '../../shared/api/ipc';
import { isMethodName } from '../../shared/api/contract';
import { Engine } from '../engine/engine';

/**
 * The Electron adapter: one window with secure defaults, and the contract bound to IPC. Every
 * method goes through Engine.call, which validates the request; only the app's own page may call.
 */
const engine = new Engine();

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1280,
    minHeight: 720,
    title: 'Retention Workbench',
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url);
    return { action: 'deny' };
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
  return window;
}

function isOwnPage(url: string): boolean {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  return url.startsWith('file://') || (devUrl !== undefined && url.startsWith(devUrl));
}

ipcMain.handle(IPC_CALL, async (event, method: unknown, request: unknown, jobId: unknown) => {
  if (!isOwnPage(event.senderFrame?.url ?? '')) {
    return {
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'Calls are only accepted from the workbench window.',
      },
    };
  }
  if (typeof method !== 'string' || !isMethodName(method)) {
    return {
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: `No method '${String(method)}'.` },
    };
  }
  return engine.call(method, request, {
    ...(typeof jobId === 'string' ? { jobId } : {}),
    onProgress: (progress) => event.sender.send(IPC_PROGRESS, progress),
  });
});

void app.whenReady().then(() => {
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  engine.dispose();
  if (process.platform !== 'darwin') app.quit();
});
