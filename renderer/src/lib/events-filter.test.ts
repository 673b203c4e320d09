import { describe, expect, it } from 'vitest';
import { eventsFilterSchema } from '../../../shared/api/browse-types';
import {
  buildEventsFilter,
  draftOf,
  EMPTY_DRAFT,
  isEmptyFilter,
  isNumericType,
  localInput,
  utcTimestamp,
} from './events-filter';

describe('events filter from the filter bar', () => {
  it('gives the empty filter for an empty bar', () => {
    const built = buildEventsFilter(EMPTY_DRAFT);
    expect(built).toEqual({ filter: { users: [], events: [], where: [] } });
    if ('filter' in built) expect(isEmptyFilter(built.filter)).toBe(true);
  });

  it('splits users, de-duplicates events, reads times as UTC', () => {
    const built = buildEventsFilter({
      ...EMPTY_DRAFT,
      users: ' u_1, u_2  u_3 ,',
      events: ['signed_up', 'app_opened', 'signed_up'],
      from: '2024-03-01T09:00',
      to: '2024-03-02T00:00',
    });
    expect(built).toEqual({
      filter: {
        users: ['u_1', 'u_2', 'u_3'],
        events: ['signed_up', 'app_opened'],
        from: '2024-03-01T09:00:00Z',
        to: '2024-03-02T00:00:00Z',
        where: [],
      },
    });
    // What the bar builds is what the contract accepts.
    if ('filter' in built) expect(eventsFilterSchema.parse(built.filter)).toEqual(built.filter);
  });

  it('types condition values by operator and property type', () => {
    const cond = (op: (typeof EMPTY_DRAFT)['op'], value: string, numeric = false) => {
      const built = buildEventsFilter(
        { ...EMPTY_DRAFT, property: 'plan', op, value },
        numeric ? new Set(['plan']) : new Set(),
      );
      return 'filter' in built ? built.filter.where[0] : built;
    };
    expect(cond('=', 'free')).toEqual({
      property: 'plan',
      source: 'event',
      op: '=',
      value: 'free',
    });
    // An id-like text stays text on a text column, becomes a number on a numeric one.
    expect(cond('=', '10')).toMatchObject({ value: '10' });
    expect(cond('=', '10', true)).toMatchObject({ value: 10 });
    expect(cond('>=', '9.5')).toMatchObject({ value: 9.5 });
    expect(cond('in', 'free, pro,,')).toMatchObject({ value: ['free', 'pro'] });
    expect(cond('is set', 'ignored')).toEqual({ property: 'plan', source: 'event', op: 'is set' });
    expect(cond('=', 'true')).toMatchObject({ value: true });
  });

  it('says what is missing instead of sending a broken request', () => {
    expect(buildEventsFilter({ ...EMPTY_DRAFT, property: 'plan', op: '=', value: ' ' })).toEqual({
      problem: 'Give a value for plan.',
    });
    expect(buildEventsFilter({ ...EMPTY_DRAFT, property: 'plan', op: 'in', value: ',' })).toEqual({
      problem: "Give one or more values for 'in'.",
    });
    expect(
      buildEventsFilter({ ...EMPTY_DRAFT, from: '2024-03-02T00:00', to: '2024-03-01T00:00' }),
    ).toEqual({ problem: 'The end of the time range is before its start.' });
  });

  it('reopens the bar with the applied filter', () => {
    const draft = {
      ...EMPTY_DRAFT,
      users: 'u_1',
      events: ['a'],
      from: '2024-03-01T09:00',
      property: 'plan',
      op: 'in' as const,
      value: 'free, pro',
    };
    const built = buildEventsFilter(draft);
    if (!('filter' in built)) throw new Error(built.problem);
    expect(draftOf(built.filter)).toEqual(draft);
  });

  it('converts times both ways and knows numeric types', () => {
    expect(utcTimestamp('2024-03-01')).toBe('2024-03-01T00:00:00Z');
    expect(utcTimestamp('2024-03-01T09:05:07')).toBe('2024-03-01T09:05:07Z');
    expect(utcTimestamp('yesterday')).toBeUndefined();
    expect(localInput('2024-03-01T09:05:00Z')).toBe('2024-03-01T09:05');
    expect(localInput(undefined)).toBe('');
    expect(isNumericType('DOUBLE')).toBe(true);
    expect(isNumericType('DECIMAL(18,3)')).toBe(true);
    expect(isNumericType('VARCHAR')).toBe(false);
  });
});
