import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api/contract';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { FunnelResult } from '../../../shared/specs/funnel';
import { runAnalysis } from '../analyses';
import { num, queryOne, queryRows } from '../duckdb/database';
import { SCHEMA_VERSION } from '../workspace/schema';
import { Workspace } from '../workspace/workspace';
import { importEvents } from './import-events';

/**
 * Events of one user at one time are stored in the files' order (source, file, row), whatever the
 * sort's threads do and however the rows are laid out in the files. 32,000 users with three
 * events in the same second: before the source columns, a plain (uid, ts) sort stored the ties
 * of ~5,000 of them out of file order on these 2-core machines.
 *
 * Even users do view, cart, buy in that order (a strict funnel view -> cart -> buy completes);
 * odd users cart, view, buy (it stops at view, followed by buy).
 */
const USERS = 32_000;
const TIE = '2024-01-01T10:01:00Z';
const kinds = (u: number): string[] =>
  u % 2 === 0 ? ['open', 'view', 'cart', 'buy'] : ['open', 'cart', 'view', 'buy'];
const ts = (k: number): string => (k === 0 ? '2024-01-01T10:00:00Z' : TIE);

interface Row {
  user: number;
  k: number;
}
const HEADER = 'user_id,event,timestamp,seq';
/** A CSV of `rows`, each with its 1-based row number in the file (`seq`). */
function csv(rows: Row[]): string {
  const lines = rows.map((r, i) => `u${r.user},${kinds(r.user)[r.k]},${ts(r.k)},${i + 1}`);
  return `${HEADER}\n${lines.join('\n')}\n`;
}

/** Arrangement 1: one file, every user's first event, then every user's second, ... */
const oneFile: Row[] = [];
for (let k = 0; k < 4; k++) for (let user = 0; user < USERS; user++) oneFile.push({ user, k });
/**
 * Arrangement 2: two files. The first holds events 0-1 in reverse user order, the second events
 * 2-3 user by user: laid out unlike arrangement 1, but each user's ties in the same order.
 */
const firstPart: Row[] = [];
for (let user = USERS - 1; user >= 0; user--) for (const k of [0, 1]) firstPart.push({ user, k });
const secondPart: Row[] = [];
for (let user = 0; user < USERS; user++) for (const k of [2, 3]) secondPart.push({ user, k });

