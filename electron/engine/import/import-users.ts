import type { DuckDBConnection } from '@duckdb/node-api';
import type { ParsedRequestOf } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { IdentityField, ImportUsersSummary } from '../../../shared/api/import-types';
import { num, queryOne, queryRows, tableColumns } from '../duckdb/database';
import { ident } from '../duckdb/sql';
import { toApiError } from '../errors';
import { tracked, type JobContext } from '../jobs';
import type { Workspace } from '../workspace/workspace';
import { prepareInputs } from './guards';
import { resolveInputs, type ResolvedInputs } from './inputs';
import { createScratch } from './scratch';
import { isIdLike } from './nested-properties';
import { openSource, type FileColumn } from './source';
import { USER_FACT_COLUMNS } from '../workspace/schema';

/** Column names recognised for each identity field, vendor spellings included (Mixpanel `$email`). */
const IDENTITY_NAMES: Record<IdentityField, string[]> = {
  userId: [
    'user_id',
    'userid',
    'distinct_id',
    '$distinct_id',
    'customer_id',
    'customerid',
    'contact_id',
    'person_id',
    'external_id',
    'id',
    'uid',
  ],
  email: ['email', '$email', 'email_address', 'e_mail', 'mail'],
  firstName: ['first_name', 'firstname', '$first_name', 'given_name'],
  lastName: ['last_name', 'lastname', '$last_name', 'surname', 'family_name'],
  name: ['name', '$name', 'full_name', 'fullname', 'display_name'],
  company: ['company', 'company_name', '$company', 'organization', 'organisation', 'account_name'],
  optedOut: [
    'opted_out',
    'opt_out',
    'optout',
    'unsubscribed',
    '$unsubscribed',
    'email_opt_out',
    'hs_email_optout',
    'do_not_contact',
    'marketing_opt_out',
  ],
};

/** The users table column each identity field is stored in. */
const IDENTITY_COLUMNS: Record<Exclude<IdentityField, 'userId'>, string> = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  name: 'name',
  company: 'company',
  optedOut: 'opted_out',
};

const normalise = (s: string): string => s.toLowerCase().replace(/[^a-z0-9$]/g, '');

function detectIdentityColumns(
  columns: FileColumn[],
  override: Partial<Record<IdentityField, string>>,
): Partial<Record<IdentityField, string>> {
  const mapping: Partial<Record<IdentityField, string>> = {};
  for (const field of Object.keys(IDENTITY_NAMES) as IdentityField[]) {
    const wanted = override[field];
    if (wanted !== undefined) {
      if (!columns.some((c) => c.name === wanted)) {
        throw new ApiError(
          'MISSING_COLUMN',
          `Column '${wanted}' not found; columns are: ${columns.map((c) => c.name).join(', ')}.`,
          { column: wanted, columns: columns.map((c) => c.name) },
        );
      }
      mapping[field] = wanted;
      continue;
    }
    const names = IDENTITY_NAMES[field].map(normalise);
    const hit = columns.find((c) => names.includes(normalise(c.name)));
    if (hit !== undefined) mapping[field] = hit.name;
  }
  return mapping;
}

/** Yes/no in any common spelling; anything else is unknown (NULL), never guessed. */
const booleanSql = (sql: string): string =>
  `CASE WHEN lower(trim(CAST(${sql} AS VARCHAR))) IN ('true', 't', 'yes', 'y', '1') THEN TRUE
        WHEN lower(trim(CAST(${sql} AS VARCHAR))) IN ('false', 'f', 'no', 'n', '0', '') THEN FALSE END`;

/**
 * People / contacts import: identities are matched to users by the export's user id. Values in
 * the file replace what the workspace had, except blanks, which never erase a known value. Users
 * not seen in events yet are added (with no events), so a CRM list can be joined later.
 */
