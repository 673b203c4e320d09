import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import type { Workspace } from '../workspace/workspace';
import { runEventTypes } from './event-types';

/** Runs any analysis spec on the workspace; each kind is one module beside this file. */
export async function runAnalysis(
  workspace: Workspace,
  spec: AnalysisSpec,
  job: JobContext,
): Promise<AnalysisResult> {
  return workspace.use(async (c) => {
    const { timezone } = await workspace.settings(c);
    try {
      return await tracked(c, job, { label: `running ${spec.kind}`, start: 0, end: 1 }, () => {
        switch (spec.kind) {
          case 'eventTypes':
            return runEventTypes(c, spec, timezone);
        }
      });
    } catch (error) {
      throw toApiError(error);
    }
  });
}
