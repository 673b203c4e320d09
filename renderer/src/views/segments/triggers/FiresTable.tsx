import { useMemo } from 'react';
import type { TriggerFire } from '../../../../../shared/specs/trigger';
import { STALE_HOURS } from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';
import { SortableTable, type Column } from '../../../components/SortableTable';
import { userColumn } from '../../../components/user-column';
import type { Row } from '../../../lib/arrow';
import { formatTime } from '../../../lib/format';
import { contextKeys } from './trigger-draft';

/** 'days_inactive' -> 'days inactive': a context key as a header. */
const headerOf = (key: string): string => key.replaceAll('_', ' ');

/** A context value: instants to the minute, the rest as formatCell reads it. */
function contextCell(value: unknown): unknown {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)
    ? formatTime(value)
    : value;
}

/**
 * The fired users, most recent fire first: who, when (UTC), stale or not, and the context that
 * explains each fire, one column per key. A user opens their timeline.
 */
export function FiresTable({ fires }: { fires: readonly TriggerFire[] }) {
  const { navigate } = useApp();
  const keys = useMemo(() => contextKeys(fires), [fires]);
  const rows = useMemo(
    (): Row[] =>
      fires.map((f) => ({
        ...Object.fromEntries(keys.map((k) => [`ctx:${k}`, contextCell(f.context[k] ?? null)])),
        user_id: f.user_id,
        email: f.email,
        fired_at: formatTime(f.fired_at),
        stale: f.stale ? 1 : 0,
      })),
    [fires, keys],
  );
  const columns = useMemo(
    (): Column[] => [
      userColumn(navigate),
      { id: 'email', header: 'Email' },
      { id: 'fired_at', header: 'Fired at (UTC)' },
      {
        id: 'stale',
        header: 'Stale',
        numeric: true,
        render: (r) =>
          r.stale === 1 ? (
            <span
              className="badge stale-badge"
              title={`Fired more than ${STALE_HOURS} hours before the as-of instant`}
            >
              stale
            </span>
          ) : (
            <span className="badge fresh-badge">fresh</span>
          ),
      },
      ...keys.map((k) => ({
        id: `ctx:${k}`,
        header: headerOf(k),
        numeric: fires.some((f) => typeof f.context[k] === 'number'),
      })),
    ],
    [keys, fires, navigate],
  );
  return (
    <div className="scroll-box fires-table" data-testid="fires-table">
      <SortableTable
        label="Fired users"
        columns={columns}
        rows={rows}
        empty="Nobody fires as of this day."
      />
    </div>
  );
}
