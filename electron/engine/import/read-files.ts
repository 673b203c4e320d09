import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ParsedRequestOf } from '../../../shared/api/contract';
import { ApiError, type ApiErrorShape } from '../../../shared/api/errors';
import type { ImportPreview, PresetId } from '../../../shared/api/import-types';
import { connect, openInstance, queryRows } from '../duckdb/database';
import { ident, literal } from '../duckdb/sql';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import { diagnoseReadError } from './csv-diagnosis';
import { prepareInputs } from './guards';
import type { ResolvedInputs } from './inputs';
import {
  inspectSource,
  planImport,
  type ImportPlan,
  type PlanRequest,
  type PropertyColumn,
} from './plan-import';

/**
 * The risky part of an import: the first reads of the files (DuckDB's CSV/JSON/Parquet readers
 * on whatever the analyst picked). It runs in a child process (reader-child.ts), so that a crash
 * of a reader is an error on that file instead of the end of the app; it only reads files and
 * writes into its scratch folder, never the workspace.
 *
 * - `preview`: plans the import and returns the first rows as they would be stored.
 * - `stage`: plans it and writes every row, staged, into a Parquet file (`stageFile`) that the
 *   importing process then loads, checks and merges.
 */
export type ReadTask =
  | {
      kind: 'preview';
      inputs: ResolvedInputs;
      request: ParsedRequestOf<'import.preview'>;
      scratchDir: string;
      /** The workspace's DuckDB memory limit, in bytes: the reader keeps to it too. */
      memoryLimit: number;
    }
  | {
      kind: 'stage';
      inputs: ResolvedInputs;
      request: ParsedRequestOf<'import.events'>;
      scratchDir: string;
      memoryLimit: number;
      stageFile: string;
    };

/** What the importing process needs of the plan: names and types, no SQL. */
export interface StagedPlan {
  preset: PresetId;
  candidates: { preset: PresetId; score: number }[];
  mapping: ImportPlan['mapping'];
  properties: PropertyColumn[];
  hasInsertId: boolean;
  warnings: string[];
}

export type ReadResult<T extends ReadTask> = T extends { kind: 'preview' }
  ? ImportPreview
  : StagedPlan;

/** Messages between the importing process and the reader child. */
export type ToReader = { type: 'run'; task: ReadTask };
export type FromReader =
  | { type: 'ready' }
  | { type: 'progress'; phase: string; fraction: number | null }
  | { type: 'done'; result: ImportPreview | StagedPlan }
  | { type: 'failed'; error: ApiErrorShape };

/** DuckDB names the column whose auto-detected type a later row breaks; that column is retried as text. */
const RETYPE_HINT = /Column (.+?) is being converted as type/;
const MAX_RETYPES = 20;

/**
 * Plans the import, retrying CSV columns whose inferred type a later row contradicts as text
 * (a zip code column that turns alphanumeric after 20,000 rows must not fail the import).
 */
async function planAndStage(
  connection: DuckDBConnection,
  inputs: ResolvedInputs,
  request: PlanRequest,
  stage: (plan: ImportPlan) => Promise<void>,
): Promise<ImportPlan> {
  const text: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const plan = await planImport(connection, inputs, request, text);
    try {
      await stage(plan);
      return plan;
    } catch (error) {
      const raw = error instanceof Error ? error.message : '';
      const column = RETYPE_HINT.exec(raw)?.[1];
      if (
        inputs.format !== 'csv' ||
        column === undefined ||
        text.includes(column) ||
        attempt >= MAX_RETYPES
      ) {
        throw error;
      }
      text.push(column);
    }
  }
}

