import { describe, expect, it } from 'vitest';
import type { RetentionResult } from '../specs/retention';
import type { TrendsResult, TrendsSpec } from '../specs/trends';
import type { FunnelResult } from '../specs/funnel';
import type { StickinessResult } from '../specs/stickiness';
import { columnHeader, formatAs, formatResultCell, resultColumns } from './columns';

describe('columnHeader', () => {
  it('turns camelCase ids into headers people read', () => {
    expect(columnHeader('conversionFromFirst')).toBe('Conversion from first');
    expect(columnHeader('medianSecondsFromPrevious')).toBe('Median time from previous');
    expect(columnHeader('sessionsPerUser')).toBe('Sessions per user');
    expect(columnHeader('users')).toBe('Users');
    expect(columnHeader('2024-03-04')).toBe('2024-03-04');
    expect(columnHeader('>=3')).toBe('>=3');
  });
});

describe('formatAs', () => {
  it('formats a cell by its column’s kind', () => {
    expect(formatAs('count', 12345)).toBe('12,345');
    expect(formatAs('percent', 0.763)).toBe('76.3%');
    expect(formatAs('duration', 697_774.13)).toBe('8d 1h');
    expect(formatAs('value', 1600.1200000000003)).toBe('1,600.12');
    expect(formatAs('date', '2024-03-04')).toBe('2024-03-04');
    expect(formatAs('text', true)).toBe('yes');
    expect(formatAs('count', null)).toBe('–');
  });
});

const time = { mean: null, median: null, p25: null, p75: null, p95: null, histogram: [] };

