import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import type {
  FileFormat,
  ImportEventsSummary,
  ImportPreview,
  PreviewImportRequest,
  SkippedRows,
} from '../../../shared/api/import-types';
import type { ParsedRequestOf } from '../../../shared/api/contract';
import { parseByteSize } from '../../../shared/util/byte-size';
import { defaultMemoryLimit, num, queryOne, queryRows } from '../duckdb/database';
import { ident, literal } from '../duckdb/sql';
import { toApiError } from '../errors';
import { throwIfCancelled, tracked, type JobContext } from '../jobs';
import { EVENT_ORDER, HASH_PROBE_TEXT } from '../workspace/schema';
import { assertTimezone, isoUtc, type Workspace } from '../workspace/workspace';
import { checkImportSpace } from './disk-space';
import { resolveInputs, type ResolvedInputs } from './inputs';
import type { StagedPlan } from './read-files';
import { readFiles, warmUpReader } from './reader';
import { createScratch, type Scratch } from './scratch';
import { rebuildSessionFacts, rebuildUserDays, rebuildUserFacts } from './user-facts';

type ImportEventsRequest = ParsedRequestOf<'import.events'>;

/**
 * The staged rows: a view over the reader's Parquet file, each row keyed by its position in it
 * (`row_key`). Querying the file is as fast as a table loaded from it (measured on 10M rows:
 * each of the import's queries ran no slower) and spares the 3.5 s load; only removing
 * duplicates materialises the rows that stay.
 */
const STAGE = 'import_stage';
const KEPT = 'import_stage_kept';
/** A staged row that becomes an event: the rest are counted as skipped. */
const VALID = 'user_id IS NOT NULL AND ts IS NOT NULL AND event IS NOT NULL';
/** Where each file starts in the stage (several files only): rows are numbered within their file. */
const FILES = 'import_stage_files';

export async function previewImport(
  workspace: Workspace,
  request: ParsedRequestOf<'import.preview'> & PreviewImportRequest,
  job: JobContext = {},
): Promise<ImportPreview> {
  return withInputs(workspace, request, job, ({ inputs, scratch, memoryLimit }) =>
    readFiles({ kind: 'preview', inputs, request, scratchDir: scratch.dir, memoryLimit }, job),
  );
}

/**
 * What a preview and an import both start from: the source zone checked, the files resolved
 * (pipes copied, gzip verified) into a scratch folder of their own, the reader's memory limit.
 * The scratch folder is removed however the work ends.
 */
async function withInputs<T>(
  workspace: Workspace,
  request: { files: string[]; format?: FileFormat; sourceTimezone?: string },
  job: JobContext,
  work: (read: { inputs: ResolvedInputs; scratch: Scratch; memoryLimit: number }) => Promise<T>,
): Promise<T> {
  const memoryLimit = await workspace.use(async (c) => {
    if (request.sourceTimezone !== undefined) await assertTimezone(c, request.sourceTimezone);
    return readerMemoryLimit(workspace, c);
  });
  const scratch = await createScratch(workspace.path);
  try {
    const inputs = await resolveInputs(request.files, request.format, {
      scratch,
      ...(job.signal === undefined ? {} : { signal: job.signal }),
    });
    return await work({ inputs, scratch, memoryLimit });
  } finally {
    await scratch.dispose();
  }
}

/** The reader keeps to the workspace's memory limit: an import reads, then merges, not both. */
async function readerMemoryLimit(workspace: Workspace, c: DuckDBConnection): Promise<number> {
  const setting = (await workspace.settings(c)).memoryLimit;
  return (setting === null ? null : parseByteSize(setting)) ?? defaultMemoryLimit();
}

/**
 * One import = one transaction: the file is staged (by a reader process, into a scratch file),
 * checked, and only then merged into `events`, which is rebuilt in EVENT_ORDER with sessions
 * derived. Any failure (bad row, cancellation, full disk, a crashed reader) rolls back and leaves
 * the workspace exactly as it was; the scratch folder is removed however the import ends.
 */
