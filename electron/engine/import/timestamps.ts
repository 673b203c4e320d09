import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import { queryRows } from '../duckdb/database';
import { literal } from '../duckdb/sql';

/**
 * Everything becomes a UTC TIMESTAMP:
 * - TIMESTAMP WITH TIME ZONE and text with an offset (Z, +02:00, ' UTC', ' CET'): that instant;
 * - naive TIMESTAMP / DATE and text without an offset: wall-clock time in the source zone;
 * - numbers, or text that is a number: an epoch whose unit follows from its size (seconds below
 *   1e11, milliseconds below 1e14, microseconds below 1e17, else nanoseconds): any date between
 *   1973 and 5138 reads right in every unit.
 */
export type TimestampKind = 'timestamptz' | 'timestamp' | 'integer' | 'decimal' | 'text';

export function timestampKind(type: string): TimestampKind {
  if (type === 'TIMESTAMP WITH TIME ZONE') return 'timestamptz';
  if (type.startsWith('TIMESTAMP') || type === 'DATE') return 'timestamp';
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|UBIGINT)$/.test(type)) return 'integer';
  if (type === 'DOUBLE' || type === 'FLOAT' || type.startsWith('DECIMAL')) return 'decimal';
  return 'text';
}

export type Bind = (value: string) => string;

const naiveToUtc = (expr: string, zone: string, bind: Bind): string =>
  zone === 'UTC'
    ? `CAST(${expr} AS TIMESTAMP)`
    : `timezone('UTC', timezone(${bind(zone)}, CAST(${expr} AS TIMESTAMP)))`;

/** Epochs this large (or NaN, infinite) are no time at all: NULL, reported as unreadable. */
const EPOCH_LIMIT = '1e20';

