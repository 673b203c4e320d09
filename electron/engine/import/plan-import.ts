import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import {
  columnMappingSchema,
  type ColumnMapping,
  type EventRule,
  type MappingOverride,
  type NestedSource,
  type PresetId,
} from '../../../shared/api/import-types';
import { queryRows, str } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { ident, literal } from '../duckdb/sql';
import {
  commonKeys,
  isIdLike,
  jsonOf,
  jsonPath,
  restSql,
  scalarJsonColumns,
} from './nested-properties';
import { PRESETS, rankPresets } from './presets';
import type { PresetContext } from './presets/preset';
import {
  isNestedType,
  openSource,
  structFields,
  type FileColumn,
  type ReadOptions,
  type SourceTable,
} from './source';
import { detectTimestampFormat, timestampKind, timestampSql } from './timestamps';
import type { ResolvedInputs } from './inputs';
import { SOURCE_COLUMNS } from '../workspace/schema';

/** Names of the canonical columns; a file column of the same name is kept as `src_<name>`. */
export const CANONICAL_COLUMNS = [
  'uid',
  'ts',
  'event',
  'session_id',
  'insert_key',
  ...SOURCE_COLUMNS,
  'properties',
];

/**
 * Typed property columns one import may add; the file's further columns are kept as keys of the
 * JSON `properties` column (and the summary says so). DuckDB keeps blocks per column: 20 rows
 * of 1,000 columns took 3.2 GB to import, 5,000 columns ran out of memory. 300 is well above
 * what exports carry (Mixpanel flattens ~100-200 properties) and imports in a few seconds.
 */
export const MAX_PROPERTY_COLUMNS = 300;

export interface PropertyColumn {
  /** Column name in the events table. */
  name: string;
  type: string;
  /** Where it comes from: a file column, or `column.key` for a flattened nested key. */
  from: string;
  /** Its column in the staging table (p0, p1, ...), before the final cast. */
  stage: string;
  /** Stored as text in staging and cast at the end (keys of JSON objects). */
  castFromText: boolean;
}

export interface ImportPlan {
  source: SourceTable;
  preset: PresetId;
  candidates: { preset: PresetId; score: number }[];
  mapping: ColumnMapping;
  /**
   * SELECT producing user_id, event, ts, ts_raw, insert_id, source_file, p0..pN, properties, in
   * the files' order (the stage's row position is the row's place in the files, see
   * import-events.ts).
   */
  stageSelect: string;
  params: SqlParams;
  properties: PropertyColumn[];
  hasInsertId: boolean;
  /** Things the analyst should know: folded columns, implausible times. */
  warnings: string[];
}

export interface PlanRequest extends ReadOptions {
  preset?: PresetId;
  mapping?: MappingOverride;
  sourceTimezone?: string;
}

interface ResolvedRef {
  sql: string;
  type: string;
  /** The file column the reference reads, and the nested key inside it if any. */
  column: string;
  key?: string;
}

const FILE_LABEL = (inputs: ResolvedInputs): string =>
  inputs.files.length === 1 ? (inputs.files[0] ?? '') : `${inputs.files.length} files`;

/** The file as it is, with what each preset makes of it: for a preview that cannot be planned yet. */
export async function inspectSource(
  connection: DuckDBConnection,
  inputs: ResolvedInputs,
  request: PlanRequest,
): Promise<{
  source: SourceTable;
  preset: PresetId;
  candidates: { preset: PresetId; score: number }[];
  mapping: MappingDraft;
}> {
  const source = await openSource(connection, inputs, request);
  const ctx = await presetContext(connection, source);
  const candidates = rankPresets(ctx);
  const preset = request.preset ?? candidates[0]?.preset ?? 'generic';
  return {
    source,
    preset,
    candidates,
    mapping: mergeMapping(PRESETS[preset].mapping(ctx), request.mapping),
  };
}

