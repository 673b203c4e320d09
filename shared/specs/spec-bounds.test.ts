import { describe, expect, it } from 'vitest';
import { analysisSpecSchema } from './analysis-spec';
import { userSelectionSchema } from './users-behind';

const dateRange = { type: 'absolute', from: '2024-01-01', to: '2024-01-31' } as const;

/** The issues of a spec the schema must refuse: path and message of each. */
function issues(schema: typeof analysisSpecSchema | typeof userSelectionSchema, value: unknown) {
  const parsed = schema.safeParse(value);
  expect(parsed.success, JSON.stringify(value)).toBe(false);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('numbers a spec can hold are bounded, and the refusal names the field', () => {
  it('a filter value of 1e308 (bound as an integer it overflowed: INTERNAL)', () => {
    const spec = {
      kind: 'trends',
      series: [{ events: { event: 'a' } }],
      dateRange,
      filters: [{ property: 'amount', op: '>', value: 1e308 }],
    };
    expect(issues(analysisSpecSchema, spec)).toEqual([
      'filters.0.value: a number in a condition is at most 9,007,199,254,740,991',
    ]);
    const inList = {
      ...spec,
      filters: [{ property: 'amount', op: 'in', value: [1, -1e300] }],
    };
    expect(issues(analysisSpecSchema, inList)[0]).toMatch(/^filters\.0\.value\.1: .*at least/);
  });

  it('a funnel window of 2^31 months', () => {
    const spec = {
      kind: 'funnel',
      steps: [{ events: { event: 'a' } }, { events: { event: 'b' } }],
      window: { n: 2 ** 31, unit: 'month' },
      dateRange,
    };
    expect(issues(analysisSpecSchema, spec)).toEqual([
      'window.n: a window is at most 10 years (121 months), not 2,147,483,648',
    ]);
    const ok = { ...spec, window: { n: 120, unit: 'month' } };
    expect(analysisSpecSchema.safeParse(ok).success).toBe(true);
  });

  it("a step's own window, a stickiness threshold and retention brackets", () => {
    const funnel = {
      kind: 'funnel',
      steps: [
        { events: { event: 'a' } },
        { events: { event: 'b' }, within: { n: 2 ** 52, unit: 'second' } },
      ],
      dateRange,
    };
    expect(issues(analysisSpecSchema, funnel)[0]).toMatch(/^steps\.1\.within\.n: /);
    const stickiness = {
      kind: 'stickiness',
      events: { event: 'a' },
      dateRange,
      minEventsPerUnit: 2 ** 52,
    };
    expect(issues(analysisSpecSchema, stickiness)[0]).toMatch(/^minEventsPerUnit: /);
  });

  it('the number a user clicked (a funnel step of 2^52 was a binder error)', () => {
    expect(issues(userSelectionSchema, { kind: 'funnel', step: 2 ** 52 })).toEqual([
      'step: a funnel has at most 20 steps',
    ]);
  });
});
