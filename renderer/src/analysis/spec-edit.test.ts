import { describe, expect, it } from 'vitest';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';
import { defaultSpec, lastDaysOfData } from './defaults';
import { withOptional } from './spec-edit';

const info = {
  range: { from: '2024-01-10T08:00:00.000Z', to: '2024-03-31T22:00:00.000Z' },
  days: { from: '2024-01-10', to: '2024-03-31' },
  today: '2024-04-02',
  eventTypes: [
    { event: 'open', events: 10, users: 3, firstSeen: '', lastSeen: '' },
    { event: 'buy', events: 2, users: 1, firstSeen: '', lastSeen: '' },
  ],
} as unknown as WorkspaceInfo;

describe('spec editing', () => {
  it('removes an optional field instead of setting it to undefined', () => {
    const spec = { kind: 'trends', breakdown: { property: 'plan' } };
    const without = withOptional(spec, 'breakdown', undefined);
    expect(without).toEqual({ kind: 'trends' });
    expect('breakdown' in without).toBe(false);
    expect(withOptional(without, 'breakdown', { property: 'country' })).toEqual({
      kind: 'trends',
      breakdown: { property: 'country' },
    });
  });

  it('starts from the last days of the data, not of the calendar, clipped to its first day', () => {
    expect(lastDaysOfData(info, 30)).toEqual({
      type: 'absolute',
      from: '2024-03-02',
      to: '2024-03-31',
    });
    expect(lastDaysOfData(info, 365)).toEqual({
      type: 'absolute',
      from: '2024-01-10',
      to: '2024-03-31',
    });
  });

  it('builds a first funnel from the most frequent events', () => {
    const spec = defaultSpec('funnel', info);
    expect(spec.kind === 'funnel' && spec.steps.map((s) => s.events.event)).toEqual([
      'open',
      'buy',
      '$any',
    ]);
  });
});
