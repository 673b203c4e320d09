import path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  utilityProcess,
  type IpcMainInvokeEvent,
} from 'electron';
import {
  isMethodName,
  type CallOptions,
  type MethodName,
  type Reply,
  type RequestOf,
} from '../../shared/api/contract';
import {
  IPC_CALL,
  IPC_COMMAND,
  IPC_PICK_FILES,
  IPC_PROGRESS,
  type ShellCommand,
} from '../../shared/api/ipc';
import { EngineProcess, type EngineChannel, type FromEngine } from './engine-process';
import { appPage } from './app-page';
import { APP_SCHEME, APP_SCHEME_DEFINITION, serveAppFile } from './app-protocol';
import { enforceContentSecurityPolicy } from './csp';
import { pickFiles, pickNewWorkspace, pickWorkspaceToOpen, showError } from './dialogs';
import { menuTemplate, type MenuActions } from './menu';
import { confineToAppPage, createWindow } from './window';

/**
 * The Electron adapter: app lifecycle, the one window, the menu, and the contract bound to IPC.
 * Every call goes through Engine.call, which validates the request; only the app's own page may
 * call. Nothing here analyses anything: the engine runs in a utility process (engine-host.ts),
 * so DuckDB's work and the engine's JavaScript never hold the process that serves the window.
 */
const page = appPage(process.env.ELECTRON_RENDERER_URL);
/** The built renderer, served as app://workbench/ (app-protocol.ts). */
const rendererDir = path.join(import.meta.dirname, '../renderer');
/** DevTools and their menu items only outside a packaged (released) app. */
const devTools = !app.isPackaged;
const preload = path.join(import.meta.dirname, '../preload/index.cjs');
/** Methods after which the recent list (and so the menu) has changed. */
const OPENERS: ReadonlySet<MethodName> = new Set(['workspace.open', 'workspace.openDemo']);

let engine: EngineProcess | undefined;
let mainWindow: BrowserWindow | undefined;
/**
 * The workspace opened at start. Calls wait for it, so the page's first question is answered by
 * the workspace it will show rather than by "no workspace is open".
 */
let started: Promise<void> = Promise.resolve();

// Scheme privileges can only be granted before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);

// One process per user: a second one would find the workspace file locked by the first.
if (app.requestSingleInstanceLock()) {
  app.enableSandbox();
  app.on('second-instance', () => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => engine?.dispose());
  void app.whenReady().then(start);
} else {
  app.quit();
}

/** The engine's process (the bundled engine-host beside this file), as the client's channel. */
function forkEngine(): EngineChannel {
  const child = utilityProcess.fork(path.join(import.meta.dirname, 'engine-host.js'), [], {
    serviceName: 'Retention Workbench engine',
    stdio: 'inherit',
  });
  return {
    post: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: FromEngine) => listener(message)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}

/** The engine's process ended: say so, and reopen the start workspace in a fresh one. */
function engineCrashed(message: string): void {
  showError('The engine stopped', message);
  if (mainWindow === undefined || mainWindow.isDestroyed()) return;
  started = openStartWorkspace(mainWindow)
    .then(() => send({ type: 'workspaceChanged' }))
    .catch((error: unknown) => showError('Reopening the workspace failed', String(error)));
}

function start(): void {
  engine = new EngineProcess(forkEngine, engineCrashed);
  app.setAboutPanelOptions({
    applicationName: 'Retention Workbench',
    applicationVersion: app.getVersion(),
  });
  // The page and its assets from the built folder only; the handler sets the CSP header itself.
  protocol.handle(APP_SCHEME, (request) => serveAppFile(rendererDir, request));
  // The dev server's responses get the (development) policy here.
  enforceContentSecurityPolicy(session.defaultSession, page.isDevServer, (url) => page.isOwn(url));
  // Nothing the workbench does needs a camera, location, notifications or the like. Writing
  // text to the clipboard (copy a query, a user id) is the one thing the page may do.
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) =>
    callback(permission === 'clipboard-sanitized-write' && page.isOwn(contents.getURL())),
  );
  session.defaultSession.setPermissionCheckHandler(
    (contents, permission) =>
      permission === 'clipboard-sanitized-write' &&
      contents !== null &&
      page.isOwn(contents.getURL()),
  );
  registerIpc();
  void refreshMenu();
  const opened = openWindow();
  started = openStartWorkspace(opened)
    .then(() => {
      send({ type: 'workspaceChanged' });
      return refreshMenu();
    })
    // Never a rejected gate: calls must still run (and say "no workspace is open").
    .catch((error: unknown) => showError('Starting the workbench failed', String(error)));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
}

function openWindow(): BrowserWindow {
  mainWindow = createWindow({
    preload,
    stateFile: path.join(app.getPath('userData'), 'window-state.json'),
    devTools,
  });
  confineToAppPage(mainWindow.webContents, page);
  void mainWindow.loadURL(page.url);
  return mainWindow;
}

