import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import type {
  SegmentCount,
  SegmentHistoryPoint,
  SegmentInfo,
} from '../../../shared/api/segment-types';
import { addDays } from '../../../shared/calendar/local-days';
import { parseAnalysisSpec } from '../../../shared/specs/parse-spec';
import { selectionLabel } from '../../../shared/specs/analyses';
import {
  dynamicSegmentSpecSchema,
  ruleLeaves,
  ruleWords,
  SMALL_SEGMENT,
  type DynamicSegmentSpec,
  type SegmentRule,
} from '../../../shared/specs/segment';
import { userSelectionSchema } from '../../../shared/specs/users-behind';
import { inAnalysisContext, uidsSql } from '../analyses';
import type { AnalysisContext } from '../analyses/context';
import { systemClock, type Clock } from '../clock';
import { num, queryRows } from '../duckdb/database';
import { toApiError } from '../errors';
import type { JobContext } from '../jobs';
import { observedDay } from '../sql/calendar';
import { execute, query, raw, sql, type Sql } from '../sql/fragment';
import { isoUtc, type Workspace } from '../workspace/workspace';
import { populationSql, ruleSql, type RuleInput } from './rule-sql';

/**
 * Dynamic segments: a rule saved with the segment, its members computed as of a day (by default
 * the last day with data) into `segment_members`, where every reader of a segment finds them
 * (analysis filters, thresholds, the metrics grid, exports), and recomputed whenever the data
 * changes. `segment_state` records the day and the data generation each was computed on.
 */

type Stored =
  | { type: 'static'; members: number | null; from: unknown }
  | { type: 'dynamic'; spec: DynamicSegmentSpec }
  | { type: 'unreadable'; error: string };

interface SegmentRecord {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  raw: unknown;
  stored: Stored;
}

interface StateRow {
  asOf: string | null;
  members: number;
  population: number | null;
  generation: string | null;
  computedAt: string;
  seconds: number | null;
  warnings: string[];
}

function storedOf(spec: unknown): Stored {
  const record = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
  if (record.type === 'dynamic') {
    const parsed = dynamicSegmentSpecSchema.safeParse(spec);
    return parsed.success
      ? { type: 'dynamic', spec: parsed.data }
      : { type: 'unreadable', error: parsed.error.issues.map((i) => i.message).join('; ') };
  }
  return {
    type: 'static',
    members: typeof record.members === 'number' ? record.members : null,
    from: record.from,
  };
}

async function readSegments(c: DuckDBConnection): Promise<SegmentRecord[]> {
  const rows = await queryRows(
    c,
    `SELECT id, name, spec, created_at, updated_at FROM saved_specs WHERE kind = 'segment'
      ORDER BY updated_at DESC, name`,
  );
  return rows.map((r) => {
    let raw: unknown;
    try {
      raw = typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec;
    } catch {
      raw = null;
    }
    return {
      id: String(r.id),
      name: String(r.name),
      createdAt: isoUtc(r.created_at),
      updatedAt: isoUtc(r.updated_at),
      raw,
      stored: storedOf(raw),
    };
  });
}

async function readStates(c: DuckDBConnection): Promise<Map<string, StateRow>> {
  // A workspace last written by an older version (opened read-only) has no state table.
  const has = await queryRows(
    c,
    `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'segment_state'`,
  );
  if (has.length === 0) return new Map();
  const rows = await queryRows(
    c,
    `SELECT segment_id, CAST(as_of AS VARCHAR) AS as_of, members, population, generation,
            computed_at, seconds, CAST(warnings AS VARCHAR) AS warnings FROM segment_state`,
  );
  return new Map(
    rows.map((r) => [
      String(r.segment_id),
      {
        asOf: r.as_of === null ? null : String(r.as_of),
        members: num(r.members),
        population: r.population === null ? null : num(r.population),
        generation: r.generation === null ? null : String(r.generation),
        computedAt: isoUtc(r.computed_at),
        seconds: r.seconds === null ? null : Number(r.seconds),
        warnings: r.warnings === null ? [] : (JSON.parse(String(r.warnings)) as string[]),
      },
    ]),
  );
}

/** Between the statements of a long loop (a day-by-day evaluation), a cancel stops it. */
function stopIfCancelled(ctx: AnalysisContext): void {
  if (ctx.signal?.aborted === true) throw new ApiError('CANCELLED', 'Cancelled.');
}

