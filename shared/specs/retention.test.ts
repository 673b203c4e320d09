import { describe, expect, it } from 'vitest';
import {
  retentionMeaning,
  retentionSelectionSchema,
  retentionSpecSchema,
  retentionTable,
  type RetentionCohort,
  type RetentionSpec,
} from './retention';

const spec = (extra: Record<string, unknown>): RetentionSpec =>
  retentionSpecSchema.parse({
    kind: 'retention',
    start: { event: 'signed_up' },
    return: { event: 'purchase' },
    dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-31' },
    ...extra,
  });

describe('retention spec', () => {
  it('says which start event makes the cohort, and every option that changes a number', () => {
    expect(retentionMeaning(spec({}), 'UTC')).toBe(
      'Users whose first matching signed_up ever is in 2024-01-01 – 2024-01-31, who did purchase in exactly that period, 8 weeks, calendar weeks, UTC',
    );
    expect(
      retentionMeaning(
        spec({
          cohort: 'first_ever',
          filters: [{ property: 'plan', op: '=', value: 'pro' }],
          period: 'hour',
          periods: 24,
          minOccurrences: 3,
          measure: 'avg',
          property: 'revenue',
          propertySource: 'user',
          breakdown: { property: 'country' },
          compare: true,
        }),
        'Europe/Paris',
      ),
    ).toBe(
      'Average of user revenue per cohort user whose first signed_up ever is in 2024-01-01 – 2024-01-31 and passes the filters, who did purchase at least 3 times a period in exactly that period, 24 hours, calendar hours, by country (returns with the same value), where plan = pro, compared with the range before, Europe/Paris',
    );
    expect(
      retentionMeaning(spec({ cohort: 'recurring', time: 'rolling', period: 'day' }), 'UTC'),
    ).toContain('with a signed_up in 2024-01-01 – 2024-01-31, per period');
  });

  it('refuses what would be ignored or meaningless', () => {
    expect(() => spec({ minOccurrences: 0 })).toThrow();
    expect(() => spec({ propertySource: 'user' })).toThrow(/propertySource needs a property/);
    expect(() => spec({ compre: true })).toThrow(/did you mean compare/);
  });

  it('selects any cell: a cohort or the mean row, a column or the size, either range', () => {
    const ok = (s: unknown) => retentionSelectionSchema.safeParse(s).success;
    expect(ok({ kind: 'retention', cohort: '2024-01-01', column: 3 })).toBe(true);
    expect(ok({ kind: 'retention', cohort: '2024-01-01 13:00', column: 'size' })).toBe(true);
    expect(ok({ kind: 'retention', cohort: 'mean', column: 1, range: 'previous' })).toBe(true);
    expect(ok({ kind: 'retention', cohort: 'everyone', column: 1 })).toBe(false);
    expect(ok({ kind: 'retention', cohort: '2024-01-01', column: 101 })).toBe(false);
  });
});

describe('retention table', () => {
  const cohort = (name: string, incomplete: boolean[]): RetentionCohort => ({
    cohort: name,
    size: 4,
    values: incomplete.map(() => 2),
    percentages: incomplete.map(() => 0.5),
    incomplete,
  });

  it('says per cohort row how many columns, from the first, hold final numbers', () => {
    const table = retentionTable({
      kind: 'retention',
      timezone: 'UTC',
      period: 'day',
      time: 'calendar',
      criterion: 'on_or_after',
      measure: 'users',
      columns: ['0', '1', '2'],
      groups: [
        {
          breakdown: 'pro',
          cohorts: [
            cohort('2024-01-01', [false, false, false]),
            cohort('2024-01-02', [false, false, true]),
            // On or after: the last day not over leaves every cell open.
            cohort('2024-01-03', [true, true, true]),
          ],
          mean: { values: [2, 2, 2], percentages: [0.5, 0.5, 0.5] },
        },
      ],
      sampled: null,
    });
    expect(table.columns).toEqual([
      'breakdown',
      'cohort',
      'size',
      'completeColumns',
      '0',
      '1',
      '2',
    ]);
    expect(table.rows.map((r) => [r.cohort, r.completeColumns])).toEqual([
      ['2024-01-01', 3],
      ['2024-01-02', 2],
      ['2024-01-03', 0],
      ['mean', null],
    ]);
  });
});