export async function importEvents(
  workspace: Workspace,
  request: ImportEventsRequest,
  job: JobContext,
): Promise<ImportEventsSummary> {
  workspace.assertWritable();
  const started = performance.now();
  warmUpReader();
  return withInputs(workspace, request, job, async ({ inputs, scratch, memoryLimit }) => {
    const space = await checkImportSpace(workspace, inputs, request);
    const fileLabel =
      inputs.files.length === 1 ? (inputs.files[0] ?? '') : `${inputs.files.length} files`;
    const stageFile = scratch.file('stage.parquet');
    const plan = await readFiles(
      { kind: 'stage', inputs, request, scratchDir: scratch.dir, memoryLimit, stageFile },
      {
        ...(job.signal === undefined ? {} : { signal: job.signal }),
        onProgress: (p) =>
          job.onProgress?.({
            ...p,
            fraction: p.fraction === null ? null : p.fraction * 0.5,
            totalBytes: inputs.bytes,
            ...(p.fraction === null ? {} : { bytes: Math.round(inputs.bytes * p.fraction) }),
          }),
      },
    );
    return await workspace
      .use(async (c) => {
        const settings = await workspace.settings(c);
        try {
          await c.run(
            `CREATE OR REPLACE TEMP VIEW ${STAGE} AS SELECT * EXCLUDE (file_row_number), file_row_number AS row_key
             FROM read_parquet(${literal(stageFile)}, file_row_number = true)`,
          );
          const checked = await tracked(
            c,
            job,
            { label: 'checking rows', start: 0.52, end: 0.53 },
            () => checkStage(c, plan, fileLabel),
          );
          throwIfCancelled(job);
          // Before duplicates are dropped: a file's first row may be one of them.
          if (inputs.paths.length > 1) {
            await c.run(`CREATE OR REPLACE TEMP TABLE ${FILES} AS
              SELECT source_file, min(row_key) AS first_key FROM ${STAGE} GROUP BY source_file`);
          }
          const dedup = await dropDuplicates(c, plan, checked, request, job);
          throwIfCancelled(job);

          await c.run('BEGIN TRANSACTION');
          let summary: Omit<ImportEventsSummary, 'seconds'>;
          try {
            summary = await mergeStage(
              c,
              plan,
              inputs,
              checked,
              dedup,
              request,
              settings.sessionGapMinutes,
              job,
              started,
            );
            throwIfCancelled(job);
            await c.run('COMMIT');
          } catch (error) {
            await c.run('ROLLBACK').catch(() => undefined);
            throw error;
          }
          // The commit point: a cancel from here on would undo nothing (the checkpoint that
          // follows only folds the log into the file), so callers must report success.
          job.onProgress?.({
            phase: 'writing the workspace file',
            fraction: 0.98,
            rows: summary.rowsImported,
            committed: true,
          });
          const seconds = (performance.now() - started) / 1000;
          // The stage is let go of first: the checkpoint then has its memory.
          await dropStage(c);
          await workspace.checkpoint(c);
          return { ...summary, seconds };
        } catch (error) {
          await dropStage(c);
          throw toApiError(error, { in: 'import', file: fileLabel });
        }
      })
      .catch((error: unknown) => space.giveBack(error));
  });
}

/** Removes the import's temporary objects (they would go with the session anyway). */
async function dropStage(c: DuckDBConnection): Promise<void> {
  await c
    .run(
      `DROP VIEW IF EXISTS ${STAGE}; DROP TABLE IF EXISTS ${KEPT}; DROP TABLE IF EXISTS ${FILES}`,
    )
    .catch(() => undefined);
}

/**
 * Whether any staged event repeats another staged or stored event (same user, event, time and
 * insert id). Compared by 64-bit hash: a collision can only cause an exact de-duplication pass
 * that finds nothing, never a missed duplicate. Spares the costly exact pass in the usual case.
 */
async function hasDuplicates(
  c: DuckDBConnection,
  checked: StageCheck,
  againstStored: boolean,
): Promise<boolean> {
  if (checked.repeats > 0) return true;
  if (!againstStored) return false;
  const against = await queryOne(
    c,
    `SELECT count(*) AS n FROM events
     WHERE insert_key IS NOT NULL AND hash(uid, event, ts, insert_key) IN (
       SELECT hash(u.uid, s.event, s.ts, hash(s.insert_id))
       FROM ${STAGE} s JOIN users u ON u.user_id = s.user_id
       WHERE s.insert_id IS NOT NULL AND s.ts IS NOT NULL AND s.event IS NOT NULL)`,
  );
  return num(against.n) > 0;
}

/**
 * Keeps the staged rows that repeat neither an earlier staged row nor a stored event (same
 * insert id): they are materialised, and the stage view then reads them instead of the file.
 */