export async function importUsers(
  workspace: Workspace,
  request: ParsedRequestOf<'import.users'>,
  job: JobContext,
): Promise<ImportUsersSummary> {
  workspace.assertWritable();
  const started = performance.now();
  // People files are small and read in this process; they get the same guards before DuckDB
  // reads them (pipes copied, gzip verified to its end, nesting depth bounded).
  const scratch = await createScratch(workspace.path);
  try {
    const resolved = await resolveInputs(request.files, request.format, {
      scratch,
      ...(job.signal === undefined ? {} : { signal: job.signal }),
    });
    const { inputs, aliases } = await prepareInputs(resolved, scratch.dir, {
      ...(request.maxDecompressionRatio === undefined
        ? {}
        : { maxDecompressionRatio: request.maxDecompressionRatio }),
      ...(job.signal === undefined ? {} : { signal: job.signal }),
    });
    return await importPeople(workspace, inputs, aliases, request, job, started);
  } finally {
    await scratch.dispose();
  }
}

async function importPeople(
  workspace: Workspace,
  inputs: ResolvedInputs,
  aliases: Record<string, string>,
  request: ParsedRequestOf<'import.users'>,
  job: JobContext,
  started: number,
): Promise<ImportUsersSummary> {
  const label =
    inputs.files.length === 1 ? (inputs.files[0] ?? '') : `${inputs.files.length} files`;
  return workspace
    .use(async (c) => {
      try {
        let source = await openSource(c, inputs, request);
        const mapping = detectIdentityColumns(source.columns, request.mapping ?? {});
        if (mapping.userId === undefined) {
          throw new ApiError(
            'MISSING_COLUMN',
            `${label}: no user id column found; columns are: ${source.columns.map((col) => col.name).join(', ')}. Say which with --map user_id=COLUMN.`,
            { file: label, columns: source.columns.map((col) => col.name) },
          );
        }
        if (inputs.format === 'csv') {
          const text = source.columns
            .filter((col) => isIdLike(col.name) || col.name === mapping.userId)
            .map((col) => col.name);
          const from = source.from(text);
          const described = await queryRows(c, `DESCRIBE SELECT * FROM ${from}`);
          source = {
            ...source,
            columns: described.map((r) => ({
              name: String(r.column_name),
              type: String(r.column_type),
            })),
            from: () => from,
          };
        }
        return await mergePeople(
          c,
          source.from(),
          source.columns,
          mapping,
          inputs,
          label,
          job,
          started,
        );
      } catch (error) {
        throw toApiError(error, { in: 'import', file: label, aliases });
      } finally {
        await c.run('DROP TABLE IF EXISTS people_stage').catch(() => undefined);
      }
    })
    .finally(() => workspace.checkpoint());
}

