import { useApp } from '../../app-context';
import { formatNumber, formatRange } from '../../lib/format';

/** The workspace in five numbers. */
export function SummaryCards() {
  const { info } = useApp();
  if (info === null) return null;
  const cards: [string, string][] = [
    ['Events', formatNumber(info.events)],
    ['Users', formatNumber(info.users)],
    ['Sessions', formatNumber(info.sessions)],
    ['Event types', formatNumber(info.eventTypes.length)],
    ['People (identities)', formatNumber(info.identities)],
    ['Date range (UTC)', formatRange(info.range)],
  ];
  return (
    <div className="cards">
      {cards.map(([label, value]) => (
        <div
          key={label}
          className="card"
          data-testid={`card-${label.split(' ')[0]?.toLowerCase() ?? ''}`}
        >
          <div className="card-label">{label}</div>
          <div className={`card-value${value.length > 14 ? ' small-value' : ''}`}>{value}</div>
        </div>
      ))}
    </div>
  );
}
