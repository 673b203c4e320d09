import { z } from 'zod';
import type { ApiErrorShape } from './errors';
import {
  importEventsRequestSchema,
  importUsersRequestSchema,
  previewImportRequestSchema,
  type ImportEventsSummary,
  type ImportPreview,
  type ImportUsersSummary,
} from './import-types';
import {
  SAVED_KINDS,
  workspaceSettingsSchema,
  type SavedSpec,
  type SourceInfo,
  type WorkspaceInfo,
  type WorkspaceSummary,
} from './workspace-types';
import {
  eventsPageRequestSchema,
  userTimelineRequestSchema,
  usersPageRequestSchema,
  type ArrowPage,
  type RecentWorkspace,
  type UserTimeline,
} from './browse-types';
import { analysisSpecSchema, type AnalysisResult, type ResultTable } from '../specs/analysis-spec';
import { userSelectionSchema, type UsersBehindResult } from '../specs/users-behind';
import { metricsExportRequestSchema, metricsPageRequestSchema } from '../specs/metrics';
import {
  scoreExportRequestSchema,
  scoreHistoryRequestSchema,
  scoreRunRequestSchema,
  type ScoreHistoryPoint,
  type ScoreResult,
} from '../specs/score';
import {
  triggerBacktestRequestSchema,
  triggerExportRequestSchema,
  triggerRunRequestSchema,
  triggerSendRequestSchema,
  type SendResult,
  type TriggerBacktestResult,
  type TriggerRunResult,
} from '../specs/trigger';
import {
  compareSegmentsRequestSchema,
  countSegmentRequestSchema,
  saveSegmentRequestSchema,
  segmentHistoryRequestSchema,
  type SegmentComparison,
  type SegmentCount,
  type SegmentHistoryPoint,
  type SegmentInfo,
} from './segment-types';

/**
 * Every engine method, declared once. Electron IPC, the HTTP server and the CLI are generated from
 * this table, and every request is validated against its schema before the engine sees it.
 */
interface MethodDef<Req extends z.ZodType, Res> {
  request: Req;
  summary: string;
  /** Long work: reports progress on the event channel and can be cancelled. */
  long: boolean;
  /** Phantom: carries the response type; never set at run time. */
  response?: Res;
}

function method<Res>() {
  return <Req extends z.ZodType>(def: { request: Req; summary: string; long?: boolean }) =>
    ({ ...def, long: def.long ?? false }) as MethodDef<Req, Res>;
}

const empty = z.object({}).strict();

export const sqlQueryRequestSchema = z.object({
  sql: z.string().min(1, 'the query is empty'),
  /** Allow statements that change the workspace (INSERT, CREATE, ...). Off by default. */
  write: z.boolean().default(false),
  /** At most this many rows come back; the response says when more were available. */
  limit: z.number().int().min(1).max(10_000_000).default(10_000),
  /** `arrow`: the rows come as an Arrow IPC stream (base64) in `arrow`, and `rows` is empty. */
  format: z.enum(['rows', 'arrow']).default('rows'),
});

