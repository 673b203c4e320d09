import { useEffect, useRef, useState } from 'react';
import type { RecentWorkspace } from '../../../shared/api/browse-types';
import { useApp } from '../app-context';
import { ErrorNote } from '../components/ErrorNote';
import { formatTime } from '../lib/format';

/** The open workspace's name; opens recent ones, a path, or the demo. */
export function WorkspaceSwitcher() {
  const { api, info, refresh, jobs } = useApp();
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<RecentWorkspace[]>([]);
  const [path, setPath] = useState('');
  const [error, setError] = useState<unknown>(null);

  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) void api['workspace.recent']({}).then(setRecent, setError);
  }, [open, api]);
  // Escape or a click elsewhere closes it, like any menu.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onClick = (e: MouseEvent): void => {
      if (root.current !== null && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const openPath = async (target: string, create: boolean): Promise<void> => {
    setError(null);
    try {
      await api['workspace.open']({ path: target, create });
      await refresh();
      setOpen(false);
    } catch (e) {
      setError(e);
    }
  };
  const openDemo = async (): Promise<void> => {
    setError(null);
    try {
      await jobs.run('opening the demo workspace', (o) => api['workspace.openDemo']({}, o));
      await refresh();
      setOpen(false);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="switcher" ref={root}>
      <button
        type="button"
        className="workspace-name"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen(!open)}
        title={info?.workspace.path}
      >
        <span className="muted">Workspace</span> {info?.workspace.name ?? 'none open'}{' '}
        {info?.workspace.readOnly === true && <span className="tag">read-only</span>} ▾
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Switch workspace">
          <div className="popover-heading">Recent</div>
          {recent.length === 0 && <div className="muted">No other workspace opened yet.</div>}
          {recent.map((r) => {
            const current = r.path === info?.workspace.path;
            return (
              <button
                key={r.path}
                type="button"
                className={`menu-item${current ? ' current' : ''}`}
                onClick={() => (current ? setOpen(false) : void openPath(r.path, false))}
                title={r.path}
                aria-current={current || undefined}
              >
                <span>
                  {r.name}
                  {current && <span className="tag">open</span>}
                </span>
                <span className="muted small">
                  {r.path} · opened {formatTime(r.openedAt)}
                </span>
              </button>
            );
          })}
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (path.trim() !== '') void openPath(path.trim(), true);
            }}
          >
            <input
              aria-label="Workspace file path"
              placeholder="/path/to/workspace.duckdb (created if missing)"
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit">Open</button>
          </form>
          <button type="button" className="ghost" onClick={() => void openDemo()}>
            Open the demo workspace
          </button>
          <ErrorNote error={error} title="Could not open the workspace" />
        </div>
      )}
    </div>
  );
}
