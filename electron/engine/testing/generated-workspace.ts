import path from 'node:path';
import { contract } from '../../../shared/api/contract';
import { writeDemoExport } from '../demo/generate-demo-data';
import { importEvents } from '../import/import-events';
import { Workspace } from '../workspace/workspace';
import { tempWorkspace } from './temp-workspace';

/**
 * A workspace of generated demo events opened directly (not through the contract), for tests
 * that compare two computations of one analysis on the same connection.
 */
export async function generatedWorkspace(options: {
  users: number;
  days: number;
  seed: number;
  end: string;
}): Promise<{ workspace: Workspace; close: () => void }> {
  const temp = await tempWorkspace();
  const files = await writeDemoExport({
    ...options,
    outDir: path.join(temp.dir, 'demo'),
    format: 'parquet',
  });
  const workspace = await Workspace.open(path.join(temp.dir, 'generated.duckdb'));
  await importEvents(
    workspace,
    contract['import.events'].request.parse({ files: [files.eventsFile] }),
    {},
  );
  return {
    workspace,
    close: () => {
      workspace.close();
      temp.close();
    },
  };
}
