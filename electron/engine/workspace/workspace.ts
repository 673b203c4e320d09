import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, open, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import {
  DEFAULT_SETTINGS,
  workspaceSettingsSchema,
  type EventTypeInfo,
  type SourceInfo,
  type WorkspaceInfo,
  type WorkspaceSettings,
  type WorkspaceSummary,
} from '../../../shared/api/workspace-types';
import {
  connect,
  defaultMemoryLimit,
  num,
  openInstance,
  queryOne,
  queryRows,
  removeSpillFiles,
  setMemoryLimit,
  str,
  tableColumns,
  tempDirectoryFor,
  type Row,
} from '../duckdb/database';
import { ident } from '../duckdb/sql';
import { parseByteSize } from '../../../shared/util/byte-size';
import { localDate } from '../../../shared/calendar/local-days';
import { systemClock, type Clock } from '../clock';
import { toApiError } from '../errors';
import { rederiveSessions } from '../import/sessions';
import { rebuildSessionFacts, rebuildUserDays } from '../import/user-facts';
import { migrateSchema } from './migrations';
import { openInThisProcess, trimFileTail } from './reclaim-space';
import {
  BOOKKEEPING_EVENT_COLUMNS,
  CREATE_SCHEMA,
  HASH_PROBE_TEXT,
  SCHEMA_VERSION,
  USER_FACT_COLUMNS,
  WORKSPACE_TABLES,
} from './schema';

export interface OpenOptions {
  create?: boolean;
  readOnly?: boolean;
}

/**
 * One workspace = one DuckDB file. Every request gets its own connection (`session`), so a long
 * import can be interrupted without touching the queries the UI runs meanwhile.
 */