async function removeDuplicates(c: DuckDBConnection, againstStored: boolean): Promise<void> {
  const repeatsStored = againstStored
    ? `UNION ALL SELECT s.row_key FROM ${STAGE} s
       JOIN users u ON u.user_id = s.user_id
       JOIN events e ON e.uid = u.uid AND e.event = s.event AND e.ts = s.ts AND e.insert_key = hash(s.insert_id)`
    : '';
  await c.run(`CREATE OR REPLACE TEMP TABLE ${KEPT} AS
    SELECT * FROM ${STAGE} WHERE row_key NOT IN (
      SELECT row_key FROM ${STAGE} WHERE insert_id IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY user_id, event, ts, insert_id ORDER BY row_key) > 1
      ${repeatsStored})`);
  await c.run(`CREATE OR REPLACE TEMP VIEW ${STAGE} AS SELECT * FROM ${KEPT}`);
}

interface StageCheck {
  rowsRead: number;
  valid: number;
  skipped: Omit<SkippedRows, 'duplicate'>;
  /** Flattened keys whose values do not all fit the inferred type: kept as text instead. */
  textFallback: Set<string>;
  /**
   * Staged events that hash like an earlier staged one (user, event, time, insert id): counted
   * in the same pass, as the first step of hasDuplicates.
   */
  repeats: number;
}

async function checkStage(
  c: DuckDBConnection,
  plan: StagedPlan,
  file: string,
): Promise<StageCheck> {
  const castChecks = plan.properties
    .filter((p) => p.castFromText && p.type !== 'VARCHAR')
    .map(
      (p) =>
        `count(*) FILTER (${p.stage} IS NOT NULL AND TRY_CAST(${p.stage} AS ${p.type}) IS NULL) AS ${ident(`bad_${p.stage}`)}`,
    );
  const row = await queryOne(
    c,
    `SELECT count(*) AS rows_read,
            count(*) FILTER (user_id IS NULL) AS missing_user,
            count(*) FILTER (user_id IS NOT NULL AND ts IS NULL AND ts_raw IS NULL) AS missing_ts,
            count(*) FILTER (user_id IS NOT NULL AND ts IS NULL AND ts_raw IS NOT NULL) AS bad_ts,
            count(*) FILTER (user_id IS NOT NULL AND ts IS NOT NULL AND event IS NULL) AS missing_event,
            count(*) FILTER (user_id IS NOT NULL AND ts IS NOT NULL AND event IS NOT NULL) AS valid
            ${castChecks.map((s) => `, ${s}`).join('')}${plan.hasInsertId ? `, ${REPEATS}` : ''}
     FROM ${STAGE}`,
  );
  if (num(row.bad_ts) > 0) {
    const examples = await queryRows(
      c,
      `SELECT DISTINCT ts_raw FROM ${STAGE} WHERE user_id IS NOT NULL AND ts IS NULL AND ts_raw IS NOT NULL LIMIT 5`,
    );
    const list = examples.map((e) => `'${String(e.ts_raw)}'`).join(', ');
    throw new ApiError(
      'BAD_TIMESTAMP',
      `${file}: ${num(row.bad_ts).toLocaleString('en-US')} rows have a timestamp that cannot be read in '${plan.mapping.timestamp}' (${list}). ` +
        `Fix those rows, map another column (--map timestamp=COLUMN), or give the format (--ts-format '%d/%m/%Y %H:%M').`,
      {
        file,
        column: plan.mapping.timestamp,
        rows: num(row.bad_ts),
        examples: examples.map((e) => e.ts_raw),
      },
    );
  }
  if (num(row.valid) === 0) {
    throw new ApiError(
      'NO_ROWS',
      `${file}: none of the ${num(row.rows_read).toLocaleString('en-US')} rows has a user id, a timestamp and an event ` +
        `(user from ${plan.mapping.userId.join(' / ')}, time from ${plan.mapping.timestamp}). Check the mapping (--map).`,
      { file, mapping: plan.mapping },
    );
  }
  const textFallback = new Set(
    plan.properties.filter((p) => num(row[`bad_${p.stage}`]) > 0).map((p) => p.stage),
  );
  return {
    rowsRead: num(row.rows_read),
    valid: num(row.valid),
    skipped: {
      missingUser: num(row.missing_user),
      missingTimestamp: num(row.missing_ts),
      missingEvent: num(row.missing_event),
    },
    textFallback,
    repeats: num(row.repeats),
  };
}

/** Hashed, not compared: see hasDuplicates. */
const REPEATS = `count(*) FILTER (insert_id IS NOT NULL AND ${VALID})
  - count(DISTINCT hash(user_id, event, ts, insert_id)) FILTER (insert_id IS NOT NULL AND ${VALID}) AS repeats`;

/** What de-duplication found before the transaction, for the summary. */
interface Dedup {
  warnings: string[];
}

