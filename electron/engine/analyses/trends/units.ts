import { NONE_LABEL, OTHER_LABEL } from '../../../../shared/specs/common';
import { periodOf } from '../../sql/calendar';
import { join, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import type { TrendsPlan } from './plan';

/**
 * The units of a trend: one row per (uid, series, period, day, breakdown value) with what the
 * measures aggregate: the user's matching events (each read row holds n of them), and the sum, minimum, maximum and count of
 * the property's values. `day` is set for rolling measures only (their users' active days,
 * including the days their window looks back before each range); `cur` says the row is of the
 * range itself (not the range compared with, not a look-back day).
 *
 * The breakdown value is already the line's: a top value (by events of the series in the range,
 * then by value), '(other)' beyond them, '(none)' without one; so the chart, the grid and the
 * users behind a point read the same lines.
 */
export function trendsUnitsSql(plan: TrendsPlan): Sql {
  const { spec, cal } = plan;
  const events = join(
    plan.series.map((s) => sql`(${s.events})`),
    '\nUNION ALL\n',
  );
  const rangeStart = sql`CAST(${plan.days.from} AS TIMESTAMP)`;
  const bucketed = sql`SELECT uid, series, ${periodOf(cal, raw('local'), spec.interval)} AS period, day,
      local >= ${rangeStart} AS cur, rb,
      CAST(sum(n) AS BIGINT) AS events, sum(v) AS vsum, min(v) AS vmin, max(v) AS vmax, count(v) AS vn
    FROM matched GROUP BY ALL`;
  if (spec.breakdown === undefined) {
    return withCtes(
      [
        ['matched', events],
        ['bucketed', bucketed],
      ],
      sql`SELECT uid, series, period, day, cur, CAST(NULL AS VARCHAR) AS b,
             events, vsum, vmin, vmax, vn FROM bucketed`,
    );
  }
  return withCtes(
    [
      ['matched', events],
      ['bucketed', bucketed],
      [
        'ranked',
        sql`SELECT series, rb,
               row_number() OVER (PARTITION BY series ORDER BY sum(events) DESC, rb) AS rank
            FROM bucketed WHERE cur AND rb IS NOT NULL GROUP BY series, rb`,
      ],
      ['top', sql`SELECT series, rb FROM ranked WHERE rank <= ${spec.breakdown.limit}`],
    ],
    sql`SELECT x.uid, x.series, x.period, x.day, x.cur,
           CASE WHEN x.rb IS NULL THEN ${NONE_LABEL} WHEN t.rb IS NOT NULL THEN x.rb ELSE ${OTHER_LABEL} END AS b,
           CAST(sum(x.events) AS BIGINT) AS events, sum(x.vsum) AS vsum, min(x.vmin) AS vmin,
           max(x.vmax) AS vmax, CAST(sum(x.vn) AS BIGINT) AS vn
        FROM bucketed x LEFT JOIN top t ON t.series = x.series AND t.rb = x.rb
        GROUP BY ALL`,
  );
}
