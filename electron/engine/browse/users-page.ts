import type { DuckDBConnection } from '@duckdb/node-api';
import type { ArrowPage, UserTimeline } from '../../../shared/api/browse-types';
import { ApiError } from '../../../shared/api/errors';
import { num, queryOne, queryRows, str, tableColumns } from '../duckdb/database';
import { ident } from '../duckdb/sql';
import { ident as identSql, join, or, query, raw, render, sql } from '../sql/fragment';
import { USER_FACT_COLUMNS } from '../workspace/schema';
import { eventsPage } from './events-page';
import { readPage } from './read-page';

/** Columns of `users` that came from a people import (email, names, CRM fields), in order. */
async function identityColumns(c: DuckDBConnection): Promise<string[]> {
  return (await tableColumns(c, 'users'))
    .map((col) => col.name)
    .filter((n) => !USER_FACT_COLUMNS.includes(n));
}

/**
 * The identity columns holding at least one value. Every workspace has email, names, company and
 * opted_out from the start; before a people import they are empty and only crowd the grid.
 */
async function filledIdentityColumns(c: DuckDBConnection): Promise<string[]> {
  const columns = await identityColumns(c);
  if (columns.length === 0) return [];
  const counts = await queryOne(
    c,
    `SELECT ${columns.map((n, i) => `count(${ident(n)}) AS c${i}`).join(', ')} FROM users`,
  );
  return columns.filter((_, i) => num(counts[`c${i}`]) > 0);
}

/** Where the people search looks: the id and every column naming an email or a name. */
const SEARCHED = /email|name/i;

/**
 * The people table in uid order (first seen first): user_id, the filled identity columns,
 * first_seen, last_seen (UTC text) and events. `search` is a case-insensitive substring of the
 * user id, an email or a name — a plain substring: % and _ are not wildcards.
 */
export async function usersPage(
  c: DuckDBConnection,
  request: { search: string; offset: number; limit: number },
): Promise<ArrowPage> {
  const started = performance.now();
  const identities = await filledIdentityColumns(c);
  const search = request.search.trim().toLowerCase();
  const searched = ['user_id', ...identities.filter((n) => SEARCHED.test(n))];
  const where =
    search === ''
      ? raw('TRUE')
      : or(searched.map((n) => sql`contains(lower(CAST(${identSql(n)} AS VARCHAR)), ${search})`));
  const total = num((await query(c, sql`SELECT count(*) AS n FROM users WHERE ${where}`))[0]?.n);
  const shown = join(
    identities.map((n) => sql`${identSql(n)}, `),
    '',
  );
  const select = render(sql`SELECT user_id, ${shown} first_seen, last_seen, event_count AS events
    FROM users WHERE ${where} ORDER BY uid
    LIMIT ${raw(String(request.limit))} OFFSET ${raw(String(request.offset))}`);
  return readPage(c, select.text, select.values, { offset: request.offset, total, started });
}

/**
 * One user: who they are (identities, counts, first and last seen) and a page of their events in
 * time order, with the columns of events.page.
 */
export async function userTimeline(
  c: DuckDBConnection,
  request: { userId: string; offset: number; limit: number },
): Promise<UserTimeline> {
  const [user] = await queryRows(
    c,
    `SELECT *, CAST(first_seen AS VARCHAR) AS first_text, CAST(last_seen AS VARCHAR) AS last_text
     FROM users WHERE user_id = $1`,
    [request.userId],
  );
  if (user === undefined) {
    throw new ApiError('INVALID_REQUEST', `No user '${request.userId}' in this workspace.`, {
      field: 'userId',
      userId: request.userId,
    });
  }
  // The uid as a literal lets the scan skip every row group of other users.
  const { sessions } = await queryOne(
    c,
    `SELECT count(DISTINCT session_id) AS sessions FROM events WHERE uid = ${num(user.uid)}`,
  );
  const properties: Record<string, unknown> = {};
  for (const name of await identityColumns(c)) properties[name] = user[name] ?? null;
  const events = await eventsPage(c, {
    filter: { users: [request.userId], events: [], where: [] },
    offset: request.offset,
    limit: request.limit,
    count: true,
  });
  return {
    profile: {
      userId: request.userId,
      email: str(user.email),
      properties,
      events: num(user.event_count),
      sessions: num(sessions),
      firstSeen: str(user.first_text),
      lastSeen: str(user.last_text),
    },
    events,
  };
}