function epochToUtc(value: string, integer: boolean): string {
  const v = integer ? `CAST(${value} AS HUGEINT)` : `CAST(${value} AS DOUBLE)`;
  const micros = (factor: string) =>
    integer ? `CAST(${v} * ${factor} AS BIGINT)` : `CAST(round(${v} * ${factor}) AS BIGINT)`;
  // Checked first: casting NaN or 1e300 to BIGINT was a conversion error that failed the import.
  const unreadable = integer
    ? `abs(${v}) >= ${EPOCH_LIMIT}`
    : `NOT isfinite(${v}) OR abs(${v}) >= ${EPOCH_LIMIT}`;
  return `CASE
      WHEN ${v} IS NULL OR ${unreadable} THEN NULL
      WHEN abs(${v}) < 1e11 THEN make_timestamp(${micros('1000000')})
      WHEN abs(${v}) < 1e14 THEN make_timestamp(${micros('1000')})
      WHEN abs(${v}) < 1e17 THEN make_timestamp(${micros('1')})
      ELSE make_timestamp(${integer ? `CAST(${v} // 1000 AS BIGINT)` : `CAST(round(${v} / 1000) AS BIGINT)`})
    END`;
}

const OFFSET_AT_END = String.raw`\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?|\s[A-Za-z][A-Za-z_/+-]*)$`;
const NUMBER = String.raw`[+-]?\d+(\.\d*)?([eE][+-]?\d+)?`;

/**
 * SQL turning `expr` (of the given kind) into a UTC TIMESTAMP, NULL where it cannot be read.
 * `format` (strptime) is used for text that is neither ISO 8601 nor a number.
 */
export function timestampSql(
  expr: string,
  kind: TimestampKind,
  sourceZone: string,
  format?: string,
  bind: Bind = literal,
): string {
  switch (kind) {
    case 'timestamptz':
      return `timezone('UTC', ${expr})`;
    case 'timestamp':
      return naiveToUtc(expr, sourceZone, bind);
    case 'integer':
      return epochToUtc(expr, true);
    case 'decimal':
      return epochToUtc(expr, false);
    case 'text': {
      const s = `trim(CAST(${expr} AS VARCHAR))`;
      const withFormat =
        format === undefined
          ? 'NULL'
          : /%z|%Z/.test(format)
            ? `timezone('UTC', try_strptime(${s}, ${bind(format)}))`
            : naiveToUtc(`try_strptime(${s}, ${bind(format)})`, sourceZone, bind);
      return `CASE
        WHEN ${s} = '' THEN NULL
        WHEN regexp_full_match(${s}, '${NUMBER}') THEN ${epochToUtc(`TRY_CAST(${s} AS DOUBLE)`, false)}
        WHEN regexp_matches(${s}, '${OFFSET_AT_END}') THEN coalesce(timezone('UTC', TRY_CAST(${s} AS TIMESTAMPTZ)), ${withFormat})
        ELSE coalesce(${naiveToUtc(`TRY_CAST(${s} AS TIMESTAMP)`, sourceZone, bind)}, ${withFormat})
      END`;
    }
  }
}

/** Formats tried, in this order, on text timestamps that are not ISO 8601. */
const CANDIDATE_FORMATS = [
  '%m/%d/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M',
  '%d/%m/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M',
  '%m/%d/%Y',
  '%d/%m/%Y',
  '%d.%m.%Y %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%d.%m.%Y',
  '%Y/%m/%d %H:%M:%S',
  '%Y/%m/%d',
  '%d-%m-%Y %H:%M:%S',
  '%d %b %Y %H:%M:%S',
  '%b %d, %Y %I:%M:%S %p',
  '%a, %d %b %Y %H:%M:%S %z',
];

/**
 * For text timestamps that ISO parsing cannot read, find the one strptime format that reads them
 * all (day/month order settled by values like 13/01). Returns undefined when ISO reads them all.
 */
export async function detectTimestampFormat(
  connection: DuckDBConnection,
  valuesSql: string,
  file: string,
  column: string,
): Promise<string | undefined> {
  const sample = `(SELECT DISTINCT trim(CAST(v AS VARCHAR)) AS s FROM (${valuesSql}) t(v) WHERE v IS NOT NULL AND trim(CAST(v AS VARCHAR)) <> '' LIMIT 100000)`;
  const iso = timestampSql('s', 'text', 'UTC');
  const failing = `(SELECT s FROM ${sample} WHERE (${iso}) IS NULL)`;
  const checks = CANDIDATE_FORMATS.map(
    (f, i) => `count(*) FILTER (try_strptime(s, ${literal(f)}) IS NULL) AS f${i}`,
  ).join(', ');
  const [row] = await queryRows(
    connection,
    `SELECT count(*) AS n, ${checks}, list(s)[1:5] AS examples FROM ${failing}`,
  );
  if (row === undefined || row.n === 0) return undefined;
  const fits = CANDIDATE_FORMATS.filter((_, i) => row[`f${i}`] === 0);
  const examples = (row.examples as string[] | null) ?? [];
  if (fits.length === 0) {
    throw new ApiError(
      'BAD_TIMESTAMP',
      `${file}: column '${column}' has values that are not timestamps (${examples.map((e) => `'${e}'`).join(', ')}). ` +
        `Map another column (--map timestamp=COLUMN) or give the format (--ts-format '%d/%m/%Y %H:%M').`,
      { file, column, examples },
    );
  }
  const dayFirst = fits.filter((f) => f.startsWith('%d/'));
  const monthFirst = fits.filter((f) => f.startsWith('%m/'));
  if (dayFirst.length > 0 && monthFirst.length > 0) {
    throw new ApiError(
      'BAD_TIMESTAMP',
      `${file}: the dates in '${column}' (${examples.slice(0, 3).join(', ')}) read both as day/month and month/day. ` +
        `Say which with --ts-format '${monthFirst[0]}' or --ts-format '${dayFirst[0]}'.`,
      { file, column, examples, candidates: [monthFirst[0], dayFirst[0]] },
    );
  }
  return fits[0];
}