export class Workspace {
  private closed = false;
  /** What the analyst should know about the workspace as it is (a damaged settings row), by topic. */
  private readonly warnings = new Map<string, string>();
  /** Where this instance spills (see tempDirectoryFor); emptied on close. */
  private tempDirectory = '';
  /** Connections in use: the instance is only reopened (reclaimSpace) when none is. */
  private active = 0;
  /** Set while the instance is being reopened: new sessions wait for it. */
  private reopening: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private instance: DuckDBInstance,
  ) {}

  static async open(file: string, options: OpenOptions = {}): Promise<Workspace> {
    const absolute = file === ':memory:' ? file : path.resolve(file);
    const exists = absolute === ':memory:' || existsSync(absolute);
    if (!exists && options.create === false) {
      throw new ApiError(
        'WORKSPACE_NOT_FOUND',
        `No workspace at ${absolute}. Check the path, or create it by importing into it.`,
        { path: absolute },
      );
    }
    if (!exists && options.readOnly) {
      throw new ApiError(
        'WORKSPACE_NOT_FOUND',
        `No workspace at ${absolute} to open read-only. Import data into it first.`,
        { path: absolute },
      );
    }
    if (!exists) await mkdir(path.dirname(absolute), { recursive: true });
    if (exists && absolute !== ':memory:' && !options.readOnly) {
      // DuckDB writes the file and a .wal beside it; without that right its open fails with
      // a message that read as "not a workspace". Such a file is opened read-only instead.
      const reason = await notWritable(absolute);
      if (reason !== undefined) options = { ...options, readOnly: true };
      readOnlyBecause.set(absolute, reason);
    }

    let instance: DuckDBInstance;
    const tempDirectory = tempDirectoryFor(absolute, options.readOnly ?? false);
    try {
      instance = await openInstance(absolute, {
        readOnly: options.readOnly ?? false,
        tempDirectory,
      });
    } catch (error) {
      const e = toApiError(error);
      if (e.code !== 'INTERNAL') throw e;
      throw new ApiError(
        'WORKSPACE_INVALID',
        `${absolute} is not a workspace the workbench can open (${e.message.replace('Unexpected engine error: ', '')}).`,
        { path: absolute, ...e.detail },
      );
    }
    const workspace = new Workspace(absolute, options.readOnly ?? false, instance);
    workspace.tempDirectory = tempDirectory;
    // The lock is ours and nothing has spilled yet: files left there are a crashed run's.
    if (!workspace.readOnly) removeSpillFiles(tempDirectory);
    try {
      // One session for both: opening a workspace is on the way of every first request.
      await workspace.use(async (c) => {
        await workspace.initialise(c);
        await workspace.applyMemoryLimit(c);
      });
    } catch (error) {
      workspace.close();
      throw error;
    }
    return workspace;
  }

  get name(): string {
    return this.path === ':memory:'
      ? 'in-memory'
      : path.basename(this.path).replace(/\.duckdb$/, '');
  }

  /** A new connection with the engine's session settings; the caller closes it. */
  async session(): Promise<DuckDBConnection> {
    if (this.closed) throw new ApiError('NO_WORKSPACE', 'The workspace is closed.');
    const connection = await connect(this.instance);
    // One round trip for both: a session is opened for every request.
    await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    return connection;
  }

  async use<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.active++;
    try {
      await this.reopening;
      const connection = await this.session();
      try {
        return await work(connection);
      } finally {
        connection.closeSync();
      }
    } finally {
      this.active--;
    }
  }

  /** The workspace's memory setting, or the machine's default, on the open instance. */
  private async applyMemoryLimit(connection?: DuckDBConnection): Promise<void> {
    const apply = async (c: DuckDBConnection): Promise<void> => {
      const setting = (await this.settings(c)).memoryLimit;
      await setMemoryLimit(
        c,
        (setting === null ? null : parseByteSize(setting)) ?? defaultMemoryLimit(),
      );
    };
    await (connection ? apply(connection) : this.use(apply));
  }

  /**
   * Gives back the disk space a failed write left in the file: closes the instance, cuts the
   * file's tail past DuckDB's last block (trimFileTail says why only a close makes that
   * possible) and opens it again. Skipped, returning 0, while another request uses the
   * workspace: the tail is then reused by the next write and cut at the next failure.
   */
  async reclaimSpace(): Promise<number> {
    if (this.readOnly || this.closed || this.path === ':memory:' || this.active > 0) return 0;
    const before = statSync(this.path).size;
    // Changes still in the log would be checkpointed on close into a header that counts the
    // failed write's blocks; checkpointed now, DuckDB drops the free blocks at the end itself.
    await this.checkpoint();
    if (this.closed || this.active > 0) return 0;
    let done = (): void => undefined;
    this.reopening = new Promise((resolve) => (done = resolve));
    try {
      this.instance.closeSync();
      if (openInThisProcess(this.path) === true) {
        // A connection outside use() keeps the old database alive: a second instance on the
        // file would corrupt it, so the workspace stays closed (reopen it) rather than risk that.
        this.closed = true;
        return 0;
      }
      removeSpillFiles(this.tempDirectory);
      await trimFileTail(this.path).catch(() => 0);
      try {
        this.instance = await openInstance(this.path, { tempDirectory: this.tempDirectory });
      } catch (error) {
        this.closed = true;
        throw toApiError(error);
      }
      this.reopening = undefined;
      await this.applyMemoryLimit();
      return Math.max(0, before - statSync(this.path).size);
    } finally {
      this.reopening = undefined;
      done();
    }
  }

  private async initialise(c: DuckDBConnection): Promise<void> {
    const tables = await queryRows(
      c,
      `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'`,
    );
    const names = new Set(tables.map((t) => String(t.table_name)));
    if (names.size > 0 && !names.has('workbench_meta')) {
      throw new ApiError(
        'WORKSPACE_INVALID',
        `${this.path} is a DuckDB database but not a Retention Workbench workspace (it has ${[...names].slice(0, 5).join(', ')}). Choose another file for the workspace.`,
        { path: this.path, tables: [...names] },
      );
    }
    let format = SCHEMA_VERSION;
    if (names.has('workbench_meta')) {
      const [version] = await queryRows(
        c,
        `SELECT value FROM workbench_meta WHERE key = 'schema_version'`,
      );
      if (version !== undefined) format = Number(version.value);
      // An older format is read as it is, and migrated when opened for writing.
      if (!(Number.isInteger(format) && format >= 1 && format <= SCHEMA_VERSION)) {
        throw new ApiError(
          'WORKSPACE_INVALID',
          `${this.path} was written by a workbench with workspace format ${String(version?.value)}; this one reads formats 1 to ${SCHEMA_VERSION}. Open it with that version, or import the data into a new workspace.`,
          { path: this.path, format: version?.value, supported: SCHEMA_VERSION },
        );
      }
    }
    if (this.readOnly) {
      if (!names.has('workbench_meta')) {
        throw new ApiError('WORKSPACE_INVALID', `${this.path} is not a workspace.`, {
          path: this.path,
        });
      }
      return;
    }
    await migrateSchema(c, format);
    if (WORKSPACE_TABLES.every((t) => names.has(t))) return;
    await c.run('BEGIN TRANSACTION');
    // One round trip for the whole schema.
    await c.run(CREATE_SCHEMA.join(';\n'));
    // A workspace from before the derived tables existed: derive them from its events.
    if (names.has('events') && !names.has('user_days')) await rebuildUserDays(c);
    if (names.has('events') && !names.has('session_facts')) await rebuildSessionFacts(c);
    if (!names.has('workbench_meta')) {
      await c.run(
        `INSERT INTO workbench_meta VALUES ('schema_version', $1), ('settings', $2), ('hash_probe', CAST(hash($3) AS VARCHAR))`,
        [String(SCHEMA_VERSION), JSON.stringify(DEFAULT_SETTINGS), HASH_PROBE_TEXT],
      );
    }
    await c.run('COMMIT');
  }

  async settings(connection?: DuckDBConnection): Promise<WorkspaceSettings> {
    const read = async (c: DuckDBConnection): Promise<WorkspaceSettings> => {
      const rows = await queryRows(c, `SELECT value FROM workbench_meta WHERE key = 'settings'`);
      const raw = rows[0]?.value;
      const row = typeof raw === 'string' ? storedSettings(raw) : { value: {} };
      if ('problem' in row) this.warn('settings', row.problem);
      const stored = 'value' in row ? row.value : {};
      const parsed = workspaceSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...stored });
      return parsed.success ? parsed.data : DEFAULT_SETTINGS;
    };
    return connection ? read(connection) : this.use(read);
  }

  /** Keeps a warning for info() (the window shows it) and says it once on stderr (CLI, logs). */
  private warn(topic: string, message: string): void {
    if (this.warnings.get(topic) === message) return;
    this.warnings.set(topic, message);
    process.stderr.write(`warning: ${this.path}: ${message}\n`);
  }

  async updateSettings(change: Partial<WorkspaceSettings>): Promise<WorkspaceSummary> {
    this.assertWritable();
    await this.use(async (c) => {
      if (change.timezone !== undefined) await assertTimezone(c, change.timezone);
      const current = await this.settings(c);
      const next = { ...current, ...change };
      await c.run('BEGIN TRANSACTION');
      try {
        await c.run(`DELETE FROM workbench_meta WHERE key = 'settings'`);
        await c.run(`INSERT INTO workbench_meta VALUES ('settings', $1)`, [JSON.stringify(next)]);
        // session_id follows the gap: a new gap re-cuts every user's sessions.
        if (next.sessionGapMinutes !== current.sessionGapMinutes) {
          await rederiveSessions(c, next.sessionGapMinutes);
        }
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw toApiError(error);
      }
    });
    // The row was rewritten whole: a damaged one is gone.
    this.warnings.delete('settings');
    if (change.memoryLimit !== undefined) await this.applyMemoryLimit();
    return this.summary();
  }

  async summary(): Promise<WorkspaceSummary> {
    return this.describe(await this.settings());
  }

  private describe(settings: WorkspaceSettings): WorkspaceSummary {
    return {
      path: this.path,
      name: this.name,
      readOnly: this.readOnly,
      ...(this.readOnly ? { readOnlyReason: this.readOnlyReason() } : {}),
      settings,
    };
  }

  /** Why writes are refused: no permission on the file, or opened read-only on purpose. */
  private readOnlyReason(): string {
    return (
      readOnlyBecause.get(this.path) ??
      `${this.path} is open read-only. Reopen it for writing (CLI: --write) to change it.`
    );
  }

  async sources(connection?: DuckDBConnection): Promise<SourceInfo[]> {
    const read = async (c: DuckDBConnection): Promise<SourceInfo[]> =>
      (await queryRows(c, `SELECT * FROM sources ORDER BY id`)).map(sourceFromRow);
    return connection ? read(connection) : this.use(read);
  }

  async info(clock: Clock = systemClock): Promise<WorkspaceInfo> {
    return this.use(async (c) => {
      const totals = await queryOne(
        c,
        `SELECT count(*) AS events, count(DISTINCT uid) AS users,
                count(DISTINCT session_id) AS sessions, min(ts) AS first, max(ts) AS last
         FROM events`,
      );
      const eventTypes: EventTypeInfo[] = (
        await queryRows(
          c,
          `SELECT event, count(*) AS events, count(DISTINCT uid) AS users, min(ts) AS first, max(ts) AS last
           FROM events GROUP BY event ORDER BY events DESC, event`,
        )
      ).map((r) => ({
        event: String(r.event),
        events: num(r.events),
        users: num(r.users),
        firstSeen: isoUtc(r.first),
        lastSeen: isoUtc(r.last),
      }));
      const placed = new Set(['ts', 'event', 'session_id', ...BOOKKEEPING_EVENT_COLUMNS]);
      const properties = (await tableColumns(c, 'events')).filter((p) => !placed.has(p.name));
      const userProperties = (await tableColumns(c, 'users')).filter((p) => p.name !== 'uid');
      const people = await countPeople(
        c,
        userProperties.map((p) => p.name),
      );
      const sources = await this.sources(c);
      const settings = await this.settings(c);
      const day = (v: Row[string] | undefined): string =>
        localDate(new Date(isoUtc(v)), settings.timezone);
      return {
        workspace: this.describe(settings),
        events: num(totals.events),
        users: num(totals.users),
        people: people.people,
        identities: people.identities,
        sessions: num(totals.sessions),
        range:
          totals.first === null ? null : { from: isoUtc(totals.first), to: isoUtc(totals.last) },
        days: totals.first === null ? null : { from: day(totals.first), to: day(totals.last) },
        today: localDate(clock(), settings.timezone),
        warnings: [...this.warnings.values()],
        skipped: skippedTotals(sources),
        eventTypes,
        properties,
        userProperties,
        sources,
      };
    });
  }

  assertWritable(): void {
    if (this.readOnly) {
      throw new ApiError('READ_ONLY', this.readOnlyReason());
    }
  }

  /**
   * Folds the write-ahead log into the file and frees the blocks of replaced tables. A failure
   * here (a full disk) loses nothing: committed work stays in the log and is replayed on open.
   * Without a log there is nothing to fold (every commit writes it), so nothing is done; on
   * `connection` when given, else on a session of its own.
   */
  async checkpoint(connection?: DuckDBConnection): Promise<void> {
    if (this.readOnly || this.closed || !this.hasLog()) return;
    const run = (c: DuckDBConnection): Promise<void> => c.run('CHECKPOINT').then(() => undefined);
    await (connection ? run(connection) : this.use(run)).catch(() => undefined);
  }

  /** Whether committed changes wait in the write-ahead log (always, for an in-memory workspace). */
  private hasLog(): boolean {
    if (this.path === ':memory:') return true;
    try {
      return statSync(`${this.path}.wal`).size > 0;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.instance.closeSync();
    removeSpillFiles(this.tempDirectory);
  }
}

