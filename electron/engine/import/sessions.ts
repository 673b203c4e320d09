import type { DuckDBConnection } from '@duckdb/node-api';
import { EVENT_ORDER } from '../workspace/schema';
import { rebuildSessionFacts } from './user-facts';

/**
 * Recomputes every session_id for a new inactivity gap, in one pass that keeps the stored order
 * (EVENT_ORDER). Same rule as at import: a session starts at a user's first event and after every gap
 * longer than `gapMinutes`; events sharing a timestamp share a session (RANGE framing).
 */
export async function rederiveSessions(c: DuckDBConnection, gapMinutes: number): Promise<void> {
  const gap = `INTERVAL ${Math.round(gapMinutes)} MINUTE`;
  await c.run(`CREATE TABLE events_next AS
    WITH marked AS (
      SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY uid ORDER BY ts) <= ${gap} THEN 0 ELSE 1 END AS new_session
      FROM events)
    SELECT uid, ts, event,
           CAST(uid AS BIGINT) * 1000000 + sum(new_session) OVER (PARTITION BY uid ORDER BY ts) AS session_id,
           * EXCLUDE (uid, ts, event, session_id, new_session)
    FROM marked ORDER BY ${EVENT_ORDER}`);
  await c.run('DROP TABLE events');
  await c.run('ALTER TABLE events_next RENAME TO events');
  await rebuildSessionFacts(c);
}
