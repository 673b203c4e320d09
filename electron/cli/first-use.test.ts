import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUERYABLE_TABLES } from '../engine/workspace/schema';
import { runWorkbench, type CliRun } from './testing';

/**
 * The CLI as a newcomer meets it: previews, typos, repeated downloads, the window open. Commands
 * run in this process (runCli); cli.test.ts starts the CLI as a separate process.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const README = path.join(ROOT, 'README.md');
let dir: string;
let tmp: string;

const workbench = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
  runWorkbench(args, { WORKBENCH_HOME: path.join(dir, 'home'), ...env });

/**
 * Another process holding `file` open for writing, as the window does: DuckDB's lock is per
 * process, so a second open in this one would not see it. Resolves to the function that ends it.
 */
async function holdOpen(file: string): Promise<() => Promise<void>> {
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { DuckDBInstance } = await import('@duckdb/node-api');
const instance = await DuckDBInstance.create(${JSON.stringify(file)});
await (await instance.connect()).run('SELECT 1');
process.stdout.write('holding\\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));`,
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`the holder exited (${code}) before holding`)));
  });
  return async () => {
    holder.stdin.end();
    await exited;
  };
}

const ORDERS =
  'InvoiceNo,InvoiceDate,CustomerID,Quantity\n1,2024-01-01 10:00:00,7.0,2\nC2,2024-01-02 10:00:00,7.0,-1\n4,2024-01-04 10:00:00,8.0,5\n';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-first-use-'));
  tmp = path.join(dir, 'tmp');
  mkdirSync(tmp);
  // A browser saves a second download of events.csv as 'events (1).csv'.
  writeFileSync(path.join(dir, 'orders (1).csv'), ORDERS);
  writeFileSync(path.join(dir, 'bad.csv'), 'InvoiceNo,InvoiceDate,CustomerID\n1,not a date,7\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import as a newcomer runs it', () => {
  it('previews a file for a workspace that does not exist yet, creating nothing', async () => {
    const ws = path.join(dir, 'new.duckdb');
    const r = await workbench(['import', path.join(dir, 'orders (1).csv'), '-w', ws, '--preview']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('detected preset transactions');
    expect(r.stdout).toContain('InvoiceNo starts with "C" → cancellation');
    expect(existsSync(ws)).toBe(false);
    expect(existsSync(`${ws}.wal`)).toBe(false);
  });

  it('removes the workspace file it created when the import fails', async () => {
    const ws = path.join(dir, 'failed.duckdb');
    const r = await workbench(['import', path.join(dir, 'bad.csv'), '-w', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [');
    expect(existsSync(ws)).toBe(false);
    expect(existsSync(`${ws}.wal`)).toBe(false);
  });

  it('imports a file whose name reads as a glob, and says which event rule it applied', async () => {
    const ws = path.join(dir, 'orders.duckdb');
    const r = await workbench(['import', path.join(dir, 'orders (1).csv'), '-w', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Imported 3 events');
    expect(r.stdout).toMatch(/event rules\s+InvoiceNo starts with "C" → cancellation/);
    // A failed import into a workspace that existed leaves it, and its events, alone.
    expect((await workbench(['import', path.join(dir, 'bad.csv'), '-w', ws])).code).toBe(1);
    expect(existsSync(ws)).toBe(true);
    const info = JSON.parse((await workbench(['info', '-w', ws, '--json'])).stdout);
    expect(info.events).toBe(3);
  });

  it('refuses --preview of people rather than importing them', async () => {
    const ws = path.join(dir, 'people.duckdb');
    const r = await workbench([
      'import',
      path.join(dir, 'orders (1).csv'),
      '-w',
      ws,
      '--users',
      '--preview',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--preview');
    expect(existsSync(ws)).toBe(false);
  });
});

describe('a workspace the window holds open', () => {
  it('is read by info, sql and run from a snapshot; writes are refused with what to do', async () => {
    const ws = path.join(dir, 'held.duckdb');
    expect((await workbench(['import', path.join(dir, 'orders (1).csv'), '-w', ws])).code).toBe(0);
    const release = await holdOpen(ws);
    // A temp folder of this test's own, so that leftovers (snapshots) can be seen.
    vi.stubEnv('TMPDIR', tmp);
    try {
      const info = await workbench(['info', '-w', ws, '--json']);
      expect(info.code, info.stderr).toBe(0);
      expect(info.stderr).toContain('reading a copy');
      expect(JSON.parse(info.stdout)).toMatchObject({ events: 3, workspace: { path: ws } });
      const sql = await workbench([
        'sql',
        'SELECT count(*) AS n FROM events',
        '-w',
        ws,
        '--format',
        'csv',
      ]);
      expect(sql.code, sql.stderr).toBe(0);
      expect(sql.stdout).toBe('n\n3\n');
      const spec = path.join(dir, 'spec.json');
      writeFileSync(spec, JSON.stringify({ kind: 'eventTypes' }));
      expect((await workbench(['run', spec, '-w', ws])).code).toBe(0);

      const write = await workbench(['sql', 'DELETE FROM events', '-w', ws, '--write']);
      expect(write.code).toBe(1);
      expect(write.stderr).toContain('WORKSPACE_LOCKED');
      // Snapshots are removed afterwards and stay out of the recent workspaces list.
      expect(readdirSync(tmp)).toEqual([]);
      const recent = path.join(dir, 'home', 'recent-workspaces.json');
      expect(readFileSync(recent, 'utf8')).not.toContain('workbench-snapshot-');
    } finally {
      vi.unstubAllEnvs();
      await release();
    }
  });
});

describe('a metrics spec run with --out', () => {
  it("writes every user's row to Parquet or CSV, prints the distributions, and refuses other names", async () => {
    const ws = path.join(dir, 'metrics.duckdb');
    expect((await workbench(['import', path.join(dir, 'orders (1).csv'), '-w', ws])).code).toBe(0);
    const spec = path.join(dir, 'metrics.json');
    writeFileSync(
      spec,
      JSON.stringify({
        kind: 'metrics',
        window: { type: 'calendar', days: 7, asOf: '2024-01-04' },
        metrics: [
          { name: 'events', type: 'count', events: [{ event: '$any' }] },
          { name: 'cancellations', type: 'count', events: [{ event: 'cancellation' }] },
        ],
      }),
    );
    const parquet = path.join(dir, 'users.parquet');
    const run = await workbench(['run', spec, '-w', ws, '--format', 'csv', '--out', parquet]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Wrote 2 users to ${parquet} (parquet)`);
    // The terminal gets the distributions: customer 7 did 2 events (one a cancellation), 8 one.
    expect(run.stdout).toContain('metric,label,users,missing,zeros,mean');
    expect(run.stdout).toMatch(/^events,.*,2,0,0,1\.5,1,/m);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    try {
      const c = await db.connect();
      const rows = (
        await c.runAndReadAll(
          `SELECT user_id, events, cancellations, complete FROM read_parquet('${parquet}') ORDER BY user_id`,
        )
      ).getRowObjectsJS();
      expect(rows).toEqual([
        { user_id: '7', events: 2n, cancellations: 1n, complete: true },
        { user_id: '8', events: 1n, cancellations: 0n, complete: true },
      ]);
    } finally {
      db.closeSync();
    }
    const csv = path.join(dir, 'users.csv');
    expect((await workbench(['run', spec, '-w', ws, '--out', csv])).code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
      'user_id,window_start,window_end,complete,events,cancellations',
    );
    const bad = await workbench(['run', spec, '-w', ws, '--out', path.join(dir, 'users.txt')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('name it .csv or .parquet');
    expect(
      readdirSync(dir).filter((f) => f.includes('users.txt') || f.endsWith('.partial')),
    ).toEqual([]);
  });
});

describe('what the CLI says', () => {
  it('prints an error once to a person and as JSON to a script', async () => {
    const r = await workbench([
      'call',
      'analysis.run',
      '{"spec":{"kind":"nope"}}',
      '-w',
      path.join(dir, 'c.duckdb'),
    ]);
    expect(r.code).toBe(1);
    // stdout is a pipe here (a script): the JSON is there, the line for people on stderr.
    expect(JSON.parse(r.stdout).error.code).toBe('INVALID_REQUEST');
    expect(r.stderr.match(/error \[INVALID_REQUEST\]/g)).toHaveLength(1);
    // A call that failed leaves no workspace behind either.
    expect(existsSync(path.join(dir, 'c.duckdb'))).toBe(false);
  });

  it('names every queryable table of the schema in sql --help and in the README', async () => {
    const help = (await workbench(['sql', '--help'])).stdout;
    const readmeLine = readFileSync(README, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('# SQL (tables:'));
    for (const table of Object.keys(QUERYABLE_TABLES)) {
      expect(help).toMatch(new RegExp(`^  ${table} `, 'm'));
      expect(readmeLine).toContain(table);
    }
  });

  it('says how many days the demo holds, up to the last day of its data', async () => {
    const ws = path.join(dir, 'demo.duckdb');
    const now = { WORKBENCH_NOW: '2024-03-15T12:00:00Z' };
    const demo = await workbench(['demo', '-w', ws, '--users', '40', '--days', '5'], now);
    expect(demo.code, demo.stderr).toBe(0);
    const last = (
      await workbench(
        [
          'sql',
          "SELECT strftime(max(ts), '%Y-%m-%d') AS d FROM events",
          '-w',
          ws,
          '--format',
          'csv',
        ],
        now,
      )
    ).stdout.split('\n')[1];
    expect(demo.stdout).toContain(`up to ${last}.`);
    expect(demo.stdout).not.toContain('today');
  });
});

describe('a disk the free-space estimate says is too small', () => {
  it('refuses with what is needed and free, and --skip-space-check imports anyway', async (ctx) => {
    const disk = path.join(dir, 'small-disk');
    mkdirSync(disk);
    // 12 MB: the estimate asks ~17 MB for any import (its fixed margin), the import takes ~1 MB.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', disk]);
    if (mounted.status !== 0) ctx.skip('mounting a small tmpfs needs root (CI runs as root)');
    try {
      const ws = path.join(disk, 'w.duckdb');
      const refused = await workbench(['import', path.join(dir, 'orders (1).csv'), '-w', ws]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/Not enough free disk space to import orders \(1\)\.csv/);
      expect(refused.stderr).toContain('--skip-space-check');
      const forced = await workbench([
        'import',
        path.join(dir, 'orders (1).csv'),
        '-w',
        ws,
        '--skip-space-check',
      ]);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toContain('Imported 3 events from orders (1).csv');
    } finally {
      spawnSync('umount', [disk]);
    }
  });
});