/** The day a rule is evaluated as of when the spec names none: the last day with data. */
function defaultAsOf(ctx: AnalysisContext): string {
  return observedDay(ctx.settings, ctx.observedUntil).day;
}

function ruleInput(
  workspace: Workspace,
  ctx: AnalysisContext,
  records: readonly SegmentRecord[],
  asOf: string,
  field: string,
): RuleInput {
  return {
    catalog: ctx.catalog,
    settings: ctx.settings,
    now: ctx.now,
    observedUntil: ctx.observedUntil,
    asOf,
    notes: ctx.notes,
    field,
    segment: (id) => {
      const record = records.find((r) => r.id === id);
      if (record === undefined) return undefined;
      if (record.stored.type === 'dynamic')
        return { type: 'dynamic', name: record.name, rule: record.stored.spec.rule };
      return { type: 'static', name: record.name };
    },
    outcome: async (analysis, select) => {
      const [row] = await queryRows(
        ctx.c,
        `SELECT name, spec FROM saved_specs WHERE id = $1 AND kind = 'analysis'`,
        [analysis],
      );
      if (row === undefined) {
        throw new ApiError(
          'INVALID_REQUEST',
          `The rule reads the users behind a number of the saved analysis '${analysis}', which is not saved in this workspace.`,
          { field },
        );
      }
      const parsed = parseAnalysisSpec(JSON.parse(String(row.spec)), { unknownKeys: 'drop' });
      if (!parsed.ok) {
        throw new ApiError(
          'INVALID_REQUEST',
          `The saved analysis '${String(row.name)}' that the rule reads is not a valid spec: ${parsed.message}`,
          { field },
        );
      }
      const selection = userSelectionSchema.parse(select);
      if (selection.kind !== parsed.spec.kind) {
        throw new ApiError(
          'INVALID_REQUEST',
          `The rule selects ${selection.kind} users from '${String(row.name)}', which is a ${parsed.spec.kind} analysis.`,
          { field },
        );
      }
      return uidsSql(workspace, ctx, parsed.spec, selection);
    },
  };
}

async function countOf(c: DuckDBConnection, members: Sql, population: Sql): Promise<SegmentCount> {
  const [row] = await query(
    c,
    sql`SELECT (SELECT count(*) FROM (${members})) AS members, (SELECT count(*) FROM (${population})) AS population`,
  );
  return {
    members: num(row?.members),
    population: num(row?.population),
    asOf: '',
    seconds: 0,
    warnings: [],
  };
}

