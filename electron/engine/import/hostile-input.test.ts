import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RETAIL_PARQUET,
  workspaceSnapshot,
  workspaceTemplate,
  type TempWorkspace,
} from '../testing/temp-workspace';
import { copyPipe, decompressGzip } from './guards';
import { resolveInputs } from './inputs';

/**
 * Files that crashed, hung or exhausted the machine, or were misreported (issue 10): each is
 * refused with a message naming the file, the line and the fix, or imported safely, and the
 * workspace is left as it was, with no scratch files behind.
 */

let ws: TempWorkspace;
let baseline: unknown;

/** Each test starts from a copy of one workspace holding a small import. */
const template = workspaceTemplate(async (w) => {
  await w.api['import.events']({
    files: [w.write('good.csv', 'user_id,event,timestamp\nu1,a,2024-01-01T10:00:00Z\n')],
  });
});

beforeEach(async () => {
  ws = await template.fresh();
  baseline = await workspaceSnapshot(ws);
});
afterEach(() => ws.close());
afterAll(() => template.dispose());

const row = (i: number): string =>
  `u${i % 997},e${i % 7},2024-01-01T${String(i % 24).padStart(2, '0')}:00:00Z`;
const csvRows = (n: number, from = 0): string[] =>
  Array.from({ length: n }, (_, i) => row(i + from));
const HEADER = 'user_id,event,timestamp';
const ndjsonLine = (i: number): string =>
  JSON.stringify({ event: 'e', properties: { distinct_id: `u${i}`, time: 1_700_000_000 + i } });

type Failure = { code: string; message: string; detail?: Record<string, unknown> };

async function importError(
  request: { files: string[] } & Record<string, unknown>,
): Promise<Failure> {
  const error = await ws.api['import.events'](request).then(
    () => undefined,
    (e: unknown) => e as Failure,
  );
  expect(error, `importing ${request.files.join(', ')} should fail`).toBeDefined();
  return error as Failure;
}

/** The workspace folder holds the workspace and nothing an import left behind. */
function leftovers(): string[] {
  return readdirSync(ws.dir).filter(
    (n) => n.startsWith('.workbench-import-') || n.endsWith('.tmp'),
  );
}

async function expectUnchanged(): Promise<void> {
  expect(await workspaceSnapshot(ws)).toEqual(baseline);
  expect(leftovers()).toEqual([]);
}

