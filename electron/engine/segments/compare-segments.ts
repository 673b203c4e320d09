import { ApiError } from '../../../shared/api/errors';
import type { SegmentComparison, SegmentComparisonGroup } from '../../../shared/api/segment-types';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { ConditionNode } from '../../../shared/specs/common';
import { SMALL_SEGMENT } from '../../../shared/specs/segment';
import { runAnalysis } from '../analyses';
import { systemClock, type Clock } from '../clock';
import { num } from '../duckdb/database';
import { toApiError } from '../errors';
import type { JobContext } from '../jobs';
import { join, query, sql } from '../sql/fragment';
import type { Workspace } from '../workspace/workspace';
import { resolveSegments } from './segment-refs';

/** The kinds a segment can be added to as a filter: those whose spec has `filters`. */
type Filterable = Extract<AnalysisSpec, { filters: ConditionNode[] }>;

function filterable(spec: AnalysisSpec): spec is Filterable {
  return 'filters' in spec && Array.isArray(spec.filters);
}

/**
 * An analysis side by side for several segments, as Amplitude's segment comparison draws it:
 * the same spec run once per segment (its filters plus membership) and once for everyone in
 * none of them. A user in two segments counts in both, as in each segment's own analysis; the
 * comparison says how many are shared.
 */
export async function compareSegments(
  workspace: Workspace,
  request: { spec: AnalysisSpec; segments: string[]; rest: boolean },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentComparison> {
  const { spec } = request;
  if (!filterable(spec)) {
    throw new ApiError(
      'INVALID_REQUEST',
      `A ${spec.kind} analysis has no filters to add a segment to; compare segments in trends, funnels, retention, lifecycle, stickiness, sessions, metrics or thresholds.`,
      { field: 'spec.kind' },
    );
  }
  if (new Set(request.segments).size !== request.segments.length) {
    throw new ApiError('INVALID_REQUEST', 'A segment is named twice.', { field: 'segments' });
  }
  const { refs, shared, everyone } = await workspace.use(async (c) => {
    try {
      const refs = await resolveSegments(c, request.segments, 'segments');
      const ids = join(refs.map((r) => sql`${r.id}`));
      const [row] = await query(
        c,
        sql`SELECT
              (SELECT count(*) FROM (SELECT uid FROM segment_members WHERE segment_id IN (${ids})
                 GROUP BY uid HAVING count(DISTINCT segment_id) > 1)) AS shared,
              (SELECT count(*) FROM users u WHERE u.first_seen IS NOT NULL AND u.uid NOT IN
                 (SELECT uid FROM segment_members WHERE segment_id IN (${ids}))) AS everyone`,
      );
      return { refs, shared: num(row?.shared), everyone: num(row?.everyone) };
    } catch (error) {
      throw toApiError(error, { in: 'analysis' });
    }
  });
  const labels = refs.map((r, i) =>
    refs.findIndex((o) => o.name === r.name) === i ? r.name : `${r.name} (${i + 1})`,
  );
  const sides: {
    label: string;
    segment: string | null;
    members: number;
    filters: ConditionNode[];
  }[] = refs.map((r, i) => ({
    label: labels[i] ?? r.name,
    segment: r.id,
    members: r.members,
    filters: [...spec.filters, { segment: r.id, op: 'in' }],
  }));
  if (request.rest) {
    sides.push({
      label: 'Everyone else',
      segment: null,
      members: everyone,
      filters: [...spec.filters, ...refs.map((r) => ({ segment: r.id, op: 'not in' as const }))],
    });
  }
  const groups: SegmentComparisonGroup[] = [];
  for (const side of sides) {
    const result = await runAnalysis(
      workspace,
      { ...spec, filters: side.filters } as AnalysisSpec,
      job,
      clock,
    );
    groups.push({
      label: side.label,
      segment: side.segment,
      members: side.members,
      small: side.members < SMALL_SEGMENT,
      result,
    });
  }
  const warnings: string[] = [];
  const small = groups.filter((g) => g.small);
  if (small.length > 0) {
    warnings.push(
      `${small.map((g) => `${g.label} (${g.members.toLocaleString('en-US')})`).join(', ')} ${small.length === 1 ? 'has' : 'have'} fewer than ${SMALL_SEGMENT} members: differences there are mostly chance.`,
    );
  }
  if (shared > 0) {
    warnings.push(
      `${shared.toLocaleString('en-US')} users are in more than one of these segments; each counts in every segment it is in.`,
    );
  }
  return { groups, shared, warnings };
}
