import { useMemo, useState } from 'react';
import { useApp } from '../../app-context';
import { VirtualGrid } from '../../components/VirtualGrid';
import { ErrorNote } from '../../components/ErrorNote';
import { decodeArrowRows } from '../../lib/arrow';
import { formatNumber } from '../../lib/format';
import { PagedRows } from '../../lib/paged-rows';
import { useDebounced } from '../../lib/use-debounced';
import { usePagedRows } from '../../lib/use-paged-rows';

/** The people table: ids, identities from a people import, first/last seen, events. */
export function PeopleTable() {
  const { api, info, navigate } = useApp();
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim(), 250);
  const [columns, setColumns] = useState<string[]>([]);
  const rows = useMemo(
    () =>
      new PagedRows(async (offset, limit) => {
        const page = await api['users.page']({ search: query, offset, limit });
        setColumns(page.columns);
        return { rows: decodeArrowRows(page.arrow), total: page.total };
      }, 200),
    // A new workspace (its info) or a new search starts a new list.
    [api, query, info],
  );
  const { getRow, onRange, total, error, loaded } = usePagedRows(rows);
  return (
    <div className="stack">
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search people"
          placeholder="Search user id, email or name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="muted" data-testid="people-total">
          {loaded ? `${formatNumber(total)} ${total === 1 ? 'person' : 'people'}` : 'loading…'}
          {loaded && query !== '' ? ` matching “${query}”` : ''}
        </span>
      </div>
      <ErrorNote error={error} title="Could not read the people table" />
      <VirtualGrid
        label="People"
        columns={columns}
        rowCount={total}
        getRow={getRow}
        onRange={onRange}
        height={300}
        empty={
          !loaded
            ? 'Loading…'
            : query !== ''
              ? 'Nobody matches this search.'
              : 'No people yet: import events or a people export.'
        }
        clickable={['user_id']}
        onCellClick={(_, row) => navigate('events', { userId: String(row.user_id) })}
      />
    </div>
  );
}
