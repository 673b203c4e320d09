import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RETAIL_PARQUET,
  workspaceSnapshot,
  workspaceTemplate,
  type TempWorkspace,
} from '../testing/temp-workspace';

let ws: TempWorkspace;
let baseline: unknown;

/** Each test starts from a copy of one workspace holding a small import. */
const template = workspaceTemplate(async (w) => {
  await w.api['import.events']({
    files: [
      w.write(
        'good.csv',
        'user_id,event,timestamp\nu1,a,2024-01-01T10:00:00Z\nu2,b,2024-01-02T10:00:00Z\n',
      ),
    ],
  });
});

beforeEach(async () => {
  ws = await template.fresh();
  baseline = await workspaceSnapshot(ws);
});
afterEach(() => ws.close());
afterAll(() => template.dispose());

/** Imports `file`, expects the error code and message parts, and checks nothing changed. */
async function rejects(file: string, code: string, ...says: (string | RegExp)[]): Promise<void> {
  const error = await ws.api['import.events']({ files: [file] }).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, `importing ${path.basename(file)} should fail`).toBeDefined();
  expect(error?.code).toBe(code);
  expect(error?.message).toContain(path.basename(file));
  for (const s of says) expect(error?.message).toMatch(s);
  expect(await workspaceSnapshot(ws)).toEqual(baseline);
}

describe('bad input is refused with a clear message and changes nothing', () => {
  it('empty file', async () => {
    await rejects(ws.write('empty.csv', ''), 'EMPTY_FILE', 'is empty');
  });
  it('header only', async () => {
    await rejects(ws.write('header.csv', 'user_id,event,timestamp\n'), 'NO_ROWS', 'no rows');
  });
  it('mixed delimiters', async () => {
    await rejects(
      ws.write('mixed.csv', 'user_id,event;timestamp\nu1;a,2024-01-01\nu2,b;2024-01-02\n'),
      'BAD_CSV',
      /mixes delimiters/,
    );
  });
  it('wrong delimiter given', async () => {
    const file = ws.write('semi.csv', 'user_id,event,timestamp\nu1,a,2024-01-01T00:00:00Z\n');
    const error = await ws.api['import.events']({ files: [file], delimiter: ';' }).catch(
      (e: { code: string; message: string }) => e,
    );
    expect(error).toMatchObject({ code: 'BAD_CSV', message: expect.stringContaining('semi.csv') });
    expect(await workspaceSnapshot(ws)).toEqual(baseline);
  });
  it('a row with too many fields, with its line number', async () => {
    const file = ws.write(
      'ragged.csv',
      'user_id,event,timestamp\nu1,a,2024-01-01T00:00:00Z\nu2,b,2024-01-02T00:00:00Z,extra,fields\nu3,c,2024-01-03T00:00:00Z\n',
    );
    await rejects(file, 'BAD_CSV', 'line 3: 5 fields where the header has 3');
    const error = await ws.api['import.events']({ files: [file], delimiter: ',' }).catch(
      (e: { code: string; message: string }) => e,
    );
    expect(error).toMatchObject({
      code: 'BAD_CSV',
      message: expect.stringMatching(/ragged\.csv line 3/),
    });
  });
  it('binary garbage', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    await rejects(ws.write('garbage.csv', bytes), 'BINARY_FILE', 'binary');
  });
  it('truncated Parquet', async () => {
    const whole = readFileSync(RETAIL_PARQUET);
    await rejects(ws.write('cut.parquet', whole.subarray(0, 100_000)), 'BAD_PARQUET', /truncated/);
  });
  it('malformed JSON', async () => {
    await rejects(
      ws.write(
        'broken.ndjson',
        '{"event":"a","properties":{"time":1,"distinct_id":"x"}}\n{"event": "b", "properties": {\n',
      ),
      'BAD_JSON',
      /JSON/,
    );
  });
  it('missing user column, listing the columns found', async () => {
    await rejects(
      ws.write('nouser.csv', 'event,timestamp\na,2024-01-01T00:00:00Z\n'),
      'MISSING_COLUMN',
      'columns are: event, timestamp',
      '--map user_id=',
    );
  });
  it('missing event column', async () => {
    await rejects(
      ws.write('noevent.csv', 'user_id,timestamp\nu,2024-01-01T00:00:00Z\n'),
      'MISSING_COLUMN',
      '--event-name',
    );
  });
  it('missing time column', async () => {
    await rejects(ws.write('notime.csv', 'user_id,event\nu,a\n'), 'MISSING_COLUMN', '--map ts=');
  });
  it('a mapped column that does not exist', async () => {
    const file = ws.write('ok.csv', 'user_id,event,timestamp\nu,a,2024-01-01T00:00:00Z\n');
    const error = await ws.api['import.events']({
      files: [file],
      mapping: { userId: 'customer' },
    }).catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({
      code: 'MISSING_COLUMN',
      message: expect.stringContaining(
        "column 'customer' not found; columns are: user_id, event, timestamp",
      ),
    });
  });
  it('unparseable timestamps, quoting them', async () => {
    await rejects(
      ws.write('when.csv', 'user_id,event,timestamp\nu,a,2024-01-01T00:00:00Z\nu,b,next tuesday\n'),
      'BAD_TIMESTAMP',
      "'next tuesday'",
      '--ts-format',
    );
  });
  it('invalid UTF-8, with the line', async () => {
    const text = Buffer.concat([
      Buffer.from('user_id,event,timestamp\nu1,caf'),
      Buffer.from([0xe9]),
      Buffer.from(',2024-01-01T00:00:00Z\n'),
    ]);
    await rejects(ws.write('latin1.csv', text), 'NOT_UTF8', 'line 2', 'UTF-8');
  });
  it('a file that does not exist', async () => {
    await rejects(path.join(ws.dir, 'nope.csv'), 'FILE_NOT_FOUND', 'does not exist');
  });
  it('an unknown source time zone', async () => {
    const file = ws.write('tz.csv', 'user_id,event,timestamp\nu,a,2024-01-01 00:00:00\n');
    const error = await ws.api['import.events']({
      files: [file],
      sourceTimezone: 'Europe/Londn',
    }).catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({
      code: 'BAD_TIMEZONE',
      message: expect.stringContaining('Europe/London'),
    });
  });
  it('an invalid request never reaches the engine', async () => {
    const error = await ws.api['import.events']({ files: [], mode: 'merge' as 'append' }).catch(
      (e: { code: string; message: string }) => e,
    );
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((error as { message: string }).message).toMatch(/files/);
    expect((error as { message: string }).message).toMatch(/mode/);
  });
  it('a cancelled import leaves the workspace as it was', async () => {
    const controller = new AbortController();
    const big = path.join(ws.dir, 'retail.parquet');
    copyFileSync(RETAIL_PARQUET, big);
    const pending = ws.api['import.events'](
      { files: [big] },
      // Cancelled once reading is under way (DuckDB interrupted mid-statement), or at the start
      // of a later phase when the read was too quick to report.
      {
        signal: controller.signal,
        onProgress: (p) => {
          if ((p.fraction ?? 0) > 0) controller.abort();
        },
      },
    );
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await workspaceSnapshot(ws)).toEqual(baseline);
  });
});

