import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkbench, type CliRun } from './testing';

const BIN = path.resolve(import.meta.dirname, '../../bin/workbench.js');
let dir: string;
let ws: string;

/** Runs a command in this process (runCli): every test but the one about how the CLI starts. */
const workbench = (...args: string[]): Promise<CliRun> =>
  runWorkbench(args, { WORKBENCH_HOME: dir });

/** Runs node with `args` as a user would run the CLI: a separate process. */
function run(
  args: string[],
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_HOME: dir, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The modules a command loaded, as the ESM resolver saw them (a module hook that writes each
 * resolved URL to a file): how a test tells a bundled start from one through tsx.
 */
function modulesLoaded(...args: string[]): { modules: string[]; stdout: string } {
  const log = path.join(dir, `loaded-${args[0]}.txt`);
  writeFileSync(log, '');
  const hook = path.join(dir, 'record-hook.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  appendFileSync(process.env.WORKBENCH_TEST_LOG, found.url + '\\n');
  return found;
}`,
  );
  const register = path.join(dir, 'record.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  const r = run(['--import', pathToFileURL(register).href, BIN, ...args], {
    WORKBENCH_TEST_LOG: log,
  });
  expect(r.code, r.stderr).toBe(0);
  return { modules: readFileSync(log, 'utf8').split('\n').filter(Boolean), stdout: r.stdout };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-cli-'));
  ws = path.join(dir, 'w.duckdb');
  writeFileSync(
    path.join(dir, 'orders.csv'),
    'InvoiceNo,InvoiceDate,CustomerID,Quantity\n1,2024-01-01 10:00:00,7.0,2\nC2,2024-01-02 10:00:00,7.0,-1\n3,2024-01-03 10:00:00,,1\n4,2024-01-04 10:00:00,8.0,5\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench CLI', () => {
  it('imports, then reports the workspace as JSON', async () => {
    const imported = await workbench(
      'import',
      path.join(dir, 'orders.csv'),
      '--workspace',
      ws,
      '--json',
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      rowsImported: 3,
      skipped: { missingUser: 1 },
      preset: 'transactions',
    });
    const info = await workbench('info', '--workspace', ws, '--json');
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout);
    expect(parsed).toMatchObject({
      events: 3,
      users: 2,
      range: { from: '2024-01-01T10:00:00Z', to: '2024-01-04T10:00:00Z' },
    });
    expect(
      parsed.eventTypes.map((e: { event: string; events: number }) => [e.event, e.events]),
    ).toEqual([
      ['purchase', 2],
      ['cancellation', 1],
    ]);
    expect(parsed.sources[0].skipped.missingUser).toBe(1);
  });

  it('prints readable tables for people', async () => {
    const info = await workbench('info', '--workspace', ws);
    expect(info.stdout).toContain('Event types');
    expect(info.stdout).toMatch(/purchase\s+│\s+2/);
  });

  it('runs SQL as CSV and refuses writes without --write', async () => {
    const csv = await workbench(
      'sql',
      'SELECT user_id, event_count FROM users ORDER BY uid',
      '--workspace',
      ws,
      '--format',
      'csv',
    );
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('user_id,event_count\n7,2\n8,1\n');
    const write = await workbench('sql', 'DELETE FROM events', '--workspace', ws);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('READ_ONLY');
  });

  it('runs a spec file to JSON, CSV or a file', async () => {
    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ kind: 'eventTypes', from: '2024-01-02' }));
    const json = await workbench('run', spec, '--workspace', ws);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).rows.map((r: { event: string }) => r.event)).toEqual([
      'cancellation',
      'purchase',
    ]);
    const out = path.join(dir, 'out.csv');
    expect(
      (await workbench('run', spec, '--workspace', ws, '--format', 'csv', '--out', out)).code,
    ).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('event,events,users,firstSeen,lastSeen');
    writeFileSync(spec, JSON.stringify({ kind: 'funnelz' }));
    const bad = await workbench('run', spec, '--workspace', ws);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('INVALID_REQUEST');
  });

  it('exits non-zero with a clear message on bad input, leaving the workspace as it was', async () => {
    writeFileSync(path.join(dir, 'empty.csv'), '');
    const r = await workbench('import', path.join(dir, 'empty.csv'), '--workspace', ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error \[EMPTY_FILE\]: .*empty\.csv is empty/);
    expect(JSON.parse((await workbench('info', '--workspace', ws, '--json')).stdout).events).toBe(
      3,
    );
    const missing = await workbench('info', '--workspace', path.join(dir, 'missing.duckdb'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('WORKSPACE_NOT_FOUND');
  });

  it('has --help on every command and calls any contract method', async () => {
    for (const command of ['import', 'info', 'sql', 'run', 'settings', 'call']) {
      const help = await workbench(command, '--help');
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: workbench ${command}`);
    }
    expect((await workbench('call', '--help')).stdout).toContain('import.events');
    const call = await workbench('call', 'workspace.sources', '{}', '--workspace', ws);
    expect(JSON.parse(call.stdout)).toHaveLength(1);
    expect((await workbench('bogus')).code).not.toBe(0);
  });
});

/** The one test that starts the CLI as a user does: how it starts, and that a bundled import works. */
describe('bin/workbench.js', () => {
  it('starts from the JavaScript bundle: no tsx, no DuckDB until a command needs it, and imports', () => {
    const help = modulesLoaded('--help');
    expect(help.modules.some((url) => url.includes('/out/node/'))).toBe(true);
    expect(help.modules.filter((url) => /\/tsx\/|\.ts$/.test(url))).toEqual([]);
    expect(help.modules.filter((url) => url.includes('@duckdb'))).toEqual([]);
    expect(help.stdout).toContain('Usage: workbench');
    // An import reads its file in the bundled reader process (import-reader beside the bundle).
    const imported = modulesLoaded(
      'import',
      path.join(dir, 'orders.csv'),
      '--workspace',
      path.join(dir, 'bundled.duckdb'),
      '--json',
    );
    expect(imported.modules.filter((url) => /\/tsx\/|\.ts$/.test(url))).toEqual([]);
    expect(imported.modules.some((url) => url.includes('@duckdb/node-api'))).toBe(true);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rowsImported: 3 });
    // The exit code of a failed command reaches the shell.
    const usage = run([BIN, 'bogus']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("unknown command 'bogus'");
  });
});