/**
 * Drops staged rows that repeat a staged or stored event, before the transaction: it changes
 * only the temporary stage, so a failure after it leaves the workspace untouched.
 */
async function dropDuplicates(
  c: DuckDBConnection,
  plan: StagedPlan,
  checked: StageCheck,
  request: ImportEventsRequest,
  job: JobContext,
): Promise<Dedup> {
  const warnings: string[] = [];
  const replace = request.mode === 'replace';
  // Stored events can only be compared if this engine hashes insert ids as the one that stored them.
  const stored = await queryOne(
    c,
    `SELECT (SELECT count(*) FROM events) AS n,
            (SELECT value FROM workbench_meta WHERE key = 'hash_probe') = CAST(hash($1) AS VARCHAR) AS same`,
    [HASH_PROBE_TEXT],
  );
  const eventsBefore = replace ? 0 : num(stored.n);
  const comparable = stored.same !== false;
  const againstStored = !replace && eventsBefore > 0 && comparable;
  if (plan.hasInsertId && !replace && eventsBefore > 0 && !comparable) {
    warnings.push(
      'Events stored by an older engine version cannot be compared by insert id; duplicates of them, if any, were kept.',
    );
  }
  const duplicates =
    plan.hasInsertId &&
    (await tracked(c, job, { label: 'looking for duplicates', start: 0.52, end: 0.53 }, () =>
      hasDuplicates(c, checked, againstStored),
    ));
  if (duplicates) {
    await tracked(c, job, { label: 'removing duplicates', start: 0.53, end: 0.55 }, () =>
      removeDuplicates(c, againstStored),
    );
  }
  return { warnings };
}

