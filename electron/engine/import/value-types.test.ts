import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api/contract';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { TrendsResult } from '../../../shared/specs/trends';
import { runAnalysis } from '../analyses';
import { queryRows } from '../duckdb/database';
import { Workspace } from '../workspace/workspace';
import { importEvents } from './import-events';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-value-types-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh workspace holding `content` imported as `name`. */
async function imported(name: string, content: string) {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const workspace = await Workspace.open(path.join(dir, `${name}.duckdb`));
  const summary = await importEvents(
    workspace,
    contract['import.events'].request.parse({ files: [file] }),
    {},
  );
  return { workspace, summary };
}

const columnTypes = (workspace: Workspace) =>
  workspace.use(async (c) =>
    Object.fromEntries(
      (
        await queryRows(
          c,
          `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'events'`,
        )
      ).map((r) => [String(r.column_name), String(r.data_type)]),
    ),
  );

const trends = (extra: object): AnalysisSpec =>
  contract['analysis.run'].request.parse({
    spec: {
      kind: 'trends',
      series: [{ events: { event: 'open' } }],
      interval: 'day',
      dateRange: { type: 'absolute', from: '2024-03-01', to: '2024-03-01' },
      ...extra,
    },
  }).spec as AnalysisSpec;

const totals = async (workspace: Workspace, spec: AnalysisSpec) =>
  ((await runAnalysis(workspace, spec, {})) as TrendsResult).series.map((s) => ({
    breakdown: s.breakdown,
    total: s.total,
  }));

