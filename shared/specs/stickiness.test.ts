import { describe, expect, it } from 'vitest';
import { issueLines } from './strict';
import { stickinessMeaning, stickinessSpecSchema, stickinessTable } from './stickiness';

const base = {
  kind: 'stickiness',
  events: { event: 'use' },
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-03-31' },
};
const parse = (extra: object) => stickinessSpecSchema.parse({ ...base, ...extra });
const problems = (extra: object): string[] => {
  const r = stickinessSpecSchema.safeParse({ ...base, ...extra });
  return r.success ? [] : issueLines(r.error.issues);
};

describe('the stickiness spec', () => {
  it('keeps specs saved before any interval: days per week, at least 1 event', () => {
    const spec = parse({ minEventsPerUnit: 2 });
    expect(spec).toMatchObject({
      unit: 'day',
      per: 'week',
      minEventsPerUnit: 2,
      cumulative: false,
    });
    expect(spec.maxEventsPerUnit).toBeUndefined();
    expect(spec.perDays).toBeUndefined();
  });

  it('counts units only per periods they nest in', () => {
    expect(problems({ unit: 'week', per: 'month' })).toEqual([
      'per: weeks are counted per range, not per month',
    ]);
    expect(problems({ unit: 'day', per: 'day' })).toEqual([
      'per: count days per week or month, or hours per day',
    ]);
    expect(problems({ unit: 'month', per: 'year' })).toEqual([]);
    expect(problems({ unit: 'hour', per: 'range' })).toEqual([]);
  });

  it('needs the length of an N-day interval, and only there', () => {
    expect(problems({ per: 'days' })).toEqual([
      "perDays: per 'days' needs perDays, the length of each interval (2 to 366 days)",
    ]);
    expect(problems({ perDays: 14 })).toEqual(["perDays: perDays applies only with per 'days'"]);
    expect(problems({ per: 'days', perDays: 1 })[0]).toMatch(/^perDays: /);
    expect(parse({ per: 'days', perDays: 14 }).perDays).toBe(14);
  });

  it('refuses at most fewer events than at least', () => {
    expect(problems({ minEventsPerUnit: 3, maxEventsPerUnit: 2 })).toEqual([
      'maxEventsPerUnit: at most 2 events is fewer than the minimum of 3',
    ]);
  });

  it('says what is counted, per what, and which units count', () => {
    expect(stickinessMeaning(parse({}), 'UTC')).toBe(
      'Users by the number of days per week they did use, 2024-01-01 – 2024-03-31, UTC',
    );
    expect(stickinessMeaning(parse({ per: 'range', cumulative: true }), 'UTC')).toBe(
      'Users by the number of days in the range they did use, cumulative (at least N), 2024-01-01 – 2024-03-31, UTC',
    );
    expect(stickinessMeaning(parse({ per: 'days', perDays: 14, minEventsPerUnit: 3 }), 'UTC')).toBe(
      "Users by the number of days per 14-day interval from the range's first day they did use, counting a day with at least 3 such events, 2024-01-01 – 2024-03-31, UTC",
    );
    const words = (min: number, max?: number): string =>
      stickinessMeaning(
        parse({ unit: 'hour', per: 'day', minEventsPerUnit: min, maxEventsPerUnit: max }),
        'UTC',
      );
    expect(words(1, 2)).toContain(', counting an hour with at most 2 such events,');
    expect(words(2, 2)).toContain(', counting an hour with exactly 2 such events,');
    expect(words(2, 5)).toContain(', counting an hour with 2 to 5 such events,');
  });

  it('lays one period out without a summed row', () => {
    const table = stickinessTable({
      kind: 'stickiness',
      timezone: 'UTC',
      unit: 'week',
      per: 'range',
      perDays: null,
      cumulative: false,
      eventsPerUnit: { min: 1, max: null },
      buckets: [1, 2],
      users: [3, 1],
      distinctUsers: [3, 1],
      periods: [
        {
          period: '2024-01-03',
          to: '2024-01-10',
          incomplete: true,
          units: 2,
          possible: 2,
          users: [3, 1],
        },
      ],
      sampled: null,
    });
    expect(table.columns).toEqual(['period', 'to', 'incomplete', 'possibleUnits', '1', '2']);
    expect(table.rows).toEqual([
      { period: '2024-01-03', to: '2024-01-10', incomplete: true, possibleUnits: 2, 1: 3, 2: 1 },
    ]);
  });
});
