import { useCallback, useEffect, useMemo, useState } from 'react';
import type { WorkspaceInfo } from '../../shared/api/workspace-types';
import { connect } from './api';
import { Context, type AppContext } from './app-context';
import { ErrorNote } from './components/ErrorNote';
import { JobStore } from './lib/jobs';
import { JobTray } from './shell/JobTray';
import { AnalysisView, forgetStoredSpec } from './analysis/AnalysisView';
import { ErrorBoundary } from './components/ErrorBoundary';
import type { AnalysisKind } from './analysis/defaults';
import { Placeholder } from './shell/Placeholder';
import { initialView, rememberView } from './shell/last-view';
import { Rail } from './shell/Rail';
import { viewById } from './shell/views';
import { useTheme } from './shell/use-theme';
import { WorkspaceSwitcher } from './shell/WorkspaceSwitcher';
import { DataView } from './views/data/DataView';
import { EventsView } from './views/events/EventsView';
import { SqlView } from './views/sql/SqlView';
import { METRICS_TABS, MetricsView } from './views/metrics/MetricsView';
import { SegmentsView } from './views/segments/SegmentsView';

/** Rail views that are analyses, and the spec kind each edits. */
const ANALYSIS_VIEWS: Record<string, AnalysisKind | undefined> = {
  trends: 'trends',
  funnels: 'funnel',
  retention: 'retention',
  lifecycle: 'lifecycle',
  stickiness: 'stickiness',
  paths: 'paths',
  sessions: 'sessions',
};

export function App() {
  const connection = useMemo(() => connect(), []);
  if (connection === null) {
    return (
      <div className="fatal">
        <h1>Retention Workbench</h1>
        <ErrorNote
          title="No engine connection"
          error={{
            message:
              'Open the URL printed by `npm run web` (it carries the session token), or start the desktop app with `npm start`.',
          }}
        />
      </div>
    );
  }
  return <Workbench connection={connection} />;
}

function Workbench({ connection }: { connection: NonNullable<ReturnType<typeof connect>> }) {
  const { api } = connection;
  const jobs = useMemo(() => new JobStore(), []);
  const { theme, toggle: toggleTheme } = useTheme();
  const [view, setView] = useState(initialView);
  const [detail, setDetail] = useState<{ userId?: string; files?: string[] }>({});
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      setInfo(await api['workspace.info']({}));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api]);

  useEffect(() => connection.onProgress(jobs.progress), [connection, jobs]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => rememberView(view), [view]);
  useEffect(() => {
    const onHash = (): void => setView(initialView());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const navigate = useCallback(
    (next: string, extra: { userId?: string; files?: string[] } = {}) => {
      setDetail(extra);
      window.location.hash = next;
      setView(next);
    },
    [],
  );
  useEffect(
    () =>
      connection.onCommand((command) => {
        if (command.type === 'workspaceChanged') void refresh();
        else if (command.type === 'import') navigate('data', { files: command.files });
        else navigate(command.view);
      }),
    [connection, navigate, refresh],
  );

  const context: AppContext = { connection, api, jobs, info, refresh, theme, navigate };
  const current = viewById(view);
  const analysisKind = ANALYSIS_VIEWS[current.id];
  return (
    <Context.Provider value={context}>
      <div className="app">
        <Rail current={current.id} onSelect={(id) => navigate(id)} />
        <div className="main">
          <header className="topbar">
            <WorkspaceSwitcher />
            <div className="topbar-right">
              <button
                type="button"
                className="ghost"
                onClick={toggleTheme}
                aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
              >
                {theme === 'dark' ? '☀ Light' : '☾ Dark'}
              </button>
            </div>
          </header>
          <main className="content">
            <ErrorNote error={error} title="Could not read the workspace" />
            {/* A view that throws shows its error here; the rail and the other views go on. */}
            <ErrorBoundary
              key={current.id}
              title={`The ${current.label} view failed`}
              {...(analysisKind !== undefined
                ? { onReset: () => forgetStoredSpec(analysisKind) }
                : current.id === 'metrics'
                  ? { onReset: () => METRICS_TABS.forEach(([kind]) => forgetStoredSpec(kind)) }
                  : {})}
            >
              {info !== null && current.id === 'data' && (
                <DataView {...(detail.files === undefined ? {} : { files: detail.files })} />
              )}
              {info !== null && current.id === 'events' && (
                <EventsView
                  key={detail.userId ?? ''}
                  {...(detail.userId === undefined ? {} : { userId: detail.userId })}
                />
              )}
              {info !== null && current.id === 'sql' && <SqlView />}
              {info !== null && current.id === 'metrics' && <MetricsView />}
              {info !== null && current.id === 'segments' && <SegmentsView />}
              {info !== null && analysisKind !== undefined && (
                <AnalysisView key={current.id} kind={analysisKind} />
              )}
              {!current.built && <Placeholder view={current} />}
            </ErrorBoundary>
          </main>
        </div>
        <JobTray />
      </div>
    </Context.Provider>
  );
}