/**
 * The last workspace, as it was left; on first start (or when it is gone) the demo workspace,
 * generated on first use like `npm run web` does, so a new analyst sees real charts at once.
 */
async function openStartWorkspace(win: BrowserWindow): Promise<void> {
  const engineNow = requireEngine();
  const recent = await engineNow.call('workspace.recent', {});
  const last = recent.ok ? recent.value[0] : undefined;
  if (last !== undefined) {
    const reopened = await engineNow.call('workspace.open', { path: last.path, create: false });
    if (reopened.ok) return;
    showError(`${last.name} could not be reopened`, reopened.error.message);
  }
  const demo = await engineNow.call(
    'workspace.openDemo',
    {},
    {
      // The taskbar shows it while the window waits; over 1 means "busy, amount unknown".
      onProgress: (p) => {
        if (!win.isDestroyed()) win.setProgressBar(p.fraction ?? 2);
      },
    },
  );
  if (!win.isDestroyed()) win.setProgressBar(-1);
  if (!demo.ok) showError('The demo workspace could not be opened', demo.error.message);
}

/** Every engine call from this process: after the start workspace; openers refresh the menu. */
async function call<M extends MethodName>(
  method: M,
  request: unknown,
  options: CallOptions = {},
): Promise<Reply<M>> {
  await started;
  const reply = await requireEngine().call(method, request, options);
  if (reply.ok && OPENERS.has(method)) void refreshMenu();
  return reply;
}

function registerIpc(): void {
  ipcMain.handle(IPC_CALL, async (event, method: unknown, request: unknown, jobId: unknown) => {
    if (!fromAppPage(event)) {
      return refusal('INVALID_REQUEST', 'Calls are only accepted from the workbench window.');
    }
    if (typeof method !== 'string' || !isMethodName(method)) {
      return refusal('UNKNOWN_METHOD', `No method '${String(method)}'.`);
    }
    const sender = event.sender;
    return call(method, request, {
      ...(typeof jobId === 'string' ? { jobId } : {}),
      // Progress of this call goes to the window that made it, and only there.
      onProgress: (progress) => {
        if (!sender.isDestroyed()) sender.send(IPC_PROGRESS, progress);
      },
    });
  });
  ipcMain.handle(IPC_PICK_FILES, async (event, options: unknown) =>
    fromAppPage(event) ? pickFiles(BrowserWindow.fromWebContents(event.sender), options) : [],
  );
}

/** The app page's main frame, not a frame inside it nor a page it was navigated to. */
function fromAppPage(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && page.isOwn(frame.url);
}

function refusal(code: 'INVALID_REQUEST' | 'UNKNOWN_METHOD', message: string) {
  return { ok: false as const, error: { code, message } };
}

function send(command: ShellCommand): void {
  if (mainWindow !== undefined && !mainWindow.isDestroyed())
    mainWindow.webContents.send(IPC_COMMAND, command);
}

const actions: MenuActions = {
  newWorkspace: () =>
    menuAction(async () => {
      const file = await pickNewWorkspace(focused());
      if (file !== null) await openWorkspace(file, true);
    }),
  openWorkspace: () =>
    menuAction(async () => {
      const file = await pickWorkspaceToOpen(focused());
      if (file !== null) await openWorkspace(file, false);
    }),
  openRecent: (file) => menuAction(() => openWorkspace(file, false)),
  importFiles: () =>
    menuAction(async () => {
      const files = await pickFiles(focused(), { title: 'Import event exports' });
      if (files.length > 0) send({ type: 'import', files });
    }),
  showDocumentation: () =>
    menuAction(async () => {
      const problem = await shell.openPath(path.join(app.getAppPath(), 'README.md'));
      if (problem !== '') showError('The documentation could not be opened', problem);
    }),
};

/** A menu click has no caller to report to: whatever goes wrong is shown, never swallowed. */
function menuAction(task: () => Promise<void>): void {
  task().catch((error: unknown) =>
    showError('Something went wrong', error instanceof Error ? error.message : String(error)),
  );
}

async function openWorkspace(file: string, create: boolean): Promise<void> {
  const request: RequestOf<'workspace.open'> = { path: file, create };
  const reply = await call('workspace.open', request);
  if (!reply.ok) {
    showError(
      create ? 'The workspace could not be created' : 'The workspace could not be opened',
      reply.error.message,
    );
    return;
  }
  send({ type: 'workspaceChanged' });
}

/** The menu shows the recent list as the engine keeps it; rebuilt whenever a workspace opens. */
async function refreshMenu(): Promise<void> {
  const reply = await requireEngine().call('workspace.recent', {});
  const recent = reply.ok ? reply.value : [];
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate(recent, actions, process.platform, { devTools })),
  );
}

function focused(): BrowserWindow | null {
  return BrowserWindow.getFocusedWindow() ?? mainWindow ?? null;
}

function requireEngine(): EngineProcess {
  if (engine === undefined) throw new Error('The engine starts when the app is ready.');
  return engine;
}