/** How many users meet a rule as of a day: the builder's live count, nothing written. */
export async function countSegment(
  workspace: Workspace,
  request: { rule: SegmentRule; asOf?: string | undefined },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentCount> {
  return inAnalysisContext(workspace, job, clock, 'counting the segment', async (ctx) => {
    const started = performance.now();
    const records = await readSegments(ctx.c);
    const asOf = request.asOf ?? defaultAsOf(ctx);
    const members = await ruleSql(ruleInput(workspace, ctx, records, asOf, 'rule'), request.rule);
    const count = await countOf(ctx.c, members, populationSql(ctx.settings, asOf));
    return {
      ...count,
      asOf,
      seconds: (performance.now() - started) / 1000,
      warnings: ctx.notes.warnings,
    };
  });
}

/** Computes and stores one dynamic segment's members, in one transaction. */
async function evaluateInto(
  workspace: Workspace,
  ctx: AnalysisContext,
  records: readonly SegmentRecord[],
  id: string,
  spec: DynamicSegmentSpec,
  field: string,
): Promise<void> {
  const started = performance.now();
  const asOf = spec.asOf ?? defaultAsOf(ctx);
  const before = ctx.notes.warnings.length;
  const members = await ruleSql(
    ruleInput(workspace, ctx, records, asOf, field),
    spec.rule,
    new Set([id]),
  );
  const c = ctx.c;
  await c.run('BEGIN TRANSACTION');
  try {
    await execute(c, sql`DELETE FROM segment_members WHERE segment_id = ${id}`);
    await execute(c, sql`INSERT INTO segment_members SELECT ${id}, uid FROM (${members})`);
    const population = await query(
      c,
      sql`SELECT count(*) AS n FROM (${populationSql(ctx.settings, asOf)})`,
    );
    const warnings = ctx.notes.warnings.slice(before);
    await execute(c, sql`DELETE FROM segment_state WHERE segment_id = ${id}`);
    await execute(
      c,
      sql`INSERT INTO segment_state
        SELECT ${id}, CAST(${asOf} AS DATE), (SELECT count(*) FROM segment_members WHERE segment_id = ${id}),
               ${num(population[0]?.n)}, ${ctx.catalog.generation}, now()::TIMESTAMP,
               ${(performance.now() - started) / 1000}, ${JSON.stringify(warnings)}`,
    );
    await c.run('COMMIT');
  } catch (error) {
    await c.run('ROLLBACK');
    throw error;
  }
}

function infoOf(
  record: SegmentRecord,
  state: StateRow | undefined,
  generation: string,
  records: readonly SegmentRecord[],
  analyses: ReadonlyMap<string, string>,
  staticMembers: ReadonlyMap<string, number>,
): SegmentInfo {
  const names = (id: string): string =>
    records.find((r) => r.id === id)?.name ?? analyses.get(id) ?? `'${id}' (not saved)`;
  const base = {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    spec: record.raw,
  };
  if (record.stored.type === 'dynamic') {
    const members = state?.members ?? null;
    return {
      ...base,
      type: 'dynamic',
      members,
      population: state?.population ?? null,
      asOf: state?.asOf ?? record.stored.spec.asOf ?? null,
      pinned: record.stored.spec.asOf !== undefined,
      definition: ruleWords(record.stored.spec.rule, names),
      computedAt: state?.computedAt ?? null,
      seconds: state?.seconds ?? null,
      stale: state === undefined || state.generation !== generation,
      small: members !== null && members < SMALL_SEGMENT,
      warnings: state?.warnings ?? [],
    };
  }
  if (record.stored.type === 'unreadable') {
    return {
      ...base,
      type: 'dynamic',
      members: null,
      population: null,
      asOf: null,
      pinned: false,
      definition: 'a rule this version cannot read',
      computedAt: null,
      seconds: null,
      stale: true,
      small: false,
      warnings: [`The rule cannot be read: ${record.stored.error}`],
    };
  }
  const members = staticMembers.get(record.id) ?? 0;
  const from = record.stored.from as { spec?: { kind?: string }; select?: unknown } | undefined;
  const select = userSelectionSchema.safeParse(from?.select);
  return {
    ...base,
    type: 'static',
    members,
    population: null,
    asOf: null,
    pinned: true,
    definition: select.success
      ? `${selectionLabel(select.data)}, saved ${record.createdAt.slice(0, 10)}`
      : `a fixed list saved ${record.createdAt.slice(0, 10)}`,
    computedAt: record.createdAt,
    seconds: null,
    stale: false,
    small: members < SMALL_SEGMENT,
    warnings: [],
  };
}

async function listWith(ctx: AnalysisContext): Promise<SegmentInfo[]> {
  const records = await readSegments(ctx.c);
  const states = await readStates(ctx.c);
  const analyses = new Map(
    (await queryRows(ctx.c, `SELECT id, name FROM saved_specs WHERE kind = 'analysis'`)).map(
      (r) => [String(r.id), String(r.name)],
    ),
  );
  const counts = new Map(
    (
      await queryRows(
        ctx.c,
        `SELECT segment_id, count(*) AS n FROM segment_members GROUP BY segment_id`,
      )
    ).map((r) => [String(r.segment_id), num(r.n)]),
  );
  return records.map((r) =>
    infoOf(r, states.get(r.id), ctx.catalog.generation, records, analyses, counts),
  );
}

/**
 * Brings dynamic segments up to the data (those named, or all that are stale; `force` all named
 * or all) and says what happened to each. A segment whose rule fails (a saved analysis it reads
 * was deleted) keeps its last members and is marked stale with the reason.
 */
async function refreshWith(
  workspace: Workspace,
  ctx: AnalysisContext,
  options: { ids?: readonly string[] | undefined; force: boolean },
): Promise<void> {
  if (workspace.readOnly) return;
  const records = await readSegments(ctx.c);
  const states = await readStates(ctx.c);
  for (const record of records) {
    if (record.stored.type !== 'dynamic') continue;
    if (options.ids !== undefined && !options.ids.includes(record.id)) continue;
    const state = states.get(record.id);
    const stale = state === undefined || state.generation !== ctx.catalog.generation;
    if (!stale && !options.force) continue;
    try {
      await evaluateInto(workspace, ctx, records, record.id, record.stored.spec, 'spec.rule');
    } catch (error) {
      const reason = toApiError(error).message;
      await execute(
        ctx.c,
        sql`UPDATE segment_state SET warnings = ${JSON.stringify([`Not recomputed on the latest data: ${reason}`])}
             WHERE segment_id = ${record.id}`,
      );
    }
  }
}

/** The saved segments, dynamic ones first brought up to the data (in a writable workspace). */
export async function listSegments(
  workspace: Workspace,
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentInfo[]> {
  return inAnalysisContext(workspace, job, clock, 'reading the segments', async (ctx) => {
    await refreshWith(workspace, ctx, { force: false });
    return listWith(ctx);
  });
}

/** Recomputes dynamic segments (all, or the ids named) on the data as it is now. */
export async function refreshSegments(
  workspace: Workspace,
  request: { ids?: string[] | undefined },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentInfo[]> {
  workspace.assertWritable();
  return inAnalysisContext(workspace, job, clock, 'recomputing the segments', async (ctx) => {
    const records = await readSegments(ctx.c);
    for (const id of request.ids ?? []) {
      if (!records.some((r) => r.id === id)) throw unknownSegment(id, records);
    }
    await refreshWith(workspace, ctx, { ids: request.ids, force: true });
    return listWith(ctx);
  });
}

/** After an import or a change of settings: dynamic segments follow the data. */
export async function refreshStaleSegments(
  workspace: Workspace,
  job: JobContext,
  clock: Clock = systemClock,
): Promise<void> {
  if (workspace.readOnly) return;
  // Most workspaces have no dynamic segment: no phase is reported after the import's commit.
  const dynamic = await workspace.use((c) => readSegments(c));
  if (!dynamic.some((r) => r.stored.type === 'dynamic')) return;
  await inAnalysisContext(workspace, job, clock, 'recomputing the segments', (ctx) =>
    refreshWith(workspace, ctx, { force: false }),
  );
}

/** The dynamic segments whose rules read `id`, directly or through another segment. */
function dependentsOf(records: readonly SegmentRecord[], id: string): string[] {
  const found = new Set<string>();
  const reads = (record: SegmentRecord, target: string): boolean =>
    record.stored.type === 'dynamic' &&
    ruleLeaves(record.stored.spec.rule).some((l) => l.type === 'segment' && l.segment === target);
  const queue = [id];
  while (queue.length > 0) {
    const target = queue.shift() as string;
    for (const record of records) {
      if (record.id !== id && !found.has(record.id) && reads(record, target)) {
        found.add(record.id);
        queue.push(record.id);
      }
    }
  }
  return [...found];
}

/** Refuses to delete a segment other segments' rules read, naming them. */
export async function assertNotRead(c: DuckDBConnection, id: string): Promise<void> {
  const records = await readSegments(c);
  const readers = records.filter((r) =>
    r.stored.type === 'dynamic'
      ? ruleLeaves(r.stored.spec.rule).some((l) => l.type === 'segment' && l.segment === id)
      : false,
  );
  if (readers.length > 0) {
    throw new ApiError(
      'INVALID_REQUEST',
      `The rules of ${readers.map((r) => `'${r.name}'`).join(', ')} read this segment: change or delete ${readers.length === 1 ? 'it' : 'them'} first.`,
      { field: 'id' },
    );
  }
}

function unknownSegment(id: string, records: readonly SegmentRecord[]): ApiError {
  const names = records.map((r) => `${r.name} (${r.id})`).slice(0, 10);
  return new ApiError(
    'INVALID_REQUEST',
    `No saved segment with id '${id}'. ${names.length === 0 ? 'This workspace has no segments yet.' : `Its segments: ${names.join(', ')}.`}`,
    { field: 'id' },
  );
}

async function infoById(ctx: AnalysisContext, id: string): Promise<SegmentInfo> {
  const info = (await listWith(ctx)).find((s) => s.id === id);
  if (info === undefined) throw new ApiError('INTERNAL', 'The segment was not saved.');
  return info;
}

/** Saves a dynamic segment (new, or an update of one by id) and computes its members. */
export async function saveSegment(
  workspace: Workspace,
  request: { id?: string | undefined; name: string; spec: DynamicSegmentSpec },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentInfo> {
  workspace.assertWritable();
  return inAnalysisContext(workspace, job, clock, 'computing the segment', async (ctx) => {
    const records = await readSegments(ctx.c);
    const id = request.id ?? randomUUID();
    const existing = records.find((r) => r.id === id);
    if (request.id !== undefined && existing === undefined) throw unknownSegment(id, records);
    if (existing !== undefined && existing.stored.type === 'static') {
      throw new ApiError(
        'INVALID_REQUEST',
        `'${existing.name}' is a static segment (a fixed list of users); save the rule as a new segment instead.`,
        { field: 'id' },
      );
    }
    const record: SegmentRecord = {
      id,
      name: request.name,
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      raw: request.spec,
      stored: { type: 'dynamic', spec: request.spec },
    };
    const others = [...records.filter((r) => r.id !== id), record];
    // The rule is checked (names, cycles, saved analyses) before anything is written.
    await ruleSql(
      ruleInput(workspace, ctx, others, request.spec.asOf ?? defaultAsOf(ctx), 'spec.rule'),
      request.spec.rule,
      new Set([id]),
    );
    await ctx.c.run('BEGIN TRANSACTION');
    try {
      await execute(ctx.c, sql`DELETE FROM saved_specs WHERE id = ${id}`);
      await execute(
        ctx.c,
        sql`INSERT INTO saved_specs VALUES (${id}, 'segment', ${request.name}, ${JSON.stringify(request.spec)},
              coalesce(${existing === undefined ? null : existing.createdAt}::TIMESTAMP, now()::TIMESTAMP), now()::TIMESTAMP)`,
      );
      await ctx.c.run('COMMIT');
    } catch (error) {
      await ctx.c.run('ROLLBACK');
      throw error;
    }
    await evaluateInto(workspace, ctx, others, id, request.spec, 'spec.rule');
    // Segments whose rules read this one were computed from its old rule.
    const dependents = dependentsOf(others, id);
    if (dependents.length > 0) await refreshWith(workspace, ctx, { ids: dependents, force: true });
    return infoById(ctx, id);
  });
}

export async function renameSegment(
  workspace: Workspace,
  request: { id: string; name: string },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentInfo> {
  workspace.assertWritable();
  return inAnalysisContext(workspace, job, clock, 'renaming the segment', async (ctx) => {
    const records = await readSegments(ctx.c);
    if (!records.some((r) => r.id === request.id)) throw unknownSegment(request.id, records);
    await execute(
      ctx.c,
      sql`UPDATE saved_specs SET name = ${request.name}, updated_at = now()::TIMESTAMP WHERE id = ${request.id}`,
    );
    return infoById(ctx, request.id);
  });
}

/** A copy under a new name: a dynamic segment's rule (computed anew), a static one's members. */
export async function duplicateSegment(
  workspace: Workspace,
  request: { id: string; name?: string | undefined },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentInfo> {
  workspace.assertWritable();
  const records = await workspace.use((c) => readSegments(c));
  const source = records.find((r) => r.id === request.id);
  if (source === undefined) throw unknownSegment(request.id, records);
  const name = request.name ?? `${source.name} (copy)`;
  if (source.stored.type === 'dynamic') {
    return saveSegment(workspace, { name, spec: source.stored.spec }, job, clock);
  }
  return inAnalysisContext(workspace, job, clock, 'copying the segment', async (ctx) => {
    const id = randomUUID();
    await ctx.c.run('BEGIN TRANSACTION');
    try {
      await execute(
        ctx.c,
        sql`INSERT INTO saved_specs SELECT ${id}, kind, ${name}, spec, now()::TIMESTAMP, now()::TIMESTAMP
              FROM saved_specs WHERE id = ${source.id}`,
      );
      await execute(
        ctx.c,
        sql`INSERT INTO segment_members SELECT ${id}, uid FROM segment_members WHERE segment_id = ${source.id}`,
      );
      await ctx.c.run('COMMIT');
    } catch (error) {
      await ctx.c.run('ROLLBACK');
      throw error;
    }
    return infoById(ctx, id);
  });
}

/**
 * The members of a dynamic segment as of each of `days`, written into the temp table `table`
 * (day DATE, uid): what a trigger on entering the segment reads. A static segment's members are
 * fixed, so nobody enters it: refused.
 */
export async function segmentDaysInto(
  workspace: Workspace,
  ctx: AnalysisContext,
  id: string,
  days: readonly string[],
  table: string,
  field: string,
): Promise<void> {
  const records = await readSegments(ctx.c);
  const record = records.find((r) => r.id === id);
  if (record === undefined) throw unknownSegment(id, records);
  if (record.stored.type !== 'dynamic') {
    throw new ApiError(
      'INVALID_REQUEST',
      `'${record.name}' is a static segment: its members were fixed when it was saved, so nobody enters it. Trigger on a dynamic segment.`,
      { field },
    );
  }
  await ctx.c.run(`DROP TABLE IF EXISTS ${table}`);
  await ctx.c.run(`CREATE TEMP TABLE ${table} (day DATE, uid INTEGER)`);
  for (const day of days) {
    stopIfCancelled(ctx);
    const members = await ruleSql(
      ruleInput(workspace, ctx, records, day, field),
      record.stored.spec.rule,
      new Set([id]),
    );
    await execute(
      ctx.c,
      sql`INSERT INTO ${raw(table)} SELECT CAST(${day} AS DATE), uid FROM (${members})`,
    );
  }
}

/**
 * Members as of each day or week back from the as-of day: the rule evaluated at every point's
 * last day (a week's last day, the as-of day itself for the last point), with who entered and
 * who left since the point before.
 */
export async function segmentHistory(
  workspace: Workspace,
  request: {
    id?: string | undefined;
    rule?: SegmentRule | undefined;
    interval: 'day' | 'week';
    points: number;
    asOf?: string | undefined;
  },
  job: JobContext,
  clock: Clock = systemClock,
): Promise<SegmentHistoryPoint[]> {
  return inAnalysisContext(workspace, job, clock, 'computing the history', async (ctx) => {
    const records = await readSegments(ctx.c);
    let rule = request.rule;
    let asOf = request.asOf;
    let self = new Set<string>();
    if (request.id !== undefined) {
      const record = records.find((r) => r.id === request.id);
      if (record === undefined) throw unknownSegment(request.id, records);
      if (record.stored.type !== 'dynamic') {
        throw new ApiError(
          'INVALID_REQUEST',
          `'${record.name}' is a static segment: its members were fixed when it was saved, so it has no history.`,
          { field: 'id' },
        );
      }
      rule = record.stored.spec.rule;
      asOf ??= record.stored.spec.asOf;
      self = new Set([record.id]);
    }
    if (rule === undefined) throw new ApiError('INVALID_REQUEST', 'Give a rule or a segment id.');
    const last = asOf ?? defaultAsOf(ctx);
    const step = request.interval === 'week' ? 7 : 1;
    const days = Array.from({ length: request.points }, (_, i) =>
      addDays(last, -step * (request.points - 1 - i)),
    );
    const c = ctx.c;
    await c.run('DROP TABLE IF EXISTS segment_history_members');
    await c.run('CREATE TEMP TABLE segment_history_members (point INTEGER, uid INTEGER)');
    try {
      const populations: number[] = [];
      for (const [i, day] of days.entries()) {
        stopIfCancelled(ctx);
        const members = await ruleSql(ruleInput(workspace, ctx, records, day, 'rule'), rule, self);
        await execute(
          c,
          sql`INSERT INTO segment_history_members SELECT ${i}, uid FROM (${members})`,
        );
        const [p] = await query(
          c,
          sql`SELECT count(*) AS n FROM (${populationSql(ctx.settings, day)})`,
        );
        populations.push(num(p?.n));
      }
      const rows = await queryRows(
        c,
        `SELECT p.point,
                (SELECT count(*) FROM segment_history_members m WHERE m.point = p.point) AS members,
                (SELECT count(*) FROM segment_history_members m WHERE m.point = p.point
                   AND m.uid NOT IN (SELECT uid FROM segment_history_members b WHERE b.point = p.point - 1)) AS entered,
                (SELECT count(*) FROM segment_history_members b WHERE b.point = p.point - 1
                   AND b.uid NOT IN (SELECT uid FROM segment_history_members m WHERE m.point = p.point)) AS left_
           FROM range(${days.length}) p(point) ORDER BY p.point`,
      );
      return rows.map((r, i) => ({
        period: addDays(days[i] ?? last, 1 - step),
        asOf: days[i] ?? last,
        members: num(r.members),
        population: populations[i] ?? 0,
        entered: i === 0 ? null : num(r.entered),
        left: i === 0 ? null : num(r.left_),
      }));
    } finally {
      await c.run('DROP TABLE IF EXISTS segment_history_members');
    }
  });
}
