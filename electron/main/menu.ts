import type { MenuItemConstructorOptions } from 'electron';
import type { RecentWorkspace } from '../../shared/api/browse-types';

/** What the menu's own items do; roles (copy, zoom, quit…) are Electron's. */
export interface MenuActions {
  newWorkspace(): void;
  openWorkspace(): void;
  openRecent(path: string): void;
  importFiles(): void;
  showDocumentation(): void;
}

/**
 * The application menu as data, so it can be rebuilt whenever the recent list changes and
 * checked without starting Electron. On macOS the first menu is the app's, and Quit lives there.
 * `devTools` (development builds only): Force Reload and Toggle Developer Tools. A released app
 * has neither: DevTools would hand anyone at the keyboard a console inside the page that holds
 * the engine's bridge, and a force reload drops the analyst's state for nothing.
 */
export function menuTemplate(
  recent: RecentWorkspace[],
  actions: MenuActions,
  platform: NodeJS.Platform,
  options: { devTools: boolean },
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No Recent Workspaces', enabled: false }]
      : recent.map((workspace) => ({
          // '&' would be read as a mnemonic marker on Windows and Linux.
          label: `${workspace.name} — ${workspace.path}`.replaceAll('&', '&&'),
          click: () => actions.openRecent(workspace.path),
        }));
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Workspace…', accelerator: 'CmdOrCtrl+N', click: () => actions.newWorkspace() },
      {
        label: 'Open Workspace…',
        accelerator: 'CmdOrCtrl+O',
        click: () => actions.openWorkspace(),
      },
      { label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => actions.importFiles() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(options.devTools
        ? [{ role: 'forceReload' as const }, { role: 'toggleDevTools' as const }]
        : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Documentation', click: () => actions.showDocumentation() },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'about' as const }]),
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' },
    view,
    ...(mac ? [{ role: 'windowMenu' as const }] : []),
    help,
  ];
}