export async function planImport(
  connection: DuckDBConnection,
  inputs: ResolvedInputs,
  request: PlanRequest,
  textColumns: readonly string[] = [],
): Promise<ImportPlan> {
  const firstLook = await openSource(connection, inputs, request);
  const ctx = await presetContext(connection, firstLook);
  const candidates = rankPresets(ctx);
  const preset = request.preset ?? candidates[0]?.preset ?? 'generic';
  const mapping = checkMapping(
    mergeMapping(PRESETS[preset].mapping(ctx), request.mapping),
    inputs,
    firstLook.columns,
    preset,
  );

  // CSV: ids, event names and insert ids are read as text so that no digit is lost to inference.
  let source = firstLook;
  if (inputs.format === 'csv') {
    const heads = [...mapping.userId, mapping.event, mapping.insertId]
      .filter((r): r is string => r !== undefined)
      .map((r) => headColumn(r, firstLook.columns)?.name)
      .filter((n): n is string => n !== undefined);
    const idLike = firstLook.columns
      .filter((c) => isIdLike(c.name) && c.type !== 'VARCHAR')
      .map((c) => c.name);
    const text = [...new Set([...heads, ...idLike, ...textColumns])];
    if (text.length > 0) source = await retype(connection, firstLook, text);
  }
  const columns = source.columns;
  const label = FILE_LABEL(inputs);
  const resolve = (ref: string): ResolvedRef => resolveRef(ref, columns, label);
  const params = new SqlParams();

  const userRefs = mapping.userId.map(resolve);
  const eventRef = mapping.event === undefined ? undefined : resolve(mapping.event);
  const tsRef = resolve(mapping.timestamp);
  const insertRef = mapping.insertId === undefined ? undefined : resolve(mapping.insertId);
  const ruleRefs = mapping.eventRules.map((r) => ({ rule: r, ref: resolve(r.column) }));
  const zone = request.sourceTimezone ?? 'UTC';

  let tsFormat = mapping.timestampFormat;
  const tsKind = timestampKind(tsRef.type);
  if (tsKind === 'text' && tsFormat === undefined) {
    tsFormat = await detectTimestampFormat(
      connection,
      `SELECT ${tsRef.sql} FROM ${source.from()}`,
      label,
      mapping.timestamp,
    );
  }

  // Columns and nested keys the mapping consumed are not repeated as properties.
  const used = new Set<string>();
  for (const r of [...userRefs, tsRef, eventRef, insertRef]) {
    if (r !== undefined) used.add(r.key === undefined ? r.column : `${r.column}.${r.key}`);
  }
  const nestedColumns = new Set(mapping.nested.map((n) => n.column));
  const excluded = new Set(mapping.exclude);

  const names = new NameAllocator(CANONICAL_COLUMNS);
  const properties: PropertyColumn[] = [];
  const stageProps: string[] = [];
  const addProperty = (
    name: string,
    type: string,
    from: string,
    sql: string,
    castFromText: boolean,
  ): void => {
    const stage = `p${properties.length}`;
    properties.push({ name: names.take(name), type, from, stage, castFromText });
    stageProps.push(`${sql} AS ${stage}`);
  };

  // A JSON column of scalars (strings in some rows, numbers in others) is text, not JSON:
  // filters and breakdowns compare its values as the analyst reads them.
  const scalarJson = await scalarJsonColumns(
    connection,
    source.from(),
    columns
      .filter((c) => c.type === 'JSON' && !used.has(c.name) && !nestedColumns.has(c.name))
      .map((c) => c.name),
  );
  /** File columns past MAX_PROPERTY_COLUMNS: folded into `properties`. */
  const overflow: string[] = [];
  for (const column of columns) {
    if (used.has(column.name) || nestedColumns.has(column.name) || excluded.has(column.name)) {
      continue;
    }
    if (properties.length >= MAX_PROPERTY_COLUMNS) {
      overflow.push(column.name);
      continue;
    }
    const c = ident(column.name);
    const nested = isNestedType(column.type);
    if (scalarJson.has(column.name)) {
      addProperty(column.name, 'VARCHAR', column.name, `(${c} ->> '$')`, false);
    } else if (nested !== null && column.type !== 'JSON') {
      addProperty(column.name, 'JSON', column.name, `to_json(${c})`, false);
    } else if (isIdLike(column.name) && column.type !== 'VARCHAR' && column.type !== 'JSON') {
      addProperty(column.name, 'VARCHAR', column.name, textId(c, column.type), false);
    } else {
      addProperty(column.name, column.type, column.name, c, false);
    }
  }

  const jsonProjections: string[] = [];
  const rests: { source: NestedSource; sql: string }[] = [];
  for (const [i, nested] of mapping.nested.entries()) {
    const column = columns.find((c) => c.name === nested.column);
    if (column === undefined) continue;
    const alias = `__j${i}`;
    jsonProjections.push(`${jsonOf(column, nested.shape)} AS ${alias}`);
    const fields = nested.shape === 'object' ? structFields(column.type) : [];
    const keys = await commonKeys(connection, source.from(), jsonOf(column, nested.shape));
    const flattened: string[] = [];
    for (const k of keys) {
      if (used.has(`${column.name}.${k.key}`)) {
        flattened.push(k.key);
        continue;
      }
      // Past the cap a key simply stays inside the nested object, in `properties`.
      if (properties.length >= MAX_PROPERTY_COLUMNS) continue;
      // A struct field DuckDB typed JSON because its values mix strings and numbers is read
      // through JSON below, as the text the sample says it is.
      const field = fields.find(
        (f) => f.name === k.key && !(f.type === 'JSON' && k.type !== 'JSON'),
      );
      const from = `${column.name}.${k.key}`;
      const name = `${nested.prefix}${k.key}`;
      if (field !== undefined) {
        // A struct field is already typed: read it directly rather than through JSON.
        const expr = `${ident(column.name)}.${ident(field.name)}`;
        if (isNestedType(field.type) !== null)
          addProperty(name, 'JSON', from, `to_json(${expr})`, false);
        else if (isIdLike(k.key) && field.type !== 'VARCHAR') {
          addProperty(name, 'VARCHAR', from, textId(expr, field.type), false);
        } else addProperty(name, field.type, from, expr, false);
      } else if (k.type === 'JSON') {
        addProperty(name, 'JSON', from, `(${alias} -> ${params.bind(jsonPath(k.key))})`, false);
      } else {
        addProperty(name, k.type, from, `(${alias} ->> ${params.bind(jsonPath(k.key))})`, true);
      }
      flattened.push(k.key);
    }
    // Keys consumed by the mapping (distinct_id, time, ...) are removed from the rest as well.
    for (const u of used) {
      if (u.startsWith(`${column.name}.`)) flattened.push(u.slice(column.name.length + 1));
    }
    rests.push({ source: nested, sql: restSql(alias, [...new Set(flattened)]) });
  }

  const userSql = `coalesce(${userRefs.map((r) => normalisedUserId(r)).join(', ')})`;
  const eventBase =
    eventRef === undefined ? 'NULL' : `nullif(trim(CAST(${eventRef.sql} AS VARCHAR)), '')`;
  const eventWithDefault =
    mapping.eventName === undefined
      ? eventBase
      : `coalesce(${eventBase}, ${params.bind(mapping.eventName)})`;
  const eventSql =
    ruleRefs.length === 0
      ? eventWithDefault
      : `CASE ${ruleRefs.map(({ rule, ref }) => `WHEN ${ruleCondition(rule, ref, params)} THEN ${params.bind(rule.event)}`).join(' ')} ELSE ${eventWithDefault} END`;
  const tsSql = timestampSql('__ts_src', tsKind, zone, tsFormat, (v) => params.bind(v));
  const insertSql =
    insertRef === undefined
      ? 'CAST(NULL AS VARCHAR)'
      : `nullif(trim(CAST(${insertRef.sql} AS VARCHAR)), '')`;
  // Folded columns: the whole row as JSON, minus every column that is not folded.
  const kept = columns.map((c) => c.name).filter((n) => !overflow.includes(n));
  const overflowProjection =
    overflow.length === 0 ? [] : [`${restSql('to_json(__row)', kept)} AS __overflow`];
  const restsSql = combineRests(rests);
  const propertiesSql =
    overflow.length === 0
      ? restsSql
      : `CAST(nullif(json_merge_patch(coalesce(__overflow, '{}'), coalesce(${restsSql}, '{}')), '{}') AS JSON)`;

  const inner = `SELECT *, ${[`${tsRef.sql} AS __ts_src`, `${fileIndexSql(source)} AS __file`, ...jsonProjections, ...overflowProjection].join(', ')} FROM ${source.from()} __row`;
  const middle = `SELECT ${userSql} AS user_id, ${eventSql} AS event, ${tsSql} AS ts, __ts_src,
      ${insertSql} AS insert_id, __file AS source_file${stageProps.length > 0 ? ', ' : ''}${stageProps.join(', ')}, ${propertiesSql} AS properties
    FROM (${inner}) src`;
  // Text and epoch numbers can fail to read (NaN, 1e300); typed timestamps are a time or NULL.
  const tsRaw =
    tsKind === 'text' || tsKind === 'integer' || tsKind === 'decimal'
      ? `CASE WHEN ts IS NULL AND __ts_src IS NOT NULL THEN nullif(trim(CAST(__ts_src AS VARCHAR)), '') END`
      : 'CAST(NULL AS VARCHAR)';
  const stageSelect = `SELECT user_id, event, ts, ${tsRaw} AS ts_raw,
      insert_id, source_file${properties.length > 0 ? ', ' : ''}${properties.map((p) => p.stage).join(', ')}, properties
    FROM (${middle}) staged`;

  const warnings = await timestampWarnings(connection, source, mapping.timestamp, tsRef, {
    kind: tsKind,
    zone,
    format: tsFormat,
  });
  if (overflow.length > 0) {
    warnings.push(
      `${label} has ${(properties.length + overflow.length).toLocaleString('en-US')} property columns; the first ${MAX_PROPERTY_COLUMNS} are typed columns and the other ${overflow.length.toLocaleString('en-US')} (${overflow.slice(0, 3).join(', ')}, ...) are kept as keys of 'properties' (query them as properties.<name>): a table that wide would take gigabytes of memory to import.`,
    );
  }

  return {
    source,
    preset,
    candidates,
    mapping: { ...mapping, timestampFormat: tsFormat },
    stageSelect,
    params,
    properties,
    hasInsertId: insertRef !== undefined,
    warnings,
  };
}

