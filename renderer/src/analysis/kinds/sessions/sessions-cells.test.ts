import { describe, expect, it } from 'vitest';
import type { SessionsResult } from '../../../../../shared/specs/sessions';
import { selectionOfCell } from '../../cell-selection';
import { sessionsOption } from './chart';
import { gridTable } from '../../ResultGrid';

const measures = (sessions: number, users: number) => ({
  sessions,
  users,
  sessionsPerUser: users === 0 ? null : sessions / users,
  meanDuration: null,
  medianDuration: null,
  meanEvents: null,
  medianEvents: null,
  bounceRate: sessions === 0 ? null : 0.5,
});
const result: SessionsResult = {
  kind: 'sessions',
  timezone: 'UTC',
  interval: 'day',
  sessionGapMinutes: 30,
  periods: [
    { period: '2024-01-01', incomplete: false, ...measures(4, 2) },
    { period: '2024-01-02', incomplete: false, ...measures(0, 0) },
  ],
  total: measures(4, 2),
  durationEdges: [0],
  durationHistogram: [4],
  eventEdges: [1],
  eventHistogram: [4],
  sampled: null,
};

describe('users behind a sessions number', () => {
  it('opens the users of a period’s sessions, users or bounces, and of every period', () => {
    const [day, empty, total] = gridTable(result).rows;
    if (day === undefined || empty === undefined || total === undefined) throw new Error('rows');
    expect(selectionOfCell(result, day, 'sessions')).toEqual({
      kind: 'sessions',
      period: '2024-01-01',
      measure: 'sessions',
    });
    expect(selectionOfCell(result, day, 'users')).toMatchObject({ measure: 'users' });
    expect(selectionOfCell(result, day, 'bounceRate')).toMatchObject({ measure: 'bounced' });
    expect(selectionOfCell(result, total, 'users')).toEqual({ kind: 'sessions', measure: 'users' });
    // Means and ratios are not counts of users; a period without sessions has nobody behind it.
    expect(selectionOfCell(result, day, 'meanDuration')).toBeNull();
    expect(selectionOfCell(result, day, 'sessionsPerUser')).toBeNull();
    expect(selectionOfCell(result, empty, 'sessions')).toBeNull();
  });

  it('opens a bar’s users from the chart', () => {
    const series = (sessionsOption(result).series as { data: { selection?: unknown }[] }[])[0];
    expect(series?.data[0]?.selection).toEqual({
      kind: 'sessions',
      period: '2024-01-01',
      measure: 'sessions',
    });
  });
});
