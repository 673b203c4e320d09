import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RETAIL_PARQUET, tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

/**
 * A crash of DuckDB's reader is an error on that file, not the end of the app. The depth guard
 * is lifted (the reader inherits the environment) so that a line nested 100,000 levels deep
 * really reaches DuckDB's JSON reader, which segfaults on it: the reader process dies, this one
 * reports it and goes on. The environment must be set before a reader starts.
 *
 * The tests read in the reader process, as the app does: the other tests read in their own
 * process (WORKBENCH_READER=inline, vitest.config.ts), where this file would end the test run.
 */
let ws: TempWorkspace;
beforeAll(async () => {
  // The bundled reader, as the app starts it (about 0.2 s a start, against 1.5 s through tsx);
  // the TypeScript source through tsx where no bundle can be built (no esbuild, no bundle).
  vi.stubEnv('WORKBENCH_READER', await bundledReader().catch(() => undefined));
  vi.stubEnv('WORKBENCH_MAX_JSON_DEPTH', String(10_000_000));
  ws = await tempWorkspace();
});
afterAll(() => {
  ws.close();
  vi.unstubAllEnvs();
});

/** The reader entry of a bundle built from the sources as they are now (built first if stale). */
async function bundledReader(): Promise<string> {
  const bundler = path.join(import.meta.dirname, '../../../scripts/node-bundle.mjs');
  const { ensureBundle } = (await import(bundler)) as { ensureBundle: () => Promise<string> };
  return path.join(await ensureBundle(), 'import-reader.mjs');
}

const line = (i: number): string =>
  JSON.stringify({ event: 'e', properties: { distinct_id: `u${i}`, time: 1_700_000_000 + i } });

describe('a reader that crashes', () => {
  it('is reported as an error on the file, and the next import works', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const file = ws.write(
      'crash.ndjson',
      `${line(1)}\n{"event":"c","properties":{"distinct_id":"u3","time":1,"x":${deep}}}\n`,
    );
    await expect(ws.api['import.events']({ files: [file] })).rejects.toMatchObject({
      code: 'READER_CRASHED',
      message: expect.stringMatching(/crash\.ndjson: the file reader crashed .*SIGSEGV.*unchanged/),
    });
    await expect(ws.api['import.preview']({ files: [file] })).rejects.toMatchObject({
      code: 'READER_CRASHED',
    });
    expect((await ws.api['workspace.info']({})).events).toBe(0);
    const good = ws.write('good.ndjson', `${line(1)}\n${line(2)}\n`);
    expect((await ws.api['import.events']({ files: [good] })).rowsImported).toBe(2);
  });
});

describe('a read cancelled in the reader process', () => {
  it('stops the reader, changes nothing, and the next import reads in a new one', async () => {
    const before = (await ws.api['workspace.info']({})).events;
    const big = path.join(ws.dir, 'retail.parquet');
    copyFileSync(RETAIL_PARQUET, big);
    const controller = new AbortController();
    // The first 'reading' progress comes from the reader process as it starts reading.
    const pending = ws.api['import.events'](
      { files: [big] },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase.startsWith('reading')) controller.abort();
        },
      },
    );
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await ws.api['workspace.info']({})).events).toBe(before);
    const good = ws.write('after-cancel.ndjson', `${line(5)}\n`);
    expect((await ws.api['import.events']({ files: [good] })).rowsImported).toBe(1);
  });
});
