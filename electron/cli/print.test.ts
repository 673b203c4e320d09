import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_SETTINGS, type WorkspaceInfo } from '../../shared/api/workspace-types';
import { dataSpan, printError } from './print';

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