async function mergeStage(
  c: DuckDBConnection,
  plan: StagedPlan,
  inputs: ResolvedInputs,
  checked: StageCheck,
  dedup: Dedup,
  request: ImportEventsRequest,
  sessionGapMinutes: number,
  job: JobContext,
  started: number,
): Promise<Omit<ImportEventsSummary, 'seconds'>> {
  const replace = request.mode === 'replace';
  const warnings: string[] = [...plan.warnings, ...dedup.warnings];
  if (replace) await c.run(`DELETE FROM sources WHERE kind = 'events'`);
  // Read inside the transaction, so that the merge below and these numbers see the same rows.
  const before = await queryOne(
    c,
    `SELECT (SELECT count(*) FROM events) AS events,
            (SELECT coalesce(max(id), 0) + 1 FROM sources) AS source_id,
            (SELECT count(*) FROM users) AS users,
            (SELECT coalesce(max(uid) + 1, 0) FROM users) AS next_uid`,
  );
  const eventsBefore = replace ? 0 : num(before.events);
  const sourceId = num(before.source_id);

  // New users get the next dense keys, in order of first appearance (uid order ~ signup order).
  await tracked(c, job, { label: 'assigning user keys', start: 0.5, end: 0.55 }, () =>
    c.run(
      `INSERT INTO users (uid, user_id)
       SELECT ${num(before.next_uid)} + row_number() OVER (ORDER BY first_ts, user_id) - 1, user_id
       FROM (SELECT user_id, min(ts) AS first_ts FROM ${STAGE}
             WHERE user_id IS NOT NULL AND ts IS NOT NULL AND event IS NOT NULL GROUP BY user_id) s
       WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = s.user_id)`,
    ),
  );

  const props = plan.properties.map((p) => {
    const type = checked.textFallback.has(p.stage) ? 'VARCHAR' : p.type;
    const value =
      p.castFromText && type !== 'VARCHAR' ? `TRY_CAST(s.${p.stage} AS ${type})` : `s.${p.stage}`;
    return `${value} AS ${ident(p.name)}`;
  });
  const valid = `s.ts IS NOT NULL AND s.event IS NOT NULL`;
  const keep = replace || eventsBefore === 0 ? '' : 'existing';
  const gap = `INTERVAL ${Math.round(sessionGapMinutes)} MINUTE`;
  // Sessions are worked out on narrow rows (row key, user, time) so that only one sort carries
  // the wide rows. Staged rows are keyed by their row_key, stored ones by -(rowid + 1).
  // A session starts at a user's first event and after every gap longer than the session gap;
  // the running sum frames by RANGE so events sharing a timestamp always share a session.
  await tracked(c, job, { label: 'deriving sessions', start: 0.6, end: 0.7 }, () =>
    c.run(`CREATE OR REPLACE TEMP TABLE import_sessions AS
      WITH keys AS (
        SELECT s.row_key AS k, u.uid, s.ts FROM ${STAGE} s JOIN users u ON u.user_id = s.user_id WHERE ${valid}
        ${keep === '' ? '' : 'UNION ALL SELECT -(rowid + 1), uid, ts FROM events'}),
      marked AS (
        SELECT k, uid, ts, CASE WHEN ts - lag(ts) OVER (PARTITION BY uid ORDER BY ts) <= ${gap} THEN 0 ELSE 1 END AS n
        FROM keys)
      SELECT k, uid, CAST(uid AS BIGINT) * 1000000 + sum(n) OVER (PARTITION BY uid ORDER BY ts) AS session_id FROM marked`),
  );
  // Every event keeps where it was read: this import, its file, its row in that file (the
  // stage's rows are in the files' order, file after file). They order ties in EVENT_ORDER.
  const several = inputs.paths.length > 1;
  const row = several ? 's.row_key - f.first_key + 1' : 's.row_key + 1';
  const incoming = `SELECT x.uid, s.ts, s.event, x.session_id, CASE WHEN s.insert_id IS NOT NULL THEN hash(s.insert_id) END AS insert_key,
      CAST(${sourceId} AS INTEGER) AS source_id, CAST(s.source_file AS INTEGER) AS source_file, CAST(${row} AS BIGINT) AS source_row${props.map((p) => `, ${p}`).join('')}, s.properties
    FROM ${STAGE} s JOIN import_sessions x ON x.k = s.row_key${several ? ` JOIN ${FILES} f ON f.source_file = s.source_file` : ''}`;
  const stored = `SELECT e.* REPLACE (x.session_id AS session_id) FROM events e JOIN import_sessions x ON x.k = -(e.rowid + 1)`;
  await tracked(c, job, { label: 'sorting by user and time', start: 0.7, end: 0.95 }, () =>
    c.run(`CREATE TABLE events_next AS
      SELECT * FROM (${keep === '' ? incoming : `${stored} UNION ALL BY NAME ${incoming}`})
      ORDER BY ${EVENT_ORDER}`),
  );
  await c.run('DROP TABLE import_sessions');
  throwIfCancelled(job);
  await c.run('DROP TABLE events');
  await c.run('ALTER TABLE events_next RENAME TO events');

  await tracked(c, job, { label: 'updating user facts', start: 0.95, end: 0.98 }, async () => {
    await rebuildUserFacts(c);
    await rebuildUserDays(c);
    await rebuildSessionFacts(c);
  });
  // Rebuilding the user facts keeps every user: the count is that of the keys assigned above.
  const after = await queryOne(
    c,
    `SELECT e.events, e.users, (SELECT count(*) FROM users) AS people, r.first, r.last
     FROM (SELECT count(*) AS events, count(DISTINCT uid) AS users FROM events) e,
          (SELECT min(ts) AS first, max(ts) AS last FROM ${STAGE} WHERE ${VALID}) r`,
  );
  const rowsImported = num(after.events) - eventsBefore;
  const skipped: SkippedRows = { ...checked.skipped, duplicate: checked.valid - rowsImported };
  const summary: Omit<ImportEventsSummary, 'seconds'> = {
    sourceId,
    files: inputs.files,
    format: inputs.format,
    preset: plan.preset,
    mapping: plan.mapping,
    mode: request.mode,
    bytes: inputs.bytes,
    rowsRead: checked.rowsRead,
    rowsImported,
    skipped,
    newUsers: num(after.people) - num(before.users),
    properties: plan.properties.map((p) => ({
      name: p.name,
      type: checked.textFallback.has(p.stage) ? 'VARCHAR' : p.type,
      from: p.from,
    })),
    range: after.first === null ? null : { from: isoUtc(after.first), to: isoUtc(after.last) },
    totalEvents: num(after.events),
    totalUsers: num(after.users),
    warnings,
  };
  await c.run(
    `INSERT INTO sources VALUES ($1, 'events', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::TIMESTAMP, $12::TIMESTAMP, now()::TIMESTAMP, $13)`,
    [
      sourceId,
      JSON.stringify(summary.files),
      summary.format,
      summary.preset,
      JSON.stringify(summary.mapping),
      summary.mode,
      summary.bytes,
      summary.rowsRead,
      summary.rowsImported,
      JSON.stringify(summary.skipped),
      summary.range === null ? null : summary.range.from.replace('T', ' ').replace('Z', ''),
      summary.range === null ? null : summary.range.to.replace('T', ' ').replace('Z', ''),
      (performance.now() - started) / 1000,
    ],
  );
  return summary;
}
