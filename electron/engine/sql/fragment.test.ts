import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { and, ident, join, or, query, raw, render, sql, withCtes } from './fragment';

describe('SQL fragments', () => {
  it('numbers the values of nested fragments once, in the order they appear', () => {
    const name = sql`e.event = ${'signed_up'}`;
    const since = sql`e.ts >= ${'2024-03-01'}`;
    const statement = sql`SELECT count(*) FROM events e WHERE ${and([name, since])} AND e.uid < ${10}`;
    expect(render(statement)).toEqual({
      text: 'SELECT count(*) FROM events e WHERE (e.event = $1) AND (e.ts >= $2) AND e.uid < $3',
      values: ['signed_up', '2024-03-01', 10],
    });
    // The same fragment used twice binds its value twice: no renumbering by hand.
    expect(render(sql`${name} OR ${name}`)).toEqual({
      text: 'e.event = $1 OR e.event = $2',
      values: ['signed_up', 'signed_up'],
    });
  });

  it('writes text only from the engine: identifiers quoted, a user string always a parameter', () => {
    const hostile = `x'; DROP TABLE events; --`;
    expect(render(sql`SELECT ${ident('we"ird')} FROM t WHERE a = ${hostile}`)).toEqual({
      text: 'SELECT "we""ird" FROM t WHERE a = $1',
      values: [hostile],
    });
    expect(render(sql`${null}`).text).toBe('NULL');
    expect(render(and([])).text).toBe('TRUE');
    expect(render(or([])).text).toBe('FALSE');
    expect(render(join([raw('a'), raw('b'), raw('c')], ' + ')).text).toBe('a + b + c');
    expect(render(join([])).text).toBe('');
  });

  it('runs on DuckDB with readable CTE names', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      const rows = await query(
        c,
        withCtes(
          [
            ['numbers', sql`SELECT range AS n FROM range(${10})`],
            ['evens', sql`SELECT n FROM numbers WHERE n % ${2} = 0`],
          ],
          sql`SELECT count(*) AS n, ${'label'} AS label FROM evens WHERE n > ${2}`,
        ),
      );
      expect(rows).toEqual([{ n: 3, label: 'label' }]);
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });
});