/** Why a workspace that exists was opened read-only (no write permission), by path. */
const readOnlyBecause = new Map<string, string | undefined>();

/**
 * Whether this process may write the workspace file and create its .wal beside it, tried for
 * real: access(2) answers for the real user, not the effective one DuckDB writes as.
 */
async function notWritable(file: string): Promise<string | undefined> {
  const denied = (e: unknown): boolean =>
    ['EACCES', 'EPERM', 'EROFS'].includes((e as NodeJS.ErrnoException).code ?? '');
  const readOnly = (what: string): string =>
    `${file} is read-only: you have no permission to write ${what}, so it was opened read-only. Make it writable (chmod u+w), or copy it to a folder of yours, to change it.`;
  try {
    await (await open(file, 'r')).close();
  } catch (error) {
    if (!denied(error)) return undefined;
    throw new ApiError(
      'UNREADABLE_FILE',
      `${file} cannot be read: you have no permission to read it. Check its permissions (ls -l), or ask its owner for a copy.`,
      { path: file },
    );
  }
  try {
    await (await open(file, 'r+')).close();
  } catch (error) {
    return denied(error) ? readOnly('the file') : undefined;
  }
  try {
    await rmdir(await mkdtemp(path.join(path.dirname(file), '.workbench-write-check-')));
  } catch (error) {
    return denied(error) ? readOnly(`its folder ${path.dirname(file)}`) : undefined;
  }
  return undefined;
}

