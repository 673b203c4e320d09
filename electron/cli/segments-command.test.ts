import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkbench, type CliRun } from './testing';

let dir: string;
let ws: string;
const workbench = (...args: string[]): Promise<CliRun> =>
  runWorkbench([...args, '-w', ws], { WORKBENCH_HOME: dir });

// a and b log in within the last 7 days of the data (up to 2024-03-10); c last on 03-01.
const EVENTS = `user_id,event,timestamp,email
a,login,2024-03-09T10:00:00Z,a@x.io
a,login,2024-03-10T10:00:00Z,a@x.io
b,login,2024-03-08T10:00:00Z,b@x.io
c,login,2024-03-01T10:00:00Z,c@x.io
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-cli-segments-'));
  ws = path.join(dir, 'w.duckdb');
  writeFileSync(path.join(dir, 'e.csv'), EVENTS);
  const imported = await runWorkbench(['import', path.join(dir, 'e.csv'), '-w', ws], {
    WORKBENCH_HOME: dir,
  });
  expect(imported.code, imported.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench segments', () => {
  it('creates a segment from a spec file, lists it, shows it and writes its members', async () => {
    const spec = path.join(dir, 'recent.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'Recent',
        type: 'dynamic',
        rule: { type: 'event', event: { event: 'login' }, when: { type: 'last', days: 7 } },
      }),
    );
    const created = await workbench('segments', 'create', spec, '--format', 'json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'Recent',
      members: 2,
      population: 3,
      asOf: '2024-03-10',
    });

    const list = await workbench('segments', 'list', '--format', 'csv');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^name,type,members,share,as_of,definition/);
    expect(list.stdout).toContain('Recent,dynamic,2,66.7%,2024-03-10,did login in the last 7 days');

    const show = await workbench('segments', 'show', 'recent');
    expect(show.stdout).toMatch(/members\s+2\n/);
    expect(show.stdout).toMatch(/of\s+3 users seen by then \(66\.7%\)/);

    const members = await workbench('segments', 'members', 'Recent', '--format', 'csv');
    expect(
      members.stdout
        .split('\n')
        .slice(1, 3)
        .map((l) => l.split(',')[0]),
    ).toEqual(['a', 'b']);

    const out = path.join(dir, 'recent.csv');
    const written = await workbench('segments', 'members', 'Recent', '--out', out);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toContain('Wrote 2 members of Recent');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^user_id,/);
    expect(lines[0]).toContain('active_days_per_week');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('says what is wrong: an unknown segment, a spec without a name, a bad rule', async () => {
    const unknown = await workbench('segments', 'show', 'nobody');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/No segment 'nobody' in this workspace/);

    const nameless = path.join(dir, 'nameless.json');
    writeFileSync(
      nameless,
      JSON.stringify({ type: 'dynamic', rule: { type: 'event', event: { event: 'login' } } }),
    );
    const noName = await workbench('segments', 'create', nameless);
    expect(noName.stderr).toMatch(/Name the segment: --name NAME/);

    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        type: 'dynamic',
        rule: { type: 'event', event: { event: 'login' }, op: 'at least' },
      }),
    );
    const refused = await workbench('segments', 'create', bad, '--name', 'Bad');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/'at least' needs times/);
    expect((await workbench('segments', 'list', '--format', 'json')).stdout).not.toContain('"Bad"');
  });
});
