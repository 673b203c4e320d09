import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTempWorkspace } from '../testing/generated-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';

/** The example files of docs/segments, docs/triggers and docs/scores run on the generated demo. */
const DOCS = path.resolve(import.meta.dirname, '../../../docs');
const files = (dir: string): [string, Record<string, unknown>][] =>
  readdirSync(path.join(DOCS, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(path.join(DOCS, dir, f), 'utf8'))]);

let ws: TempWorkspace;
beforeAll(async () => {
  ws = await generatedTempWorkspace();
}, 120_000);
afterAll(() => ws.close());

describe('the documented examples', () => {
  it.each(files('segments'))('segments/%s counts members', async (_f, file) => {
    const { name: _name, ...spec } = file;
    const saved = await ws.api['segments.save']({ name: String(_name), spec: spec as never });
    expect(saved.members).toBeGreaterThan(0);
    expect(saved.members).toBeLessThan(saved.population ?? 0);
  });

  it.each(files('triggers'))('triggers/%s fires for someone', async (_f, file) => {
    const { name: _name, ...spec } = file;
    const r = await ws.api['triggers.run']({ spec: spec as never });
    expect(r.total).toBeGreaterThan(0);
  });

  it.each(files('scores'))('scores/%s scores everyone', async (_f, spec) => {
    const r = await ws.api['scores.run']({ spec: spec as never });
    expect(r.users).toBeGreaterThan(1_000);
    expect(r.validation?.auc).toBeGreaterThan(0.5);
  });
});
