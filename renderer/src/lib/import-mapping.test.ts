import { describe, expect, it } from 'vitest';
import {
  fileName,
  mappedColumn,
  missingFields,
  skippedReasons,
  splitPaths,
  withColumn,
  windowWording,
  withEventName,
} from './import-mapping';

const preview = {
  mapping: { userId: ['user_id', 'device_id'], event: 'event_type', timestamp: '' },
};

describe('import mapping', () => {
  it("reads the analyst's choice over the preset's", () => {
    expect(mappedColumn('userId', {}, preview)).toBe('user_id');
    expect(mappedColumn('userId', { userId: 'account' }, preview)).toBe('account');
    expect(mappedColumn('insertId', {}, preview)).toBe('');
    expect(mappedColumn('event', {}, null)).toBe('');
  });

  it('sets and clears overrides, event column and event name exclusive', () => {
    expect(withColumn({}, 'timestamp', 'happened_at')).toEqual({ timestamp: 'happened_at' });
    expect(withColumn({ timestamp: 'x' }, 'timestamp', '')).toEqual({});
    expect(withColumn({ eventName: 'purchase' }, 'event', 'action')).toEqual({ event: 'action' });
    expect(withEventName({ event: 'action' }, ' purchase ')).toEqual({ eventName: 'purchase' });
    expect(withEventName({ eventName: 'purchase' }, '')).toEqual({});
  });

  it('names the required fields that read no column', () => {
    expect(missingFields(preview, {})).toEqual(['timestamp']);
    expect(missingFields(preview, { timestamp: 'happened_at' })).toEqual([]);
    const noEvent = { mapping: { userId: [], timestamp: 'ts' } };
    expect(missingFields(noEvent, {})).toEqual(['userId', 'event']);
    expect(missingFields(noEvent, { eventName: 'purchase' })).toEqual(['userId']);
    expect(missingFields(null, {})).toEqual([]);
  });

  it('splits pasted paths and words skipped rows', () => {
    expect(splitPaths('/a/b.csv, /c/d.csv\n  /e f/g.parquet \n')).toEqual([
      '/a/b.csv',
      '/c/d.csv',
      '/e f/g.parquet',
    ]);
    expect(splitPaths('/data/a,b.csv')).toEqual(['/data/a,b.csv']);
    expect(splitPaths('C:\\x\\a.csv, D:\\b.csv')).toEqual(['C:\\x\\a.csv', 'D:\\b.csv']);
    expect(fileName('/tmp/x/events.csv')).toBe('events.csv');
    expect(fileName('C:\\x\\events.csv')).toBe('events.csv');
    expect(skippedReasons({ missingUser: 1200, duplicate: 0, missingTimestamp: 2 })).toEqual([
      '1,200 without a user id',
      '2 without a readable timestamp',
    ]);
  });
});

describe('import errors in the window', () => {
  it('points at the form instead of command-line flags', () => {
    expect(
      windowWording(
        'e.csv: no user id column found; columns are: a, b. Say which one holds the user with --map user_id=COLUMN.',
      ),
    ).toBe('e.csv: no user id column found; columns are: a, b. Choose the user id column above.');
    expect(windowWording('x. Say which one holds the time with --map ts=COLUMN.')).toBe(
      'x. Choose the timestamp column above.',
    );
    expect(
      windowWording(
        "x. Map one with --map event=COLUMN, or name every row's event with --event-name NAME (e.g. purchase).",
      ),
    ).toBe('x. Choose the event column above, or “one name for every row”.');
    expect(
      windowWording(
        "x. Map another column (--map timestamp=COLUMN) or give the format (--ts-format '%d/%m/%Y %H:%M').",
      ),
    ).toBe('x. Map another column for the timestamp or give its format (e.g. %d/%m/%Y %H:%M).');
    expect(
      windowWording("x. Say which with --ts-format '%m/%d/%Y' or --ts-format '%d/%m/%Y'."),
    ).toBe('x. Give the timestamp format: %m/%d/%Y or %d/%m/%Y.');
    expect(windowWording('The disk is full.')).toBe('The disk is full.');
  });
});
