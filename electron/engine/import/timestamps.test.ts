import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, queryRows } from '../duckdb/database';
import { literal } from '../duckdb/sql';
import {
  detectTimestampFormat,
  timestampKind,
  timestampSql,
  type TimestampKind,
} from './timestamps';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await connect(instance);
});
afterAll(() => instance.closeSync());

/** The UTC timestamp a value reads as, to the microsecond, or null. */
async function utc(
  valueSql: string,
  kind: TimestampKind,
  zone = 'UTC',
  format?: string,
): Promise<string | null> {
  const [row] = await queryRows(
    c,
    `SELECT strftime(${timestampSql('v', kind, zone, format)}, '%Y-%m-%d %H:%M:%S.%f') AS t FROM (SELECT ${valueSql} AS v)`,
  );
  return (row?.t as string | null) ?? null;
}

describe('timestamp forms', () => {
  it.each([
    ['ISO with Z', `'2024-03-01T10:00:00Z'`, '2024-03-01 10:00:00.000000'],
    ['ISO with offset', `'2024-03-01T12:00:00+02:00'`, '2024-03-01 10:00:00.000000'],
    ['ISO with compact offset', `'2024-03-01T05:30:00-0430'`, '2024-03-01 10:00:00.000000'],
    ['space and UTC suffix (REES46)', `'2019-10-01 00:00:00 UTC'`, '2019-10-01 00:00:00.000000'],
    [
      'PostHog +00:00 with microseconds',
      `'2024-03-01 10:00:00.123456+00:00'`,
      '2024-03-01 10:00:00.123456',
    ],
    ['naive ISO is UTC by default', `'2024-03-01 10:00:00'`, '2024-03-01 10:00:00.000000'],
    ['date only', `'2024-03-01'`, '2024-03-01 00:00:00.000000'],
    ['epoch seconds as text', `'1709287200'`, '2024-03-01 10:00:00.000000'],
    ['epoch seconds with fraction', `'1709287200.25'`, '2024-03-01 10:00:00.250000'],
    ['epoch milliseconds as text', `'1709287200123'`, '2024-03-01 10:00:00.123000'],
    ['epoch microseconds as text (GA4 JSON)', `'1709287200123456'`, '2024-03-01 10:00:00.123456'],
    ['epoch nanoseconds as text', `'1709287200123456789'`, '2024-03-01 10:00:00.123457'],
    ['empty text', `''`, null],
  ])('%s', async (_name, value, expected) => {
    expect(await utc(value, 'text')).toBe(expected);
  });

  it.each([
    ['seconds', '1709287200::BIGINT', 'integer', '2024-03-01 10:00:00.000000'],
    ['milliseconds', '1709287200123::BIGINT', 'integer', '2024-03-01 10:00:00.123000'],
    ['microseconds (GA4)', '1605937059520352::BIGINT', 'integer', '2020-11-21 05:37:39.520352'],
    ['nanoseconds', '1709287200123456789::BIGINT', 'integer', '2024-03-01 10:00:00.123456'],
    [
      'fractional seconds (Mixpanel)',
      '1709373600.5::DOUBLE',
      'decimal',
      '2024-03-02 10:00:00.500000',
    ],
    [
      'TIMESTAMPTZ',
      `TIMESTAMPTZ '2024-03-01 12:00:00+02'`,
      'timestamptz',
      '2024-03-01 10:00:00.000000',
    ],
    ['DATE', `DATE '2024-03-01'`, 'timestamp', '2024-03-01 00:00:00.000000'],
  ] as const)('typed %s', async (_name, value, kind, expected) => {
    expect(await utc(value, kind)).toBe(expected);
  });

  it('reads wall-clock times in the stated source zone, DST included', async () => {
    // London is UTC+0 in winter and UTC+1 (BST) from 2011-03-27.
    expect(await utc(`TIMESTAMP '2011-01-10 09:00:00'`, 'timestamp', 'Europe/London')).toBe(
      '2011-01-10 09:00:00.000000',
    );
    expect(await utc(`TIMESTAMP '2011-06-10 09:00:00'`, 'timestamp', 'Europe/London')).toBe(
      '2011-06-10 08:00:00.000000',
    );
    expect(await utc(`'2024-07-01 09:00:00'`, 'text', 'America/New_York')).toBe(
      '2024-07-01 13:00:00.000000',
    );
    // An explicit offset wins over the source zone.
    expect(await utc(`'2024-07-01T09:00:00Z'`, 'text', 'America/New_York')).toBe(
      '2024-07-01 09:00:00.000000',
    );
  });

  it('uses a strptime format for other text forms', async () => {
    expect(await utc(`'13/01/2024 08:30'`, 'text', 'UTC', '%d/%m/%Y %H:%M')).toBe(
      '2024-01-13 08:30:00.000000',
    );
    expect(await utc(`'yesterday'`, 'text', 'UTC', '%d/%m/%Y %H:%M')).toBeNull();
  });

  it('classifies DuckDB types', () => {
    expect(timestampKind('TIMESTAMP WITH TIME ZONE')).toBe('timestamptz');
    expect(timestampKind('TIMESTAMP_NS')).toBe('timestamp');
    expect(timestampKind('BIGINT')).toBe('integer');
    expect(timestampKind('DOUBLE')).toBe('decimal');
    expect(timestampKind('VARCHAR')).toBe('text');
  });
});

describe('format detection', () => {
  const values = (list: string[]): string =>
    `SELECT * FROM (VALUES ${list.map((v) => `(${literal(v)})`).join(', ')})`;

  it('needs no format for ISO text', async () => {
    expect(
      await detectTimestampFormat(
        c,
        values(['2024-01-01 10:00:00', '2024-01-02T10:00:00Z']),
        'f.csv',
        't',
      ),
    ).toBeUndefined();
  });
  it('settles day/month order from a day above 12', async () => {
    expect(
      await detectTimestampFormat(c, values(['12/1/2010 8:26', '12/13/2010 9:01']), 'f.csv', 't'),
    ).toBe('%m/%d/%Y %H:%M');
    expect(
      await detectTimestampFormat(
        c,
        values(['01/02/2020 10:00', '25/02/2020 10:00']),
        'f.csv',
        't',
      ),
    ).toBe('%d/%m/%Y %H:%M');
  });
  it('asks when day and month cannot be told apart', async () => {
    await expect(
      detectTimestampFormat(c, values(['01/02/2020 10:00', '03/04/2020 11:00']), 'f.csv', 't'),
    ).rejects.toMatchObject({
      code: 'BAD_TIMESTAMP',
      message: expect.stringContaining('--ts-format'),
    });
  });
  it('refuses values that are not times at all, quoting them', async () => {
    await expect(
      detectTimestampFormat(c, values(['2024-01-01', 'soon']), 'f.csv', 't'),
    ).rejects.toMatchObject({
      code: 'BAD_TIMESTAMP',
      message: expect.stringContaining("'soon'"),
    });
  });
});
