import { useMemo } from 'react';
import type { ScoredUser } from '../../../../../shared/specs/score';
import { useApp } from '../../../app-context';
import { SortableTable, type Column } from '../../../components/SortableTable';
import type { Row } from '../../../lib/arrow';
import { BAND_COLORS } from './score-charts';

/**
 * Scored users: who, their score (and the previous window's, for drops), their band, and for a
 * health score each component's percentile. A user's id follows them in the history chart;
 * "timeline" opens their events.
 */
export function ScoredUsersTable({
  users,
  label,
  components,
  followed,
  onFollow,
}: {
  users: readonly (ScoredUser & { previous?: number })[];
  label: string;
  /** The health components' names, in the spec's order; empty for a behavioural score. */
  components: readonly string[];
  followed: string | null;
  onFollow: (userId: string | null) => void;
}) {
  const { navigate } = useApp();
  const withPrevious = users.some((u) => u.previous !== undefined);
  const health = users.some((u) => u.band !== null);
  const rows = useMemo(
    (): Row[] =>
      users.map((u) => ({
        user_id: u.user_id,
        email: u.email,
        score: round(u.score),
        previous: u.previous === undefined ? null : round(u.previous),
        band: u.band,
        ...Object.fromEntries(
          components.map((c, i) => {
            const p = u.components[c]?.percentile;
            return [`p${i}`, p === null || p === undefined ? null : Math.round(p)];
          }),
        ),
      })),
    [users, components],
  );
  const columns = useMemo(
    (): Column[] => [
      {
        id: 'user_id',
        header: 'User',
        render: (r) => {
          const id = String(r.user_id);
          return (
            <span className="row user-cell">
              <button
                type="button"
                className="link"
                aria-pressed={followed === id}
                title="Show this user's own score in the weekly history"
                onClick={() => onFollow(followed === id ? null : id)}
              >
                {id}
              </button>
              <button
                type="button"
                className="link small muted"
                title="Open this user's events"
                onClick={() => navigate('events', { userId: id })}
              >
                timeline
              </button>
            </span>
          );
        },
      },
      { id: 'email', header: 'Email' },
      { id: 'score', header: 'Score', numeric: true },
      ...(withPrevious ? [{ id: 'previous', header: 'Previous', numeric: true }] : []),
      ...(health
        ? [
            {
              id: 'band',
              header: 'Band',
              render: (r: Row) =>
                typeof r.band === 'string' ? (
                  <span className="band-tag" data-band={r.band}>
                    <span
                      className="band-dot"
                      style={{ background: BAND_COLORS[r.band as keyof typeof BAND_COLORS] }}
                      aria-hidden
                    />
                    {r.band}
                  </span>
                ) : (
                  '–'
                ),
            },
          ]
        : []),
      ...components.map((c, i) => ({
        id: `p${i}`,
        header: `${c} pct`,
        numeric: true,
      })),
    ],
    [components, followed, health, navigate, onFollow, withPrevious],
  );
  return (
    <div className="scroll-box scored-users">
      <SortableTable columns={columns} rows={rows} label={label} empty="Nobody." />
    </div>
  );
}

/** Scores to 2 decimals, as the export writes them. */
const round = (n: number): number => Math.round(n * 100) / 100;
