import { describe, expect, it } from 'vitest';
import { importSpec } from './import-spec';

const retention = JSON.stringify({
  kind: 'retention',
  start: { event: 'signed_up' },
  return: { event: 'app_opened' },
  dateRange: { type: 'relative', last: 12, unit: 'week' },
});

describe('importSpec', () => {
  it('opens a hand-written spec of the view’s kind with its defaults filled in', () => {
    const imported = importSpec('retention.json', retention, 'retention');
    expect(imported.ok).toBe(true);
    if (!imported.ok || imported.spec.kind !== 'retention') return;
    // Raw, these were undefined and the builder crashed reading them.
    expect(imported.spec.filters).toEqual([]);
    expect(imported.spec.start.where).toEqual([]);
  });

  it('says what is wrong with a file instead of opening it', () => {
    const message = (name: string, text: string, kind: 'retention' | 'funnel' = 'retention') => {
      const imported = importSpec(name, text, kind);
      return imported.ok ? 'opened' : imported.message;
    };
    expect(message('notes.json', '{"kind": "retention",')).toMatch(
      /^notes\.json is not JSON \(.+\)\. A spec is a JSON object\.$/,
    );
    expect(message('x.json', '"retention"')).toMatch(/^x\.json: This is not an analysis spec/);
    expect(message('x.json', '{"kind":"retention"}')).toMatch(
      /^x\.json: The retention spec has 3 problems: start: .*; return: .*; dateRange: /,
    );
    expect(message('r.json', retention, 'funnel')).toBe(
      'r.json is a retention spec, not a funnel one: import it in the Retention view.',
    );
    expect(message('e.json', '{"kind":"eventTypes"}')).toBe(
      'e.json is an eventTypes spec: the Events view lists event types, and `workbench run e.json` runs it.',
    );
  });
});
