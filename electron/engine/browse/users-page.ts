import type { DuckDBConnection } from '@duckdb/node-api';
import type { ArrowPage, UserTimeline } from '../../../shared/api/browse-types';
import { ApiError } from '../../../shared/api/errors';
import { num, queryOne, queryRows, str } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { eventsPage } from './events-page';
import { readPage } from './read-page';

/** Columns of `users` the engine keeps; the rest came from a people import. */
const FACTS = ['uid', 'user_id', 'first_seen', 'last_seen', 'event_count'];

async function identityColumns(c: DuckDBConnection): Promise<string[]> {
  const rows = await queryRows(
    c,
    `SELECT column_name FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'users'
     ORDER BY column_index`,
  );
  return rows.map((r) => String(r.column_name)).filter((name) => !FACTS.includes(name));
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The people table: ids, identities from a people import, and what their events say. */
export async function usersPage(
  c: DuckDBConnection,
  request: { search: string; offset: number; limit: number },
): Promise<ArrowPage> {
  const started = performance.now();
  const identities = await identityColumns(c);
  const params = new SqlParams();
  const text = ['user_id', ...identities.filter((n) => /email|name/i.test(n))];
  const where =
    request.search.trim() === ''
      ? 'TRUE'
      : `(${text.map((n) => `CAST(${quote(n)} AS VARCHAR) ILIKE ${params.bind(`%${request.search.trim()}%`)}`).join(' OR ')})`;
  const total = num(
    (await queryOne(c, `SELECT count(*) AS n FROM users WHERE ${where}`, params.values)).n,
  );
  const select = `SELECT user_id, ${identities.map((n) => `${quote(n)}`).join(', ')}${identities.length > 0 ? ',' : ''}
      CAST(first_seen AS VARCHAR) AS first_seen, CAST(last_seen AS VARCHAR) AS last_seen, event_count AS events
    FROM users WHERE ${where} ORDER BY uid LIMIT ${request.limit} OFFSET ${request.offset}`;
  return readPage(c, select, params.values, { offset: request.offset, total, started });
}

/** One user: who they are, and their events in time order. */
export async function userTimeline(
  c: DuckDBConnection,
  request: { userId: string; offset: number; limit: number },
): Promise<UserTimeline> {
  const identities = await identityColumns(c);
  const [user] = await queryRows(
    c,
    `SELECT u.*, CAST(u.first_seen AS VARCHAR) AS first_text, CAST(u.last_seen AS VARCHAR) AS last_text,
            (SELECT count(DISTINCT session_id) FROM events e WHERE e.uid = u.uid) AS sessions
     FROM users u WHERE u.user_id = $1`,
    [request.userId],
  );
  if (user === undefined) {
    throw new ApiError('INVALID_REQUEST', `No user '${request.userId}' in this workspace.`, {
      field: 'userId',
    });
  }
  const properties: Record<string, unknown> = {};
  for (const name of identities) properties[name] = user[name] ?? null;
  const emailColumn = identities.find((n) => n.toLowerCase() === 'email');
  const events = await eventsPage(c, {
    filter: { users: [request.userId], events: [], where: [] },
    offset: request.offset,
    limit: request.limit,
    count: true,
  });
  return {
    profile: {
      userId: request.userId,
      email: emailColumn === undefined ? null : str(user[emailColumn]),
      properties,
      events: num(user.event_count),
      sessions: num(user.sessions),
      firstSeen: str(user.first_text),
      lastSeen: str(user.last_text),
    },
    events,
  };
}
