import { useApp } from '../../app-context';
import { formatNumber, formatRange } from '../../lib/format';
import { peopleNote } from './settings-form';
import './data-settings.css';

/** The workspace in six numbers, each saying what it counts. */
export function SummaryCards() {
  const { info } = useApp();
  if (info === null) return null;
  const { settings } = info.workspace;
  const cards: { label: string; value: string; note?: string }[] = [
    { label: 'Events', value: formatNumber(info.events) },
    { label: 'Users', value: formatNumber(info.users), note: 'with at least one event' },
    {
      label: 'Sessions',
      value: formatNumber(info.sessions),
      note: `ended by ${settings.sessionGapMinutes} min idle`,
    },
    { label: 'Event types', value: formatNumber(info.eventTypes.length) },
    // The same rows as the people list below: every user with events and people known only from
    // a people export.
    { label: 'People', value: formatNumber(info.people), note: peopleNote(info) },
    // Local days of the workspace zone: the days every analysis cuts.
    { label: `Date range (${settings.timezone})`, value: formatRange(info.days) },
  ];
  return (
    <div className="cards">
      {cards.map(({ label, value, note }) => (
        <div
          key={label}
          className="card"
          data-testid={`card-${label.split(' ')[0]?.toLowerCase() ?? ''}`}
        >
          <div className="card-label">{label}</div>
          <div className={`card-value${value.length > 14 ? ' small-value' : ''}`}>{value}</div>
          {note !== undefined && <div className="card-note">{note}</div>}
        </div>
      ))}
    </div>
  );
}
