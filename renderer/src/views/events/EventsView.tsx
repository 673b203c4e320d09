import { useMemo, useState } from 'react';
import type { EventsFilter } from '../../../../shared/api/browse-types';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { VirtualGrid } from '../../components/VirtualGrid';
import { decodeArrowRows } from '../../lib/arrow';
import { formatNumber } from '../../lib/format';
import { PagedRows } from '../../lib/paged-rows';
import { usePagedRows } from '../../lib/use-paged-rows';
import { NO_FILTER } from '../../lib/events-filter';
import { EventsFilterBar } from './EventsFilterBar';
import { EventTypesTable } from './EventTypesTable';
import { UserTimeline } from './UserTimeline';

const WIDTHS = { user_id: 150, time: 210, event: 180, session_id: 110, properties: 420 };

/** Event types, every raw event (filtered, paged as it scrolls), and any user's timeline. */
export function EventsView({ userId }: { userId?: string }) {
  const { api, info } = useApp();
  const [filter, setFilter] = useState<EventsFilter>(NO_FILTER);
  const [columns, setColumns] = useState<string[]>([]);
  const [user, setUser] = useState<string | undefined>(userId);
  const [firstPageSeconds, setFirstPageSeconds] = useState<number | null>(null);

  const rows = useMemo(() => {
    const started = performance.now();
    let first = true;
    return new PagedRows(async (offset, limit) => {
      // The count is a scan: asked once per filter, with the first page.
      const page = await api['events.page']({ filter, offset, limit, count: offset === 0 });
      setColumns(page.columns);
      if (first) {
        first = false;
        setFirstPageSeconds((performance.now() - started) / 1000);
      }
      return { rows: decodeArrowRows(page.arrow), total: page.total };
    }, 500);
    // A new workspace (info) or filter starts a new list.
  }, [api, filter, info]);
  const { getRow, onRange, total, error, loaded } = usePagedRows(rows);
  const filterKey = JSON.stringify(filter);

  return (
    <div className={`view${user !== undefined ? ' with-side' : ''}`}>
      <div className="view-main">
        <header className="view-head">
          <h1>Events</h1>
        </header>
        <section className="panel">
          <h2>Event types</h2>
          <div className="scroll-box">
            <EventTypesTable onPick={(event) => setFilter({ ...filter, events: [event] })} />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Raw events</h2>
            <span className="muted" data-testid="events-total">
              {loaded ? `${formatNumber(total)} ${total === 1 ? 'event' : 'events'}` : 'loading…'}
              {firstPageSeconds !== null &&
                ` · first rows in ${Math.round(firstPageSeconds * 1000)} ms`}
            </span>
          </div>
          <EventsFilterBar key={`bar:${filterKey}`} value={filter} onChange={setFilter} />
          <ErrorNote error={error} title="Could not read events" />
          <VirtualGrid
            // A new filter starts at the top.
            key={`grid:${filterKey}`}
            label="Raw events"
            columns={columns}
            rowCount={total}
            getRow={getRow}
            onRange={onRange}
            widths={WIDTHS}
            clickable={['user_id']}
            onCellClick={(_, row) => setUser(String(row.user_id))}
            height={480}
            empty={loaded ? 'No events match these filters.' : 'Loading…'}
          />
        </section>
      </div>
      {user !== undefined && (
        <UserTimeline
          key={user}
          userId={user}
          onClose={() => setUser(undefined)}
          onFilter={() => setFilter({ ...NO_FILTER, users: [user] })}
        />
      )}
    </div>
  );
}