describe('a property holding both strings and numbers', () => {
  // `plan` mixes text and numbers at the top level (DuckDB types it JSON); `properties.tier`
  // does inside a nested object (a JSON field of the struct DuckDB infers).
  const NDJSON = [
    {
      user_id: 'u1',
      event: 'open',
      timestamp: '2024-03-01T10:00:00Z',
      plan: 'pro',
      properties: { tier: 1 },
    },
    {
      user_id: 'u2',
      event: 'open',
      timestamp: '2024-03-01T11:00:00Z',
      plan: 3,
      properties: { tier: 'gold' },
    },
    {
      user_id: 'u3',
      event: 'open',
      timestamp: '2024-03-01T12:00:00Z',
      plan: 2.5,
      properties: { tier: 1 },
    },
    {
      user_id: 'u4',
      event: 'open',
      timestamp: '2024-03-01T13:00:00Z',
      plan: 3,
      properties: { tier: null },
    },
    {
      user_id: 'u5',
      event: 'open',
      timestamp: '2024-03-01T14:00:00Z',
      plan: null,
      properties: { tier: 2 },
    },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');

  let workspace: Workspace;
  beforeAll(async () => {
    ({ workspace } = await imported('mixed.ndjson', `${NDJSON}\n`));
  });
  afterAll(() => workspace.close());

  it('is stored as text, numbers as their text', async () => {
    const types = await columnTypes(workspace);
    expect(types.plan).toBe('VARCHAR');
    expect(types.tier).toBe('VARCHAR');
    const rows = await workspace.use((c) =>
      queryRows(c, `SELECT plan, tier FROM events ORDER BY ts`),
    );
    expect(rows).toEqual([
      { plan: 'pro', tier: '1' },
      { plan: '3', tier: 'gold' },
      { plan: '2.5', tier: '1' },
      { plan: '3', tier: null },
      { plan: null, tier: '2' },
    ]);
  });

  it('filters with = and breaks down on it', async () => {
    const where = (property: string, value: string | number) =>
      trends({ filters: [{ property, op: '=', value }] });
    expect(await totals(workspace, where('plan', '3'))).toEqual([
      { breakdown: undefined, total: 2 },
    ]);
    // A number typed in the filter matches its text.
    expect(await totals(workspace, where('plan', 3))).toEqual([{ breakdown: undefined, total: 2 }]);
    expect(await totals(workspace, where('plan', 'pro'))).toEqual([
      { breakdown: undefined, total: 1 },
    ]);
    expect(await totals(workspace, where('tier', '1'))).toEqual([
      { breakdown: undefined, total: 2 },
    ]);
    const byPlan = await totals(workspace, trends({ breakdown: { property: 'plan' } }));
    expect(byPlan).toEqual(
      expect.arrayContaining([
        { breakdown: '3', total: 2 },
        { breakdown: 'pro', total: 1 },
        { breakdown: '2.5', total: 1 },
      ]),
    );
    expect(byPlan.reduce((n, s) => n + (s.total ?? 0), 0)).toBe(5);
    const byTier = await totals(workspace, trends({ breakdown: { property: 'tier' } }));
    expect(byTier).toEqual(
      expect.arrayContaining([
        { breakdown: '1', total: 2 },
        { breakdown: 'gold', total: 1 },
        { breakdown: '2', total: 1 },
      ]),
    );
  });

  it('stays JSON when it holds objects or lists', async () => {
    const lines = [
      { user_id: 'u1', event: 'open', timestamp: '2024-03-01T10:00:00Z', extra: 'a' },
      { user_id: 'u2', event: 'open', timestamp: '2024-03-01T11:00:00Z', extra: { k: 1 } },
    ].map((r) => JSON.stringify(r));
    const { workspace: w } = await imported('objects.ndjson', `${lines.join('\n')}\n`);
    try {
      expect((await columnTypes(w)).extra).toBe('JSON');
    } finally {
      w.close();
    }
  });
});

describe('the generic preset', () => {
  it('flattens a nested properties object into columns, as the vendor presets do', async () => {
    // No vendor's layout: user_id / event / timestamp, and the event's properties nested.
    const lines = [
      {
        user_id: 'u1',
        event: 'open',
        timestamp: '2024-03-01T10:00:00Z',
        properties: { plan: 'pro', seats: 3, rare: 'x' },
      },
      ...Array.from({ length: 199 }, (_, i) => ({
        user_id: `u${i + 2}`,
        event: 'open',
        timestamp: '2024-03-01T11:00:00Z',
        properties: { plan: i % 2 === 0 ? 'free' : 'pro', seats: i },
      })),
    ].map((r) => JSON.stringify(r));
    const { workspace, summary } = await imported('generic.ndjson', `${lines.join('\n')}\n`);
    try {
      expect(summary.preset).toBe('generic');
      expect(summary.mapping.nested).toEqual([
        { column: 'properties', prefix: '', shape: 'object' },
      ]);
      const types = await columnTypes(workspace);
      expect(types).toMatchObject({ plan: 'VARCHAR', seats: 'BIGINT', properties: 'JSON' });
      // A key on too few rows to be a column stays in `properties`, the rest leaves it.
      const [first] = await workspace.use((c) =>
        queryRows(
          c,
          `SELECT plan, seats, CAST(properties AS VARCHAR) AS rest FROM events ORDER BY ts LIMIT 1`,
        ),
      );
      expect(first).toEqual({ plan: 'pro', seats: 3, rest: '{"rare":"x"}' });
      expect(
        await totals(workspace, trends({ filters: [{ property: 'plan', op: '=', value: 'pro' }] })),
      ).toEqual([{ breakdown: undefined, total: 100 }]);
    } finally {
      workspace.close();
    }
  });

  it('flattens a properties column holding JSON text in a CSV', async () => {
    const csv = [
      'user_id,event,timestamp,properties',
      'u1,open,2024-03-01T10:00:00Z,"{""plan"":""pro"",""seats"":2}"',
      'u2,open,2024-03-01T11:00:00Z,"{""plan"":""free"",""seats"":5}"',
      '',
    ].join('\n');
    const { workspace, summary } = await imported('generic.csv', csv);
    try {
      expect(summary.preset).toBe('generic');
      const rows = await workspace.use((c) =>
        queryRows(c, `SELECT plan, seats, properties FROM events ORDER BY ts`),
      );
      expect(rows).toEqual([
        { plan: 'pro', seats: 2, properties: null },
        { plan: 'free', seats: 5, properties: null },
      ]);
    } finally {
      workspace.close();
    }
  });
});