/**
 * Which of the import's files a row comes from (0-based, in the order of `inputs.paths`): DuckDB's
 * `file_index` virtual column. A file column of that name hides it; such files are then numbered
 * as one (file 0), each row by its place in all of them, which is still the same on every import.
 */
function fileIndexSql(source: SourceTable): string {
  if (source.inputs.paths.length <= 1) return 'CAST(0 AS INTEGER)';
  const hidden = source.columns.some((c) => c.name.toLowerCase() === 'file_index');
  return hidden ? 'CAST(0 AS INTEGER)' : 'CAST(__row.file_index AS INTEGER)';
}

/** Analytics events before this or after 2100 are not times of events: something was misread. */
const PLAUSIBLE_FROM = '1990-01-01';
const PLAUSIBLE_TO = '2100-01-01';
/** No product export spans longer than this. */
const PLAUSIBLE_YEARS = 30;

/**
 * What a sample of the mapped time column says about the mapping: random numbers read as epochs
 * (1975 to 2618), a small-integer `time` column chosen over an ISO `ts` one (every event in
 * 1970). It imports, but the analyst should look before trusting the charts.
 */
async function timestampWarnings(
  connection: DuckDBConnection,
  source: SourceTable,
  column: string,
  tsRef: ResolvedRef,
  ts: { kind: ReturnType<typeof timestampKind>; zone: string; format: string | undefined },
): Promise<string[]> {
  const t = timestampSql('v', ts.kind, ts.zone, ts.format);
  const [row] = await queryRows(
    connection,
    `SELECT strftime(min(t), '%Y-%m-%d') AS first, strftime(max(t), '%Y-%m-%d') AS last,
            coalesce(max(t) - min(t) > INTERVAL ${PLAUSIBLE_YEARS} YEAR, false) AS long,
            coalesce(min(t) < ${literal(PLAUSIBLE_FROM)}::TIMESTAMP OR max(t) > ${literal(PLAUSIBLE_TO)}::TIMESTAMP, false) AS odd,
            list(DISTINCT CAST(v AS VARCHAR))[1:3] AS examples
     FROM (SELECT v, ${t} AS t FROM (SELECT ${tsRef.sql} AS v FROM ${source.from()} LIMIT 20000))`,
  );
  if (row === undefined || (row.long !== true && row.odd !== true)) return [];
  const epoch = ts.kind === 'integer' || ts.kind === 'decimal';
  const examples = ((row.examples as string[] | null) ?? []).map((e) => `'${e}'`).join(', ');
  const alternatives = source.columns
    .filter(
      (c) => c.name !== column && ['timestamp', 'timestamptz'].includes(timestampKind(c.type)),
    )
    .map((c) => c.name);
  const read = epoch
    ? ` (its values, such as ${examples}, are read as seconds or milliseconds since 1970)`
    : '';
  const instead =
    alternatives.length > 0
      ? ` '${alternatives[0]}' holds timestamps: map it with --map ts=${alternatives[0]}.`
      : ' Check the time column, or map another one with --map ts=COLUMN.';
  return [
    `The times in '${column}'${read} run from ${str(row.first) ?? '?'} to ${str(row.last) ?? '?'}: ${epoch ? 'they may not be times at all.' : 'that is not when product events happen.'}${instead}`,
  ];
}

