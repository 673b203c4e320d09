import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisFixture } from '../testing/analysis-fixture';
import type { TempWorkspace } from '../testing/temp-workspace';

type Run = Awaited<ReturnType<typeof analysisFixture>>['run'];
const range = (from: string, to: string) => ({ type: 'absolute' as const, from, to });
const use = { event: 'use', where: [] };

describe('lifecycle', () => {
  /**
   * Monday weeks W-1 = 2023-12-25, W0 = 2024-01-01, W1 = 01-08, W2 = 01-15, W3 = 01-22.
   * A: first event (signup) in W-1; use in W0, W1, W3.   B: first event in W1; use in W1, W2.
   * C: use in W-1 and W2.                                  D: first event and use in W0 only.
   */
  const EVENTS = `user_id,event,timestamp
A,signup,2023-12-28T10:00:00Z
C,use,2023-12-27T10:00:00Z
A,use,2024-01-02T10:00:00Z
D,other,2024-01-03T09:00:00Z
D,use,2024-01-03T10:00:00Z
A,use,2024-01-09T10:00:00Z
B,use,2024-01-10T10:00:00Z
B,use,2024-01-16T10:00:00Z
C,use,2024-01-17T10:00:00Z
A,use,2024-01-24T10:00:00Z
`;
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS));
  });
  afterAll(() => ws.close());

  it('splits active users into new, returning, resurrecting and (negative) dormant', async () => {
    const r = await run({
      kind: 'lifecycle',
      version: 1,
      events: use,
      interval: 'week',
      dateRange: range('2024-01-01', '2024-01-28'),
      filters: [],
    });
    expect(r.periods).toEqual(['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22']);
    expect(r.new).toEqual([1, 1, 0, 0]);
    expect(r.returning).toEqual([0, 1, 1, 0]);
    // A is not new in W0: the workspace saw A sign up in W-1.
    expect(r.resurrecting).toEqual([1, 0, 1, 1]);
    expect(r.dormant).toEqual([-1, -1, -1, -2]);
    expect(r.quickRatio).toEqual([2, 1, 1, 0.5]);
  });
});

describe('stickiness', () => {
  const EVENTS = `user_id,event,timestamp
A,use,2024-01-01T09:10:00Z
A,use,2024-01-01T09:50:00Z
A,use,2024-01-02T14:00:00Z
A,use,2024-01-03T08:00:00Z
A,use,2024-01-08T08:00:00Z
B,use,2024-01-01T10:00:00Z
C,use,2024-01-10T12:00:00Z
C,use,2024-01-11T12:00:00Z
`;
  let ws: TempWorkspace;
  let run: Run;
  beforeAll(async () => {
    ({ ws, run } = await analysisFixture(EVENTS));
  });
  afterAll(() => ws.close());
  const spec = {
    kind: 'stickiness' as const,
    version: 1 as const,
    events: use,
    unit: 'day' as const,
    per: 'week' as const,
    minEventsPerUnit: 1,
    cumulative: false,
    dateRange: range('2024-01-01', '2024-01-14'),
    filters: [],
  };

  it('counts users by active days per week, exactly', async () => {
    const r = await run(spec);
    expect(r.buckets).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.periods.map((p) => [p.period, p.users])).toEqual([
      ['2024-01-01', [1, 0, 1, 0, 0, 0, 0]],
      ['2024-01-08', [1, 1, 0, 0, 0, 0, 0]],
    ]);
    expect(r.users).toEqual([2, 1, 1, 0, 0, 0, 0]);
  });

  it('counts "at least N" when cumulative', async () => {
    const r = await run({ ...spec, cumulative: true });
    expect(r.periods.map((p) => p.users.slice(0, 3))).toEqual([
      [2, 1, 1],
      [2, 1, 0],
    ]);
  });

  it('counts a day only with enough events in it', async () => {
    const r = await run({ ...spec, minEventsPerUnit: 2 });
    expect(r.users).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });

  it('counts active hours of a day', async () => {
    const r = await run({
      ...spec,
      unit: 'hour',
      per: 'day',
      dateRange: range('2024-01-01', '2024-01-01'),
    });
    expect(r.buckets).toHaveLength(24);
    expect(r.users.slice(0, 2)).toEqual([2, 0]);
  });
});