export const contract = {
  'workspace.open': method<WorkspaceSummary>()({
    summary: 'Open a workspace file (created when missing unless create is false).',
    request: z.object({
      /** Path of the .duckdb file; omitted = the default workspace in the user data directory. */
      path: z.string().min(1).optional(),
      create: z.boolean().default(true),
      readOnly: z.boolean().default(false),
    }),
  }),
  'workspace.openDemo': method<WorkspaceSummary & { created: boolean }>()({
    summary:
      'Open the demo workspace (a seeded SaaS product), generating it on first use or when asked to.',
    request: z.object({
      /** Where the demo workspace lives; omitted = demo.duckdb beside the default workspace. */
      path: z.string().min(1).optional(),
      /** Regenerate even if it exists (e.g. with other sizes). */
      regenerate: z.boolean().default(false),
      users: z.number().int().min(1).max(10_000_000).optional(),
      days: z.number().int().min(1).max(3650).optional(),
      seed: z.number().int().min(0).optional(),
    }),
    long: true,
  }),
  'workspace.close': method<{ closed: boolean }>()({
    summary: 'Close the open workspace.',
    request: empty,
  }),
  'workspace.info': method<WorkspaceInfo>()({
    summary: 'Rows, users, event types with counts, date range and sources of the open workspace.',
    request: empty,
  }),
  'workspace.sources': method<SourceInfo[]>()({
    summary: 'Every file imported into the workspace.',
    request: empty,
  }),
  'workspace.recent': method<RecentWorkspace[]>()({
    summary: 'Workspaces opened before, most recent first (kept beside the default workspace).',
    request: empty,
  }),
  'workspace.updateSettings': method<WorkspaceSummary>()({
    summary: 'Change the workspace time zone, week start or session gap.',
    request: workspaceSettingsSchema.partial(),
  }),
  'import.preview': method<ImportPreview>()({
    summary:
      'Detect the export format and mapping, and show the first rows as they will be stored.',
    request: previewImportRequestSchema,
  }),
  'import.events': method<ImportEventsSummary>()({
    summary: 'Import event exports (CSV/TSV, Parquet, NDJSON/JSON) in one all-or-nothing step.',
    request: importEventsRequestSchema,
    long: true,
  }),
  'import.users': method<ImportUsersSummary>()({
    summary: 'Import people/contacts (user id, email, names, company, opt-out, any other columns).',
    request: importUsersRequestSchema,
    long: true,
  }),
  'events.page': method<ArrowPage>()({
    summary: 'A page of raw events (user, time, event, session, properties) matching a filter.',
    request: eventsPageRequestSchema,
    long: true,
  }),
  'users.timeline': method<UserTimeline>()({
    summary: "One user's profile and events in time order.",
    request: userTimelineRequestSchema,
  }),
  'users.page': method<ArrowPage>()({
    summary: 'A page of the people table (user id, identities, first/last seen, event count).',
    request: usersPageRequestSchema,
  }),
  'properties.values': method<{ value: string | number | boolean | null; count: number }[]>()({
    summary: 'The most frequent values of an event or user property, for value pickers.',
    request: z.object({
      property: z.string().min(1),
      source: z.enum(['event', 'user']).default('event'),
      /** Only events of this type (omit or "$any" for all events). */
      event: z.string().min(1).optional(),
      limit: z.number().int().min(1).max(1_000).default(50),
    }),
  }),
  'segments.createStatic': method<{ segment: SavedSpec; members: number }>()({
    summary:
      'Save the users behind one number of an analysis (a funnel step, a retention cell, ...) as a named static segment.',
    request: z
      .object({
        name: z.string().min(1, 'give the segment a name'),
        spec: analysisSpecSchema,
        select: userSelectionSchema,
      })
      .refine((r) => r.spec.kind === r.select.kind, {
        path: ['select', 'kind'],
        message: 'the selection must be of the same kind as the spec',
      }),
    long: true,
  }),
  'segments.list': method<SegmentInfo[]>()({
    summary:
      'The saved segments, static and dynamic: size, as-of day, definition in words, when computed.',
    request: z.object({}).strict(),
    long: true,
  }),
  'segments.save': method<SegmentInfo>()({
    summary:
      'Save a dynamic segment (a rule over events, metrics, user properties, segments and outcomes) and compute its members.',
    request: saveSegmentRequestSchema,
    long: true,
  }),
  'segments.count': method<SegmentCount>()({
    summary:
      "How many users meet a rule as of a day, without saving it (the builder's live count).",
    request: countSegmentRequestSchema,
    long: true,
  }),
  'segments.history': method<SegmentHistoryPoint[]>()({
    summary:
      'Members of a dynamic segment (or a rule) as of each day or week back from the as-of day: size, entered, left.',
    request: segmentHistoryRequestSchema,
    long: true,
  }),
  'segments.refresh': method<SegmentInfo[]>()({
    summary:
      'Compute the members of every dynamic segment (or those named) on the data as it is now.',
    request: z.object({ ids: z.array(z.string().min(1)).optional() }).strict(),
    long: true,
  }),
  'segments.rename': method<SegmentInfo>()({
    summary: 'Rename a saved segment.',
    request: z
      .object({
        id: z.string().min(1),
        name: z.string().trim().min(1, 'give the segment a name').max(200),
      })
      .strict(),
  }),
  'segments.duplicate': method<SegmentInfo>()({
    summary: 'Copy a saved segment (its rule, or its members) under a new name.',
    request: z
      .object({ id: z.string().min(1), name: z.string().trim().min(1).max(200).optional() })
      .strict(),
    long: true,
  }),
  'segments.members': method<ArrowPage>()({
    summary: 'A page of the members of a saved segment.',
    request: z.object({
      id: z.string().min(1),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1_000_000).default(1_000),
    }),
  }),
  'sql.query': method<ResultTable & { truncated: boolean; seconds: number; arrow?: string }>()({
    summary: 'Run SQL on the workspace (read-only unless write is set).',
    request: sqlQueryRequestSchema,
    long: true,
  }),
  'analysis.run': method<AnalysisResult>()({
    summary: 'Run an analysis spec ({"kind": ...}).',
    request: z.object({ spec: analysisSpecSchema }),
    long: true,
  }),
  'analysis.compare': method<SegmentComparison>()({
    summary:
      'Run an analysis once per saved segment (filtered to its members) and for everyone else: the segments side by side.',
    request: compareSegmentsRequestSchema,
    long: true,
  }),
  'analysis.users': method<UsersBehindResult>()({
    summary: 'The users behind one number of an analysis (a funnel step, a retention cell, ...).',
    request: z
      .object({
        spec: analysisSpecSchema,
        select: userSelectionSchema,
        limit: z.number().int().min(1).max(1_000_000).default(1_000),
      })
      .refine((r) => r.spec.kind === r.select.kind, {
        path: ['select', 'kind'],
        message: 'the selection must be of the same kind as the spec',
      }),
    long: true,
  }),
  'metrics.page': method<ArrowPage>()({
    summary:
      'A page of the per-user metrics table of a metrics spec (one row per user), sorted and filtered.',
    request: metricsPageRequestSchema,
    long: true,
  }),
  'metrics.export': method<{ path: string; format: 'csv' | 'parquet'; rows: number }>()({
    summary: 'Write the per-user metrics table of a metrics spec to a CSV or Parquet file.',
    request: metricsExportRequestSchema,
    long: true,
  }),
  'triggers.run': method<TriggerRunResult>()({
    summary:
      'Who a trigger (inactivity, feature underuse, negative actions, milestone missed, entering a segment) fires for as of a day, with the fire time and its context.',
    request: triggerRunRequestSchema,
    long: true,
  }),
  'triggers.backtest': method<TriggerBacktestResult>()({
    summary:
      'A trigger replayed over past days: fires per day, and how many fired users came back within 14 days on their own or churned.',
    request: triggerBacktestRequestSchema,
    long: true,
  }),
  'triggers.export': method<{
    path: string;
    format: 'csv' | 'jsonl';
    rows: number;
    asOf: string;
  }>()({
    summary: 'Write who a trigger fires for to a CSV, or to a JSON-lines webhook payload file.',
    request: triggerExportRequestSchema,
    long: true,
  }),
  'triggers.send': method<SendResult>()({
    summary:
      'POST who a trigger fires for to a URL in batches, with retries; a dry run (the default) sends nothing and shows the first batch.',
    request: triggerSendRequestSchema,
    long: true,
  }),
  'scores.run': method<ScoreResult>()({
    summary:
      'A behavioural or health score for every user as of a day: distribution, bands, the highest and lowest, who dropped month over month, and how well it foretold churn.',
    request: scoreRunRequestSchema,
    long: true,
  }),
  'scores.history': method<ScoreHistoryPoint[]>()({
    summary: "A score week by week: its mean, the users per band, and one user's own.",
    request: scoreHistoryRequestSchema,
    long: true,
  }),
  'scores.export': method<{ path: string; rows: number; asOf: string }>()({
    summary: "Write every user's score, band and components to a CSV file.",
    request: scoreExportRequestSchema,
    long: true,
  }),
  'saved.list': method<SavedSpec[]>()({
    summary: 'Saved analyses, segments and personas of the workspace.',
    request: z.object({ kind: z.enum(SAVED_KINDS).optional() }),
  }),
  'saved.save': method<SavedSpec>()({
    summary: 'Save (insert or update by id) an analysis, segment or persona spec.',
    request: z.object({
      id: z.string().min(1).optional(),
      kind: z.enum(SAVED_KINDS),
      name: z.string().min(1),
      spec: z.record(z.string(), z.unknown()),
    }),
  }),
  'saved.delete': method<{ deleted: boolean }>()({
    summary: 'Delete a saved spec.',
    request: z.object({ id: z.string().min(1) }),
  }),
  'job.cancel': method<{ cancelled: boolean }>()({
    summary: 'Cancel a running long method by its job id.',
    request: z.object({ jobId: z.string().min(1) }),
  }),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export const METHOD_NAMES = Object.keys(contract) as MethodName[];