async function retype(
  connection: DuckDBConnection,
  first: SourceTable,
  text: string[],
): Promise<SourceTable> {
  const from = (more: readonly string[] = []): string => first.from([...text, ...more]);
  const rows = await queryRows(connection, `DESCRIBE SELECT * FROM ${from()}`);
  return {
    inputs: first.inputs,
    columns: rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
    from,
  };
}

/** Columns, and the keys inside nested columns, that presets look at to recognise a layout. */
async function presetContext(
  connection: DuckDBConnection,
  source: SourceTable,
): Promise<PresetContext> {
  const nestedKeys = new Map<string, Set<string>>();
  const sample = `(SELECT * FROM ${source.from()} LIMIT 1000)`;
  const textColumns: string[] = [];
  for (const column of source.columns) {
    const kind = isNestedType(column.type);
    if (kind === 'struct') {
      nestedKeys.set(column.name, new Set(structFields(column.type).map((f) => f.name)));
    } else if (kind === 'map' || kind === 'json') {
      const rows = await queryRows(
        connection,
        `SELECT DISTINCT unnest(json_keys(j)) AS k FROM (SELECT ${jsonOf(column, 'object')} AS j FROM ${sample}) WHERE json_type(j) = 'OBJECT'`,
      );
      nestedKeys.set(column.name, new Set(rows.map((r) => String(r.k))));
    } else if (column.type === 'VARCHAR') {
      textColumns.push(column.name);
    }
  }
  // Text columns that hold JSON objects on every sampled row (PostHog's properties in CSV).
  // One unpivoted pass rather than two aggregates per column: 2,000 aggregates over a file of
  // 1,000 text columns took 11 s and 1 GB. Columns past the property cap are not looked at.
  const checked = textColumns.slice(0, MAX_PROPERTY_COLUMNS);
  if (checked.length > 0) {
    const rows = await queryRows(
      connection,
      `SELECT k FROM (UNPIVOT (SELECT ${checked.map((c) => ident(c)).join(', ')} FROM ${sample})
         ON COLUMNS(*) INTO NAME k VALUE v)
       GROUP BY k HAVING count(v) > 0 AND count(v) = count(*) FILTER (starts_with(ltrim(v), '{') AND json_valid(v))`,
    );
    const objects = new Set(rows.map((r) => String(r.k)));
    for (const name of checked) {
      if (objects.has(name)) {
        const column = { name, type: 'VARCHAR' };
        const rows = await queryRows(
          connection,
          `SELECT DISTINCT unnest(json_keys(j)) AS k FROM (SELECT ${jsonOf(column, 'object')} AS j FROM ${sample}) WHERE json_type(j) = 'OBJECT'`,
        );
        nestedKeys.set(name, new Set(rows.map((r) => String(r.k))));
      }
    }
  }
  return { format: source.inputs.format, columns: source.columns, nestedKeys };
}

