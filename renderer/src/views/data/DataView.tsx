import { useApp } from '../../app-context';
import { EventsPerDay } from './EventsPerDay';
import { ImportPanel } from './ImportPanel';
import { PeopleTable } from './PeopleTable';
import { SourcesTable } from './SourcesTable';
import { SummaryCards } from './SummaryCards';

/** What the workspace holds, where it came from, and bringing more in. */
export function DataView({ files }: { files?: string[] }) {
  const { info } = useApp();
  return (
    <div className="view">
      <header className="view-head">
        <h1>Data</h1>
        <p className="muted">
          {info?.workspace.path} · time zone {info?.workspace.settings.timezone} · sessions end
          after {info?.workspace.settings.sessionGapMinutes} min of inactivity
        </p>
      </header>
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
