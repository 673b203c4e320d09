import { describe, expect, it } from 'vitest';
import { describeSpec } from './meaning';

describe('the meaning line', () => {
  it('says what a funnel counts', () => {
    expect(
      describeSpec(
        {
          kind: 'funnel',
          version: 1,
          steps: [
            { events: { event: 'signed_up', where: [] }, optional: false },
            {
              events: {
                event: 'report_created',
                where: [{ property: 'plan', source: 'event', op: '=', value: 'pro' }],
              },
              optional: false,
            },
          ],
          order: 'ordered',
          window: { n: 14, unit: 'day' },
          exclusions: [],
          countBy: 'users',
          dateRange: { type: 'absolute', from: '2024-09-01', to: '2024-09-30' },
          filters: [],
          interval: 'week',
        },
        'UTC',
      ),
    ).toBe(
      'Users who did signed_up then report_created (plan = pro) within 14 days, any events between, entry 2024-09-01 – 2024-09-30, UTC',
    );
  });
  it('says what a retention grid counts', () => {
    expect(
      describeSpec(
        {
          kind: 'retention',
          version: 1,
          start: { event: 'signed_up', where: [] },
          return: { event: '$any', where: [] },
          cohort: 'first_time',
          period: 'week',
          periods: 8,
          criterion: 'on',
          time: 'calendar',
          measure: 'users',
          dateRange: { type: 'relative', last: 90, unit: 'day' },
          filters: [],
        },
        'Europe/Paris',
      ),
    ).toBe(
      'Users whose first matching signed_up ever is in last 90 days, who did any event in exactly that period, 8 weeks, calendar weeks, Europe/Paris',
    );
  });
  it('says when users are sampled', () => {
    expect(
      describeSpec(
        {
          kind: 'lifecycle',
          version: 1,
          events: { event: '$any', where: [] },
          interval: 'week',
          dateRange: { type: 'relative', last: 8, unit: 'week' },
          filters: [],
          sample: { fraction: 0.1 },
        },
        'UTC',
      ),
    ).toBe(
      'New, returning, resurrecting and dormant users of any event per week, last 8 weeks, UTC, 10% of users sampled',
    );
  });
});
