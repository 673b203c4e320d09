import { addDays } from '../../../shared/calendar/local-days';
import type { WorkspaceSettings } from '../../../shared/api/workspace-types';
import type { ScoreSpec } from '../../../shared/specs/score';
import { dayStartUtc } from '../sql/calendar';
import type { Catalog } from '../sql/catalog';
import { eventMatchSql } from '../sql/conditions';
import { ident, join, or, raw, sql, withCtes, type Sql } from '../sql/fragment';
import type { PlanNotes } from '../sql/notes';
import { metricsSql } from '../users/metrics-sql';

export interface ScoreInput {
  catalog: Catalog;
  settings: WorkspaceSettings;
  now: Date;
  observedUntil: Date;
  notes: PlanNotes;
}

/** The column of a health component's value and percentile in the score's rows. */
export const valueColumn = (i: number): string => `v${i}`;
export const percentileColumn = (i: number): string => `p${i}`;

/**
 * One row per user first seen by the end of `asOf` with `score` (and for a health score `band`
 * and each component's value and percentile), as one statement.
 *
 * A health component's percentile is the user's mid-rank among the users with a value: the share
 * below, plus half the share equal (so ties share a percentile, and one user alone is at 50).
 * A component without a value (a trend from an empty first half) leaves the score to the others.
 */
export function scoreSql(input: ScoreInput, spec: ScoreSpec, asOf: string): Sql {
  const cal = input.settings;
  const we = dayStartUtc(cal, addDays(asOf, 1));
  const ws = dayStartUtc(cal, addDays(asOf, 1 - spec.days));
  if (spec.type === 'behavioural') {
    const matches = spec.rules.map((r) => eventMatchSql(input.catalog, r.event, [], input.notes));
    const needsUsers = matches.some((m) => m.needsUsers);
    const decay =
      spec.halfLifeDays === undefined
        ? raw('1')
        : sql`pow(0.5, epoch(${we} - e.ts) / 86400.0 / ${spec.halfLifeDays})`;
    const sums = matches.map(
      (m, i) =>
        sql`sum(CASE WHEN ${m.sql} THEN ${spec.rules[i]?.points ?? 0} * ${decay} END) AS ${ident(`r${i}`)}`,
    );
    const total = join(
      spec.rules.map((r, i) => {
        const p = raw(`coalesce(ev.r${i}, 0)`);
        return r.cap === undefined ? p : sql`least(${p}, ${r.cap})`;
      }),
      ' + ',
    );
    return withCtes(
      [
        [
          'ev',
          sql`SELECT e.uid, ${join(sums)} FROM events e ${needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
               WHERE e.ts >= ${ws} AND e.ts < ${we} AND ${or(matches.map((m) => m.sql))} GROUP BY e.uid`,
        ],
      ],
      sql`SELECT u.uid, CAST(${total} AS DOUBLE) AS score FROM users u LEFT JOIN ev ON ev.uid = u.uid
           WHERE u.first_seen < ${we}`,
    );
  }
  const table = metricsSql(
    {
      catalog: input.catalog,
      settings: input.settings,
      now: input.now,
      observedUntil: input.observedUntil,
      window: { type: 'calendar', days: spec.days, asOf },
      startRange: undefined,
      filters: [],
      metrics: spec.components.map((c, i) => ({ ...c.metric, name: `m${i}` })),
      fraction: undefined,
    },
    input.notes,
  );
  // A percentile per distinct value (a grouping, then a running sum over the values), joined
  // back: two window sorts of every user per component cost half the statement.
  const percentiles: [string, Sql][] = spec.components.map((c, i) => [
    `q${i}`,
    sql`SELECT v, 100 * (sum(n) OVER (ORDER BY v ${raw(c.higherIsBetter ? 'ASC' : 'DESC')} ROWS UNBOUNDED PRECEDING) - n / 2.0)
                / sum(n) OVER () AS p
          FROM (SELECT ${raw(`m${i}`)} AS v, count(*) AS n FROM m WHERE ${raw(`m${i}`)} IS NOT NULL GROUP BY 1)`,
  ]);
  const ranked = spec.components.map(
    (_c, i) =>
      sql`CAST(m.${raw(`m${i}`)} AS DOUBLE) AS ${ident(valueColumn(i))}, ${raw(`q${i}`)}.p AS ${ident(percentileColumn(i))}`,
  );
  const rankJoins = spec.components.map((_c, i) => raw(`LEFT JOIN q${i} ON q${i}.v = m.m${i}`));
  const weighted = join(
    spec.components.map((c, i) => sql`coalesce(${raw(percentileColumn(i))} * ${c.weight}, 0)`),
    ' + ',
  );
  const weights = join(
    spec.components.map(
      (c, i) => sql`CASE WHEN ${raw(percentileColumn(i))} IS NULL THEN 0 ELSE ${c.weight} END`,
    ),
    ' + ',
  );
  return withCtes(
    [
      ['m', table.sql],
      ...percentiles,
      ['ranked', sql`SELECT m.uid, ${join(ranked)} FROM m ${join(rankJoins, ' ')}`],
      ['scored', sql`SELECT *, (${weighted}) / nullif(${weights}, 0) AS score FROM ranked`],
    ],
    sql`SELECT *, CASE WHEN score >= ${spec.bands.healthy} THEN 'healthy'
                       WHEN score >= ${spec.bands.watch} THEN 'watch'
                       WHEN score IS NOT NULL THEN 'at risk' END AS band
          FROM scored`,
  );
}
