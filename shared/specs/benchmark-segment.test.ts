import { describe, expect, it } from 'vitest';
import { benchmarkSegment } from './benchmark-segment';
import { dynamicSegmentSpecSchema } from './segment';
import { thresholdsSpecSchema } from './thresholds';

const spec = thresholdsSpecSchema.parse({
  kind: 'thresholds',
  startEvent: { event: 'signed_up' },
  observationDays: 7,
});

describe('a benchmark as a segment', () => {
  it('a count over the window is the same question on each user\u2019s own first days', () => {
    const s = benchmarkSegment(
      spec,
      {
        name: 'reports',
        type: 'count',
        events: [{ event: 'report_created', where: [] }],
        per: 'window',
      },
      2.5,
    );
    expect(s.rule).toEqual({
      type: 'event',
      event: { event: 'report_created', where: [] },
      op: 'at least',
      times: 3,
      when: { type: 'sinceStart', from: 0, to: 7, start: { event: 'signed_up', where: [] } },
    });
    expect(dynamicSegmentSpecSchema.parse(s)).toEqual(s);
  });

  it('another metric is its level over the last days, and says so; a segment population stays', () => {
    const s = benchmarkSegment(
      { ...spec, segment: 'seg-1' },
      { name: 'active', type: 'activeDays', events: [{ event: '$any', where: [] }], per: 'week' },
      3,
    );
    expect(s.rule).toEqual({
      all: [
        { type: 'segment', segment: 'seg-1', op: 'in' },
        {
          type: 'metric',
          metric: {
            name: 'active',
            type: 'activeDays',
            events: [{ event: '$any', where: [] }],
            per: 'week',
          },
          days: 7,
          op: '>=',
          value: 3,
        },
      ],
    });
    expect(s.description).toMatch(/rather than each user's first 7/);
    expect(dynamicSegmentSpecSchema.parse(s)).toEqual(s);
  });
});
