import { describe, expect, it } from 'vitest';
import type { EventTypesResult } from '../../../shared/specs/analysis-spec';
import { selectionOfCell } from './cell-selection';
import { gridTable } from './ResultGrid';

describe('users behind an event types cell', () => {
  it('opens the users who did the event from its users count, and nothing else', () => {
    const result: EventTypesResult = {
      kind: 'eventTypes',
      timezone: 'UTC',
      from: null,
      to: null,
      rows: [
        {
          event: 'view',
          events: 3,
          users: 2,
          firstSeen: '2024-01-01T00:00:00Z',
          lastSeen: '2024-01-02T00:00:00Z',
        },
      ],
    };
    const [row] = gridTable(result).rows;
    if (row === undefined) throw new Error('no row');
    expect(selectionOfCell(result, row, 'users')).toEqual({ kind: 'eventTypes', event: 'view' });
    expect(selectionOfCell(result, row, 'events')).toBeNull();
  });
});
