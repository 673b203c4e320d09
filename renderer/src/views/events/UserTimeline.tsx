import { useEffect, useState } from 'react';
import type { UserTimeline as Timeline } from '../../../../shared/api/browse-types';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { decodeArrowRows, type Row } from '../../lib/arrow';
import { formatCell, formatNumber, formatTime } from '../../lib/format';
import { UserHealth } from './UserHealth';

const PAGE = 1_000;

/** One user: who they are and what they did, newest last. */
export function UserTimeline({
  userId,
  onClose,
  onFilter,
}: {
  userId: string;
  onClose: () => void;
  /** Show only this user's events in the grid. */
  onFilter?: () => void;
}) {
  const { api } = useApp();
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    let stale = false;
    setTimeline(null);
    setRows([]);
    setError(null);
    api['users.timeline']({ userId, limit: PAGE }).then(
      (t) => {
        if (stale) return;
        setTimeline(t);
        setRows(decodeArrowRows(t.events.arrow));
      },
      (e: unknown) => {
        if (!stale) setError(e);
      },
    );
    return () => {
      stale = true;
    };
  }, [api, userId]);

  const more = async (): Promise<void> => {
    setLoadingMore(true);
    try {
      const next = await api['users.timeline']({ userId, offset: rows.length, limit: PAGE });
      setRows((r) => [...r, ...decodeArrowRows(next.events.arrow)]);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  const profile = timeline?.profile;
  const total = timeline?.events.total ?? null;
  let lastDay = '';
  let lastSession: unknown = null;
  return (
    <aside className="side-panel" aria-label={`Timeline of ${userId}`}>
      <div className="panel-head">
        <h2>User {userId}</h2>
        <div className="row">
          {onFilter !== undefined && (
            <button type="button" className="small" onClick={onFilter}>
              Only this user
            </button>
          )}
          <button type="button" className="ghost" onClick={onClose} aria-label="Close timeline">
            ✕
          </button>
        </div>
      </div>
      {timeline === null && error === null && <p className="muted">Reading {userId}…</p>}
      <ErrorNote error={error} title="Could not read this user" />
      {profile !== undefined && (
        <dl className="facts">
          <dt>Email</dt>
          <dd>{profile.email ?? '–'}</dd>
          <dt>Events</dt>
          <dd>{formatNumber(profile.events)}</dd>
          <dt>Sessions</dt>
          <dd>{formatNumber(profile.sessions)}</dd>
          <dt>First seen</dt>
          <dd>{formatTime(profile.firstSeen)}</dd>
          <dt>Last seen</dt>
          <dd>{formatTime(profile.lastSeen)}</dd>
          <UserHealth userId={userId} />
          {Object.entries(profile.properties)
            .filter(([k, v]) => v !== null && k.toLowerCase() !== 'email')
            .map(([k, v]) => (
              <div key={k} className="fact">
                <dt>{k}</dt>
                <dd>{formatCell(v)}</dd>
              </div>
            ))}
        </dl>
      )}
      {total !== null && total > rows.length && (
        <p className="muted small">
          The first {formatNumber(rows.length)} of {formatNumber(total)} events.
        </p>
      )}
      <ol className="timeline" aria-label="Events, oldest first">
        {rows.map((row, i) => {
          const time = String(row.time ?? '');
          const day = time.slice(0, 10);
          const showDay = day !== lastDay;
          // A new session within the day gets a thin rule: sessions read at a glance.
          const newSession = !showDay && i > 0 && row.session_id !== lastSession;
          lastDay = day;
          lastSession = row.session_id;
          return (
            <li key={i} className={newSession ? 'new-session' : undefined}>
              {showDay && <div className="timeline-day">{day}</div>}
              <span className="timeline-time">{time.slice(11, 19)}</span>
              <span className="timeline-event">{String(row.event)}</span>
            </li>
          );
        })}
      </ol>
      {total !== null && total > rows.length && (
        <button
          type="button"
          className="small timeline-more"
          disabled={loadingMore}
          onClick={() => void more()}
        >
          {loadingMore
            ? 'Loading…'
            : `Next ${formatNumber(Math.min(PAGE, total - rows.length))} events`}
        </button>
      )}
    </aside>
  );
}
