import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api/contract';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { Interval } from '../../../shared/specs/common';
import type { TrendsResult } from '../../../shared/specs/trends';
import { periodSpine } from '../sql/calendar';
import { query, sql } from '../sql/fragment';
import { countPeriods, MAX_PERIODS } from '../sql/period-limits';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';
import { Workspace } from '../workspace/workspace';
import { runAnalysis } from '.';

let ws: TempWorkspace;
let workspace: Workspace;
beforeAll(async () => {
  ws = await tempWorkspace();
  const file = ws.write(
    'e.csv',
    [
      'user_id,event,timestamp,plan',
      'u1,open,2024-03-01T10:00:00Z,free',
      'u1,buy,2024-03-01T10:05:00Z,free',
      'u2,open,2024-03-02T11:00:00Z,pro',
      'u2,open,2024-03-09T11:00:00Z,pro',
      '',
    ].join('\n'),
  );
  await ws.api['import.events']({ files: [file] });
  await ws.api['workspace.close']({});
  workspace = await Workspace.open(ws.file);
});
afterAll(() => {
  workspace.close();
  ws.close();
});

const absolute = (from: string, to: string) => ({ type: 'absolute' as const, from, to });
const trend = (interval: Interval, from: string, to: string, extra: object = {}) => ({
  kind: 'trends' as const,
  series: [{ events: { event: 'open' } }],
  interval,
  dateRange: absolute(from, to),
  ...extra,
});
const parse = (spec: object): AnalysisSpec => contract['analysis.run'].request.parse({ spec }).spec;

