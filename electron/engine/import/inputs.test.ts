import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInputs } from './inputs';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-inputs-'));
  for (const name of ['events.csv', 'events (1).csv', 'events [old].csv', 'other.csv']) {
    writeFileSync(path.join(dir, name), 'user_id,event,ts\nu1,open,2024-01-01 10:00:00\n');
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInputs', () => {
  it('reads a path that exists as that file, even when its name looks like a glob', async () => {
    // Browsers name a repeated download 'events (1).csv'; '(1)' and '[old]' are glob syntax.
    for (const name of ['events (1).csv', 'events [old].csv']) {
      const file = path.join(dir, name);
      expect((await resolveInputs([file])).files).toEqual([file]);
    }
  });

  it('still expands a glob that names no existing path', async () => {
    const found = await resolveInputs([path.join(dir, 'e*.csv')]);
    expect(found.files.map((f) => path.basename(f))).toEqual([
      'events (1).csv',
      'events [old].csv',
      'events.csv',
    ]);
    await expect(resolveInputs([path.join(dir, 'nothing*.csv')])).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
  });
});
