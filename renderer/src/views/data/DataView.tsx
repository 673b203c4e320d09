import { useState } from 'react';
import { useApp } from '../../app-context';
import { EventsPerDay } from './EventsPerDay';
import { ImportPanel } from './ImportPanel';
import { PeopleTable } from './PeopleTable';
import { SourcesTable } from './SourcesTable';
import { SummaryCards } from './SummaryCards';
import { WorkspaceSettingsPanel } from './WorkspaceSettingsPanel';

/** What the workspace holds, where it came from, how it is read, and bringing more in. */
export function DataView({ files }: { files?: string[] }) {
  const { info } = useApp();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const settings = info?.workspace.settings;
  return (
    <div className="view">
      <header className="view-head">
        <h1>Data</h1>
        <div className="settings-line">
          <p className="muted" data-testid="workspace-settings-summary">
            {info?.workspace.path}
            {settings !== undefined &&
              ` · time zone ${settings.timezone} · weeks start on ${settings.weekStart === 'sunday' ? 'Sunday' : 'Monday'} · sessions end after ${settings.sessionGapMinutes} min of inactivity`}
          </p>
          <button
            type="button"
            className="small"
            aria-expanded={settingsOpen}
            aria-controls="workspace-settings"
            onClick={() => setSettingsOpen(!settingsOpen)}
            disabled={info === null}
          >
            Workspace settings…
          </button>
        </div>
      </header>
      {settingsOpen && (
        <div id="workspace-settings">
          <WorkspaceSettingsPanel onClose={() => setSettingsOpen(false)} />
        </div>
      )}
      {info?.warnings.map((w) => (
        <p key={w} className="warning" role="status">
          {w}
        </p>
      ))}
      <SummaryCards />
      <section className="panel">
        <h2>Events per day</h2>
        <EventsPerDay />
      </section>
      <ImportPanel {...(files === undefined ? {} : { initialFiles: files })} />
      <section className="panel">
        <h2>Sources</h2>
        <SourcesTable />
      </section>
      <section className="panel">
        <h2>People</h2>
        <PeopleTable />
      </section>
    </div>
  );
}
