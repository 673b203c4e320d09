import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, queryOne, queryRows } from '../duckdb/database';
import { literal } from '../duckdb/sql';
import { writeDemoExport, type DemoFiles } from './generate-demo-data';

const OPTIONS = { users: 1_500, days: 60, seed: 7, end: '2026-03-01' };
let dir: string;
let instance: DuckDBInstance;
let c: DuckDBConnection;
let files: DemoFiles;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-demo-test-'));
  files = await writeDemoExport({ ...OPTIONS, outDir: path.join(dir, 'a'), format: 'parquet' });
  instance = await DuckDBInstance.create(':memory:');
  c = await connect(instance);
  await c.run(`CREATE TABLE ev AS SELECT * FROM read_parquet(${literal(files.eventsFile)})`);
  await c.run(`CREATE TABLE people AS SELECT * FROM read_parquet(${literal(files.peopleFile)})`);
});
afterAll(() => {
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const digest = async (file: string): Promise<unknown> =>
  queryOne(
    c,
    `SELECT count(*) AS n, sum(hash(COLUMNS(*))) AS h FROM read_parquet(${literal(file)})`,
  );

describe('demo export', () => {
  it('is a pure function of its options', async () => {
    // A smaller product than the one the other tests read: generating it costs less, twice.
    const small = { ...OPTIONS, users: 200, format: 'parquet' as const };
    const once = await writeDemoExport({ ...small, outDir: path.join(dir, 'b1') });
    const again = await writeDemoExport({ ...small, outDir: path.join(dir, 'b2') });
    expect(await digest(again.eventsFile)).toEqual(await digest(once.eventsFile));
    expect(await digest(again.peopleFile)).toEqual(await digest(once.peopleFile));
    const other = await writeDemoExport({ ...small, seed: 8, outDir: path.join(dir, 'c') });
    expect(await digest(other.eventsFile)).not.toEqual(await digest(once.eventsFile));
  });

  it('has the documented columns and types, ordered by time, inside the history', async () => {
    const columns = await queryRows(c, `SELECT column_name, column_type FROM (DESCRIBE ev)`);
    expect(columns.map((r) => `${String(r.column_name)} ${String(r.column_type)}`)).toEqual([
      'user_id VARCHAR',
      'event VARCHAR',
      'timestamp TIMESTAMP',
      'insert_id VARCHAR',
      'plan VARCHAR',
      'country VARCHAR',
      'platform VARCHAR',
      'experiment_variant VARCHAR',
      'feature VARCHAR',
      'revenue DOUBLE',
      'ticket_priority VARCHAR',
    ]);
    const r = await queryOne(
      c,
      `SELECT count(*) AS n, count(DISTINCT insert_id) AS ids, min(timestamp) >= TIMESTAMP '2025-12-31' AS after_start,
              max(timestamp) < TIMESTAMP '2026-03-01' AS before_end,
              bool_and(timestamp >= prev) AS ordered
       FROM (SELECT *, lag(timestamp, 1, TIMESTAMP '1970-01-01') OVER () AS prev FROM ev)`,
    );
    expect(r).toEqual({
      n: files.events,
      ids: files.events,
      after_start: true,
      before_end: true,
      ordered: true,
    });
  });

  it("starts every user's history with signed_up, and every user is a person", async () => {
    const firsts = await queryOne(
      c,
      `SELECT count(*) AS users, count(*) FILTER (event = 'signed_up') AS signed_up FROM (
         SELECT user_id, arg_min(event, (timestamp, event <> 'signed_up')) AS event FROM ev GROUP BY user_id)`,
    );
    expect(firsts).toEqual({ users: OPTIONS.users, signed_up: OPTIONS.users });
    const orphans = await queryOne(
      c,
      `SELECT count(*) AS n FROM ev WHERE user_id NOT IN (SELECT user_id FROM people)`,
    );
    expect(orphans.n).toBe(0);
    const people = await queryOne(
      c,
      `SELECT count(*) AS n, count(DISTINCT email) AS emails, avg(opted_out::INT) AS opted_out FROM people`,
    );
    expect(people.n).toBe(OPTIONS.users);
    expect(people.emails).toBe(OPTIONS.users);
    expect(Number(people.opted_out)).toBeGreaterThan(0.04);
    expect(Number(people.opted_out)).toBeLessThan(0.12);
  });

  it('names the plan each person signed up on, as their signed_up event says', async () => {
    const r = await queryOne(
      c,
      `SELECT count(*) AS n, count(*) FILTER (p.signup_plan = e.plan) AS same,
              avg((p.signup_plan = 'team_trial')::INT) AS team
       FROM people p JOIN ev e ON e.user_id = p.user_id AND e.event = 'signed_up'`,
    );
    expect(r.n).toBe(OPTIONS.users);
    expect(r.same).toBe(OPTIONS.users);
    expect(Number(r.team)).toBeGreaterThan(0.18);
    expect(Number(r.team)).toBeLessThan(0.32);
  });

  it('is busier on weekdays, and treatment completes onboarding more often', async () => {
    const week = await queryOne(
      c,
      `SELECT count(*) FILTER (dayofweek(timestamp) BETWEEN 1 AND 5) / 5 AS weekday,
              count(*) FILTER (dayofweek(timestamp) IN (0, 6)) / 2 AS weekend FROM ev`,
    );
    expect(Number(week.weekday)).toBeGreaterThan(1.5 * Number(week.weekend));
    const onboarding = await queryRows(
      c,
      `SELECT experiment_variant AS v,
              count(DISTINCT user_id) FILTER (event = 'project_created') / count(DISTINCT user_id) AS rate
       FROM ev GROUP BY v ORDER BY v`,
    );
    const [control, treatment] = onboarding.map((r) => Number(r.rate));
    expect(treatment).toBeGreaterThan((control ?? 1) + 0.02);
  });

  it('has revenue only on purchases and upgrades, tickets with a priority', async () => {
    const r = await queryOne(
      c,
      `SELECT count(*) FILTER (revenue IS NOT NULL AND event NOT IN ('plan_upgraded', 'purchase_completed')) AS stray_revenue,
              count(*) FILTER (event = 'plan_upgraded' AND revenue NOT IN (29, 79, 199)) AS odd_prices,
              count(*) FILTER (event = 'support_ticket_opened' AND ticket_priority IS NULL) AS tickets_without_priority,
              count(*) / count(DISTINCT user_id) AS per_user
       FROM ev`,
    );
    expect(r).toMatchObject({ stray_revenue: 0, odd_prices: 0, tickets_without_priority: 0 });
    expect(Number(r.per_user)).toBeGreaterThan(30);
  });

  it('writes CSV with ISO 8601 UTC timestamps too', async () => {
    const csv = await writeDemoExport({
      ...OPTIONS,
      users: 50,
      outDir: path.join(dir, 'csv'),
      format: 'csv',
    });
    const first = await queryOne(
      c,
      `SELECT timestamp FROM read_csv(${literal(csv.eventsFile)}, all_varchar = true) LIMIT 1`,
    );
    expect(String(first.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
