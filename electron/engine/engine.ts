import path from 'node:path';
import { issueLines } from '../../shared/specs/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  contract,
  isMethodName,
  type CallOptions,
  type MethodName,
  type ParsedRequestOf,
  type Reply,
  type ResponseOf,
  unknownMethodMessage,
} from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { runAnalysis, usersBehind } from './analyses';
import { clockFromEnv, type Clock } from './clock';
import { toApiError } from './errors';
import { importEvents, previewImport } from './import/import-events';
import { importUsers } from './import/import-users';
import { tracked, type JobContext } from './jobs';
import { eventsPage } from './browse/events-page';
import { propertyValues } from './browse/property-values';
import { createStaticSegment, segmentMembers } from './segments/static-segments';
import { compareSegments } from './segments/compare-segments';
import { backtestTrigger, runTrigger } from './triggers/triggers';
import { exportFires, sendFires } from './triggers/trigger-output';
import { exportScore, runScore, scoreHistory } from './scores/scores';
import {
  countSegment,
  duplicateSegment,
  listSegments,
  refreshSegments,
  refreshStaleSegments,
  renameSegment,
  saveSegment,
  segmentHistory,
} from './segments/dynamic-segments';
import { recentWorkspaces, rememberWorkspace } from './browse/recent-workspaces';
import { userTimeline, usersPage } from './browse/users-page';
import { deleteSpec, listSaved, saveSpec } from './saved-specs';
import { exportMetrics, metricsPage } from './users/metrics-table';
import { runSql } from './sql-query';
import { fillDemoWorkspace } from './demo/demo-workspace';
import { defaultWorkspacePath, demoWorkspacePath } from './workspace/default-location';
import { Workspace } from './workspace/workspace';

type Handler<M extends MethodName> = (
  request: ParsedRequestOf<M>,
  job: JobContext & { jobId: string },
) => Promise<ResponseOf<M>>;
type Handlers = { [M in MethodName]: Handler<M> };

/**
 * The engine behind every transport: one open workspace, the contract's handlers, and the jobs
 * running now. `call` is the single entry: it validates the request against the contract and
 * returns errors as data, so IPC, HTTP and the CLI all behave the same.
 */
export class Engine {
  private workspace: Workspace | undefined;
  private readonly jobs = new Map<string, AbortController>();

