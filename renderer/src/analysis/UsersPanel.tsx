import { useEffect, useState } from 'react';
import type { UsersBehindResult, UserSelection } from '../../../shared/specs/users-behind';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { useApp } from '../app-context';
import { ErrorNote } from '../components/ErrorNote';
import { SortableTable } from '../components/SortableTable';
import { userColumn } from '../components/user-column';
import { formatNumber, formatTime } from '../lib/format';
import { download, toCsv } from './csv';
import { selectionLabel } from '../../../shared/specs/analyses';

/** Users listed in the panel; the CSV export fetches them all. */
const SHOWN = 1_000;

/** The users behind one number: list, a user's timeline, save as a segment, CSV. */
export function UsersPanel({
  spec,
  select,
  onClose,
}: {
  spec: AnalysisSpec;
  select: UserSelection;
  onClose: () => void;
}) {
  const { api, jobs, navigate } = useApp();
  const [users, setUsers] = useState<UsersBehindResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState(selectionLabel(select, spec));
  const [saved, setSaved] = useState<string | null>(null);

  // Escape closes the drawer, as any overlay.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  useEffect(() => {
    setUsers(null);
    setError(null);
    setSaved(null);
    setName(selectionLabel(select, spec));
    void jobs
      .run('finding the users', (o) => api['analysis.users']({ spec, select, limit: SHOWN }, o))
      .then(setUsers, setError);
  }, [api, jobs, spec, select]);

  const save = async (): Promise<void> => {
    try {
      const result = await jobs.run('saving the segment', (o) =>
        api['segments.createStatic']({ name, spec, select }, o),
      );
      setSaved(`Saved “${result.segment.name}” with ${formatNumber(result.members)} users.`);
    } catch (e) {
      setError(e);
    }
  };
  const exportCsv = async (): Promise<void> => {
    try {
      const all = await jobs.run('listing the users', (o) =>
        api['analysis.users']({ spec, select, limit: 1_000_000 }, o),
      );
      download(
        `${name.replace(/[^\w.-]+/g, '_')}.csv`,
        toCsv({
          columns: ['user_id', 'email', 'first_seen', 'last_seen', 'event_count'],
          rows: all.users.map((u) => ({ ...u })),
        }),
      );
    } catch (e) {
      setError(e);
    }
  };
  return (
    <aside className="side-panel users-panel" aria-label="Users behind the number">
      <div className="panel-head">
        <h2>{selectionLabel(select, spec)}</h2>
        <button type="button" className="ghost" aria-label="Close users" onClick={onClose}>
          ✕
        </button>
      </div>
      <ErrorNote error={error} title="Could not list the users" />
      {users === null && error === null && <p className="muted">Finding the users…</p>}
      {users !== null && (
        <>
          <p data-testid="users-total">
            <strong>{formatNumber(users.total)}</strong> users
            {users.truncated ? ` (the first ${formatNumber(users.users.length)} listed)` : ''}
          </p>
          <div className="row">
            <input
              aria-label="Segment name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <button
              type="button"
              className="primary"
              disabled={name.trim() === ''}
              onClick={() => void save()}
            >
              Save as segment
            </button>
          </div>
          {saved !== null && (
            <div className="success" role="status">
              {saved}
            </div>
          )}
          <div className="row">
            <button type="button" onClick={() => void exportCsv()}>
              Export CSV
            </button>
          </div>
          <div className="scroll-box tall">
            <SortableTable
              label="Users"
              rows={users.users.map((u) => ({
                ...u,
                first_seen: formatTime(u.first_seen),
                last_seen: formatTime(u.last_seen),
              }))}
              columns={[
                userColumn(navigate),
                { id: 'email', header: 'Email' },
                { id: 'first_seen', header: 'First seen' },
                { id: 'last_seen', header: 'Last seen' },
                { id: 'event_count', header: 'Events', numeric: true },
              ]}
            />
          </div>
        </>
      )}
    </aside>
  );
}