describe('no input crashes, hangs or exhausts the machine', () => {
  it('an NDJSON line nested 10,000 levels deep (a segfault) is refused with its line and depth', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const file = ws.write(
      'deep.ndjson',
      [
        ndjsonLine(1),
        ndjsonLine(2),
        `{"event":"c","properties":{"distinct_id":"u3","time":1,"x":${deep}}}`,
      ].join('\n'),
    );
    const error = await importError({ files: [file] });
    expect(error.code).toBe('BAD_JSON');
    expect(error.message).toMatch(/deep\.ndjson line 3: a value nests more than 1,000 levels deep/);
    await expectUnchanged();
    await expect(ws.api['import.preview']({ files: [file] })).rejects.toMatchObject({
      code: 'BAD_JSON',
      message: expect.stringContaining('line 3'),
    });
  });

  it('values nested deeper than types are inferred are kept as JSON text', async () => {
    const nested = `${'['.repeat(200)}1${']'.repeat(200)}`;
    const file = ws.write(
      'nested.ndjson',
      `${ndjsonLine(1)}\n{"event":"c","properties":{"distinct_id":"u3","time":1700000002,"x":${nested}}}\n`,
    );
    const summary = await ws.api['import.events']({ files: [file] });
    expect(summary.rowsImported).toBe(2);
    const [x] = await ws.rows(
      `SELECT length(CAST(x AS VARCHAR)) AS n FROM events WHERE x IS NOT NULL`,
    );
    expect(x?.n).toBe(nested.length);
  });

  it('a CSV of 20 rows x 1,000 columns: 300 typed columns, the rest in properties, and the summary says so', async () => {
    const columns = Array.from({ length: 997 }, (_, i) => `c${i}`);
    const lines = [
      [HEADER, ...columns].join(','),
      ...Array.from({ length: 20 }, (_, r) =>
        [row(r), ...columns.map((_, i) => `v${(r * 31 + i) % 97}`)].join(','),
      ),
    ];
    const summary = await ws.api['import.events']({
      files: [ws.write('wide.csv', lines.join('\n'))],
    });
    expect(summary.rowsImported).toBe(20);
    expect(summary.properties).toHaveLength(300);
    expect(summary.warnings.join(' ')).toMatch(/997 property columns; the first 300 .* other 697/);
    const [folded] = await ws.rows(
      `SELECT properties->>'c996' AS v, typeof(c299) AS t FROM events WHERE properties IS NOT NULL LIMIT 1`,
    );
    expect(folded?.v).toMatch(/^v\d+$/);
    expect(folded?.t).toBe('VARCHAR');
  });

  it('a gzip bomb is stopped early with the override named, and nothing is left behind', async () => {
    // 80 MB of one repeated line compresses to ~80 KB: 1,000x.
    const file = path.join(ws.dir, 'bomb.csv.gz');
    const line = Buffer.from(`${row(1)}\n`.repeat(40_000));
    const chunks = function* (): Generator<Buffer> {
      yield Buffer.from(`${HEADER}\n`);
      for (let mb = 0; mb < 80_000_000; mb += line.length) yield line;
    };
    await pipeline(Readable.from(chunks()), createGzip(), createWriteStream(file));
    const error = await importError({ files: [file] });
    expect(error.code).toBe('DECOMPRESSION_LIMIT');
    expect(error.message).toMatch(/bomb\.csv\.gz expands more than 100 times/);
    expect(error.message).toContain('--max-decompression-ratio');
    await expectUnchanged();
    // The override lets a genuine file through.
    const target = path.join(ws.dir, 'plain.csv');
    expect(await decompressGzip(file, target, file, { maxDecompressionRatio: 10_000 })).toBe(
      80_000_000 - (80_000_000 % line.length) + line.length + HEADER.length + 1,
    );
  });

  it('a FIFO nobody writes to fails after a while instead of hanging; one that is written is read', async () => {
    const fifo = path.join(ws.dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    // A hang would time the test out; no clock is read (the message names the idle time).
    await expect(copyPipe(fifo, path.join(ws.dir, 'copy'), undefined, 300)).rejects.toMatchObject({
      code: 'UNREADABLE_FILE',
      message: expect.stringMatching(/events\.fifo is a pipe that sent nothing for 0\.3 s/),
    });

    // A writer on the other end: the import reads the pipe through a private copy.
    const writer = createWriteStream(fifo);
    writer.end(`${[HEADER, ...csvRows(50)].join('\n')}\n`);
    const summary = await ws.api['import.events']({ files: [fifo], format: 'csv' });
    expect(summary.rowsImported).toBe(50);
    expect(summary.files).toEqual([fifo]);
    expect(leftovers()).toEqual([]);
  });
});

