import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from './sql-read-only';
import { tempWorkspace, type TempWorkspace } from './testing/temp-workspace';

const EVENTS = `user_id,event,timestamp
a,open,2024-03-01T09:00:00Z
a,buy,2024-03-01T09:05:00Z
b,open,2024-03-01T10:00:00Z
`;

/** What a write would change: every table the attacks aim at, in a comparable form. */
const STATE = `SELECT (SELECT count(*) FROM events) AS events,
  (SELECT string_agg(user_id, ',' ORDER BY uid) FROM users) AS users,
  (SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM workbench_meta) AS meta`;

let ws: TempWorkspace;
let before: Record<string, unknown>[];
/** A file of the machine that is not the workspace. */
let secret: string;

const q = (name: string): string => `'${name.replace(/'/g, "''")}'`;

beforeAll(async () => {
  ws = await tempWorkspace();
  await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
  secret = ws.write('secret.csv', 'password\nhunter2\n');
  before = await ws.rows(STATE);
});
afterAll(() => ws.close());

async function refused(sql: string): Promise<Record<string, unknown>> {
  const error: unknown = await ws.api['sql.query']({ sql }).then(
    () => 'ran',
    (e: unknown) => e,
  );
  expect(error, sql).toMatchObject({ code: 'READ_ONLY' });
  return (error as { detail: Record<string, unknown> }).detail;
}

