import { describe, expect, it, vi } from 'vitest';
import { menuTemplate, type MenuActions } from './menu';

describe('menuTemplate', () => {
  const actions = (): MenuActions => ({
    newWorkspace: vi.fn(),
    openWorkspace: vi.fn(),
    openRecent: vi.fn(),
    importFiles: vi.fn(),
    showDocumentation: vi.fn(),
  });
  type Item = {
    label?: string;
    role?: string;
    submenu?: unknown;
    click?: () => void;
    enabled?: boolean;
  };
  const items = (menu: Item | undefined): Item[] => (menu?.submenu ?? []) as Item[];
  const released = { devTools: false };

  it('lists recent workspaces under File › Open Recent, opening the one clicked', () => {
    const a = actions();
    const recent = [
      { path: '/w/shop.duckdb', name: 'shop', openedAt: '2026-01-02T00:00:00Z' },
      { path: '/w/R&D.duckdb', name: 'R&D', openedAt: '2026-01-01T00:00:00Z' },
    ];
    const [file] = menuTemplate(recent, a, 'linux', released) as Item[];
    expect(file?.label).toBe('&File');
    const openRecent = items(file).find((i) => i.label === 'Open Recent');
    const entries = items(openRecent);
    expect(entries.map((e) => e.label)).toEqual(['shop — /w/shop.duckdb', 'R&&D — /w/R&&D.duckdb']);
    entries[1]?.click?.();
    expect(a.openRecent).toHaveBeenCalledWith('/w/R&D.duckdb');
  });

  it('says when there is nothing recent, and wires the File items', () => {
    const a = actions();
    const [file] = menuTemplate([], a, 'linux', released) as Item[];
    const openRecent = items(file).find((i) => i.label === 'Open Recent');
    expect(items(openRecent)).toEqual([{ label: 'No Recent Workspaces', enabled: false }]);
    for (const label of ['New Workspace…', 'Open Workspace…', 'Import…']) {
      items(file)
        .find((i) => i.label === label)
        ?.click?.();
    }
    expect(
      [a.newWorkspace, a.openWorkspace, a.importFiles].map((f) => vi.mocked(f).mock.calls.length),
    ).toEqual([1, 1, 1]);
    expect(items(file).at(-1)?.role).toBe('quit');
  });

  it('puts the app menu first and Close in File on macOS', () => {
    const menu = menuTemplate([], actions(), 'darwin', released) as Item[];
    expect(menu.map((m) => m.role ?? m.label)).toEqual([
      'appMenu',
      '&File',
      'editMenu',
      '&View',
      'windowMenu',
      'help',
    ]);
    expect(items(menu[1]).at(-1)?.role).toBe('close');
  });

  it('has no DevTools or force reload in a released app, on any platform', () => {
    /** Every role anywhere in the menu, submenus included. */
    const roles = (menu: Item[]): string[] =>
      menu.flatMap((item) => [
        ...(item.role === undefined ? [] : [item.role]),
        ...roles(items(item)),
      ]);
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const shipped = roles(menuTemplate([], actions(), platform, released) as Item[]);
      expect(shipped).not.toContain('toggleDevTools');
      expect(shipped).not.toContain('forceReload');
      expect(shipped).toContain('reload');
    }
    const development = roles(menuTemplate([], actions(), 'linux', { devTools: true }) as Item[]);
    expect(development).toEqual(expect.arrayContaining(['toggleDevTools', 'forceReload']));
  });
});
