import { describe, expect, it } from 'vitest';
import {
  fileName,
  mappedColumn,
  missingFields,
  skippedReasons,
  splitPaths,
  withColumn,
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
