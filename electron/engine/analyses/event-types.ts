import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventTypesResult, EventTypesSpec } from '../../../shared/specs/analysis-spec';
import { num, queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { isoUtc } from '../workspace/workspace';
import { dayRangeFilter } from './date-range';

/** Event types with their event and user counts, optionally within a range of days. */
export function buildEventTypesSql(
  spec: EventTypesSpec,
  timezone: string,
): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  const where = dayRangeFilter('ts', spec.from, spec.to, timezone, params);
  const sql = `SELECT event, count(*) AS events, count(DISTINCT uid) AS users, min(ts) AS first, max(ts) AS last
    FROM events ${where === '' ? '' : `WHERE ${where}`}
    GROUP BY event ORDER BY events DESC, event`;
  return { sql, params };
}

export async function runEventTypes(
  c: DuckDBConnection,
  spec: EventTypesSpec,
  timezone: string,
): Promise<EventTypesResult> {
  const { sql, params } = buildEventTypesSql(spec, timezone);
  const rows = await queryRows(c, sql, params.values);
  return {
    kind: 'eventTypes',
    timezone,
    from: spec.from ?? null,
    to: spec.to ?? null,
    rows: rows.map((r) => ({
      event: String(r.event),
      events: num(r.events),
      users: num(r.users),
      firstSeen: isoUtc(r.first),
      lastSeen: isoUtc(r.last),
    })),
  };
}
