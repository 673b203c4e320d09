import { ANY_EVENT, NONE_LABEL, OTHER_LABEL, sampledOf } from '../../../shared/specs/common';
import type {
  RetentionCohort,
  RetentionResult,
  RetentionSpec,
} from '../../../shared/specs/retention';
import { queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { SpecIssues } from './spec-issues';
import {
  checkPeriods,
  intervalSql,
  localTime,
  periodStart,
  resolveDays,
  utcMidnight,
} from './sql/periods';
import { breakdownSql, eventFilterSql, numericPropertySql, samplingSql } from './sql/properties';
import { shiftDay } from './sql/scoped-events';
import { observedUntilSql, type AnalysisContext, type UidQuery } from './context';

const ROLLING_SECONDS: Record<RetentionSpec['period'], number> = {
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
};

/** Columns as [first period, last period] pairs, with their labels. */
function columnsOf(spec: RetentionSpec): { label: string; from: number; to: number }[] {
  if (spec.criterion !== 'brackets') {
    return Array.from({ length: spec.periods + 1 }, (_, k) => ({
      label: String(k),
      from: k,
      to: k,
    }));
  }
  const b = spec.brackets ?? [];
  return b.map((from, i) => {
    const to = i + 1 < b.length ? (b[i + 1] ?? from + 1) - 1 : spec.periods;
    return { label: from === to ? String(from) : `${from}-${to}`, from, to };
  });
}

/**
 * The retention grid. Each cohort entry (a user, or a user and period for recurring cohorts)
 * is joined to its user's return events once, each event mapped to its period index: one pass,
 * no per-period query. Cells whose period has not fully happened are null and marked.
 */
function retentionSql(ctx: AnalysisContext, spec: RetentionSpec) {
  const { settings, catalog } = ctx;
  const tz = settings.timezone;
  const issues = new SpecIssues(ctx.notes);
  const params = new SqlParams();
  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const start = eventFilterSql(catalog, spec.start, spec.filters, params, issues, 'start');
  const ret = eventFilterSql(catalog, spec.return, [], params, issues, 'return');
  const valueSql =
    spec.property === undefined
      ? 'NULL'
      : numericPropertySql(catalog, spec.property, issues, 'property', params);
  const breakdown = breakdownSql(catalog, spec.breakdown, issues, params);
  // A cohort per period of the range (per breakdown value), each a row of columns.
  const groups = spec.breakdown === undefined ? 1 : spec.breakdown.limit + 2;
  checkPeriods(issues, {
    days,
    interval: spec.period,
    weekStart: settings.weekStart,
    intervals: ['day', 'week', 'month'],
    path: 'period',
    cellsPerPeriod: columnsOf(spec).length * groups,
    cellsAre: spec.breakdown === undefined ? 'columns' : 'columns x breakdown values',
    orElse:
      spec.breakdown === undefined
        ? 'fewer periods after the start'
        : 'fewer periods after the start or a smaller breakdown limit',
  });
  issues.throwIfAny('retention');

  const rangeStart = utcMidnight(days.from, tz, params);
  const rangeEnd = utcMidnight(shiftDay(days.to, 1), tz, params);
  const cohortPeriod = (ts: string): string =>
    periodStart(localTime(ts, tz, params), spec.period, settings.weekStart);
  const sampling = samplingSql(spec.sample?.fraction, params);
  const usersJoin = start.needsUsers || breakdown.needsUsers ? 'JOIN users u ON u.uid = e.uid' : '';
  const starts = `SELECT e.uid, e.ts, ${breakdown.sql} AS b FROM events e ${usersJoin} WHERE ${start.where} AND ${sampling}`;

  let entries: string;
  switch (spec.cohort) {
    case 'first_time':
      entries = `SELECT uid, min(ts) AS ts, arg_min(b, ts) AS b FROM (${starts}) WHERE ts >= ${rangeStart} AND ts < ${rangeEnd} GROUP BY uid`;
      break;
    case 'first_ever': {
      // The first start event by name alone; it must itself pass the filters and fall in the range.
      const firstEver =
        spec.start.event === ANY_EVENT
          ? 'SELECT uid, first_seen AS ts FROM users WHERE first_seen IS NOT NULL'
          : `SELECT uid, min(ts) AS ts FROM events WHERE event = ${params.bind(spec.start.event)} GROUP BY uid`;
      entries = `SELECT f.uid, f.ts, arg_min(s.b, s.ts) AS b FROM (${firstEver}) f JOIN (${starts}) s ON s.uid = f.uid AND s.ts = f.ts
                 WHERE f.ts >= ${rangeStart} AND f.ts < ${rangeEnd} GROUP BY f.uid, f.ts`;
      break;
    }
    case 'recurring':
      entries = `SELECT uid, min(ts) AS ts, arg_min(b, ts) AS b FROM (${starts}) WHERE ts >= ${rangeStart} AND ts < ${rangeEnd}
                 GROUP BY uid, ${cohortPeriod('ts')}`;
      break;
  }

  const step = intervalSql(spec.period);
  const rolling = spec.time === 'rolling';
  const periodMicros = ROLLING_SECONDS[spec.period] * 1_000_000;
  const n = spec.periods;
  // Calendar: the index is the number of local periods between the cohort's and the event's.
  // Calendar: the index is the number of local periods between the cohort's and the event's.
  const calendarIndex =
    spec.period === 'month'
      ? `date_diff('month', x.period, r.rp)`
      : `date_diff('day', x.period, r.rp) // ${spec.period === 'week' ? 7 : 1}`;
  const index = rolling
    ? `(epoch_us(r.ts) - epoch_us(x.ts)) // ${params.bind(periodMicros)}`
    : calendarIndex;
  // Counting users on calendar periods needs only each user's active periods and the last event
  // in each (period 0 counts if that is at or after the start): one aggregation per user, then a
  // join as small as users x periods. Sums and rolling windows need the events themselves.
  const perPeriod = !rolling && spec.measure === 'users';
  const rPeriod = rolling ? '' : `, ${cohortPeriod('e.ts')} AS rp`;
  // Returning with any event, in a UTC workspace, reads the users' active days instead of their
  // events: the last event of each day still decides period 0 (at or after the start).
  const anyReturn = spec.return.event === ANY_EVENT && spec.return.where.length === 0;
  const fromDays =
    perPeriod && anyReturn && tz === 'UTC' && catalog.tables.has('user_days')
      ? `SELECT d.uid, ${periodStart('CAST(d.day AS TIMESTAMP)', spec.period, settings.weekStart)} AS rp, max(d.last_ts) AS ts, NULL AS v
         FROM user_days d WHERE d.uid IN (SELECT uid FROM x) AND d.day >= CAST((SELECT min(ts) FROM x) AS DATE)
         GROUP BY d.uid, rp`
      : undefined;
  const returnUsers = ret.needsUsers ? 'JOIN users u ON u.uid = e.uid' : '';
  const horizon = rolling
    ? `(SELECT max(ts) FROM x) + to_microseconds(${params.bind((n + 1) * periodMicros)})`
    : `(SELECT timezone('UTC', timezone(${params.bind(tz)}, max(period) + ${step} * ${n + 1})) FROM x)`;
  const columns = columnsOf(spec);
  const limit = spec.breakdown?.limit ?? 0;
  const observed = observedUntilSql(ctx, params);
  const cohortEnd = (k: number): string =>
    rolling
      ? `timezone('UTC', timezone(${params.bind(tz)}, x.period + ${step})) + to_microseconds(${params.bind((k + 1) * periodMicros)})`
      : `timezone('UTC', timezone(${params.bind(tz)}, x.period + ${step} * ${k + 1}))`;

  const inColumn = (c: { from: number; to: number }): string =>
    spec.criterion === 'on_or_after'
      ? `h.max_k >= ${c.from}`
      : c.from === c.to
        ? `list_contains(h.ks, ${c.from})`
        : `len(list_filter(h.ks, k -> k BETWEEN ${c.from} AND ${c.to})) > 0`;
  const sumColumn = (c: { from: number; to: number }): string =>
    spec.criterion === 'on_or_after'
      ? `list_sum(list_transform(list_filter(h.kv, p -> p.k >= ${c.from}), p -> p.v))`
      : `list_sum(list_transform(list_filter(h.kv, p -> p.k BETWEEN ${c.from} AND ${c.to}), p -> p.v))`;
  // Sums only when measuring a property; completeness depends on the cohort's period alone, so it
  // is worked out once per cohort row rather than per user (ICU conversions are not free).
  const cells = columns
    .map(
      (c, i) =>
        `count(*) FILTER (${inColumn(c)}) AS r${i}${
          spec.measure === 'users' ? '' : `, sum(coalesce(${sumColumn(c)}, 0)) AS s${i}`
        }`,
    )
    .join(',\n');
  const flags = columns.map((c, i) => `${cohortEnd(c.to)} > ${observed} AS i${i}`).join(', ');

  return {
    params,
    ctes: `x AS MATERIALIZED (
       SELECT row_number() OVER () AS id, uid, ts, b, ${cohortPeriod('ts')} AS period FROM (${entries})),
     r_events AS (SELECT e.uid, e.ts, ${valueSql} AS v ${rPeriod} FROM events e ${returnUsers}
           WHERE ${ret.where} AND e.uid IN (SELECT uid FROM x) AND e.ts >= (SELECT min(ts) FROM x) AND e.ts < ${horizon}),
     r AS (${fromDays ? fromDays : perPeriod ? 'SELECT uid, rp, max(ts) AS ts, NULL AS v FROM r_events GROUP BY uid, rp' : 'SELECT * FROM r_events'}),
     hits AS (
       SELECT x.id, ${index} AS k, sum(r.v) AS v
       FROM x JOIN r ON r.uid = x.uid AND r.ts >= x.ts
       WHERE ${index} BETWEEN 0 AND ${n}
       GROUP BY x.id, k),
     h AS (SELECT id, list(k) AS ks, max(k) AS max_k, list({'k': k, 'v': v}) AS kv FROM hits GROUP BY id),
     top AS (SELECT b FROM x WHERE b IS NOT NULL GROUP BY b ORDER BY count(*) DESC, b LIMIT ${limit}),
     xg AS (SELECT x.*, ${spec.breakdown === undefined ? 'NULL' : `CASE WHEN b IS NULL THEN ${params.bind(NONE_LABEL)} WHEN b IN (SELECT b FROM top) THEN b ELSE ${params.bind(OTHER_LABEL)} END`} AS grp FROM x)`,
    final: `     SELECT x.*, ${flags} FROM (
       SELECT x.grp, x.period, strftime(x.period, '%Y-%m-%d') AS cohort, count(*) AS size, ${cells}
       FROM xg x LEFT JOIN h ON h.id = x.id
       GROUP BY x.grp, x.period) x ORDER BY x.grp, x.period`,
    columns,
    inColumn,
  };
}

export async function runRetention(
  ctx: AnalysisContext,
  spec: RetentionSpec,
): Promise<RetentionResult> {
  const { params, ctes, final, columns } = retentionSql(ctx, spec);
  const rows = await queryRows(ctx.c, `WITH ${ctes} ${final}`, params.values);

  const groups = new Map<string, RetentionCohort[]>();
  for (const row of rows) {
    const key = row.grp === null ? '' : String(row.grp);
    const size = Number(row.size);
    const cohort: RetentionCohort = {
      cohort: String(row.cohort),
      size,
      values: [],
      percentages: [],
      incomplete: [],
    };
    columns.forEach((_, i) => {
      const incomplete = row[`i${i}`] === true;
      const retained = Number(row[`r${i}`] ?? 0);
      const sum = Number(row[`s${i}`] ?? 0);
      const value =
        spec.measure === 'users'
          ? retained
          : spec.measure === 'sum'
            ? sum
            : size === 0
              ? 0
              : sum / size;
      cohort.values.push(incomplete ? null : value);
      cohort.percentages.push(
        incomplete || spec.measure !== 'users' ? null : size === 0 ? 0 : retained / size,
      );
      cohort.incomplete.push(incomplete);
    });
    groups.set(key, [...(groups.get(key) ?? []), cohort]);
  }
  const rank = (k: string): number => (k === OTHER_LABEL ? 1 : k === NONE_LABEL ? 2 : 0);
  const size = (cohorts: RetentionCohort[]): number => cohorts.reduce((a, c) => a + c.size, 0);
  const ordered = [...groups.entries()].sort(
    ([a, x], [b, y]) => rank(a) - rank(b) || size(y) - size(x) || a.localeCompare(b),
  );
  return {
    kind: 'retention',
    timezone: ctx.settings.timezone,
    period: spec.period,
    time: spec.time,
    criterion: spec.criterion,
    measure: spec.measure,
    columns: columns.map((c) => c.label),
    groups: ordered.map(([key, cohorts]) => ({
      ...(spec.breakdown === undefined ? {} : { breakdown: key }),
      cohorts,
      mean: meanRow(cohorts, columns.length, spec.measure),
    })),
    sampled: sampledOf(spec.sample),
  };
}

/** Weighted by cohort size, over the complete cells of each column only. */
function meanRow(
  cohorts: RetentionCohort[],
  width: number,
  measure: RetentionSpec['measure'],
): RetentionResult['groups'][number]['mean'] {
  const values: (number | null)[] = [];
  const percentages: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    const complete = cohorts.filter((c) => c.incomplete[i] === false);
    const sizes = complete.reduce((a, c) => a + c.size, 0);
    const total = complete.reduce(
      (a, c) => a + (measure === 'avg' ? (c.values[i] ?? 0) * c.size : (c.values[i] ?? 0)),
      0,
    );
    if (complete.length === 0 || sizes === 0) {
      values.push(null);
      percentages.push(null);
      continue;
    }
    values.push(measure === 'avg' ? total / sizes : total / complete.length);
    percentages.push(measure === 'users' ? total / sizes : null);
  }
  return { values, percentages };
}

/** The users behind one cell: a cohort's users retained in one column (or period). */
export function retentionUsers(
  ctx: AnalysisContext,
  spec: RetentionSpec,
  pick: { cohort: string; column: number; breakdown?: string },
): UidQuery {
  const { params, ctes, columns, inColumn } = retentionSql(ctx, spec);
  const column = columns[pick.column] ?? { from: -1, to: -1 };
  const group = pick.breakdown === undefined ? '' : ` AND x.grp = ${params.bind(pick.breakdown)}`;
  return {
    sql: `WITH ${ctes} SELECT DISTINCT x.uid FROM xg x JOIN h ON h.id = x.id
      WHERE strftime(x.period, '%Y-%m-%d') = ${params.bind(pick.cohort)} AND ${inColumn(column)}${group}`,
    params,
  };
}
