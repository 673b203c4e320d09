import { useEffect, useState } from 'react';
import type { UserTimeline as Timeline } from '../../../../shared/api/browse-types';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { decodeArrowRows, type Row } from '../../lib/arrow';
import { formatCell, formatNumber, formatTime } from '../../lib/format';

/** One user: who they are and what they did, newest last. */
export function UserTimeline({ userId, onClose }: { userId: string; onClose: () => void }) {
  const { api } = useApp();
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setTimeline(null);
    setError(null);
    api['users.timeline']({ userId, limit: 2_000 }).then((t) => {
      setTimeline(t);
      setRows(decodeArrowRows(t.events.arrow));
    }, setError);
  }, [api, userId]);

  const profile = timeline?.profile;
  let lastDay = '';
  return (
    <aside className="side-panel" aria-label={`Timeline of ${userId}`}>
      <div className="panel-head">
        <h2>User {userId}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close timeline">
          ✕
        </button>
      </div>
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
      {timeline !== null &&
        timeline.events.total !== null &&
        timeline.events.total > rows.length && (
          <p className="muted small">
            The first {formatNumber(rows.length)} of {formatNumber(timeline.events.total)} events.
          </p>
        )}
      <ol className="timeline">
        {rows.map((row, i) => {
          const time = String(row.time ?? '');
          const day = time.slice(0, 10);
          const showDay = day !== lastDay;
          lastDay = day;
          return (
            <li key={i}>
              {showDay && <div className="timeline-day">{day}</div>}
              <span className="timeline-time">{time.slice(11, 19)}</span>
              <span className="timeline-event">{String(row.event)}</span>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
