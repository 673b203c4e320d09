import { describe, expect, it } from 'vitest';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';
import { parseAnalysisSpec } from '../../../shared/specs/parse-spec';
import { defaultSpec } from './defaults';
import { KIND_VIEWS, type ViewKind } from './kinds';

const info = {
  days: { from: '2024-01-01', to: '2024-03-31' },
  today: '2026-12-01',
  eventTypes: [{ event: 'signed_up' }, { event: 'app_opened' }, { event: 'purchase' }],
} as unknown as WorkspaceInfo;

describe('first specs', () => {
  it('are valid specs of every kind, their other fields the schema defaults', () => {
    for (const kind of Object.keys(KIND_VIEWS) as ViewKind[]) {
      const spec = defaultSpec(kind, info);
      expect(parseAnalysisSpec(spec)).toEqual({ ok: true, spec });
    }
  });

  it('start from the data: its last days and its most frequent events', () => {
    const funnel = defaultSpec('funnel', info);
    if (funnel.kind !== 'funnel') throw new Error('funnel expected');
    expect(funnel.steps.map((s) => s.events.event)).toEqual([
      'signed_up',
      'app_opened',
      'purchase',
    ]);
    expect(funnel.dateRange).toEqual({ type: 'absolute', from: '2024-03-02', to: '2024-03-31' });
    // The schema's defaults, not a second copy: 14 days, in order, counting users.
    expect(funnel.window).toEqual({ n: 14, unit: 'day' });
    expect([funnel.order, funnel.countBy]).toEqual(['ordered', 'users']);
    const retention = defaultSpec('retention', info);
    if (retention.kind !== 'retention') throw new Error('retention expected');
    expect(retention.dateRange).toEqual({ type: 'absolute', from: '2024-01-02', to: '2024-03-31' });
  });
});
