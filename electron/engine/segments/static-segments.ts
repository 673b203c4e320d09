import { randomUUID } from 'node:crypto';
import type { ArrowPage } from '../../../shared/api/browse-types';
import { ApiError } from '../../../shared/api/errors';
import type { SavedSpec } from '../../../shared/api/workspace-types';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { analysisContext, uidQuery } from '../analyses';
import { systemClock, type Clock } from '../clock';
import { readPage } from '../browse/read-page';
import { num, queryOne } from '../duckdb/database';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import { listSaved } from '../saved-specs';
import type { Workspace } from '../workspace/workspace';

/** What a static segment keeps besides its members: where they came from, and how many. */
export interface StaticSegmentSpec {
  type: 'static';
  from: { spec: AnalysisSpec; select: UserSelection };
  members: number;
}

/**
 * Saves the users behind one number (a funnel step, a retention cell, ...) as a named segment:
 * the members are fixed at this moment (a static list), computed by the same SQL as the number.
 */
export async function createStaticSegment(
  workspace: Workspace,
  request: { name: string; spec: AnalysisSpec; select: UserSelection },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<{ segment: SavedSpec; members: number }> {
  workspace.assertWritable();
  const id = randomUUID();
  const members = await workspace.use(async (c) => {
    try {
      return await tracked(c, job, { label: 'saving the segment', start: 0, end: 1 }, async () => {
        const ctx = await analysisContext(workspace, c, clock);
        const { text: sql, values } = await uidQuery(workspace, ctx, request.spec, request.select);
        await c.run('BEGIN TRANSACTION');
        try {
          await c.run(
            `INSERT INTO segment_members SELECT DISTINCT $${values.length + 1}, uid FROM (${sql})`,
            [...values, id],
          );
          const count = num(
            (
              await queryOne(c, `SELECT count(*) AS n FROM segment_members WHERE segment_id = $1`, [
                id,
              ])
            ).n,
          );
          const spec: StaticSegmentSpec = {
            type: 'static',
            from: { spec: request.spec, select: request.select },
            members: count,
          };
          await c.run(
            `INSERT INTO saved_specs VALUES ($1, 'segment', $2, $3, now()::TIMESTAMP, now()::TIMESTAMP)`,
            [id, request.name, JSON.stringify(spec)],
          );
          await c.run('COMMIT');
          return count;
        } catch (error) {
          await c.run('ROLLBACK');
          throw error;
        }
      });
    } catch (error) {
      throw toApiError(error);
    }
  });
  const segment = (await listSaved(workspace, 'segment')).find((s) => s.id === id);
  if (segment === undefined) throw new ApiError('INTERNAL', 'The segment was not saved.');
  return { segment, members };
}

/** The members of a saved segment, as a page of the people table. */
export async function segmentMembers(
  workspace: Workspace,
  request: { id: string; offset: number; limit: number },
): Promise<ArrowPage> {
  const started = performance.now();
  return workspace.use(async (c) => {
    const total = num(
      (
        await queryOne(c, `SELECT count(*) AS n FROM segment_members WHERE segment_id = $1`, [
          request.id,
        ])
      ).n,
    );
    const known = await queryOne(c, `SELECT count(*) AS n FROM saved_specs WHERE id = $1`, [
      request.id,
    ]);
    if (num(known.n) === 0) {
      throw new ApiError('INVALID_REQUEST', `No segment '${request.id}' in this workspace.`, {
        field: 'id',
      });
    }
    return readPage(
      c,
      `SELECT u.user_id, u.email, CAST(u.first_seen AS VARCHAR) AS first_seen,
              CAST(u.last_seen AS VARCHAR) AS last_seen, u.event_count AS events
       FROM segment_members m JOIN users u ON u.uid = m.uid
       WHERE m.segment_id = $1 ORDER BY u.user_id LIMIT ${request.limit} OFFSET ${request.offset}`,
      [request.id],
      { offset: request.offset, total, started },
    );
  });
}