describe('read-only SQL never writes', () => {
  it('refuses EXPLAIN ANALYZE of a write, in every spelling, and the data stays', async () => {
    const out = path.join(ws.dir, 'explained.csv');
    for (const sql of [
      'EXPLAIN ANALYZE DELETE FROM events',
      `EXPLAIN ANALYZE UPDATE users SET user_id = 'x'`,
      `EXPLAIN ANALYZE DELETE FROM workbench_meta`,
      `EXPLAIN ANALYZE COPY (SELECT * FROM users) TO ${q(out)}`,
      'explain analyse delete from events',
      'EXPLAIN (ANALYZE) DELETE FROM events',
      'EXPLAIN ANALYZE SELECT 1',
      '/* a comment */ EXPLAIN ANALYZE DELETE FROM events',
      '-- a comment\nEXPLAIN ANALYZE DELETE FROM events',
      // A lone CR might end the comment for one lexer and not another: refused either way.
      `-- x\rEXPLAIN SELECT 1 AS "x\n; COPY events TO '${path.join(ws.dir, 'cr.csv')}' --"`,
      `/* a comment */ EXPLAIN SELECT 1`,
      'EXPLAIN DELETE FROM events',
      'SELECT 1; EXPLAIN ANALYZE DELETE FROM events',
      'EXPLAIN SELECT 1; DELETE FROM events',
    ]) {
      await refused(sql);
    }
    expect(existsSync(out)).toBe(false);
    expect(await ws.rows(STATE)).toEqual(before);
  });

  it('names the refused statement', async () => {
    expect(await refused('EXPLAIN ANALYZE DELETE FROM events')).toEqual({
      reason: 'statement',
      statement: 'EXPLAIN ANALYZE',
    });
    expect(await refused(`SELECT ';'; -- x;\nDROP TABLE users`)).toEqual({
      reason: 'statement',
      statement: 'DROP TABLE',
    });
  });

  it('refuses EXPORT DATABASE without creating its folder', async () => {
    const folder = path.join(ws.dir, 'exported');
    await refused(`EXPORT DATABASE ${q(folder)}`);
    await refused(`SELECT 1; EXPORT DATABASE ${q(folder)} (FORMAT parquet)`);
    expect(existsSync(folder)).toBe(false);
  });

  it('refuses COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA and friends, before anything runs', async () => {
    const out = path.join(ws.dir, 'copied.csv');
    const attached = path.join(ws.dir, 'other.duckdb');
    const threads = await ws.rows(`SELECT current_setting('threads') AS t`);
    for (const sql of [
      `COPY events TO ${q(out)}`,
      `COPY (SELECT 1) TO ${q(out)}`,
      `COPY users FROM ${q(secret)}`,
      `ATTACH ${q(attached)} AS other`,
      'INSTALL httpfs',
      'LOAD parquet',
      'SET threads = 1',
      'SET GLOBAL threads = 1',
      'RESET threads',
      'PRAGMA threads = 1',
      'PRAGMA enable_profiling',
      `PRAGMA table_info('events')`,
      'CALL pragma_version()',
      'CHECKPOINT',
      'BEGIN TRANSACTION',
      'CREATE TABLE x AS SELECT 1',
      'SET VARIABLE v = 1',
      'USE system',
      'VACUUM',
      // Without an IN list DuckDB first creates an ENUM type of the values.
      'PIVOT events ON event USING count(*)',
      `SELECT 1; COPY (SELECT 1) TO ${q(out)}`,
    ]) {
      await refused(sql);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(attached)).toBe(false);
    expect(await ws.rows(`SELECT current_setting('threads') AS t`)).toEqual(threads);
    expect(await ws.rows(STATE)).toEqual(before);
  });

  it('refuses a write anywhere in a script before the statements ahead of it run', async () => {
    // The first statement would fail if run: refusal comes first, from the parse alone.
    await refused(`SELECT error('ran'); DELETE FROM events`);
    expect(await ws.rows(STATE)).toEqual(before);
  });

  it('does not read other files of the machine, however they are named', async () => {
    for (const sql of [
      `SELECT * FROM read_csv(${q(secret)})`,
      `SELECT * FROM read_csv_auto(${q(secret)})`,
      `SELECT * FROM read_text(${q(secret)})`,
      `SELECT * FROM read_blob(${q(secret)})`,
      `SELECT * FROM ${q(secret)}`,
      `SELECT * FROM "${secret}"`,
      `FROM glob(${q(path.join(ws.dir, '*'))})`,
      `FROM sniff_csv(${q(secret)})`,
      `FROM query('FROM read_csv(${secret.replace(/'/g, "''''")})')`,
      `FROM query_table(${q(secret)})`,
      `FROM histogram(${q(secret)}, password)`,
      `FROM read_duckdb(${q(ws.file)})`,
      `DESCRIBE ${q(secret)}`,
      `SUMMARIZE ${q(secret)}`,
      `SELECT count(*) FROM events WHERE uid IN (SELECT 1 FROM read_csv(${q(secret)}))`,
      `WITH s AS (FROM read_csv(${q(secret)})) SELECT * FROM s`,
      `SELECT (SELECT max(password) FROM ${q(secret)}) AS p`,
      `FROM main.read_csv(${q(secret)})`,
      `FROM checkpoint()`,
      `FROM enable_peg_parser()`,
    ]) {
      await refused(sql);
    }
  });

  it('does not take a qualified name that is not in the catalog for a file', async () => {
    // DuckDB reads `FROM secret.csv` as schema "secret", table "csv", then as the file.
    const detail = await refused('SELECT * FROM secret.csv');
    expect(detail).toEqual({ reason: 'file', table: 'secret.csv' });
    await refused('SELECT * FROM x.secret.csv');
  });

  it('refuses views and macros made with write access, whose SQL could read files', async () => {
    // Known macros are remembered per workspace: this read fills that list before the write.
    expect(await ws.rows(`SELECT lower('A') AS a`)).toEqual([{ a: 'a' }]);
    await ws.api['sql.query']({
      sql: `CREATE VIEW leak AS SELECT * FROM read_csv(${q(secret)});
            CREATE MACRO leak_one() AS (SELECT max(password) FROM read_csv(${q(secret)}));
            CREATE MACRO leak_all() AS TABLE SELECT * FROM read_csv(${q(secret)});
            CREATE MACRO range(x) AS TABLE SELECT * FROM read_csv(${q(secret)})`,
      write: true,
    });
    expect(await refused('SELECT * FROM leak')).toEqual({ reason: 'view', table: 'leak' });
    expect(await refused('SELECT * FROM main.LEAK')).toMatchObject({ reason: 'view' });
    expect(await refused('SELECT leak_one()')).toEqual({ reason: 'macro', function: 'leak_one' });
    await refused('FROM leak_all()');
    // A macro shadows the built-in of its name.
    expect(await refused('FROM range(1)')).toEqual({ reason: 'macro', function: 'range' });
    // With write access they run, as any DuckDB SQL does.
    const allowed = await ws.api['sql.query']({ sql: 'SELECT * FROM leak', write: true });
    expect(allowed.rows).toEqual([{ password: 'hunter2' }]);
    await ws.api['sql.query']({
      sql: 'DROP VIEW leak; DROP MACRO leak_one; DROP MACRO TABLE leak_all; DROP MACRO TABLE range',
      write: true,
    });
    expect(await ws.rows('SELECT count(*) AS n FROM range(3)')).toEqual([{ n: 3 }]);
  });

  it('is backed by a READ ONLY transaction: a change that parses as a query is refused by DuckDB', async () => {
    // nextval() is a plain function call in a SELECT, so only the transaction can stop it.
    await ws.api['sql.query']({ sql: "CREATE SEQUENCE seq; SELECT nextval('seq')", write: true });
    await expect(ws.api['sql.query']({ sql: `SELECT nextval('seq') AS n` })).rejects.toMatchObject({
      code: 'READ_ONLY',
    });
    const next = await ws.api['sql.query']({ sql: `SELECT nextval('seq') AS n`, write: true });
    expect(next.rows).toEqual([{ n: 2 }]);
    await ws.api['sql.query']({ sql: 'DROP SEQUENCE seq', write: true });
  });
});

