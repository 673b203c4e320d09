import { describe, expect, it } from 'vitest';
import { SqlParams } from './params';

describe('SqlParams.compact', () => {
  it('keeps only the values a statement uses, renumbered in order of use', () => {
    const compacted = SqlParams.compact(`SELECT $3, $1 WHERE x = $3 AND path = '$."k"'`, [
      'a',
      'b',
      'c',
    ]);
    expect(compacted).toEqual({
      sql: `SELECT $1, $2 WHERE x = $1 AND path = '$."k"'`,
      values: ['c', 'a'],
    });
  });
});
