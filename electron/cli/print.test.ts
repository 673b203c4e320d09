import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_SETTINGS, type WorkspaceInfo } from '../../shared/api/workspace-types';
import type { FunnelResult } from '../../shared/specs/funnel';
import type { RetentionResult } from '../../shared/specs/retention';
import { dataSpan, printError, printResult } from './print';

describe('printError', () => {
  const error = new ApiError('WORKSPACE_NOT_FOUND', 'No workspace at w.duckdb.');

  it('prints a JSON-output command’s error once in a terminal, and twice only for a script', () => {
    const terminal = printError(error, true, true);
    expect(terminal.stderr).toBe('error [WORKSPACE_NOT_FOUND]: No workspace at w.duckdb.\n');
    expect(terminal.stdout).toBe('');
    const script = printError(error, true, false);
    expect(JSON.parse(script.stdout)).toEqual({ error: error.toShape() });
    expect(script.stderr).toBe(terminal.stderr);
    expect(printError(error, false, false).stdout).toBe('');
  });
});

describe('dataSpan', () => {
  const info = (range: WorkspaceInfo['range'], timezone: string): WorkspaceInfo =>
    ({ range, workspace: { settings: { ...DEFAULT_SETTINGS, timezone } } }) as WorkspaceInfo;

  it('counts the days of the data up to its last day, in the workspace’s time zone', () => {
    const range = { from: '2024-03-10T00:30:00Z', to: '2024-03-14T23:10:00Z' };
    expect(dataSpan(info(range, 'UTC'))).toBe('5 days up to 2024-03-14');
    // 00:30 UTC on the 10th is still the 9th in New York; 23:10 UTC on the 14th is the 14th.
    expect(dataSpan(info(range, 'America/New_York'))).toBe('6 days up to 2024-03-14');
    expect(dataSpan(info(range, 'Asia/Tokyo'))).toBe('6 days up to 2024-03-15');
    expect(dataSpan(info(null, 'UTC'))).toBe('no events yet');
  });
});

describe('printResult', () => {
  const time = (median: number | null) => ({
    mean: null,
    median,
    p25: null,
    p75: null,
    p95: null,
    histogram: [],
  });

  it('prints a funnel by column kind under readable headers', () => {
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [0],
      groups: [
        {
          steps: [
            {
              label: 'signed_up',
              optional: false,
              count: 12040,
              fromFirst: 1,
              fromPrevious: 1,
              dropped: 0,
              fromPreviousTime: time(null),
              fromFirstTime: time(null),
            },
            {
              label: 'purchase_completed',
              optional: false,
              count: 51,
              fromFirst: 51 / 12040,
              fromPrevious: 51 / 12040,
              dropped: 11989,
              fromPreviousTime: time(697_774.13),
              fromFirstTime: time(697_774.13),
            },
          ],
        },
      ],
      overTime: [],
      sampled: null,
    };
    expect(printResult(result).split('\n')).toEqual([
      '┌──────┬────────────────────┬────────┬───────────────────────┬──────────────────────────┬─────────┬───────────────────────────┬────────────────────────┐',
      '│ Step │ Step name          │  Users │ Conversion from first │ Conversion from previous │ Dropped │ Median time from previous │ Median time from first │',
      '│    1 │ signed_up          │ 12,040 │                  100% │                     100% │       0 │                         – │                      – │',
      '│    2 │ purchase_completed │     51 │                 0.42% │                    0.42% │  11,989 │                     8d 1h │                  8d 1h │',
      '└──────┴────────────────────┴────────┴───────────────────────┴──────────────────────────┴─────────┴───────────────────────────┴────────────────────────┘',
      '',
    ]);
  });

  it('prints retention counts with their share of the cohort, the mean row too', () => {
    const result: RetentionResult = {
      kind: 'retention',
      timezone: 'UTC',
      period: 'week',
      time: 'calendar',
      criterion: 'on',
      measure: 'users',
      columns: ['0', '1'],
      groups: [
        {
          cohorts: [
            {
              cohort: '2024-03-04',
              size: 1831,
              values: [1831, 1203],
              percentages: [1, 0.657017],
              incomplete: [false, false],
            },
            {
              cohort: '2024-03-11',
              size: 11,
              values: [11, null],
              percentages: [1, null],
              incomplete: [false, true],
            },
          ],
          mean: { values: [921, 653.3636], percentages: [1, 0.657017] },
        },
      ],
      sampled: null,
    };
    expect(printResult(result).split('\n').slice(1, 6)).toEqual([
      '│ Cohort     │  Size │ Complete columns │       Week 0 │        Week 1 │',
      '│ 2024-03-04 │ 1,831 │                2 │ 100% (1,831) │ 65.7% (1,203) │',
      '│ 2024-03-11 │    11 │                1 │    100% (11) │             – │',
      '│ mean       │     – │                – │   100% (921) │ 65.7% (653.4) │',
      '└────────────┴───────┴──────────────────┴──────────────┴───────────────┘',
    ]);
  });
});