let dir: string;
const files: Record<string, string> = {};
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-ties-'));
  for (const [name, rows] of Object.entries({ oneFile, firstPart, secondPart })) {
    files[name] = path.join(dir, `${name}.csv`);
    writeFileSync(files[name], csv(rows));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The disorder this file guards against comes from DuckDB's parallel sort: at least two threads,
// whatever the run's setting (vitest.config.ts runs the other files on one).
const threads = process.env.WORKBENCH_DUCKDB_THREADS;
beforeAll(() => {
  process.env.WORKBENCH_DUCKDB_THREADS = '2';
});
afterAll(() => {
  if (threads === undefined) delete process.env.WORKBENCH_DUCKDB_THREADS;
  else process.env.WORKBENCH_DUCKDB_THREADS = threads;
});

const importRequest = (paths: string[]) =>
  contract['import.events'].request.parse({ files: paths, mode: 'append' });

/** A fresh workspace with the imports given, one list of files per import. */
async function importedWorkspace(name: string, imports: string[][]): Promise<Workspace> {
  const workspace = await Workspace.open(path.join(dir, `${name}.duckdb`));
  for (const paths of imports) await importEvents(workspace, importRequest(paths), {});
  return workspace;
}

const strictFunnel = contract['analysis.run'].request.parse({
  spec: {
    kind: 'funnel',
    steps: [
      { events: { event: 'view' } },
      { events: { event: 'cart' } },
      { events: { event: 'buy' } },
    ],
    order: 'strict',
    window: { n: 1, unit: 'hour' },
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-01' },
  },
}).spec as AnalysisSpec;

async function funnelCounts(workspace: Workspace): Promise<number[]> {
  const result = (await runAnalysis(workspace, strictFunnel, {})) as FunnelResult;
  return (result.groups[0]?.steps ?? []).map((s) => s.count);
}

/** Rows whose rowid is not their place in (uid, ts, source_id, source_file, source_row). */
const OUT_OF_KEY_ORDER = `SELECT count(*) AS n FROM (
    SELECT rowid AS r, row_number() OVER (ORDER BY uid, ts, source_id, source_file, source_row) - 1 AS k
    FROM events) WHERE r <> k`;
/** Every event, user and name, in rowid order. */
const STORED_ORDER = `SELECT md5(string_agg(u.user_id || ':' || e.event, ',' ORDER BY e.rowid)) AS d
  FROM events e JOIN users u USING (uid)`;

async function stored(workspace: Workspace): Promise<{ outOfOrder: number; digest: string }> {
  return workspace.use(async (c) => ({
    outOfOrder: num((await queryOne(c, OUT_OF_KEY_ORDER)).n),
    digest: String((await queryOne(c, STORED_ORDER)).d),
  }));
}

const EXPECTED_FUNNEL = [USERS, USERS / 2, USERS / 2];

/**
 * The stored order worked out by hand rather than by a second import: every user's first event
 * is at 10:00, so users are keyed in user id order (text: u0, u1, u10, ...), and each user's
 * events follow their file rows, which are in the order `kinds` lists them. A sort that
 * disordered ties differently on another run would miss this digest.
 */
const EXPECTED_DIGEST = createHash('md5')
  .update(
    Array.from({ length: USERS }, (_, u) => `u${u}`)
      .sort()
      .flatMap((id) => kinds(Number(id.slice(1))).map((event) => `${id}:${event}`))
      .join(','),
  )
  .digest('hex');

let reference: { outOfOrder: number; digest: string };

describe('ties are stored in the files order', () => {
  it('one file: every event in (user, time, file row) order, the strict funnel as laid out', async () => {
    const workspace = await importedWorkspace('fresh-1', [[files.oneFile ?? '']]);
    try {
      const s = await stored(workspace);
      const wrongRow = await workspace.use((c) =>
        queryOne(
          c,
          `SELECT count(*) FILTER (source_row <> seq OR source_file <> 0 OR source_id <> 1) AS n FROM events`,
        ),
      );
      expect(num(wrongRow.n)).toBe(0);
      expect(s).toEqual({ outOfOrder: 0, digest: EXPECTED_DIGEST });
      expect(await funnelCounts(workspace)).toEqual(EXPECTED_FUNNEL);
    } finally {
      workspace.close();
    }
    reference = { outOfOrder: 0, digest: EXPECTED_DIGEST };
  }, 120_000);

  it('the same rows laid out differently in two files, in one import or two: the same order', async () => {
    for (const [name, imports] of [
      ['two-files', [[files.firstPart ?? '', files.secondPart ?? '']]],
      ['two-imports', [[files.firstPart ?? ''], [files.secondPart ?? '']]],
    ] as const) {
      const workspace = await importedWorkspace(
        name,
        imports.map((i) => [...i]),
      );
      try {
        expect(await stored(workspace)).toEqual(reference);
        expect(await funnelCounts(workspace)).toEqual(EXPECTED_FUNNEL);
        // Rows are numbered within their own file; the file is its place in its import.
        const sources = await workspace.use((c) =>
          queryRows(
            c,
            `SELECT source_id, source_file, count(*) AS n, count(*) FILTER (source_row <> seq) AS wrong
             FROM events GROUP BY ALL ORDER BY ALL`,
          ),
        );
        const half = USERS * 2;
        expect(sources).toEqual(
          name === 'two-files'
            ? [
                { source_id: 1, source_file: 0, n: half, wrong: 0 },
                { source_id: 1, source_file: 1, n: half, wrong: 0 },
              ]
            : [
                { source_id: 1, source_file: 0, n: half, wrong: 0 },
                { source_id: 2, source_file: 0, n: half, wrong: 0 },
              ],
        );
      } finally {
        workspace.close();
      }
    }
  }, 120_000);
});

describe('a workspace of format 1 (no source columns)', () => {
  /** Rewrites a workspace as format 1 wrote it: events without the source columns. */
  async function makeFormat1(file: string): Promise<void> {
    const instance = await DuckDBInstance.create(file);
    const c = await instance.connect();
    await c.run(`CREATE TABLE events_v1 AS
      SELECT * EXCLUDE (source_id, source_file, source_row) FROM events ORDER BY rowid`);
    await c.run('DROP TABLE events');
    await c.run('ALTER TABLE events_v1 RENAME TO events');
    await c.run(`UPDATE workbench_meta SET value = '1' WHERE key = 'schema_version'`);
    c.closeSync();
    instance.closeSync();
  }

  it('opens read-only as it is, and is migrated, its order kept, when opened for writing', async () => {
    // The first test's workspace (closed), rewritten as format 1 wrote it.
    const file = path.join(dir, 'format-1.duckdb');
    const fresh = path.join(dir, 'fresh-1.duckdb');
    copyFileSync(fresh, file);
    if (existsSync(`${fresh}.wal`)) copyFileSync(`${fresh}.wal`, `${file}.wal`);
    await makeFormat1(file);
    const before = { outOfOrder: 0, digest: reference.digest };

    const readOnly = await Workspace.open(file, { readOnly: true });
    try {
      const columns = await readOnly.use((c) =>
        queryRows(c, `SELECT column_name FROM duckdb_columns() WHERE table_name = 'events'`),
      );
      expect(columns.map((r) => r.column_name)).not.toContain('source_row');
      expect(await funnelCounts(readOnly)).toEqual(EXPECTED_FUNNEL);
      expect((await readOnly.info()).properties.map((p) => p.name)).toEqual(['seq', 'properties']);
    } finally {
      readOnly.close();
    }

    const writable = await Workspace.open(file);
    try {
      const meta = await writable.use((c) =>
        queryOne(
          c,
          `SELECT (SELECT value FROM workbench_meta WHERE key = 'schema_version') AS version,
                  count(*) FILTER (source_id <> 0 OR source_file <> 0 OR source_row <> rowid + 1) AS derived_wrong
           FROM events`,
        ),
      );
      expect(meta).toEqual({ version: String(SCHEMA_VERSION), derived_wrong: 0 });
      expect(await stored(writable)).toEqual(before);
      expect(await funnelCounts(writable)).toEqual(EXPECTED_FUNNEL);
      expect((await writable.info()).properties.map((p) => p.name)).toEqual(['seq', 'properties']);

      // Appended ties follow the stored ones: their source ids are 1 and up, the stored ones' 0.
      const late = path.join(dir, 'late.csv');
      writeFileSync(late, `${HEADER}\nu0,open,${TIE},1\nu1,open,${TIE},2\n`);
      const summary = await importEvents(writable, importRequest([late]), {});
      const tail = await writable.use((c) =>
        queryRows(
          c,
          `SELECT u.user_id, list(e.event ORDER BY e.rowid) AS events, list(e.source_id ORDER BY e.rowid) AS sources
           FROM events e JOIN users u USING (uid) WHERE u.user_id IN ('u0', 'u1') GROUP BY ALL ORDER BY ALL`,
        ),
      );
      expect(tail).toEqual([
        { user_id: 'u0', events: [...kinds(0), 'open'], sources: [0, 0, 0, 0, summary.sourceId] },
        { user_id: 'u1', events: [...kinds(1), 'open'], sources: [0, 0, 0, 0, summary.sourceId] },
      ]);
      expect((await stored(writable)).outOfOrder).toBe(0);
    } finally {
      writable.close();
    }
  }, 120_000);

  it('a format newer than this engine reads is still refused with its number', async () => {
    const file = path.join(dir, 'format-99.duckdb');
    (await Workspace.open(file)).close();
    const instance = await DuckDBInstance.create(file);
    const c = await instance.connect();
    await c.run(`UPDATE workbench_meta SET value = '99' WHERE key = 'schema_version'`);
    c.closeSync();
    instance.closeSync();
    await expect(Workspace.open(file)).rejects.toMatchObject({
      code: 'WORKSPACE_INVALID',
      message: expect.stringContaining('workspace format 99'),
    });
  });
});

describe('several files with a file_index column of their own', () => {
  it('imports them, numbering rows by their place in all the files', async () => {
    const a = path.join(dir, 'fi-a.csv');
    const b = path.join(dir, 'fi-b.csv');
    writeFileSync(a, `user_id,event,timestamp,file_index\nu1,b,${TIE},7\nu1,a,${TIE},7\n`);
    writeFileSync(b, `user_id,event,timestamp,file_index\nu1,c,${TIE},8\n`);
    const workspace = await importedWorkspace('file-index', [[a, b]]);
    try {
      const rows = await workspace.use((c) =>
        queryRows(
          c,
          `SELECT event, file_index, source_file, source_row FROM events ORDER BY rowid`,
        ),
      );
      expect(rows).toEqual([
        { event: 'b', file_index: 7, source_file: 0, source_row: 1 },
        { event: 'a', file_index: 7, source_file: 0, source_row: 2 },
        { event: 'c', file_index: 8, source_file: 0, source_row: 3 },
      ]);
    } finally {
      workspace.close();
    }
  });
});
