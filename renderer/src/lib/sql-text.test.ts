import { describe, expect, it } from 'vitest';
import { insertAt, quoteIdentifier } from './sql-text';

describe('query text edits', () => {
  it('quotes names only when SQL needs it', () => {
    expect(quoteIdentifier('user_id')).toBe('user_id');
    expect(quoteIdentifier('user')).toBe('"user"');
    expect(quoteIdentifier('$insert_id')).toBe('"$insert_id"');
    expect(quoteIdentifier('Plan "A"')).toBe('"Plan ""A"""');
  });

  it('inserts at the cursor, keeping words apart', () => {
    expect(insertAt('SELECT * FROM ', 14, 14, 'events')).toEqual({
      text: 'SELECT * FROM events',
      cursor: 20,
    });
    expect(insertAt('SELECT  FROM events', 7, 7, 'event')).toEqual({
      text: 'SELECT event FROM events',
      cursor: 12,
    });
    expect(insertAt('SELECT x FROM events', 7, 8, 'uid')).toEqual({
      text: 'SELECT uid FROM events',
      cursor: 10,
    });
    expect(insertAt('SELECT', 6, 6, 'uid').text).toBe('SELECT uid');
  });
});