export async function runReadTask<T extends ReadTask>(
  task: T,
  job: JobContext,
): Promise<ReadResult<T>> {
  const label =
    task.inputs.files.length === 1
      ? (task.inputs.files[0] ?? '')
      : `${task.inputs.files.length} files`;
  let aliases: Record<string, string> = {};
  let inputs = task.inputs;
  // Spills go to the scratch folder, removed with it however the import ends.
  const instance = await openInstance(':memory:', {
    memoryLimit: task.memoryLimit,
    tempDirectory: path.join(task.scratchDir, 'spill'),
  });
  const c = await connect(instance);
  try {
    const prepared = await prepareInputs(task.inputs, task.scratchDir, {
      ...(task.request.maxDecompressionRatio === undefined
        ? {}
        : { maxDecompressionRatio: task.request.maxDecompressionRatio }),
    });
    inputs = prepared.inputs;
    aliases = prepared.aliases;
    await c.run('SET enable_progress_bar = true');
    await c.run('SET enable_progress_bar_print = false');
    const result =
      task.kind === 'preview'
        ? await preview(c, inputs, task.request)
        : await stage(c, inputs, task, job, label);
    return result as ReadResult<T>;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const diagnosed = await diagnoseReadError(error, inputs).catch(() => undefined);
    throw diagnosed ?? toApiError(error, { in: 'import', file: label, aliases });
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

async function preview(
  c: DuckDBConnection,
  inputs: ResolvedInputs,
  request: ParsedRequestOf<'import.preview'>,
): Promise<ImportPreview> {
  let rows: Record<string, unknown>[] = [];
  const limit = Number(request.limit);
  const plan = await planAndStage(c, inputs, request, async (p) => {
    const select = `SELECT user_id, event, ts, insert_id${p.properties.map((x) => `, ${x.stage} AS ${ident(x.name)}`).join('')}, properties
      FROM (${p.stageSelect}) LIMIT ${limit}`;
    rows = await queryRows(c, select, p.params.values);
  }).catch(async (error: unknown) => {
    if (!(error instanceof ApiError) || error.code !== 'MISSING_COLUMN') throw error;
    // Show the file as it is, so the analyst can pick the columns the preset could not.
    const look = await inspectSource(c, inputs, request);
    const raw = await queryRows(c, `SELECT * FROM ${look.source.from()} LIMIT ${limit}`);
    return { ...look, problem: error.toShape(), raw };
  });
  // What the file was detected as, with or without a problem.
  const detected = {
    files: inputs.files,
    format: inputs.format,
    preset: plan.preset,
    candidates: plan.candidates,
    mapping: plan.mapping,
    fileColumns: plan.source.columns,
  };
  if ('problem' in plan) {
    return {
      ...detected,
      problem: plan.problem,
      columns: plan.source.columns.map((col) => col.name),
      rows: plan.raw,
      warnings: [],
    };
  }
  return {
    ...detected,
    columns: [
      'user_id',
      'event',
      'ts',
      'insert_id',
      ...plan.properties.map((p) => p.name),
      'properties',
    ],
    rows,
    warnings: plan.warnings,
  };
}

/**
 * DuckDB types Parquet has no exact twin for (HUGEINT is written as DOUBLE, BIT as text): such
 * columns are staged as text and cast back by the importing process.
 */
const NOT_IN_PARQUET = /^(U?HUGEINT|BIT|VARINT)$/;

async function stage(
  c: DuckDBConnection,
  inputs: ResolvedInputs,
  task: Extract<ReadTask, { kind: 'stage' }>,
  job: JobContext,
  label: string,
): Promise<StagedPlan> {
  // Parquet, not a DuckDB file: it writes as fast as an in-memory table (0.8 s for 1M rows,
  // against 1.8 s for a DuckDB file) and the importing process loads it in a quarter of that.
  const plan = await planAndStage(c, inputs, task.request, async (p) => {
    await rm(task.stageFile, { force: true });
    const asText = p.properties.filter((x) => NOT_IN_PARQUET.test(x.type));
    const select =
      asText.length === 0
        ? p.stageSelect
        : `SELECT * REPLACE (${asText.map((x) => `CAST(${x.stage} AS VARCHAR) AS ${x.stage}`).join(', ')}) FROM (${p.stageSelect})`;
    await tracked(
      c,
      job,
      { label: `reading ${label}`, start: 0, end: 1, totalBytes: inputs.bytes },
      () =>
        c.run(`COPY (${select}) TO ${literal(task.stageFile)} (FORMAT parquet)`, p.params.values),
    );
  });
  return {
    preset: plan.preset,
    candidates: plan.candidates,
    mapping: plan.mapping,
    properties: plan.properties.map((x) =>
      NOT_IN_PARQUET.test(x.type) ? { ...x, castFromText: true } : x,
    ),
    hasInsertId: plan.hasInsertId,
    warnings: plan.warnings,
  };
}
