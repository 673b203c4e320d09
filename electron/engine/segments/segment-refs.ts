import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import { queryRows } from '../duckdb/database';
import { join, query, raw, sql, type Sql } from '../sql/fragment';

/** A saved segment an analysis reads: its name, and what its members are now. */
export interface SegmentRef {
  id: string;
  name: string;
  members: number;
  /**
   * A digest of the member list: units that read the segment are keyed by it, so re-saving the
   * segment with other users recomputes them (the data generation does not see segments).
   */
  digest: string;
}

/**
 * The saved segments `ids` names, in that order, or a clear error naming the field and the
 * segments there are. Static segments only have members today (issue 13 adds dynamic ones).
 */
export async function resolveSegments(
  c: DuckDBConnection,
  ids: readonly string[],
  field: string,
): Promise<SegmentRef[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows(
    c,
    `SELECT s.id, s.name, count(m.uid) AS members,
            coalesce(CAST(sum(hash(m.uid)) AS VARCHAR), '0') AS digest
       FROM saved_specs s LEFT JOIN segment_members m ON m.segment_id = s.id
      WHERE s.kind = 'segment' GROUP BY s.id, s.name`,
  );
  const known = new Map(rows.map((r) => [String(r.id), r]));
  return ids.map((id, i) => {
    const row = known.get(id);
    if (row === undefined) {
      const names = rows.map((r) => `${String(r.name)} (${String(r.id)})`);
      throw new ApiError(
        'INVALID_REQUEST',
        `No saved segment with id '${id}'. ${names.length === 0 ? 'This workspace has no segments yet: save one from any number first.' : `Its segments: ${names.slice(0, 10).join(', ')}.`}`,
        { field: ids.length === 1 ? field : `${field}[${i}]` },
      );
    }
    return {
      id,
      name: String(row.name),
      members: Number(row.members),
      digest: String(row.digest),
    };
  });
}

/** Whether the user `uid` (a column) is a member of the segment. */
export function inSegmentSql(segment: SegmentRef, uid: Sql = raw('u.uid')): Sql {
  return sql`${uid} IN (SELECT uid FROM segment_members WHERE segment_id = ${segment.id})`;
}

/**
 * The member digest of each segment a spec's conditions name, in the order named, to key the
 * spec's units by; one that is not saved (deleted since) matches nobody, and the plan says so.
 */
export async function segmentDigests(
  ctx: { c: DuckDBConnection; notes: { warn(message: string): void } },
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await query(
    ctx.c,
    sql`SELECT s.id, coalesce(CAST(sum(hash(m.uid)) AS VARCHAR), '0') || ':' || count(m.uid) AS digest
       FROM saved_specs s LEFT JOIN segment_members m ON m.segment_id = s.id
      WHERE s.kind = 'segment' AND s.id IN (${join(ids.map((id) => sql`${id}`))}) GROUP BY s.id`,
  );
  const known = new Map(rows.map((r) => [String(r.id), String(r.digest)]));
  return ids.map((id) => {
    const digest = known.get(id);
    if (digest === undefined)
      ctx.notes.warn(`No saved segment has the id '${id}' (deleted?), so nobody is in it.`);
    return digest ?? 'none';
  });
}
