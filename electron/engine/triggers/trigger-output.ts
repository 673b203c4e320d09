import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ApiError } from '../../../shared/api/errors';
import type {
  FirePayload,
  SendResult,
  TriggerFire,
  TriggerSpec,
} from '../../../shared/specs/trigger';
import { systemClock, type Clock } from '../clock';
import type { JobContext } from '../jobs';
import type { Workspace } from '../workspace/workspace';
import { allFires } from './triggers';

function payloads(name: string, asOf: string, fires: readonly TriggerFire[]): FirePayload[] {
  return fires.map((f) => ({
    user_id: f.user_id,
    email: f.email,
    trigger: name,
    fired_at: f.fired_at,
    as_of: asOf,
    stale: f.stale,
    context: f.context,
  }));
}

function formatOf(target: string, format: 'csv' | 'jsonl' | undefined): 'csv' | 'jsonl' {
  if (format !== undefined) return format;
  const ext = path.extname(target).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new ApiError(
    'INVALID_REQUEST',
    `Say which file to write: a name ending in .csv (a row per user) or .jsonl (the webhook payload), or give the format.`,
    { field: 'format' },
  );
}

/**
 * The fired users as of a day, written to a CSV (one row per user, the context in columns of
 * its own) or JSON lines (the webhook payload). Written beside the target and renamed: a failed
 * export never leaves half a file.
 */
export async function exportFires(
  workspace: Workspace,
  request: {
    spec: TriggerSpec;
    asOf?: string | undefined;
    name: string;
    path: string;
    format?: 'csv' | 'jsonl' | undefined;
  },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<{ path: string; format: 'csv' | 'jsonl'; rows: number; asOf: string }> {
  const target = path.resolve(request.path);
  const format = formatOf(target, request.format);
  const dir = path.dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ApiError('INVALID_REQUEST', `The folder ${dir} does not exist.`, { field: 'path' });
  }
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new ApiError('INVALID_REQUEST', `${target} is a folder; name a file.`, { field: 'path' });
  }
  const { asOf, fires } = await allFires(workspace, request, job, clock);
  const rows = payloads(request.name, asOf, fires);
  let text: string;
  if (format === 'jsonl') {
    text = rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : '');
  } else {
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.context)))];
    const header = ['user_id', 'email', 'trigger', 'fired_at', 'as_of', 'stale', ...keys];
    text = stringify(
      rows.map((r) => [
        r.user_id,
        r.email ?? '',
        r.trigger,
        r.fired_at,
        r.as_of,
        r.stale ? 'true' : 'false',
        ...keys.map((k) => r.context[k] ?? ''),
      ]),
      { header: true, columns: header },
    );
  }
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.partial`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new ApiError(
      'INVALID_REQUEST',
      `Could not write ${target}: ${(error as Error).message}`,
      {
        field: 'path',
      },
    );
  }
  return { path: target, format, rows: rows.length, asOf };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new ApiError('CANCELLED', 'Cancelled.'));
      },
      { once: true },
    );
  });

/** Pauses between tries: 0.2 s, 0.4 s, 0.8 s... at most 5 s, or what Retry-After asks (≤ 30 s). */
export function retryDelay(attempt: number, retryAfter: string | null): number {
  const asked = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(asked) && asked >= 0) return Math.min(30_000, asked * 1000);
  return Math.min(5_000, 200 * 2 ** attempt);
}

/**
 * The fired users POSTed to the analyst's URL in batches (JSON: the trigger, the as-of day and
 * the batch's payloads). Nothing is sent in a dry run. A batch refused with 429 or 5xx, or that
 * reached no server, is tried again; any other refusal stops the sending, saying how many users
 * went out before it (a webhook cannot be taken back).
 */
export async function sendFires(
  workspace: Workspace,
  request: {
    spec: TriggerSpec;
    asOf?: string | undefined;
    name: string;
    url: string;
    dryRun: boolean;
    batchSize: number;
    retries: number;
    headers: Record<string, string>;
    timeoutSeconds: number;
  },
  job: JobContext,
  clock: Clock = systemClock,
  post: typeof fetch = fetch,
): Promise<SendResult> {
  const { asOf, fires } = await allFires(workspace, request, job, clock);
  const rows = payloads(request.name, asOf, fires);
  const batches: FirePayload[][] = [];
  for (let i = 0; i < rows.length; i += request.batchSize)
    batches.push(rows.slice(i, i + request.batchSize));
  const body = (i: number): unknown => ({
    trigger: request.name,
    as_of: asOf,
    batch: i + 1,
    batches: batches.length,
    users: batches[i] ?? [],
  });
  const result: SendResult = {
    dryRun: request.dryRun,
    url: request.url,
    users: rows.length,
    batches: batches.length,
    sent: 0,
    attempts: 0,
    sample: batches.length === 0 ? null : body(0),
  };
  if (request.dryRun) return result;
  for (const [i, batch] of batches.entries()) {
    for (let attempt = 0; ; attempt++) {
      if (job.signal?.aborted === true) throw new ApiError('CANCELLED', 'Cancelled.');
      result.attempts++;
      let status: number | null = null;
      let retryAfter: string | null = null;
      let problem: string;
      try {
        const response = await post(request.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...request.headers },
          body: JSON.stringify(body(i)),
          signal: AbortSignal.timeout(request.timeoutSeconds * 1000),
        });
        status = response.status;
        if (response.ok) {
          result.sent += batch.length;
          break;
        }
        retryAfter = response.headers.get('retry-after');
        problem =
          `${response.status} ${(await response.text().catch(() => '')).slice(0, 200)}`.trim();
      } catch (error) {
        problem = (error as Error).message;
      }
      job.onProgress?.({
        phase: `sending batch ${i + 1} of ${batches.length}`,
        fraction: i / batches.length,
      });
      const retriable = status === null || status === 429 || status >= 500;
      if (!retriable || attempt >= request.retries) {
        throw new ApiError(
          'WEBHOOK_FAILED',
          `${request.url} refused batch ${i + 1} of ${batches.length} (${problem})${retriable ? ` after ${attempt + 1} tries` : ''}; ${result.sent.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} users were sent before it.`,
          { field: 'url', sent: result.sent, users: rows.length },
        );
      }
      await sleep(retryDelay(attempt, retryAfter), job.signal);
    }
  }
  return result;
}
