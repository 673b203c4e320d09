import type { Column } from './SortableTable';

/** A table's user id column: each id opens that user's timeline in the Events view. */
export function userColumn(
  navigate: (view: string, detail?: { userId?: string }) => void,
  header = 'User',
): Column {
  return {
    id: 'user_id',
    header,
    render: (r) => (
      <button
        type="button"
        className="link"
        onClick={() => navigate('events', { userId: String(r.user_id) })}
      >
        {String(r.user_id)}
      </button>
    ),
  };
}
