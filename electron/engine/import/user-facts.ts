import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Recomputes first seen, last seen and event count of every user from `events` in one GROUP BY,
 * keeping the identity columns and the uid order.
 */
export async function rebuildUserFacts(c: DuckDBConnection): Promise<void> {
  await c.run(`CREATE TABLE users_next AS
    SELECT u.uid, u.user_id, f.first_seen, f.last_seen, coalesce(f.event_count, 0) AS event_count,
           u.* EXCLUDE (uid, user_id, first_seen, last_seen, event_count)
    FROM users u
    LEFT JOIN (SELECT uid, min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS event_count
               FROM events GROUP BY uid) f ON f.uid = u.uid
    ORDER BY u.uid`);
  await c.run('DROP TABLE users');
  await c.run('ALTER TABLE users_next RENAME TO users');
}

/**
 * Each user's active UTC days with their event count and last event: ~1 row per 4 events, so
 * "was the user active in period k" (retention on any event) reads this instead of `events`.
 */
export async function rebuildUserDays(c: DuckDBConnection): Promise<void> {
  await c.run(`CREATE OR REPLACE TABLE user_days AS
    SELECT uid, CAST(ts AS DATE) AS day, count(*) AS events, max(ts) AS last_ts
    FROM events GROUP BY uid, day ORDER BY uid, day`);
}

/**
 * One row per session (~1 per 10 events): start, event count and duration. The sessions analysis
 * on any event reads this instead of grouping every event by session_id. Rebuilt whenever events
 * or their session_ids change.
 */
export async function rebuildSessionFacts(c: DuckDBConnection): Promise<void> {
  await c.run(`CREATE OR REPLACE TABLE session_facts AS
    SELECT session_id, any_value(uid) AS uid, min(ts) AS started, count(*) AS events,
           (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6 AS duration
    FROM events GROUP BY session_id ORDER BY started`);
}