describe('a damaged file is never imported in part', () => {
  const gz = (): Buffer => gzipSync(`${[HEADER, ...csvRows(50_000)].join('\n')}\n`);

  it('a truncated .csv.gz (24,766 of 50,000 rows imported, exit 0) is refused', async () => {
    const whole = gz();
    const error = await importError({
      files: [ws.write('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2)))],
    });
    expect(error.code).toBe('BAD_GZIP');
    expect(error.message).toMatch(/cut\.csv\.gz is cut short/);
    await expectUnchanged();
  });

  it('a corrupted block in a .csv.gz names the file and says to fetch it again', async () => {
    const bytes = Buffer.from(gz());
    for (let i = 20_000; i < 20_050; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    const error = await importError({ files: [ws.write('damaged.csv.gz', bytes)] });
    expect(error.code).toBe('BAD_GZIP');
    expect(error.message).toMatch(/damaged\.csv\.gz is damaged/);
    await expectUnchanged();
  });
});

describe('a damaged Parquet file', () => {
  it('a corrupted block is BAD_PARQUET with the fix, not INTERNAL', async () => {
    const bytes = Buffer.from(readFileSync(RETAIL_PARQUET));
    for (let i = 100_000; i < 100_064; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    const error = await importError({ files: [ws.write('damaged.parquet', bytes)] });
    expect(error.code).toBe('BAD_PARQUET');
    expect(error.message).toMatch(/damaged\.parquet is damaged: .*Export or copy it again/);
    await expectUnchanged();
  });
});

describe('errors name the file, the right line and the fix', () => {
  it('NDJSON: an error on line 3 is reported on line 3 (DuckDB said 4)', async () => {
    const file = ws.write(
      'bad.ndjson',
      [
        ndjsonLine(1),
        ndjsonLine(2),
        '{"event": "b", "properties": {"time": 3,, }}',
        ndjsonLine(4),
      ].join('\n'),
    );
    const error = await importError({ files: [file] });
    expect(error.code).toBe('BAD_JSON');
    expect(error.message).toMatch(/bad\.ndjson line 3 is not valid JSON/);
  });

  it('a 3 MB CSV line on line 3 is reported on line 3 (DuckDB said 1)', async () => {
    const lines = [HEADER, row(1), `u2,${'x'.repeat(3_000_000)},2024-01-01T00:00:00Z`, row(3)];
    const error = await importError({ files: [ws.write('long.csv', lines.join('\n'))] });
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toMatch(/long\.csv line 3: the line is 2\.9 MB long/);
  });

  it('a 3 MB CSV line at line 5,002 is that line, not a delimiter problem', async () => {
    const lines = [
      HEADER,
      ...csvRows(5_000),
      `u9,${'y'.repeat(3_000_000)},2024-01-01T00:00:00Z`,
      ...csvRows(10),
    ];
    const error = await importError({ files: [ws.write('late.csv', lines.join('\n'))] });
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toMatch(/late\.csv line 5,002: the line is/);
    expect(error.message).not.toMatch(/delimiter/);
  });

  it('NOT_UTF8 past the first 64 KiB names the file and the line', async () => {
    const text = Buffer.concat([
      Buffer.from(`${[HEADER, ...csvRows(5_000)].join('\n')}\nu1,caf`),
      Buffer.from([0xe9]),
      Buffer.from(',2024-01-01T00:00:00Z\n'),
    ]);
    const error = await importError({ files: [ws.write('latin.csv', text)] });
    expect(error.code).toBe('NOT_UTF8');
    expect(error.message).toMatch(/^\S*latin\.csv line 5,002 is not UTF-8/);
  });

  it('NaN and 1e300 in an epoch column are unreadable timestamps, not INTERNAL', async () => {
    const file = ws.write(
      'nan.csv',
      'user_id,event,time\nu1,e,1700000000.5\nu2,e,nan\nu3,e,1e300\n',
    );
    const error = await importError({ files: [file] });
    expect(error.code).toBe('BAD_TIMESTAMP');
    expect(error.message).toMatch(
      /nan\.csv: 2 rows have a timestamp that cannot be read in 'time'/,
    );
    expect(error.message).toContain("'nan'");
  });

  it('an unreadable file, and a file in a folder we may not open, say so (not "does not exist")', async () => {
    const open = path.join(ws.dir, 'open');
    const secret = path.join(ws.dir, 'secret');
    mkdirSync(open);
    mkdirSync(secret);
    const locked = path.join(open, 'locked.csv');
    writeFileSync(locked, `${HEADER}\n${row(1)}\n`);
    writeFileSync(path.join(secret, 'inside.csv'), `${HEADER}\n${row(1)}\n`);
    chmodSync(ws.dir, 0o755);
    chmodSync(open, 0o755);
    chmodSync(locked, 0o000);
    chmodSync(secret, 0o700);
    // Permissions do not stop root: test as nobody when the suite runs as root.
    const root = process.geteuid?.() === 0;
    if (root) process.seteuid?.(65534);
    try {
      await expect(resolveInputs([locked])).rejects.toMatchObject({
        code: 'UNREADABLE_FILE',
        message: expect.stringMatching(
          /locked\.csv cannot be read: you have no permission to read it/,
        ),
      });
      await expect(resolveInputs([path.join(secret, 'inside.csv')])).rejects.toMatchObject({
        code: 'UNREADABLE_FILE',
        message: expect.stringContaining(`no permission to open the folder ${secret}`),
      });
    } finally {
      if (root) process.seteuid?.(0);
    }
  });
});

describe('the preview warns about times that import but look wrong', () => {
  it('random epoch values spread over centuries', async () => {
    let seed = 7;
    const rows = Array.from({ length: 100 }, (_, i) => {
      seed = (seed * 48271) % 2147483647;
      return `u${i},e,${seed}`;
    });
    const preview = await ws.api['import.preview']({
      files: [ws.write('random.csv', ['user_id,event,time', ...rows].join('\n'))],
    });
    expect(preview.warnings.join(' ')).toMatch(
      /The times in 'time' .* run from 1970-\d\d-\d\d to 20\d\d/,
    );
  });

  it("a small-integer 'time' chosen over an ISO 'ts' column", async () => {
    const preview = await ws.api['import.preview']({
      files: [
        ws.write(
          'both.csv',
          'user_id,event,time,ts\nu1,e,1,2024-01-01T00:00:00Z\nu2,e,2,2024-01-02T00:00:00Z\n',
        ),
      ],
    });
    expect(preview.mapping.timestamp).toBe('time');
    expect(preview.warnings.join(' ')).toMatch(/run from 1970-01-01 to 1970-01-01.*--map ts=ts/);
  });

  it('plausible times give no warning', async () => {
    const preview = await ws.api['import.preview']({
      files: [ws.write('fine.csv', [HEADER, ...csvRows(10)].join('\n'))],
    });
    expect(preview.warnings).toEqual([]);
  });
});