type MappingDraft = ReturnType<(typeof PRESETS)['generic']['mapping']>;

function mergeMapping(base: MappingDraft, override: MappingOverride | undefined): MappingDraft {
  const merged = { ...base };
  if (override !== undefined) {
    if (override.userId !== undefined) {
      merged.userId = Array.isArray(override.userId) ? override.userId : [override.userId];
    }
    if (override.event !== undefined) merged.event = override.event;
    if (override.eventName !== undefined) merged.eventName = override.eventName;
    if (override.eventRules !== undefined) merged.eventRules = override.eventRules;
    if (override.timestamp !== undefined) merged.timestamp = override.timestamp;
    if (override.timestampFormat !== undefined) merged.timestampFormat = override.timestampFormat;
    if (override.insertId !== undefined) merged.insertId = override.insertId;
  }
  merged.userId = merged.userId.filter((u) => u !== '');
  return merged;
}

/** Says which column is missing, in words, before the schema would reject the mapping. */
function checkMapping(
  mapping: MappingDraft,
  inputs: ResolvedInputs,
  columns: FileColumn[],
  preset: PresetId,
): ColumnMapping {
  const label = FILE_LABEL(inputs);
  const list = columns.map((c) => c.name).join(', ');
  if (mapping.userId.length === 0) {
    throw new ApiError(
      'MISSING_COLUMN',
      `${label}: no user id column found; columns are: ${list}. Say which one holds the user with --map user_id=COLUMN.`,
      { file: label, columns: columns.map((c) => c.name), preset },
    );
  }
  if (mapping.event === undefined && mapping.eventName === undefined) {
    throw new ApiError(
      'MISSING_COLUMN',
      `${label}: no event column found; columns are: ${list}. Map one with --map event=COLUMN, or name every row's event with --event-name NAME (e.g. purchase).`,
      { file: label, columns: columns.map((c) => c.name), preset },
    );
  }
  if (mapping.timestamp === '') {
    throw new ApiError(
      'MISSING_COLUMN',
      `${label}: no timestamp column found; columns are: ${list}. Say which one holds the time with --map ts=COLUMN.`,
      { file: label, columns: columns.map((c) => c.name), preset },
    );
  }
  const parsed = columnMappingSchema.safeParse(mapping);
  if (!parsed.success) {
    throw new ApiError(
      'INVALID_REQUEST',
      `${label}: the column mapping is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  return parsed.data;
}

function headColumn(ref: string, columns: FileColumn[]): FileColumn | undefined {
  const exact = columns.find((c) => c.name === ref);
  if (exact !== undefined) return exact;
  // Longest column name that prefixes `ref` followed by a dot (column names may contain dots).
  return columns
    .filter((c) => ref.startsWith(`${c.name}.`))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function resolveRef(ref: string, columns: FileColumn[], label: string): ResolvedRef {
  const head = headColumn(ref, columns);
  if (head !== undefined && head.name === ref) {
    return { sql: ident(head.name), type: head.type, column: head.name };
  }
  if (head !== undefined) {
    const key = ref.slice(head.name.length + 1);
    const kind = isNestedType(head.type);
    if (kind === 'struct') {
      const field = structFields(head.type).find((f) => f.name === key);
      if (field !== undefined) {
        return {
          sql: `${ident(head.name)}.${ident(key)}`,
          type: field.type,
          column: head.name,
          key,
        };
      }
    } else if (kind === 'map' || kind === 'json' || head.type === 'VARCHAR') {
      const json = jsonOf(head, 'object');
      return {
        sql: `(${json} ->> '${jsonPath(key).replaceAll("'", "''")}')`,
        type: 'VARCHAR',
        column: head.name,
        key,
      };
    }
  }
  throw new ApiError(
    'MISSING_COLUMN',
    `${label}: column '${ref}' not found; columns are: ${columns.map((c) => c.name).join(', ')}.`,
    { file: label, column: ref, columns: columns.map((c) => c.name) },
  );
}

