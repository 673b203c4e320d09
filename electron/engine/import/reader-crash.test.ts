import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

/**
 * A crash of DuckDB's reader is an error on that file, not the end of the app. The depth guard
 * is lifted (the reader inherits the environment) so that a line nested 100,000 levels deep
 * really reaches DuckDB's JSON reader, which segfaults on it: the reader process dies, this one
 * reports it and goes on. Its own file: the environment must be set before a reader starts.
 */
process.env.WORKBENCH_MAX_JSON_DEPTH = String(10_000_000);

let ws: TempWorkspace;
beforeAll(async () => {
  ws = await tempWorkspace();
});
afterAll(() => {
  delete process.env.WORKBENCH_MAX_JSON_DEPTH;
  ws.close();
});

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
