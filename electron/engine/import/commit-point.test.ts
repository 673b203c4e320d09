import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../shared/api/contract';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

const EVENTS =
  'user_id,event,timestamp\nu1,open,2024-01-01T10:00:00Z\nu2,open,2024-01-02T10:00:00Z\n';

/** Imports the file, aborting the job at the first progress event that `when` picks. */
async function importCancelledAt(
  when: (event: ProgressEvent) => boolean,
): Promise<{ outcome: unknown; phases: ProgressEvent[] }> {
  const file = ws.write('e.csv', EVENTS);
  const controller = new AbortController();
  const phases: ProgressEvent[] = [];
  const outcome = await ws.api['import.events'](
    { files: [file] },
    {
      signal: controller.signal,
      onProgress: (event) => {
        phases.push(event);
        if (!controller.signal.aborted && when(event)) controller.abort();
      },
    },
  ).catch((error: unknown) => error);
  return { outcome, phases };
}

describe('the commit point of an import', () => {
  it('is reported once the transaction committed, with the rows saved', async () => {
    const { outcome, phases } = await importCancelledAt(() => false);
    expect(outcome).toMatchObject({ rowsImported: 2 });
    const committed = phases.filter((p) => p.committed === true);
    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatchObject({ rows: 2 });
    // Nothing before it claims the work is saved.
    expect(phases.at(-1)?.committed).toBe(true);
  });

  it('a cancel after it changes nothing: the import succeeds and its rows stay', async () => {
    const { outcome } = await importCancelledAt((p) => p.committed === true);
    expect(outcome).toMatchObject({ rowsImported: 2, totalEvents: 2 });
    expect(await ws.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
  });

  it('a cancel while user facts are updated, before it, rolls the import back', async () => {
    const { outcome } = await importCancelledAt((p) => p.phase === 'updating user facts');
    expect(outcome).toMatchObject({ code: 'CANCELLED' });
    expect(await ws.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });
});
