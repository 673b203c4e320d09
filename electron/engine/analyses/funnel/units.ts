import type { DuckDBConnection } from '@duckdb/node-api';
import { NONE_LABEL, OTHER_LABEL } from '../../../../shared/specs/common';
import { periodLabel } from '../../sql/calendar';
import { samplingSql } from '../../sql/conditions';
import { execute, join, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import type { UnitsSource } from '../runner';
import { ApiError } from '../../../../shared/api/errors';
import { chainAttempts } from './chain';
import { anyOrderSharesEvents } from './matching';
import { labelOf, usersJoin, valuesOf, type FunnelPlan } from './plan';
import { scanAttempts } from './scan-read';

/**
 * The units of a funnel: per counted unit (a user; a user and held value for sessions; each
 * attempt when counting attempts), range and breakdown group, one row per entry period holding
 * the unit's furthest attempt that started in it (the earliest among equals), and `best` on the
 * row of its furthest attempt over the whole range. The step chart counts the `best` rows,
 * conversion over time every row of its period; users behind any number filter the same rows.
 *
 * Columns: uid, h, rng (0 = the range, 1 = the range before), grp (breakdown group name),
 * grp_values, period, label (the period as results write it), attempt, level, t0..t{n-1}, best.
 */

/** How the attempts are found: the scan when it can (auto), or the one way a test asks for. */
export type FunnelEngine = 'auto' | 'sql' | 'scan';

export function funnelUnitsSource(
  plan: FunnelPlan,
  engine: FunnelEngine = 'auto',
  signal?: AbortSignal,
): UnitsSource {
  if (anyOrderSharesEvents(plan)) return matchingSource(plan, engine, signal);
  return {
    create: async (c, table) => {
      if (engine !== 'sql' && plan.scannable) {
        const best = scanReportsUsers(plan);
        const scanned = await scanAttempts(c, plan, signal, { best });
        if (scanned !== null) {
          try {
            await execute(
              c,
              // Streams of held values are not units (holding a property, counting users).
              sql`CREATE TABLE ${table} AS ${unitsSql(plan, scanned.attempts, {
                reduced: plan.hold === null,
                best,
              })}`,
            );
          } finally {
            await scanned.drop();
          }
          return;
        }
        if (engine === 'scan')
          throw new Error('the funnel scan could not read the events in order');
      } else if (engine === 'scan') {
        throw new Error('the funnel scan does not compute this funnel');
      }
      await execute(c, sql`CREATE TABLE ${table} AS ${unitsSql(plan, chainAttempts(plan))}`);
    },
  };
}

/**
 * Any order with steps that can match one event: the scan alone matches steps to distinct
 * events (matching.ts), reading in stored order when the events are, else sorted.
 */
function matchingSource(plan: FunnelPlan, engine: FunnelEngine, signal?: AbortSignal): UnitsSource {
  if (engine === 'sql') {
    throw new Error('the SQL chain does not match any-order steps that share events');
  }
  // One bit per step and per exclusion in the scan's 32-bit mask.
  const bits = plan.spec.steps.length + plan.spec.exclusions.length;
  if (bits > 31) {
    throw new ApiError(
      'INVALID_REQUEST',
      `A funnel in any order whose steps can match one event takes at most 31 steps and exclusions together, not ${bits}.`,
      { steps: plan.spec.steps.length, exclusions: plan.spec.exclusions.length },
    );
  }
  return {
    create: async (c, table) => {
      const best = scanReportsUsers(plan);
      const scanned =
        (await scanAttempts(c, plan, signal, { best })) ??
        (await scanAttempts(c, plan, signal, { sort: true, best }));
      if (scanned === null) throw new Error('the funnel scan could not read the events in order');
      try {
        // Streams (held values, attribution 'all') are not units: the units regroup them.
        await execute(
          c,
          sql`CREATE TABLE ${table} AS ${unitsSql(plan, scanned.attempts, { reduced: best, best })}`,
        );
      } finally {
        await scanned.drop();
      }
    },
  };
}

/** Whether the scan computed (or would compute) a plan's units: for tests and benchmarks. */
export async function createUnits(
  c: DuckDBConnection,
  plan: FunnelPlan,
  table: Sql,
  engine: FunnelEngine,
): Promise<void> {
  const source = funnelUnitsSource(plan, engine);
  if ('create' in source) await source.create(c, table);
}

/**
 * Whether the scan's rows are the units' own and it can mark the row each reports (its `best`):
 * when its streams are users (no held value, no attribution 'all'), so the value each unit is
 * filed under is one per range (none, or its first or last touch).
 */
function scanReportsUsers(plan: FunnelPlan): boolean {
  return plan.hold === null && plan.spec.breakdown?.attribution !== 'all';
}

/** Counting sessions: a unit is a user and a held value (session_id unless another is held). */
export function bySession(plan: FunnelPlan): boolean {
  return plan.spec.countBy === 'sessions';
}

/**
 * Which of a unit's attempts it is reported by, as PostHog reports it: the furthest, then the
 * one that reached that step first, then (in order) the latest start reaching it then, since
 * PostHog's chain is overwritten by every later first step (A 10:00, A 10:30, B 10:40 converts in
 * 10 minutes, not 40); in any order the earliest start, whose events PostHog times. The first
 * stored breaks what is left.
 */
function bestOf(plan: FunnelPlan): Sql {
  const deep = `[${plan.counted.map((i) => `t${i}`).join(', ')}][level]`;
  return raw(
    plan.spec.order === 'any'
      ? '(level, -epoch_us(t0), -attempt)'
      : `(level, -epoch_us(${deep}), epoch_us(t0), -attempt)`,
  );
}

function unitKey(plan: FunnelPlan): Sql[] {
  return [
    raw('uid'),
    ...(plan.spec.countBy === 'sessions' ? [raw('h')] : []),
    ...(plan.spec.countBy === 'attempts' ? [raw('attempt')] : []),
  ];
}

/**
 * The units from the attempts (chainAttempts' columns, from SQL or the scan); `reduced` when
 * they are already one per unit, range and period (the scan's); `best` when they also carry the
 * row each unit reports per range (scanReportsUsers: the scan's `best` column).
 */
export function unitsSql(
  plan: FunnelPlan,
  attempts: Sql,
  given: { reduced?: boolean; best?: boolean } = {},
): Sql {
  const reduced = given.reduced === true || given.best === true;
  const marked = given.best === true;
  const { spec } = plan;
  const BEST = bestOf(plan);
  const key = unitKey(plan);
  const keyOf = (alias: string, extra: string[] = []): Sql =>
    join([...key.map((k) => sql`${raw(alias)}.${k}`), ...extra.map((e) => raw(`${alias}.${e}`))]);
  const ctes: [string, Sql][] = [...plan.ctes, ['attempts', attempts]];
  const attribution = spec.breakdown?.attribution;
  if (attribution === 'first' || attribution === 'last') {
    ctes.push(['touch', touchSql(plan, attribution)]);
    ctes.push([
      'a',
      sql`SELECT s.* REPLACE (CASE WHEN s.rng = 0 THEN t.v0 ELSE t.v1 END AS b)
          FROM attempts s LEFT JOIN touch t ON t.uid = s.uid
            ${bySession(plan) ? raw('AND t.h IS NOT DISTINCT FROM s.h') : raw('')}`,
    ]);
  } else {
    ctes.push(['a', raw('SELECT * FROM attempts')]);
  }
  // Per unit, range, value and period: the furthest attempt (the scan gives no other, and
  // every attempt is a unit of its own when counting attempts).
  ctes.push([
    'pp',
    reduced || spec.countBy === 'attempts'
      ? raw('SELECT * FROM a')
      : sql`SELECT unnest(arg_max(a, ${BEST})) FROM a GROUP BY ${keyOf('a', ['rng', 'b', 'period'])}`,
  ]);
  if (spec.breakdown === undefined) {
    ctes.push([
      'gp',
      raw(
        `SELECT * EXCLUDE (b), CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS VARCHAR[]) AS grp_values FROM pp`,
      ),
    ]);
  } else {
    // The top values by conversions in the range (then by name); the rest are '(other)'.
    const label = labelOf(plan, raw('b'));
    ctes.push(
      [
        'vbest',
        // Marked rows: a unit's value is one per range, so its reported row is its value's.
        marked
          ? raw('SELECT * FROM pp WHERE rng = 0 AND best')
          : sql`SELECT unnest(arg_max(pp, ${BEST})) FROM pp WHERE rng = 0 GROUP BY ${keyOf('pp', ['b'])}`,
      ],
      [
        'top',
        sql`SELECT b FROM vbest WHERE b IS NOT NULL GROUP BY b
            ORDER BY count(*) FILTER (level >= ${raw(String(plan.full))}) DESC, ${label}, b
            LIMIT ${raw(String(spec.breakdown.limit))}`,
      ],
      [
        'g',
        sql`SELECT pp.* EXCLUDE (b),
                   CASE WHEN b IS NULL THEN ${raw(`'${NONE_LABEL}'`)}
                        WHEN b IN (SELECT b FROM top) THEN ${label}
                        ELSE ${raw(`'${OTHER_LABEL}'`)} END AS grp,
                   CASE WHEN b IS NULL THEN [${raw(`'${NONE_LABEL}'`)}]
                        WHEN b IN (SELECT b FROM top) THEN ${valuesOf(plan, raw('b'))}
                        ELSE [${raw(`'${OTHER_LABEL}'`)}] END AS grp_values
            FROM pp`,
      ],
      // Values that fall together into '(other)' make one group: per unit its furthest attempt
      // (marked rows have one value per unit and range already).
      [
        'gp',
        marked
          ? raw('SELECT * FROM g')
          : sql`SELECT unnest(arg_max(g, ${BEST})) FROM g GROUP BY ${keyOf('g', ['rng', 'grp', 'period'])}`,
      ],
    );
  }
  const perAttempt = spec.countBy === 'attempts';
  if (marked) {
    return withCtes(
      ctes,
      sql`SELECT u.* EXCLUDE (best), ${periodLabel(raw('u.period'), spec.interval)} AS label, u.best
          FROM gp u`,
    );
  }
  if (!perAttempt) {
    ctes.push([
      'gb',
      sql`SELECT ${keyOf('gp', ['rng', 'grp'])}, arg_max(attempt, ${BEST}) AS best_attempt
          FROM gp GROUP BY ALL`,
    ]);
  }
  const on = [
    ...key.map((k) => sql`b.${k} IS NOT DISTINCT FROM u.${k}`),
    raw('b.rng = u.rng'),
    raw('b.grp IS NOT DISTINCT FROM u.grp'),
  ];
  return withCtes(
    ctes,
    perAttempt
      ? sql`SELECT u.*, ${periodLabel(raw('u.period'), spec.interval)} AS label, TRUE AS best FROM gp u`
      : sql`SELECT u.*, ${periodLabel(raw('u.period'), spec.interval)} AS label,
                   u.attempt = b.best_attempt AS best
            FROM gp u JOIN gb b ON ${join(on, ' AND ')}`,
  );
}

/**
 * First and last touch: per unit the first (or last) value set on any of its funnel events (an
 * event of any step) the range reads, as PostHog attributes them; per range, since each reads
 * its own days.
 */
function touchSql(plan: FunnelPlan, attribution: 'first' | 'last'): Sql {
  const { spec, bounds } = plan;
  const pick = raw(attribution === 'first' ? 'arg_min' : 'arg_max');
  const b = plan.breakdown?.value ?? raw('NULL');
  const inRange = (from: Sql, to: Sql): Sql =>
    sql`${pick}(${b}, {'t': e.ts, 'r': e.rowid}) FILTER (${b} IS NOT NULL AND e.ts >= ${from} AND e.ts <= ${to} + ${plan.window})`;
  const before =
    plan.previousDays === null
      ? raw('CAST(NULL AS VARCHAR)')
      : inRange(bounds.scopeStart, bounds.start);
  return sql`SELECT e.uid ${bySession(plan) ? sql`, ${plan.hold ?? raw('NULL')} AS h` : raw('')},
                    ${inRange(bounds.start, bounds.end)} AS v0, ${before} AS v1
             FROM events e ${usersJoin(plan)}
             WHERE e.ts >= ${bounds.scopeStart} AND e.ts <= ${bounds.end} + ${plan.window}
               AND ${samplingSql(spec.sample?.fraction)}
               AND (${join(
                 plan.steps.map((s) => sql`(${s})`),
                 ' OR ',
               )})
             GROUP BY ALL`;
}
