import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THIS_MONTH } from '../../shared/calendar/local-days';
import type { TrendsResult, TrendsSpec } from '../../shared/specs/trends';
import { CLOCK_ENV, clockFromEnv, systemClock } from './clock';
import { Engine } from './engine';
import { createLocalClient } from './local-client';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-clock-'));
  file = path.join(dir, 'events.csv');
  // The export ends on 30 November, the last day of a 30-day month.
  writeFileSync(
    file,
    'user_id,event,timestamp\n' +
      'u1,open,2026-10-31T12:00:00Z\n' +
      'u1,open,2026-11-01T12:00:00Z\n' +
      'u2,open,2026-11-15T12:00:00Z\n' +
      'u3,open,2026-11-30T23:30:00Z\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An engine on a workspace of its own whose clock reads `now`. */
async function engineAt(now: string) {
  const engine = new Engine({ ...process.env, WORKBENCH_HOME: dir, [CLOCK_ENV]: now });
  const api = createLocalClient(engine);
  await api['workspace.open']({ path: path.join(dir, `${now.replace(/\W/g, '')}.duckdb`) });
  await api['import.events']({ files: [file] });
  return { api, dispose: () => engine.dispose() };
}

const trend: TrendsSpec = {
  kind: 'trends',
  version: 1,
  series: [{ events: { event: 'open', where: [] }, measure: 'uniqueUsers' }],
  interval: 'month',
  dateRange: THIS_MONTH,
  filters: [],
  formulas: [],
  compare: false,
  display: { chart: 'line', cumulative: false },
};

describe('the workspace clock', () => {
  it('is the machine clock unless WORKBENCH_NOW pins it', () => {
    expect(clockFromEnv({})).toBe(systemClock);
    expect(clockFromEnv({ [CLOCK_ENV]: '2026-03-15T12:00:00Z' })().toISOString()).toBe(
      '2026-03-15T12:00:00.000Z',
    );
    expect(clockFromEnv({ [CLOCK_ENV]: '2026-03-15' })().toISOString()).toBe(
      '2026-03-15T00:00:00.000Z',
    );
    expect(() => clockFromEnv({ [CLOCK_ENV]: 'yesterday' })).toThrow(/not a time/);
    expect(() => clockFromEnv({ [CLOCK_ENV]: '2026-13-45' })).toThrow(/not a time/);
  });

  it('on 1 December, "this month" is December: no data yet, not November again', async () => {
    const { api, dispose } = await engineAt('2026-12-01T09:00:00Z');
    try {
      const info = await api['workspace.info']({});
      expect(info.today).toBe('2026-12-01');
      expect(info.days).toEqual({ from: '2026-10-31', to: '2026-11-30' });
      const result = (await api['analysis.run']({ spec: trend })) as TrendsResult;
      expect(result.periods).toEqual(['2026-12-01']);
      // December starts after the export's last event: not observed, so no value (not a 0).
      expect(result.series[0]?.values).toEqual([null]);
      expect(result.incomplete).toEqual([true]);
    } finally {
      dispose();
    }
  });

  it('inside November, "this month" counts November only, in the workspace zone', async () => {
    const { api, dispose } = await engineAt('2026-11-30T23:59:00Z');
    try {
      const result = (await api['analysis.run']({ spec: trend })) as TrendsResult;
      expect(result.periods).toEqual(['2026-11-01']);
      expect(result.series[0]?.values).toEqual([3]);
      // In Berlin the clock already reads 1 December, and u3's event (00:30 local) is December's.
      await api['workspace.updateSettings']({ timezone: 'Europe/Berlin' });
      const info = await api['workspace.info']({});
      expect(info.today).toBe('2026-12-01');
      expect(info.days).toEqual({ from: '2026-10-31', to: '2026-12-01' });
      const berlin = (await api['analysis.run']({ spec: trend })) as TrendsResult;
      expect(berlin.periods).toEqual(['2026-12-01']);
      expect(berlin.series[0]?.values).toEqual([1]);
    } finally {
      dispose();
    }
  });
});
