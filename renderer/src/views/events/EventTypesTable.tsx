import { useApp } from '../../app-context';
import { SortableTable } from '../../components/SortableTable';
import { formatTime } from '../../lib/format';

/** Event types with their counts: the first thing to check after an import. */
export function EventTypesTable({ onPick }: { onPick: (event: string) => void }) {
  const { info } = useApp();
  const rows = (info?.eventTypes ?? []).map((t) => ({ ...t }));
  return (
    <SortableTable
      label="Event types"
      rows={rows}
      initialSort={[{ id: 'events', desc: true }]}
      empty="No events yet."
      columns={[
        {
          id: 'event',
          header: 'Event',
          render: (r) => (
            <button type="button" className="link" onClick={() => onPick(String(r.event))}>
              {String(r.event)}
            </button>
          ),
        },
        { id: 'events', header: 'Events', numeric: true },
        { id: 'users', header: 'Users', numeric: true },
        { id: 'firstSeen', header: 'First seen', render: (r) => formatTime(String(r.firstSeen)) },
        { id: 'lastSeen', header: 'Last seen', render: (r) => formatTime(String(r.lastSeen)) },
      ]}
    />
  );
}
