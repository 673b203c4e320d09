import { describe, expect, it } from 'vitest';
import { parseAnalysisSpec } from './parse-spec';
import type { AnalysisSpec } from './analysis-spec';
import { selectionLabel } from './analyses';

const range = { type: 'absolute', from: '2024-03-04', to: '2024-03-31' };
const spec = (s: Record<string, unknown>): AnalysisSpec => {
  const parsed = parseAnalysisSpec({ dateRange: range, ...s });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.spec;
};

describe('the users panel title', () => {
  it('speaks of a stickiness bucket in the spec’s unit and period, not of "units"', () => {
    const days = spec({ kind: 'stickiness', events: { event: 'play' } });
    expect(selectionLabel({ kind: 'stickiness', bucket: 2, period: '2024-03-04' }, days)).toBe(
      'Users active 2 days in the week of 2024-03-04',
    );
    const hours = spec({
      kind: 'stickiness',
      events: { event: 'play' },
      unit: 'hour',
      per: 'day',
      cumulative: true,
    });
    expect(selectionLabel({ kind: 'stickiness', bucket: 1 }, hours)).toBe(
      'Users active at least 1 hour per day',
    );
    const range = spec({ kind: 'stickiness', events: { event: 'play' }, per: 'range' });
    expect(selectionLabel({ kind: 'stickiness', bucket: 1 }, range)).toBe(
      'Users active 1 day in the range',
    );
    // Over every period (the summed rows): per period.
    expect(selectionLabel({ kind: 'stickiness', bucket: 3 }, days)).toBe(
      'Users active 3 days per week',
    );
    const fortnights = spec({
      kind: 'stickiness',
      events: { event: 'play' },
      per: 'days',
      perDays: 14,
    });
    expect(
      selectionLabel({ kind: 'stickiness', bucket: 5, period: '2024-03-18' }, fortnights),
    ).toBe('Users active 5 days in the 14-day interval from 2024-03-18');
  });

  it('names a retention cell by its cohort and column as the grid heads it', () => {
    const weekly = spec({
      kind: 'retention',
      start: { event: 'signup' },
      return: { event: 'play' },
    });
    expect(selectionLabel({ kind: 'retention', cohort: '2024-03-04', column: 1 }, weekly)).toBe(
      'Users of cohort 2024-03-04 retained in week 1',
    );
    expect(
      selectionLabel({ kind: 'retention', cohort: '2024-03-04', column: 'size' }, weekly),
    ).toBe('Users of cohort 2024-03-04');
    expect(
      selectionLabel(
        { kind: 'retention', cohort: 'mean', column: 2, range: 'previous', breakdown: 'FR' },
        weekly,
      ),
    ).toBe('Users of the complete cohorts (range before) retained in week 2 (FR)');
    // Brackets [1, 3, 7] over 8 weeks: columns 1-2, 3-6, 7-8.
    const brackets = spec({
      kind: 'retention',
      start: { event: 'signup' },
      return: { event: 'play' },
      criterion: 'brackets',
      brackets: [1, 3, 7],
    });
    expect(selectionLabel({ kind: 'retention', cohort: '2024-03-04', column: 1 }, brackets)).toBe(
      'Users of cohort 2024-03-04 retained in weeks 3-6',
    );
    expect(selectionLabel({ kind: 'retention', cohort: '2024-03-04', column: 2 }, brackets)).toBe(
      'Users of cohort 2024-03-04 retained in weeks 7-8',
    );
    const later = spec({
      kind: 'retention',
      start: { event: 'signup' },
      return: { event: 'play' },
      period: 'day',
      criterion: 'on_or_after',
    });
    expect(selectionLabel({ kind: 'retention', cohort: '2024-03-04', column: 3 }, later)).toBe(
      'Users of cohort 2024-03-04 retained in day 3 or later',
    );
  });

  it('says whom every other kind’s number stands for', () => {
    const funnel = spec({
      kind: 'funnel',
      steps: [{ events: { event: 'view' } }, { events: { event: 'buy' } }],
      countBy: 'sessions',
    });
    expect(selectionLabel({ kind: 'funnel', step: 2, outcome: 'dropped' }, funnel)).toBe(
      'Users who dropped before step 2: buy',
    );
    expect(
      selectionLabel({ kind: 'funnel', step: 1, outcome: 'converted', breakdown: 'pro' }, funnel),
    ).toBe('Users who reached step 1: view (pro)');
    expect(
      selectionLabel(
        {
          kind: 'funnel',
          step: 2,
          outcome: 'converted',
          breakdown: ['pro', 'FR'],
          period: '2024-03-11',
        },
        funnel,
      ),
    ).toBe('Users who reached step 2: buy (pro · FR), entering in 2024-03-11');
    const trends = spec({
      kind: 'trends',
      series: [{ events: { event: 'play' } }, { events: { event: 'buy' } }],
      interval: 'week',
    });
    expect(selectionLabel({ kind: 'trends', series: 1, period: '2024-03-11' }, trends)).toBe(
      'Users who did buy in the week of 2024-03-11, series 2',
    );
    // One series needs no number; a named one goes by its name.
    const one = spec({ kind: 'trends', series: [{ events: { event: 'play' }, label: 'players' }] });
    expect(selectionLabel({ kind: 'trends', period: '2024-03-11' }, one)).toBe(
      'Users who did play on 2024-03-11 (players)',
    );
    const hourly = spec({
      kind: 'trends',
      series: [{ events: { event: 'play' } }],
      interval: 'hour',
    });
    expect(selectionLabel({ kind: 'trends', period: '2024-03-11 13:00' }, hourly)).toBe(
      'Users who did play at 2024-03-11 13:00',
    );
    const lifecycle = spec({ kind: 'lifecycle', events: { event: 'play' }, interval: 'month' });
    expect(
      selectionLabel(
        { kind: 'lifecycle', status: 'resurrecting', period: '2024-03-01' },
        lifecycle,
      ),
    ).toBe('Resurrecting users in the month of 2024-03-01');
    const backward = spec({ kind: 'paths', end: { event: 'buy' } });
    expect(selectionLabel({ kind: 'paths', step: 0, event: 'buy' }, backward)).toBe(
      'Users who did buy at the end',
    );
    expect(selectionLabel({ kind: 'paths', step: -2, event: 'cart' }, backward)).toBe(
      'Users who did cart 2 steps before the end',
    );
    expect(selectionLabel({ kind: 'paths', step: 3, event: 'cart' })).toBe(
      'Users who did cart at step 3',
    );
    expect(selectionLabel({ kind: 'eventTypes', event: 'play' })).toBe('Users who did play');
    const sessions = spec({ kind: 'sessions' });
    expect(
      selectionLabel({ kind: 'sessions', measure: 'bounced', period: '2024-03-04' }, sessions),
    ).toBe('Users with a bounced session on 2024-03-04');
    expect(selectionLabel({ kind: 'sessions', measure: 'users' })).toBe('Users with a session');
  });
});
