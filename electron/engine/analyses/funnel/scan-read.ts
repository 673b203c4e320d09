import { randomUUID } from 'node:crypto';
import { DOUBLE, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import { periodOf, toLocal } from '../../sql/calendar';
import { samplingSql } from '../../sql/conditions';
import { join, raw, render, sql, withCtes, type Sql } from '../../sql/fragment';
import { appendColumns } from '../../duckdb/vectors';
import { scanInWorker } from '../../workers/scan-read';
import { funnelScanTask, type FunnelScanPlan } from './scan';
import { usersJoin, type FunnelPlan } from './plan';

/**
 * The attempts of an ordered or strict funnel by the one-pass scan (scan.ts): one read of the
 * matching events in stored order, the chain in JavaScript, the rows written into a temp table
 * with the columns chainAttempts gives. Returns that table's SELECT, or null (having written
 * nothing) when the events turn out not to be stored in (user, time, row) order.
 */
export async function scanAttempts(
  c: DuckDBConnection,
  plan: FunnelPlan,
  signal?: AbortSignal,
): Promise<{ attempts: Sql; drop: () => Promise<void> } | null> {
  const { spec, bounds } = plan;
  const [row] = (
    await c.runAndReadAll(
      ...args(
        sql`SELECT epoch_us(${bounds.scopeStart})::DOUBLE, epoch_us(${bounds.start})::DOUBLE, epoch_us(${bounds.end})::DOUBLE`,
      ),
    )
  ).getRows();
  const [scopeUs, startUs, endUs] = (row ?? [0, 0, 0]).map(Number) as [number, number, number];
  const required = plan.counted.filter((i) => i > 0);
  const scanPlan: FunnelScanPlan = {
    steps: spec.steps.length,
    required,
    optional: spec.steps.flatMap((step, j) =>
      step.optional
        ? [
            {
              step: j,
              before: [...plan.counted].filter((i) => i < j).pop() ?? 0,
              after: plan.counted.find((i) => i > j) ?? -1,
            },
          ]
        : [],
    ),
    exclusions: spec.exclusions.map((x) => ({ from: x.from, to: x.to })),
    shared: plan.shared,
    windowUs: plan.windowSeconds * 1_000_000,
    ranges: [
      { startUs, endUs },
      ...(plan.previousDays === null ? [] : [{ startUs: scopeUs, endUs: startUs }]),
    ],
    strict: spec.order === 'strict',
    perAttempt: spec.countBy === 'attempts',
  };

  const flags = [...plan.steps, ...plan.exclusions];
  const mask = join(
    flags.map((f, bit) => sql`(CASE WHEN ${f} THEN ${raw(String(2 ** bit))} ELSE 0 END)`),
    ' + ',
  );
  const strict = spec.order === 'strict';
  // Strict order reads every event: the next step must be the user's very next one.
  const read = withCtes(
    plan.ctes,
    sql`SELECT uid, t, m, r,
               CASE WHEN m & 1 = 1 THEN epoch_us(${periodOf(plan.cal, toLocal(plan.cal, raw('ts')), spec.interval)})::DOUBLE
                    ELSE 'NaN'::DOUBLE END AS p
        FROM (SELECT e.uid, e.ts, epoch_us(e.ts)::DOUBLE AS t, CAST(${mask} AS INTEGER) AS m,
                     CAST(e.rowid AS DOUBLE) AS r
              FROM events e ${usersJoin(plan)}
              WHERE e.ts >= ${bounds.scopeStart} AND e.ts <= ${bounds.end} + ${plan.window}
                AND ${samplingSql(spec.sample?.fraction)}
                ${
                  strict
                    ? raw('')
                    : sql`AND (${join(
                        flags.map((f) => sql`(${f})`),
                        ' OR ',
                      )})`
                })
        ${
          // A join (user properties) or a semi-join (first-time steps) does not keep the stored
          // order: the read is put back in it.
          plan.needsUsers || plan.ctes.length > 0 ? raw('ORDER BY uid, t, r') : raw('')
        }`,
  );
  // Materialised rather than streamed: the read then runs on every core. The scan itself runs
  // in a worker thread, fed the read batch by batch.
  const rows = await scanInWorker(
    funnelScanTask,
    scanPlan,
    await c.run(...args(read)),
    {
      uids: Int32Array,
      times: Float64Array,
      masks: Int32Array,
      rows: Float64Array,
      periods: Float64Array,
    },
    { signal },
  );
  if (rows === null) return null;

  const table = `funnel_attempts_${randomUUID().replaceAll('-', '')}`;
  const times = spec.steps.map((_, i) => `u${i}`);
  await c.run(
    `CREATE TEMP TABLE ${table} (uid INTEGER, rng INTEGER, period DOUBLE, attempt DOUBLE, level INTEGER, ${times.map((t) => `${t} DOUBLE`).join(', ')})`,
  );
  const drop = async (): Promise<void> => {
    await c.run(`DROP TABLE IF EXISTS temp.${table}`);
  };
  try {
    const appender = await c.createAppender(table, 'main', 'temp');
    appendColumns(
      appender,
      [INTEGER, INTEGER, DOUBLE, DOUBLE, INTEGER, ...times.map(() => DOUBLE)],
      [rows.uid, rows.rng, rows.period, rows.attempt, rows.level, ...rows.times],
      rows.count,
    );
    appender.closeSync();
  } catch (error) {
    await drop();
    throw error;
  }
  const attempts = raw(
    `SELECT uid, NULL AS h, rng, make_timestamp(CAST(period AS BIGINT)) AS period,
            CAST(attempt AS BIGINT) AS attempt, level, CAST(NULL AS VARCHAR) AS b,
            ${times.map((t, i) => `CASE WHEN isnan(${t}) THEN NULL ELSE make_timestamp(CAST(${t} AS BIGINT)) END AS t${i}`).join(', ')}
     FROM temp.${table}`,
  );
  return { attempts, drop };
}

function args(fragment: Sql): [string, (string | number | boolean | bigint)[]] {
  const { text, values } = render(fragment);
  return [text, values];
}