/** The one refusal of a method that does not exist, whichever transport it came over. */
export function unknownMethodMessage(method: string): string {
  return `No method '${method}'. Methods: ${METHOD_NAMES.join(', ')}.`;
}

/** What a caller sends (defaults may be omitted). */
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
/** What the engine receives after validation (defaults filled in). */
export type ParsedRequestOf<M extends MethodName> = z.output<Contract[M]['request']>;
export type ResponseOf<M extends MethodName> = NonNullable<Contract[M]['response']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}

/** Progress of long work, pushed on the contract's event channel. */
export interface ProgressEvent {
  jobId: string;
  method: MethodName;
  /** What is happening now, in words ("reading events.csv", "sorting by user and time"). */
  phase: string;
  /** 0..1 within the whole job, or null when unknown. */
  fraction: number | null;
  rows?: number;
  bytes?: number;
  totalBytes?: number;
  /**
   * The job's changes are saved (an import committed): cancelling now changes nothing, and what
   * is left (writing the file) needs no undoing. `rows` then says how many rows were saved.
   */
  committed?: boolean;
}

export type Reply<M extends MethodName> =
  { ok: true; value: ResponseOf<M> } | { ok: false; error: ApiErrorShape };

/** The typed client every transport implements; the renderer and the CLI only see this. */
export type ApiClient = {
  [M in MethodName]: (request: RequestOf<M>, options?: CallOptions) => Promise<ResponseOf<M>>;
};

/** The part of AbortSignal a call needs (shared/ is built without DOM or Node types). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface CallOptions {
  jobId?: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: CancelSignal;
}
