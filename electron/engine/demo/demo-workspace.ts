import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JobContext } from '../jobs';
import { importEvents } from '../import/import-events';
import { importUsers } from '../import/import-users';
import type { Workspace } from '../workspace/workspace';
import { DEMO_DEFAULTS, writeDemoExport, type DemoOptions } from './generate-demo-data';

/**
 * Fills a workspace with the demo SaaS product: the seeded export is generated into a scratch
 * folder and imported exactly as an analyst's own files would be (events, then people).
 */
export async function fillDemoWorkspace(
  workspace: Workspace,
  options: Partial<DemoOptions>,
  job: JobContext,
): Promise<{ events: number; users: number }> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'workbench-demo-'));
  try {
    const demo: DemoOptions = {
      users: options.users ?? DEMO_DEFAULTS.users,
      days: options.days ?? DEMO_DEFAULTS.days,
      seed: options.seed ?? DEMO_DEFAULTS.seed,
      end: options.end ?? new Date().toISOString().slice(0, 10),
    };
    job.onProgress?.({ phase: 'generating the demo product’s events', fraction: 0 });
    const files = await writeDemoExport({ ...demo, outDir: scratch, format: 'parquet' }, (f) =>
      job.onProgress?.({ phase: 'generating the demo product’s events', fraction: f * 0.4 }),
    );
    const scaled = (from: number, to: number): JobContext => ({
      ...job,
      onProgress: (p) =>
        job.onProgress?.({
          ...p,
          fraction: p.fraction === null ? null : from + (to - from) * p.fraction,
        }),
    });
    const imported = await importEvents(
      workspace,
      { files: [files.eventsFile], mode: 'replace', preset: 'generic' },
      scaled(0.4, 0.95),
    );
    await importUsers(workspace, { files: [files.peopleFile] }, scaled(0.95, 1));
    return { events: imported.totalEvents, users: imported.totalUsers };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