/**
 * The stored settings row as an object, or why it is not one. A row that is hand-edited or
 * damaged must not make the workspace unopenable: the defaults apply until settings are saved.
 */
function storedSettings(raw: string): { value: Record<string, unknown> } | { problem: string } {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { value: value as Record<string, unknown> };
    }
  } catch {
    // Reported like any other row that is not an object.
  }
  return {
    problem: `The stored settings are not readable (${raw.slice(0, 60)}); the defaults apply (UTC, Monday weeks, 30-minute sessions). Save the settings (workbench settings) to replace them.`,
  };
}

export async function assertTimezone(c: DuckDBConnection, zone: string): Promise<void> {
  const rows = await queryRows(c, `SELECT name FROM pg_timezone_names() WHERE name = $1`, [zone]);
  if (rows.length === 0) {
    const close = await queryRows(
      c,
      `SELECT name FROM pg_timezone_names() ORDER BY jaro_winkler_similarity(lower(name), lower($1)) DESC LIMIT 3`,
      [zone],
    );
    throw new ApiError(
      'BAD_TIMEZONE',
      `'${zone}' is not a time zone. Use an IANA name such as ${close.map((r) => `'${String(r.name)}'`).join(', ')} (or 'UTC').`,
      { zone, suggestions: close.map((r) => String(r.name)) },
    );
  }
}

