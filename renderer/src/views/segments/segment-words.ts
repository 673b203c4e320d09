import { formatCount, formatElapsed, formatPercent } from '../../../../shared/format';

/** "1,234 of 9,876 users (12.5%) as of 2024-03-07": a segment's size as the builder and list say it. */
export function sizeWords(c: {
  members: number;
  population: number | null;
  asOf: string | null;
}): string {
  const members = `${formatCount(c.members)} ${c.members === 1 ? 'user' : 'users'}`;
  const of =
    c.population === null
      ? members
      : `${formatCount(c.members)} of ${formatCount(c.population)} users (${sharePercent(c.members, c.population)})`;
  return c.asOf === null ? of : `${of} as of ${c.asOf}`;
}

/** A share of the population as a percentage; 0 users of 0 is no share at all. */
export function sharePercent(members: number, population: number): string {
  return population > 0 ? formatPercent(members / population) : '–';
}

/** When the members were computed, to the minute in local time ("2026-12-02 09:14"). */
export function computedWords(iso: string | null, seconds: number | null): string {
  if (iso === null) return 'not computed yet';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const when = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds === null ? when : `${when} (${formatElapsed(seconds)})`;
}