/** Ids as text: integral floats lose their '.0' (17850.0 -> 17850), whitespace is trimmed. */
function textId(sql: string, type: string): string {
  if (type === 'DOUBLE' || type === 'FLOAT') {
    return `CASE WHEN ${sql} = trunc(${sql}) AND abs(${sql}) < 9007199254740992 THEN CAST(CAST(${sql} AS BIGINT) AS VARCHAR) ELSE CAST(${sql} AS VARCHAR) END`;
  }
  return `CAST(${sql} AS VARCHAR)`;
}

function normalisedUserId(ref: ResolvedRef): string {
  const text = `trim(${textId(ref.sql, ref.type)})`;
  return `nullif(CASE WHEN contains(${text}, '.') THEN regexp_replace(${text}, '^(-?\\d+)\\.0+$', '\\1') ELSE ${text} END, '')`;
}

function ruleCondition(rule: EventRule, ref: ResolvedRef, params: SqlParams): string {
  const text = `CAST(${ref.sql} AS VARCHAR)`;
  switch (rule.op) {
    case 'equals':
      return `${text} = ${params.bind(String(rule.value))}`;
    case 'startsWith':
      return `starts_with(${text}, ${params.bind(String(rule.value))})`;
    case 'lessThan':
      return `TRY_CAST(${ref.sql} AS DOUBLE) < ${params.bind(Number(rule.value))}`;
    case 'greaterThan':
      return `TRY_CAST(${ref.sql} AS DOUBLE) > ${params.bind(Number(rule.value))}`;
  }
}