/**
 * The people table's rows (what the people list counts: users with events and people known only
 * from a people import) and those holding any value a people import brought, in whichever column
 * (email, names, or a CRM field of its own such as plan).
 */
async function countPeople(
  c: DuckDBConnection,
  userColumns: string[],
): Promise<{ people: number; identities: number }> {
  const identityColumns = userColumns.filter((n) => !USER_FACT_COLUMNS.includes(n));
  const any =
    identityColumns.length === 0
      ? 'FALSE'
      : identityColumns.map((n) => `${ident(n)} IS NOT NULL`).join(' OR ');
  const row = await queryOne(
    c,
    `SELECT count(*) AS people, count(*) FILTER (${any}) AS identities FROM users`,
  );
  return { people: num(row.people), identities: num(row.identities) };
}

/** DuckDB's 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC by construction) as ISO 8601 with Z. */
export function isoUtc(value: Row[string] | undefined): string {
  const s = str(value ?? null);
  if (s === null) return '';
  return `${s.replace(' ', 'T')}Z`;
}

function skippedTotals(sources: SourceInfo[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const source of sources.filter((s) => s.kind === 'events')) {
    for (const [reason, n] of Object.entries(source.skipped))
      totals[reason] = (totals[reason] ?? 0) + n;
  }
  return totals;
}

function sourceFromRow(r: Row): SourceInfo {
  const parse = (v: Row[string] | undefined): unknown =>
    typeof v === 'string' ? JSON.parse(v) : v;
  const skipped = (parse(r.skipped) ?? {}) as Record<string, number>;
  return {
    id: num(r.id),
    kind: r.kind === 'users' ? 'users' : 'events',
    files: (parse(r.files) as string[]) ?? [],
    format: String(r.format),
    preset: str(r.preset),
    mapping: parse(r.mapping) ?? null,
    mode: String(r.mode),
    bytes: num(r.bytes),
    rowsRead: num(r.rows_read),
    rowsImported: num(r.rows_imported),
    rowsSkipped: Object.values(skipped).reduce((a, b) => a + b, 0),
    skipped,
    range: r.range_from === null ? null : { from: isoUtc(r.range_from), to: isoUtc(r.range_to) },
    importedAt: isoUtc(r.imported_at),
    seconds: num(r.seconds),
  };
}