describe('resultColumns', () => {
  it('gives a funnel’s columns their kinds and headers', () => {
    const result: FunnelResult = {
      kind: 'funnel',
      timezone: 'UTC',
      countBy: 'users',
      histogramEdges: [0],
      groups: [
        {
          steps: [
            {
              label: 'open',
              optional: false,
              count: 10,
              fromFirst: 1,
              fromPrevious: 1,
              dropped: 0,
              fromPreviousTime: time,
              fromFirstTime: { ...time, median: 200 },
            },
          ],
        },
      ],
      overTime: [],
      sampled: null,
    };
    const columns = resultColumns(result);
    expect(columns.map((c) => [c.id, c.header, c.kind])).toEqual([
      ['step', 'Step', 'count'],
      ['label', 'Step name', 'text'],
      ['users', 'Users', 'count'],
      ['conversionFromFirst', 'Conversion from first', 'percent'],
      ['conversionFromPrevious', 'Conversion from previous', 'percent'],
      ['dropped', 'Dropped', 'count'],
      ['medianSecondsFromPrevious', 'Median time from previous', 'duration'],
      ['medianSecondsFromFirst', 'Median time from first', 'duration'],
    ]);
    const first = columns.find((c) => c.id === 'medianSecondsFromFirst');
    if (first === undefined) throw new Error('no column');
    expect(formatResultCell(first, 0, 200)).toEqual({ text: '3m 20s' });
  });

  it('formats each trend series by its measure, from the spec', () => {
    const result: TrendsResult = {
      kind: 'trends',
      timezone: 'UTC',
      interval: 'week',
      periods: ['2024-03-04'],
      incomplete: [false],
      series: [
        { series: 0, label: 'users', values: [4322], total: 17898 },
        { series: 1, label: 'revenue', values: [1686.6600000000003], total: 33640.37 },
        { series: 2, label: 'DAU/MAU', values: [0.11], total: null },
      ],
      sampled: null,
    };
    const ev = { event: '$any', where: [] };
    const spec: TrendsSpec = {
      kind: 'trends',
      version: 1,
      interval: 'week',
      dateRange: { type: 'absolute', from: '2024-03-04', to: '2024-03-10' },
      filters: [],
      formulas: [],
      compare: false,
      display: { chart: 'line', cumulative: false },
      series: [
        { events: ev, measure: 'uniqueUsers' },
        { events: ev, measure: 'sum', property: 'revenue' },
        { events: ev, measure: 'stickiness' },
      ],
    };
    const column = resultColumns(result, spec).find((c) => c.id === '2024-03-04');
    if (column === undefined) throw new Error('no column');
    expect(column.rowKinds).toEqual(['count', 'value', 'percent']);
    expect([4322, 1686.6600000000003, 0.11].map((v, i) => formatResultCell(column, i, v))).toEqual([
      { text: '4,322' },
      { text: '1,686.66' },
      { text: '11.0%' },
    ]);
    // Without the spec the measures are unknown: values, still without float noise.
    const plain = resultColumns(result).find((c) => c.id === '2024-03-04');
    expect(plain?.kind).toBe('value');
    expect(plain?.rowKinds).toBeUndefined();
  });

  it('names retention periods and shows each count’s share of its cohort', () => {
    const result: RetentionResult = {
      kind: 'retention',
      timezone: 'UTC',
      period: 'week',
      time: 'calendar',
      criterion: 'on',
      measure: 'users',
      columns: ['0', '1'],
      groups: [
        {
          cohorts: [
            {
              cohort: '2024-03-04',
              size: 1831,
              values: [1831, 1203],
              percentages: [1, 0.657],
              incomplete: [false, false],
            },
            {
              cohort: '2024-03-11',
              size: 11,
              values: [11, null],
              percentages: [1, null],
              incomplete: [false, true],
            },
          ],
          mean: { values: [921, 1203], percentages: [1, 0.657] },
        },
      ],
      sampled: null,
    };
    const columns = resultColumns(result);
    expect(columns.map((c) => [c.header, c.kind])).toEqual([
      ['Cohort', 'date'],
      ['Size', 'count'],
      ['Complete columns', 'count'],
      ['Week 0', 'count'],
      ['Week 1', 'count'],
    ]);
    const week1 = columns[4];
    if (week1 === undefined) throw new Error('no column');
    expect(formatResultCell(week1, 0, 1203)).toEqual({ text: '1,203', share: '65.7%' });
    expect(formatResultCell(week1, 1, null)).toEqual({ text: '–' });
    expect(formatResultCell(week1, 2, 653.3636)).toEqual({ text: '653.4', share: '65.7%' });

    const brackets = resultColumns({
      ...result,
      measure: 'sum',
      period: 'day',
      columns: ['1-2', '3+'],
    });
    expect(brackets.map((c) => [c.header, c.kind, c.shares])).toEqual([
      ['Cohort', 'date', undefined],
      ['Size', 'count', undefined],
      ['Complete columns', 'count', undefined],
      ['Days 1-2', 'value', undefined],
      ['Days 3+', 'value', undefined],
    ]);
  });

  it('gives stickiness periods their dates, their cut flag and their possible units', () => {
    const result: StickinessResult = {
      kind: 'stickiness',
      timezone: 'UTC',
      unit: 'day',
      per: 'week',
      perDays: null,
      cumulative: false,
      eventsPerUnit: { min: 1, max: null },
      buckets: [1, 2],
      users: [1500, 7],
      distinctUsers: [1200, 7],
      periods: [
        {
          period: '2024-03-04',
          to: '2024-03-10',
          incomplete: false,
          units: 7,
          possible: 7,
          users: [1000, 5],
        },
        {
          period: '2024-03-11',
          to: '2024-03-14',
          incomplete: true,
          units: 7,
          possible: 4,
          users: [500, 2],
        },
      ],
      sampled: null,
    };
    const columns = resultColumns(result);
    expect(columns.map((c) => [c.id, c.header, c.kind])).toEqual([
      ['period', 'Period', 'date'],
      ['to', 'To', 'date'],
      ['incomplete', 'Incomplete', 'text'],
      ['possibleUnits', 'Possible days', 'count'],
      ['1', '1 day', 'count'],
      ['2', '2 days', 'count'],
    ]);
    const cell = (id: string, row: number, value: unknown) => {
      const column = columns.find((c) => c.id === id);
      if (column === undefined) throw new Error(`no column ${id}`);
      return formatResultCell(column, row, value).text;
    };
    expect(cell('to', 1, '2024-03-14')).toBe('2024-03-14');
    expect(cell('incomplete', 1, true)).toBe('yes');
    expect(cell('possibleUnits', 1, 4)).toBe('4');
    expect(cell('possibleUnits', 2, 1234)).toBe('1,234');
    // The summed rows have no period of their own.
    expect(cell('incomplete', 2, null)).toBe('–');
  });
});