async function mergePeople(
  c: DuckDBConnection,
  from: string,
  columns: FileColumn[],
  mapping: Partial<Record<IdentityField, string>>,
  inputs: { files: string[]; format: ImportUsersSummary['format']; bytes: number },
  label: string,
  job: JobContext,
  started: number,
): Promise<ImportUsersSummary> {
  const userCol = ident(mapping.userId ?? '');
  const mapped = new Set(Object.values(mapping));
  const reserved = new Set([...USER_FACT_COLUMNS, ...Object.values(IDENTITY_COLUMNS)]);
  const extras = columns.filter(
    (col) => !mapped.has(col.name) && !reserved.has(col.name.toLowerCase()),
  );
  const identitySelects = (Object.keys(IDENTITY_COLUMNS) as (keyof typeof IDENTITY_COLUMNS)[])
    .filter((f) => mapping[f] !== undefined)
    .map((f) => {
      const col = ident(mapping[f] ?? '');
      const value =
        f === 'optedOut' ? booleanSql(col) : `nullif(trim(CAST(${col} AS VARCHAR)), '')`;
      return `${value} AS ${ident(IDENTITY_COLUMNS[f])}`;
    });
  const extraSelects = extras.map((col) =>
    isIdLike(col.name) && col.type !== 'VARCHAR'
      ? `CAST(${ident(col.name)} AS VARCHAR) AS ${ident(col.name)}`
      : ident(col.name),
  );
  const userSql = `nullif(regexp_replace(trim(CAST(${userCol} AS VARCHAR)), '^(-?\\d+)\\.0+$', '\\1'), '')`;
  // The last row of a user in the file wins, as in a CRM export sorted by update time.
  await tracked(c, job, { label: `reading ${label}`, start: 0, end: 0.6 }, () =>
    c.run(`CREATE TEMP TABLE people_stage AS
      SELECT * EXCLUDE (__row) FROM (
        SELECT ${userSql} AS user_id, ${[...identitySelects, ...extraSelects].join(', ')}${identitySelects.length + extraSelects.length > 0 ? ',' : ''} row_number() OVER () AS __row
        FROM ${from})
      WHERE user_id IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY __row DESC) = 1`),
  );
  const counts = await queryOne(
    c,
    `SELECT (SELECT count(*) FROM ${from}) AS rows_read,
            (SELECT count(*) FROM ${from} WHERE ${userSql} IS NULL) AS missing,
            (SELECT count(*) FROM people_stage) AS people`,
  );
  const before = await queryOne(
    c,
    `SELECT count(*) AS n, coalesce(max(uid) + 1, 0) AS next FROM users`,
  );

  await c.run('BEGIN TRANSACTION');
  try {
    const existing = new Set((await tableColumns(c, 'users')).map((col) => col.name.toLowerCase()));
    const stageTypes = await queryRows(c, `DESCRIBE people_stage`);
    for (const r of stageTypes) {
      const name = String(r.column_name);
      if (!existing.has(name.toLowerCase())) {
        await c.run(`ALTER TABLE users ADD COLUMN ${ident(name)} ${String(r.column_type)}`);
      }
    }
    await c.run(
      `INSERT INTO users (uid, user_id, event_count)
       SELECT ${num(before.next)} + row_number() OVER (ORDER BY user_id) - 1, user_id, 0
       FROM people_stage p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = p.user_id)`,
    );
    const fileColumns = stageTypes.map((r) => String(r.column_name)).filter((n) => n !== 'user_id');
    const userColumns = (await queryRows(c, `DESCRIBE users`)).map((r) => String(r.column_name));
    const selects = userColumns.map((name) => {
      const match = fileColumns.find((f) => f.toLowerCase() === name.toLowerCase());
      return match === undefined
        ? `u.${ident(name)}`
        : `coalesce(p.${ident(match)}, u.${ident(name)}) AS ${ident(name)}`;
    });
    await c.run(`CREATE TABLE users_next AS
      SELECT ${selects.join(', ')} FROM users u LEFT JOIN people_stage p ON p.user_id = u.user_id ORDER BY u.uid`);
    await c.run('DROP TABLE users');
    await c.run('ALTER TABLE users_next RENAME TO users');
    const after = await queryOne(c, `SELECT count(*) AS n FROM users`);
    const idRow = await queryOne(c, `SELECT coalesce(max(id), 0) + 1 AS id FROM sources`);
    const added = num(after.n) - num(before.n);
    const rowsRead = num(counts.rows_read);
    const summary: ImportUsersSummary = {
      sourceId: num(idRow.id),
      files: inputs.files,
      format: inputs.format,
      mapping,
      rowsRead,
      updated: num(counts.people) - added,
      added,
      skippedMissingUser: num(counts.missing),
      duplicateUserIds: rowsRead - num(counts.missing) - num(counts.people),
      columns: fileColumns,
      seconds: (performance.now() - started) / 1000,
    };
    await c.run(
      `INSERT INTO sources VALUES ($1, 'users', $2, $3, NULL, $4, 'upsert', $9, $5, $6, $7, NULL, NULL, now()::TIMESTAMP, $8)`,
      [
        summary.sourceId,
        JSON.stringify(summary.files),
        summary.format,
        JSON.stringify(mapping),
        rowsRead,
        num(counts.people),
        JSON.stringify({
          missingUser: summary.skippedMissingUser,
          duplicate: summary.duplicateUserIds,
        }),
        summary.seconds,
        inputs.bytes,
      ],
    );
    await c.run('COMMIT');
    return summary;
  } catch (error) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
