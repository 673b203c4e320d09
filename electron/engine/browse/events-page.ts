import type { DuckDBConnection } from '@duckdb/node-api';
import type { ArrowPage, EventsFilter } from '../../../shared/api/browse-types';
import { ApiError } from '../../../shared/api/errors';
import { ANY_EVENT } from '../../../shared/specs/common';
import { loadCatalog } from '../analyses/catalog';
import { num, tableColumns } from '../duckdb/database';
import { eventMatchSql } from '../sql/conditions';
import { and, ident, join, query, raw, render, sql, type Sql } from '../sql/fragment';
import { PlanNotes } from '../sql/notes';
import { BOOKKEEPING_EVENT_COLUMNS } from '../workspace/schema';
import { readPage } from './read-page';

/**
 * Columns of `events` the grid shows in their own places (user_id, time, event, session_id first,
 * properties last) or never (the dense uid, the de-duplication hash, where the row was read).
 */
const PLACED = new Set<string>([
  'ts',
  'event',
  'session_id',
  'properties',
  ...BOOKKEEPING_EVENT_COLUMNS,
]);

export interface EventsRequest {
  filter: EventsFilter;
  offset: number;
  limit: number;
  count: boolean;
}

/**
 * A page of raw events in stored order — user, then time: the order `events` is written in, so a
 * page is cut by LIMIT/OFFSET over a plain scan, never by sorting the table. Columns: user_id,
 * time (UTC text), event, session_id, the typed property columns, properties (the JSON rest).
 */
export async function eventsPage(c: DuckDBConnection, request: EventsRequest): Promise<ArrowPage> {
  const started = performance.now();
  // The default, stated here because paging depends on it: a LIMIT over a filtered scan keeps
  // the table's order.
  await c.run('SET preserve_insertion_order = true');
  const { where, needsUsers } = await eventsWhere(c, request.filter);
  const columns = await propertyColumns(c);
  // A condition on user properties joins `users` first, and a hash join gives up the scan's
  // order: those pages are ordered by rowid (a top-N of offset + limit rows, not a full sort).
  const from = raw(needsUsers ? 'events e JOIN users u ON u.uid = e.uid' : 'events e');
  const page = sql`SELECT e.rowid AS __row, e.* FROM ${from} WHERE ${where}
    ${raw(needsUsers ? 'ORDER BY e.rowid' : '')} LIMIT ${raw(String(request.limit))} OFFSET ${raw(String(request.offset))}`;
  // The page alone is joined to the text ids: 1,000 lookups, whatever the table's size. `time`
  // stays a TIMESTAMP, so the Arrow field says so; its text is UTC, as stored.
  const typed = columns.map((name) => sql`p.${ident(name)}, `);
  const select = render(sql`SELECT u.user_id, p.ts AS time, p.event, p.session_id,
      ${join(typed, '')}CAST(p.properties AS VARCHAR) AS properties
    FROM (${page}) p JOIN users u ON u.uid = p.uid ORDER BY p.__row`);
  const total = request.count
    ? num((await query(c, sql`SELECT count(*) AS n FROM ${from} WHERE ${where}`))[0]?.n)
    : null;
  return readPage(c, select.text, select.values, { offset: request.offset, total, started });
}

/** The typed property columns of `events`, in table order. */
async function propertyColumns(c: DuckDBConnection): Promise<string[]> {
  return (await tableColumns(c, 'events')).map((col) => col.name).filter((n) => !PLACED.has(n));
}

/**
 * The WHERE of a raw-events filter over `events e` (and `users u` when a condition needs it).
 * Property conditions are the analyses' own SQL, so "plan = pro" selects the same events here as
 * in a funnel, and an unknown property fails with the same message.
 */
async function eventsWhere(
  c: DuckDBConnection,
  filter: EventsFilter,
): Promise<{ where: Sql; needsUsers: boolean }> {
  const parts: Sql[] = [];
  let needsUsers = false;
  if (filter.where.length > 0) {
    // Only conditions need the catalog (it scans event names); plain pages skip it.
    const catalog = await loadCatalog(c);
    const notes = new PlanNotes();
    const match = eventMatchSql(catalog, { event: ANY_EVENT, where: filter.where }, [], notes);
    // Browsing is interactive: a property nobody has is a typo to fix now, not a saved question.
    for (const warning of notes.warnings) notes.issue('filter', warning);
    notes.throwIfIssues('events filter');
    parts.push(match.sql);
    needsUsers = match.needsUsers;
  }
  if (filter.users.length > 0) parts.push(await uidCondition(c, filter.users));
  if (filter.events.length > 0) {
    parts.push(sql`e.event IN (${join(filter.events.map((e) => sql`${e}`))})`);
  }
  if (filter.from !== undefined) parts.push(sql`e.ts >= ${await utc(c, filter.from, 'from')}`);
  if (filter.to !== undefined) parts.push(sql`e.ts < ${await utc(c, filter.to, 'to')}`);
  return { where: and(parts), needsUsers };
}

/**
 * The users' dense keys as literals: DuckDB pushes `uid IN (...)` into the scan, where the
 * (uid, ts) order lets it skip every row group of other users, and the scan keeps its order
 * (a join with `users` would do neither).
 */
async function uidCondition(c: DuckDBConnection, users: readonly string[]): Promise<Sql> {
  const rows = await query(
    c,
    sql`SELECT uid FROM users WHERE user_id IN (${join(users.map((u) => sql`${u}`))}) ORDER BY uid`,
  );
  const uids = rows.map((r) => num(r.uid)).filter((uid) => Number.isInteger(uid));
  return raw(uids.length === 0 ? 'FALSE' : `e.uid IN (${uids.join(', ')})`);
}

/**
 * An ISO time as a UTC TIMESTAMP (how `events.ts` is stored). A time with an offset is moved to
 * UTC — a plain TIMESTAMP cast would drop the offset — and one without is read as UTC.
 */
async function utc(c: DuckDBConnection, value: string, field: 'from' | 'to'): Promise<Sql> {
  const [parsed] = await query(
    c,
    sql`SELECT CAST(TRY_CAST(${value} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS VARCHAR) AS ts`,
  );
  if (parsed?.ts === null || parsed?.ts === undefined) {
    throw new ApiError(
      'INVALID_REQUEST',
      `filter.${field}: '${value}' is not a date or time; write it as ISO 8601, e.g. 2024-03-01 or 2024-03-01T09:30:00Z.`,
      { field: `filter.${field}`, value },
    );
  }
  return sql`CAST(${String(parsed.ts)} AS TIMESTAMP)`;
}
