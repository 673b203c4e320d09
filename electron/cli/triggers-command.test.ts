import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkbench, type CliRun } from './testing';

let dir: string;
let ws: string;
const workbench = (...args: string[]): Promise<CliRun> =>
  runWorkbench([...args, '-w', ws], { WORKBENCH_HOME: dir });

// The data ends on 03-10; a last came on 03-10, b on 03-06, c on 03-01.
const EVENTS = `user_id,event,timestamp
c,login,2024-03-01T10:00:00Z
b,login,2024-03-06T10:00:00Z
a,login,2024-03-10T10:00:00Z
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-cli-triggers-'));
  ws = path.join(dir, 'w.duckdb');
  writeFileSync(path.join(dir, 'e.csv'), EVENTS);
  const imported = await runWorkbench(['import', path.join(dir, 'e.csv'), '-w', ws], {
    WORKBENCH_HOME: dir,
  });
  expect(imported.code, imported.stderr).toBe(0);
  writeFileSync(
    path.join(dir, 'quiet.json'),
    JSON.stringify({ name: 'Quiet 3 days', condition: { type: 'inactivity', days: 3 } }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench triggers', () => {
  it('run: who fires, in words and as a table, and --out writes the payload', async () => {
    const run = await workbench('triggers', 'run', path.join(dir, 'quiet.json'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Quiet 3 days: no activity for 3 days, at most once every 7 days');
    expect(run.stdout).toContain('2 users fire as of 2024-03-10 (1 stale');
    expect(run.stdout).toMatch(/│ b +│ +│ 2024-03-09T10:00:00Z │/);
    const out = path.join(dir, 'quiet.jsonl');
    const written = await workbench('triggers', 'run', path.join(dir, 'quiet.json'), '--out', out);
    expect(written.stderr).toContain('Wrote 2 users to');
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l: { user_id: string; trigger: string }) => [l.user_id, l.trigger])).toEqual([
      ['b', 'Quiet 3 days'],
      ['c', 'Quiet 3 days'],
    ]);
  });

  it('backtest: fires per day and what came of them', async () => {
    const r = await workbench(
      'triggers',
      'backtest',
      path.join(dir, 'quiet.json'),
      '--from',
      '2024-03-01',
      '--to',
      '2024-03-10',
      '--format',
      'csv',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2024-03-04,1,0,0,1');
    expect(r.stdout).toContain('2024-03-09,1,0,0,1');
  });

  it('send: a dry run unless --send, and a clear error for a bad spec', async () => {
    const dry = await workbench(
      'triggers',
      'send',
      path.join(dir, 'quiet.json'),
      '--url',
      'http://127.0.0.1:9/hook',
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /^Dry run: 2 users in 1 request would go to http:\/\/127\.0\.0\.1:9\/hook; nothing was sent/,
    );
    writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({ condition: { type: 'inactive', days: 3 } }),
    );
    const bad = await workbench('triggers', 'run', path.join(dir, 'bad.json'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/condition/);
  });
});