describe('periods are capped in the plan, before any SQL runs', () => {
  it('the hourly trend over the years 1500-2499 is refused at once, naming range and interval', async () => {
    // Built past the schema (which now bounds years too), as a spec saved by an older version is.
    const spec = {
      ...parse(trend('hour', '2024-01-01', '2024-01-02')),
      dateRange: absolute('1500-01-01', '2499-12-31'),
    } as AnalysisSpec;
    const refusal = await runAnalysis(workspace, spec, {}).catch((e: unknown) => e);
    // A problem the plan notes (on the interval field), not an engine failure: refused before
    // the analysis' SQL runs (that query ran 103 s, then took the heap).
    expect(refusal).toMatchObject({
      code: 'INVALID_REQUEST',
      detail: { issues: [expect.objectContaining({ path: 'interval' })] },
    });
    const message = (refusal as Error).message;
    expect(message).toMatch(/^The trends spec has a problem: interval: 8,765,832 hourly periods/);
    expect(message).toMatch(/from 1500-01-01 to 2499-12-31/);
    expect(message).toMatch(/more than the 10,000/);
    // Not even months cover 1,000 years: it says how far each interval would go.
    expect(message).toMatch(
      /choose a range of at most 416 days, or a coarser interval over a shorter range \(daily up to 27 years, weekly up to 191 years, monthly up to 833 years\)/,
    );
    expect(
      (refusal as { detail?: { issues?: { path: string }[] } }).detail?.issues?.[0]?.path,
    ).toBe('interval');
  });

  it('the contract refuses years no export holds, naming the bounds', () => {
    const parsed = contract['analysis.run'].request.safeParse({
      spec: trend('hour', '1500-01-01', '2499-12-31'),
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'spec.dateRange.from: dates are between 1900-01-01 and 2199-12-31',
      'spec.dateRange.to: dates are between 1900-01-01 and 2199-12-31',
    ]);
  });

  it('suggests the coarser interval that covers the range', async () => {
    await expect(
      runAnalysis(workspace, parse(trend('hour', '1900-01-01', '2199-12-31')), {}),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /2,629,7\d\d hourly periods .*; choose a coarser interval \(month\) or a range of at most 416 days\.$/,
      ),
    });
  });

  it('a big but allowed trend still runs: 400 days of hours, 9,600 periods', async () => {
    const result = (await runAnalysis(
      workspace,
      parse(trend('hour', '2024-01-01', '2025-02-03')),
      {},
    )) as TrendsResult;
    expect(result.periods).toHaveLength(400 * 24);
    expect(result.periods.length).toBeLessThanOrEqual(MAX_PERIODS);
    expect(result.series[0]?.values.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(3);
  });

  it('caps the numbers of a result too: series x breakdown values x periods', async () => {
    const series = Array.from({ length: 10 }, () => ({ events: { event: 'open' } }));
    const wide = { series, breakdown: { property: 'plan', limit: 100 } };
    const refusal = await runAnalysis(
      workspace,
      parse(trend('day', '2022-01-01', '2024-12-31', wide)),
      {},
    ).catch((e: unknown) => e);
    expect((refusal as Error).message).toMatch(
      /1,096 daily periods from 2022-01-01 to 2024-12-31 x 1,020 series x breakdown values are 1,117,920 numbers, more than the 1,000,000 .*fewer series or a smaller breakdown limit/,
    );
    const allowed = (await runAnalysis(
      workspace,
      parse(trend('day', '2024-01-01', '2024-12-31', wide)),
      {},
    )) as TrendsResult;
    expect(allowed.periods).toHaveLength(366);
  });

  it('every kind laid out on periods has the same guard rail', async () => {
    const range = absolute('1900-01-01', '2199-12-31');
    const events = { event: 'open' };
    const refusals: [object, RegExp][] = [
      [
        { kind: 'lifecycle', events, interval: 'day', dateRange: range },
        /lifecycle .*interval: 109,5\d\d daily/,
      ],
      [
        { kind: 'stickiness', events, unit: 'hour', per: 'day', dateRange: range },
        /stickiness .*per: 109,5\d\d daily/,
      ],
      [
        { kind: 'sessions', interval: 'hour', dateRange: absolute('2023-01-01', '2024-12-31') },
        /sessions .*interval: 17,544 hourly/,
      ],
      [
        { kind: 'retention', start: events, return: events, period: 'day', dateRange: range },
        /retention .*period: 109,5\d\d daily/,
      ],
      [
        {
          kind: 'funnel',
          steps: [{ events }, { events: { event: 'buy' } }],
          interval: 'hour',
          dateRange: absolute('2023-01-01', '2024-12-31'),
        },
        /funnel .*interval: 17,544 hourly/,
      ],
    ];
    for (const [spec, message] of refusals) {
      // Noted by the plan, so refused before the analysis' SQL runs.
      await expect(runAnalysis(workspace, parse(spec), {})).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(message),
        detail: { issues: [expect.anything()] },
      });
    }
    // Retention's grid: 3 years of daily cohorts fit as periods, not with 101 columns for each
    // of 12 breakdown groups.
    await expect(
      runAnalysis(
        workspace,
        parse({
          kind: 'retention',
          start: events,
          return: events,
          period: 'day',
          periods: 100,
          breakdown: { property: 'plan', limit: 10 },
          dateRange: absolute('2022-01-01', '2024-12-31'),
        }),
        {},
      ),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /x 1,212 columns x breakdown values .*fewer periods after the start or a smaller breakdown limit/,
      ),
    });
  });
});

describe('counting periods in JavaScript', () => {
  it('matches the spine SQL lays results on, for every interval and week start', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    const ranges = [
      { from: '2024-01-01', to: '2024-12-31' },
      { from: '2023-02-27', to: '2024-03-03' },
      { from: '2024-03-30', to: '2024-03-31' },
      { from: '2021-12-31', to: '2022-01-01' },
    ];
    for (const days of ranges) {
      for (const interval of ['hour', 'day', 'week', 'month'] as const) {
        for (const weekStart of ['monday', 'sunday'] as const) {
          const spine = periodSpine({ timezone: 'UTC', weekStart }, days, interval);
          const [row] = await query(c, sql`SELECT count(*) AS n FROM (${spine})`);
          expect(
            countPeriods(days, interval, weekStart),
            `${days.from} ${interval} ${weekStart}`,
          ).toBe(Number(row?.n));
        }
      }
    }
    c.closeSync();
    instance.closeSync();
  });
});
