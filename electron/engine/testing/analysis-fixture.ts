import type { AnalysisSpec, AnalysisResult } from '../../../shared/specs/analysis-spec';
import { tempWorkspace, type TempWorkspace } from './temp-workspace';

/** A workspace holding `csv` (user_id,event,timestamp,...) and a runner of specs at a fixed clock. */
export async function analysisFixture(
  csv: string,
  settings: { timezone?: string } = {},
): Promise<{
  ws: TempWorkspace;
  run: <K extends AnalysisSpec['kind']>(
    spec: AnalysisSpec & { kind: K },
  ) => Promise<Extract<AnalysisResult, { kind: K }>>;
}> {
  const ws = await tempWorkspace();
  await ws.api['import.events']({ files: [ws.write('events.csv', csv)] });
  if (settings.timezone !== undefined)
    await ws.api['workspace.updateSettings']({ timezone: settings.timezone });
  return {
    ws,
    run: async (spec) => (await ws.api['analysis.run']({ spec })) as never,
  };
}
