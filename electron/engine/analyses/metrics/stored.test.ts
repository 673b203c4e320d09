import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_STORED_UNITS, STORED_SCHEMA } from '../units-cache';
import { tempWorkspace, type TempWorkspace } from '../../testing/temp-workspace';
import { ev, spec } from './fixture';

/**
 * The metrics table is the workspace's own (issue 12: "materialised in the workspace,
 * recomputed when data or the spec change"): stored in the file, read again after a reopen,
 * replaced when new data arrives, and never written into a read-only workspace.
 */

const EVENTS = [
  'user_id,event,timestamp',
  'a,buy,2024-01-02T10:00:00Z',
  'a,buy,2024-01-03T10:00:00Z',
  'b,buy,2024-01-03T11:00:00Z',
  'b,view,2024-01-04T11:00:00Z',
].join('\n');

const buys = spec({ type: 'calendar', days: 7, asOf: '2024-01-07' }, [
  { name: 'buys', type: 'count', events: ev('buy'), per: 'window' },
]);

let ws: TempWorkspace | undefined;
afterEach(() => ws?.close());

async function stored(w: TempWorkspace): Promise<string[]> {
  const rows = await w.rows(
    `SELECT table_name FROM duckdb_tables() WHERE schema_name = '${STORED_SCHEMA}' AND table_name LIKE 'u_%' ORDER BY 1`,
  );
  return rows.map((r) => String(r.table_name));
}

const meanBuys = async (w: TempWorkspace): Promise<number | null> => {
  const r = await w.api['analysis.run']({ spec: buys });
  return r.kind === 'metrics' ? (r.metrics[0]?.mean ?? null) : null;
};

/** Changes the stored table behind the engine's back: only a read of it can see the change. */
async function tamper(file: string, table: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  await c.run(`UPDATE ${STORED_SCHEMA}.${table} SET buys = buys + 100`);
  c.closeSync();
  instance.closeSync();
}

describe('the stored metrics table', () => {
  it('is read again after a reopen, and recomputed when new data arrives', async () => {
    ws = await tempWorkspace();
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    expect(await meanBuys(ws)).toBe(1.5);
    const [table] = await stored(ws);
    expect(table).toMatch(/^u_metrics_/);

    await ws.api['workspace.close']({});
    await tamper(ws.file, table ?? '');
    await ws.api['workspace.open']({ path: ws.file });
    // (3 + 100 + 100) / 2: the reopened workspace answered from the stored table.
    expect(await meanBuys(ws)).toBe(101.5);
    expect(await stored(ws)).toEqual([table]);

    // New data: computed afresh, and the table of the old data gone.
    await ws.api['import.events']({
      files: [ws.write('more.csv', 'user_id,event,timestamp\nc,buy,2024-01-05T09:00:00Z\n')],
    });
    expect(await meanBuys(ws)).toBe(4 / 3);
    const after = await stored(ws);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual([table]);
  });

  it(`keeps the ${MAX_STORED_UNITS} most recently used specs of the same data`, async () => {
    ws = await tempWorkspace();
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    for (let days = 1; days <= MAX_STORED_UNITS + 2; days++) {
      await ws.api['analysis.run']({
        spec: { ...buys, window: { type: 'calendar', days, asOf: '2024-01-07' } },
      });
    }
    expect(await stored(ws)).toHaveLength(MAX_STORED_UNITS);
    const registry = await ws.rows(`SELECT count(*) AS n FROM ${STORED_SCHEMA}.stored_units`);
    expect(Number(registry[0]?.n)).toBe(MAX_STORED_UNITS);
  });

  it('leaves a read-only workspace unwritten', async () => {
    ws = await tempWorkspace();
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    await ws.api['workspace.close']({});
    await ws.api['workspace.open']({ path: ws.file, readOnly: true });
    expect(await meanBuys(ws)).toBe(1.5);
    expect(await stored(ws)).toEqual([]);
  });
});