describe('a disk that fills up half-way', () => {
  it('fails cleanly and leaves the workspace openable and unchanged', async (ctx) => {
    const mountPoint = path.join(ws.dir, 'small-disk');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], {
        stdio: 'ignore',
      });
    } catch {
      ctx.skip('mounting a small tmpfs needs root (CI runs as root)');
    }
    try {
      const small = await tempWorkspaceAt(path.join(mountPoint, 'w.duckdb'));
      try {
        // The free-space check would refuse both imports up front (disk-space.test.ts tests it);
        // this test is about a disk that fills while the import runs.
        await small.api['import.events']({
          files: [ws.write('seed.csv', 'user_id,event,timestamp\nu1,a,2024-01-01T10:00:00Z\n')],
          skipSpaceCheck: true,
        });
        const before = await workspaceSnapshot(small);
        const lines = ['user_id,event,timestamp,blob'];
        // Random text does not compress: 100k rows need far more than 4 MB.
        let seed = 1;
        const rnd = (): number => (seed = (seed * 48271) % 2147483647);
        for (let i = 0; i < 100_000; i++) {
          lines.push(
            `u${rnd() % 50_000},e${rnd() % 30},2024-01-01T${String(rnd() % 24).padStart(2, '0')}:00:00Z,${rnd().toString(36)}${rnd().toString(36)}${rnd().toString(36)}${rnd().toString(36)}`,
          );
        }
        const big = ws.write('big.csv', lines.join('\n'));
        await expect(
          small.api['import.events']({ files: [big], skipSpaceCheck: true }),
        ).rejects.toMatchObject({
          code: 'DISK_FULL',
          message: expect.stringContaining('full'),
        });
        expect(await workspaceSnapshot(small)).toEqual(before);
        small.close();
        const reopened = await tempWorkspaceAt(path.join(mountPoint, 'w.duckdb'));
        expect(await workspaceSnapshot(reopened)).toEqual(before);
        reopened.close();
      } finally {
        small.close();
      }
    } finally {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    }
  });
});

/** A workspace at a given path (the temp helper picks its own). */
async function tempWorkspaceAt(file: string): Promise<TempWorkspace> {
  const { Engine } = await import('../engine');
  const { createLocalClient } = await import('../local-client');
  const engine = new Engine();
  const api = createLocalClient(engine);
  await api['workspace.open']({ path: file });
  return {
    api,
    dir: path.dirname(file),
    file,
    write: (name, content) => {
      const target = path.join(path.dirname(file), name);
      writeFileSync(target, content);
      return target;
    },
    rows: async (sql) => (await api['sql.query']({ sql })).rows,
    close: () => engine.dispose(),
  };
}