  /** The workspace clock every relative range, "today" and the demo's last day are read on. */
  private readonly clock: Clock;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? clockFromEnv(env);
  }

  private readonly handlers: Handlers = {
    'workspace.open': async (r) => {
      const file = r.path ?? defaultWorkspacePath(this.env);
      this.workspace = await this.switchTo(file, () =>
        Workspace.open(file, { create: r.create, readOnly: r.readOnly }),
      );
      const summary = await this.workspace.summary();
      rememberWorkspace(this.env, summary);
      return summary;
    },
    'workspace.openDemo': async (r, job) => {
      this.closeWorkspace();
      const file = r.path ?? demoWorkspacePath(this.env);
      const exists = existsSync(file);
      this.workspace = await Workspace.open(file, { create: true });
      const info = exists && !r.regenerate ? await this.workspace.info(this.clock) : null;
      const created = info === null || info.events === 0;
      if (created) {
        await fillDemoWorkspace(
          this.workspace,
          {
            ...(r.users === undefined ? {} : { users: r.users }),
            ...(r.days === undefined ? {} : { days: r.days }),
            ...(r.seed === undefined ? {} : { seed: r.seed }),
            end: this.clock().toISOString().slice(0, 10),
          },
          job,
        );
      }
      const summary = await this.workspace.summary();
      rememberWorkspace(this.env, summary);
      return { ...summary, created };
    },
    'workspace.close': async () => ({ closed: this.closeWorkspace() }),
    'workspace.info': async () => this.current().info(this.clock),
    'workspace.sources': async () => this.current().sources(),
    'workspace.updateSettings': async (r, job) =>
      this.followData(await this.current().updateSettings(r), job),
    'import.preview': async (r, job) => previewImport(this.current(), r, job),
    'import.events': async (r, job) =>
      this.followData(await importEvents(this.current(), r, job), job),
    'import.users': async (r, job) =>
      this.followData(await importUsers(this.current(), r, job), job),
    'workspace.recent': async () => recentWorkspaces(this.env),
    'events.page': async (r, job) =>
      this.current().use((c) =>
        tracked(c, job, { label: 'reading events', start: 0, end: 1 }, () => eventsPage(c, r)),
      ),
    'users.timeline': async (r) => this.current().use((c) => userTimeline(c, r)),
    'users.page': async (r) => this.current().use((c) => usersPage(c, r)),
    'properties.values': async (r) => this.current().use((c) => propertyValues(c, r)),
    'segments.createStatic': async (r, job) =>
      createStaticSegment(this.current(), r, job, this.clock),
    'segments.members': async (r) => segmentMembers(this.current(), r),
    'segments.list': async (_r, job) => listSegments(this.current(), job, this.clock),
    'segments.save': async (r, job) => saveSegment(this.current(), r, job, this.clock),
    'segments.count': async (r, job) => countSegment(this.current(), r, job, this.clock),
    'segments.history': async (r, job) => segmentHistory(this.current(), r, job, this.clock),
    'segments.refresh': async (r, job) => refreshSegments(this.current(), r, job, this.clock),
    'segments.rename': async (r, job) => renameSegment(this.current(), r, job, this.clock),
    'segments.duplicate': async (r, job) => duplicateSegment(this.current(), r, job, this.clock),
    'sql.query': async (r, job) => runSql(this.current(), r, job),
    'analysis.run': async (r, job) => runAnalysis(this.current(), r.spec, job, this.clock),
    'analysis.compare': async (r, job) => compareSegments(this.current(), r, job, this.clock),
    'analysis.users': async (r, job) => usersBehind(this.current(), r, job, this.clock),
    'metrics.page': async (r, job) => metricsPage(this.current(), r, job, this.clock),
    'metrics.export': async (r, job) => exportMetrics(this.current(), r, job, this.clock),
    'triggers.run': async (r, job) => runTrigger(this.current(), r, job, this.clock),
    'triggers.backtest': async (r, job) => backtestTrigger(this.current(), r, job, this.clock),
    'triggers.export': async (r, job) => exportFires(this.current(), r, job, this.clock),
    'triggers.send': async (r, job) => sendFires(this.current(), r, job, this.clock),
    'scores.run': async (r, job) => runScore(this.current(), r, job, this.clock),
    'scores.history': async (r, job) => scoreHistory(this.current(), r, job, this.clock),
    'scores.export': async (r, job) => exportScore(this.current(), r, job, this.clock),
    'saved.list': async (r) => listSaved(this.current(), r.kind),
    'saved.save': async (r) => saveSpec(this.current(), r),
    'saved.delete': async (r) => deleteSpec(this.current(), r.id),
    'job.cancel': async (r) => {
      const controller = this.jobs.get(r.jobId);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
  };

  async call<M extends MethodName>(
    method: M,
    request: unknown,
    options: CallOptions = {},
  ): Promise<Reply<M>> {
    try {
      if (!isMethodName(method)) {
        throw new ApiError('UNKNOWN_METHOD', unknownMethodMessage(String(method)));
      }
      const parsed = contract[method].request.safeParse(request ?? {});
      if (!parsed.success) {
        const issues = issueLines(parsed.error.issues);
        throw new ApiError(
          'INVALID_REQUEST',
          `Invalid request for ${method}: ${issues.join('; ')}.`,
          { issues },
        );
      }
      const jobId = options.jobId ?? randomUUID();
      const controller = new AbortController();
      this.jobs.set(jobId, controller);
      const onAbort = (): void => controller.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) controller.abort();
      try {
        const handler = this.handlers[method] as Handler<M>;
        const value = await handler(parsed.data as ParsedRequestOf<M>, {
          jobId,
          signal: controller.signal,
          onProgress: (p) => options.onProgress?.({ jobId, method, ...p }),
        });
        return { ok: true, value };
      } finally {
        this.jobs.delete(jobId);
        options.signal?.removeEventListener('abort', onAbort);
      }
    } catch (error) {
      return { ok: false, error: toApiError(error).toShape() };
    }
  }

  /**
   * After the data or the settings changed: dynamic segments follow them. The change itself has
   * committed, so a refresh that fails (or is cancelled) leaves the segments marked stale, and the
   * change stands.
   */
  private async followData<T>(result: T, job: JobContext): Promise<T> {
    try {
      await refreshStaleSegments(this.current(), job, this.clock);
    } catch {
      // segments.list shows them stale, with the reason, and recomputes them.
    }
    return result;
  }

  private current(): Workspace {
    if (this.workspace === undefined) {
      throw new ApiError(
        'NO_WORKSPACE',
        'No workspace is open. Open or create one first (workspace.open).',
      );
    }
    return this.workspace;
  }

  /**
   * Opens `file` in place of the current workspace. A workspace that fails to open (a typo in
   * its path, a damaged file) leaves the current one open: bad input loses nothing. Only the
   * same file is closed first, since one process cannot hold two instances of it.
   */
  private async switchTo(file: string, open: () => Promise<Workspace>): Promise<Workspace> {
    if (this.workspace !== undefined && path.resolve(file) === this.workspace.path) {
      this.closeWorkspace();
    }
    const next = await open();
    this.closeWorkspace();
    return next;
  }

  private closeWorkspace(): boolean {
    const had = this.workspace !== undefined;
    this.workspace?.close();
    this.workspace = undefined;
    return had;
  }

  dispose(): void {
    for (const controller of this.jobs.values()) controller.abort();
    this.closeWorkspace();
  }
}