describe('read-only SQL still answers queries', () => {
  // Each query's rows through the read-only path equal the rows of the unchecked write path.
  const queries = [
    'SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY event',
    'WITH buyers AS (SELECT DISTINCT uid FROM events WHERE event = $$buy$$) SELECT count(*) AS n FROM buyers',
    'VALUES (1, 2), (3, 4)',
    'FROM events SELECT count(*) AS n',
    'TABLE users',
    'SELECT * FROM main.events ORDER BY ts',
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`,
    `SELECT column_name FROM duckdb_columns() WHERE table_name = 'events' ORDER BY column_index`,
    `SELECT * FROM pragma_table_info('events')`,
    'DESCRIBE events',
    'SHOW TABLES',
    'SHOW ALL TABLES',
    'SUMMARIZE events',
    'SELECT sum(range) AS s FROM range(10)',
    `SELECT * FROM generate_series(1, 3), unnest([4, 5])`,
    `SELECT key, value FROM json_each('{"a": 1, "b": [2]}')`,
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) AS s FROM r',
    `SELECT count(*) AS n FROM pg_timezone_names() WHERE name = 'Europe/Paris'`,
    `PIVOT events ON event IN ('open', 'buy') USING count(*) GROUP BY uid ORDER BY uid`,
    'SELECT 1 AS a; SELECT 2 AS b',
  ];
  it.each(queries)('%s', async (sql) => {
    const read = await ws.api['sql.query']({ sql });
    const written = await ws.api['sql.query']({ sql, write: true });
    expect(read.rows.length).toBeGreaterThan(0);
    expect(read.rows).toEqual(written.rows);
    expect(read.columns).toEqual(written.columns);
  });

  it('runs a plain EXPLAIN of a query', async () => {
    for (const sql of [
      'EXPLAIN SELECT count(*) FROM events',
      '  explain\n WITH x AS (SELECT 1) SELECT * FROM x',
      '-- the plan\r\n-- of a count\nEXPLAIN\n-- of this:\nSELECT count(*) FROM events',
    ]) {
      const r = await ws.api['sql.query']({ sql });
      expect(r.columns).toEqual(['explain_key', 'explain_value']);
      expect(String(r.rows[0]?.explain_value)).toMatch(/PROJECTION|UNGROUPED_AGGREGATE|DUMMY_SCAN/);
    }
  });

  it('lets DuckDB say a plain table name does not exist', async () => {
    await expect(ws.api['sql.query']({ sql: 'SELECT * FROM evnts' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining('evnts') as unknown,
    });
  });

  it('can still be cancelled', async () => {
    const controller = new AbortController();
    const pending = ws.api['sql.query'](
      { sql: 'SELECT sum(hash(i)) FROM range(100000000000) t(i)' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    // Uncancelled, the sum over 10^11 rows would run far past the test's timeout.
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await ws.rows(STATE)).toEqual(before);
  });
});

describe('a workspace opened read-only (the CLI without --write)', () => {
  it('writes no file either', async () => {
    const other = await tempWorkspace();
    try {
      await other.api['import.events']({ files: [other.write('e.csv', EVENTS)] });
      await other.api['workspace.close']({});
      await other.api['workspace.open']({ path: other.file, readOnly: true });
      const out = path.join(other.dir, 'out.csv');
      for (const sql of [
        `COPY events TO ${q(out)}`,
        `EXPLAIN ANALYZE COPY (SELECT 1) TO ${q(out)}`,
      ]) {
        await expect(other.api['sql.query']({ sql })).rejects.toMatchObject({ code: 'READ_ONLY' });
      }
      expect(existsSync(out)).toBe(false);
      expect(await other.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
    } finally {
      other.close();
    }
  });
});

describe('splitStatements (for messages only)', () => {
  it('splits at semicolons outside strings, identifiers, comments and dollar quotes', () => {
    expect(
      splitStatements(`SELECT ';' AS "a;b"; -- c;\n/* d; */ SELECT $x$;$x$, $$;$$;;  DROP TABLE t`),
    ).toEqual([`SELECT ';' AS "a;b"`, ` -- c;\n/* d; */ SELECT $x$;$x$, $$;$$`, '  DROP TABLE t']);
  });
});
