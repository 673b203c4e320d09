import { useEffect, useState } from 'react';
import type { WorkspaceInfo } from '../../shared/api/workspace-types';
import { connectApi } from './api';

/**
 * The first window: the open workspace in numbers. The full app shell (views, import flow, grids)
 * is built on this client in the app-shell issue.
 */
export function App() {
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const api = connectApi();
    if (api === null) {
      setError(
        'No engine connection: start the workbench with npm start (or npm run web and open the URL it prints).',
      );
      return;
    }
    api['workspace.info']({})
      .catch(() => api['workspace.open']({}).then(() => api['workspace.info']({})))
      .then(setInfo)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Retention Workbench</h1>
      {error !== null && <p role="alert">{error}</p>}
      {info !== null && (
        <p>
          {info.workspace.name}: {info.events.toLocaleString()} events from{' '}
          {info.users.toLocaleString()} users
        </p>
      )}
    </main>
  );
}