/** One `properties` object: the first source's leftovers at the top, others under their column name. */
function combineRests(rests: { source: NestedSource; sql: string }[]): string {
  if (rests.length === 0) return 'CAST(NULL AS JSON)';
  const [first, ...others] = rests;
  if (first === undefined) return 'CAST(NULL AS JSON)';
  const base =
    first.source.prefix === ''
      ? first.sql
      : `json_object(${quoteKey(first.source.column)}, ${first.sql})`;
  if (others.length === 0) return `CAST(${base} AS JSON)`;
  const patches = others.map((r) => `json_object(${quoteKey(r.source.column)}, ${r.sql})`);
  const merged = patches.reduce(
    (acc, p) => `json_merge_patch(${acc}, ${p})`,
    `coalesce(${base}, '{}')`,
  );
  return `CAST(nullif(json_merge_patch('{}', ${merged}), '{}') AS JSON)`;
}

const quoteKey = (key: string): string => `'${key.replaceAll("'", "''")}'`;

/** Unique column names, compared without case as DuckDB does. */
class NameAllocator {
  private readonly taken = new Set<string>();
  constructor(reserved: string[]) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }
  take(wanted: string): string {
    let name =
      this.taken.has(wanted.toLowerCase()) && CANONICAL_COLUMNS.includes(wanted.toLowerCase())
        ? `src_${wanted}`
        : wanted;
    for (let i = 2; this.taken.has(name.toLowerCase()); i++) name = `${wanted}_${i}`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}
