import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisSpecSchema } from '../../../shared/specs/analysis-spec';
import { resultTable } from '../../../shared/specs/result-table';
import { sharedWorkspace } from '../testing/shared-workspaces';
import type { TempWorkspace } from '../testing/temp-workspace';

/** Every example spec the README points to runs on the demo product and gives rows. */
const DIR = path.resolve(import.meta.dirname, '../../../docs/specs');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
let ws: TempWorkspace;

beforeAll(async () => {
  ws = await sharedWorkspace('demo');
});
afterAll(() => ws.close());

describe('docs/specs', () => {
  it('has an example of every analysis kind', () => {
    const kinds = files
      .map((f) => (JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as { kind: string }).kind)
      .sort();
    const union = analysisSpecSchema.options.map((o) => o.shape.kind.value).sort();
    expect(kinds).toEqual(union);
  });

  it.each(files)('%s runs on the demo workspace', async (file) => {
    const spec = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as never;
    const result = await ws.api['analysis.run']({ spec });
    expect(resultTable(result).rows.length).toBeGreaterThan(0);
  });
});
