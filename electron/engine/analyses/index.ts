import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import type { Workspace } from '../workspace/workspace';
import { queryRows } from '../duckdb/database';
import { loadCatalog } from './catalog';
import { runEventTypes } from './event-types';
import { runFunnel } from './funnel';
import { runLifecycle } from './lifecycle';
import { runPaths } from './paths';
import { runRetention } from './retention';
import { runSessions } from './sessions';
import { runStickiness } from './stickiness';
import { runTrends } from './trends';

/** Runs any analysis spec on the workspace; each kind is one module beside this file. */
export async function runAnalysis(
  workspace: Workspace,
  spec: AnalysisSpec,
  job: JobContext,
  clock: () => Date = () => new Date(),
): Promise<AnalysisResult> {
  return workspace.use(async (c) => {
    const settings = await workspace.settings(c);
    const { timezone } = settings;
    try {
      return await tracked(
        c,
        job,
        { label: `running ${spec.kind}`, start: 0, end: 1 },
        async () => {
          if (spec.kind === 'eventTypes') return runEventTypes(c, spec, timezone);
          const now = clock();
          const [last] = await queryRows(c, 'SELECT max(ts) AS last FROM events');
          const lastEvent = last?.last ? new Date(`${String(last.last).replace(' ', 'T')}Z`) : now;
          const observedUntil = lastEvent < now ? lastEvent : now;
          const ctx = { c, settings, catalog: await loadCatalog(c), now, observedUntil };
          switch (spec.kind) {
            case 'trends':
              return runTrends(ctx, spec);
            case 'lifecycle':
              return runLifecycle(ctx, spec);
            case 'stickiness':
              return runStickiness(ctx, spec);
            case 'funnel':
              return runFunnel(ctx, spec);
            case 'retention':
              return runRetention(ctx, spec);
            case 'sessions':
              return runSessions(ctx, spec);
            case 'paths':
              return runPaths(ctx, spec);
          }
        },
      );
    } catch (error) {
      throw toApiError(error);
    }
  });
}
