import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import type { Workspace } from '../workspace/workspace';
import { loadCatalog } from './catalog';
import { runEventTypes } from './event-types';
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
      return await tracked(c, job, { label: `running ${spec.kind}`, start: 0, end: 1 }, () => {
        switch (spec.kind) {
          case 'eventTypes':
            return runEventTypes(c, spec, timezone);
          case 'trends':
            return loadCatalog(c).then((catalog) =>
              runTrends({ c, settings, catalog, now: clock() }, spec),
            );
        }
      });
    } catch (error) {
      throw toApiError(error);
    }
  });
}
