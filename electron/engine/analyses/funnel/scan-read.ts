import { randomUUID } from 'node:crypto';
import { DOUBLE, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import { periodOf, toLocal } from '../../sql/calendar';
import { ANY_EVENT } from '../../../../shared/specs/common';
import { samplingSql } from '../../sql/conditions';
import { join, raw, render, sql, withCtes, type Sql } from '../../sql/fragment';
import { appendColumns } from '../../duckdb/vectors';
import { scanInWorker } from '../../workers/scan-read';
import { funnelScanTask, type FunnelScanPlan } from './scan';
import { usersJoin, type FunnelPlan } from './plan';

/**
 * The attempts of an ordered, strict or any-order funnel by the one-pass scan (scan.ts): one
 * read of the matching events in stored order, the chain in JavaScript, the rows written into a
 * temp table with the columns chainAttempts gives. Returns that table's SELECT, or null (having
 * written nothing) when the events turn out not to be stored in (user, time, row) order; `sort`
 * puts the read in that order instead of trusting it. `best` adds the column `best`: the row each
 * user reports per range (FunnelScanRows.best), so the units need not find it again.
 *
 * A held value (sessions, holdConstant) or attribution 'all' splits a user's events into
 * streams, each a funnel of its own: the read numbers them in (user, held value, value) order
 * and sorts by stream, and the attempts take their user, held value and value back.
 */
export async function scanAttempts(
  c: DuckDBConnection,
  plan: FunnelPlan,
  signal?: AbortSignal,
  options: { sort?: boolean; best?: boolean } = {},
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
  const { keyScale, periodBaseUs } = keyLayout(plan);
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
    anyOrder: spec.order === 'any',
    keyScale,
    periodBaseUs,
  };

  const flags = [...plan.steps, ...plan.exclusions];
  const { mask, any } = readMask(plan, flags);
  const strict = spec.order === 'strict';
  // An attempt starts at a first-step event; in any order at an event of any step.
  const starts = spec.order === 'any' ? 2 ** spec.steps.length - 1 : 1;
  const all = spec.breakdown?.attribution === 'all';
  const streams = plan.hold !== null || all;
  const suffix = randomUUID().replaceAll('-', '');
  const table = `funnel_attempts_${suffix}`;
  const streamTable = `funnel_streams_${suffix}`;
  const b = all ? (plan.breakdown?.value ?? raw('NULL')) : raw('CAST(NULL AS VARCHAR)');
  // A stream's best is not its user's.
  if (options.best === true && streams) throw new Error('the scan reports streams, not users');
  // Strict order reads every event: the next step must be the user's very next one.
  const events = sql`SELECT e.uid, e.ts, epoch_us(e.ts)::DOUBLE AS t, CAST(${mask} AS INTEGER) AS m,
                     CAST(e.rowid AS DOUBLE) AS r
                     ${streams ? sql`, ${plan.hold ?? raw('NULL')} AS h, ${b} AS b` : raw('')}
              FROM events e ${usersJoin(plan)}
              WHERE e.ts >= ${bounds.scopeStart} AND e.ts <= ${bounds.end} + ${plan.window}
                AND ${samplingSql(spec.sample?.fraction)}
                ${plan.hold === null ? raw('') : sql`AND ${plan.hold} IS NOT NULL`}
                ${strict ? raw('') : sql`AND (${any})`}`;
  // The rowid and, where an attempt may start, the entry period's hour (FunnelScanPlan.keyScale).
  const key = sql`r * ${raw(String(keyScale))} + CASE WHEN m & ${raw(String(starts))} <> 0 AND ts < ${bounds.end}
                    THEN (epoch_us(${periodOf(plan.cal, toLocal(plan.cal, raw('ts')), spec.interval)}) - ${raw(String(periodBaseUs))}) // ${raw(String(HOUR_US))}
                    ELSE 0 END AS x`;
  const drop = async (): Promise<void> => {
    await c.run(`DROP TABLE IF EXISTS temp.${table}`);
    await c.run(`DROP TABLE IF EXISTS temp.${streamTable}`);
  };
  let read: Sql;
  if (streams) {
    // Each stream numbered, its user, held value and value kept for the attempts.
    await c.run(
      ...args(
        sql`CREATE TEMP TABLE ${raw(streamTable)} AS ${withCtes(
          plan.ctes,
          sql`SELECT (dense_rank() OVER (ORDER BY uid, h, b) - 1)::INTEGER AS stream, *, ${key}
              FROM (${events})`,
        )}`,
      ),
    );
    read = raw(`SELECT stream, t, m, x FROM temp.${streamTable} ORDER BY stream, t, r`);
  } else {
    read = withCtes(
      plan.ctes,
      sql`SELECT uid, t, m, ${key}
          FROM (${events})
          ${
            // A join (user properties) or a semi-join (first-time steps) does not keep the stored
            // order: the read is put back in it.
            options.sort === true || plan.needsUsers || plan.ctes.length > 0
              ? raw('ORDER BY uid, t, r')
              : raw('')
          }`,
    );
  }
  try {
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
        keys: Float64Array,
      },
      { signal },
    );
    if (rows === null) {
      await drop();
      return null;
    }
    const times = spec.steps.map((_, i) => `u${i}`);
    // Level (at most 31), range and best in one column: each column appended costs about as
    // much as the rows' whole chain.
    await c.run(
      `CREATE TEMP TABLE ${table} (uid INTEGER, code INTEGER, period DOUBLE, attempt DOUBLE, ${times.map((t) => `${t} DOUBLE`).join(', ')})`,
    );
    const appender = await c.createAppender(table, 'main', 'temp');
    for (const block of rows.blocks) {
      const { count, capacity } = block;
      const code = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        code[i] = (block.level[i] ?? 0) | ((block.rng[i] ?? 0) << 6) | ((block.best[i] ?? 0) << 7);
      }
      appendColumns(
        appender,
        [INTEGER, INTEGER, DOUBLE, DOUBLE, ...times.map(() => DOUBLE)],
        [
          block.uid,
          code,
          block.period,
          block.attempt,
          ...times.map((_, s) => block.times.subarray(s * capacity, s * capacity + count)),
        ],
        count,
      );
    }
    appender.closeSync();
    const head = `(code >> 6) & 1 AS rng, make_timestamp(CAST(period AS BIGINT)) AS period,
            CAST(attempt AS BIGINT) AS attempt, code & 63 AS level`;
    const stepTimes = times
      .map(
        (t, i) =>
          `CASE WHEN isnan(${t}) THEN NULL ELSE make_timestamp(CAST(${t} AS BIGINT)) END AS t${i}`,
      )
      .join(', ');
    const attempts = raw(
      streams
        ? `SELECT s.uid, s.h, ${head}, s.b, ${stepTimes}
           FROM temp.${table} a JOIN (SELECT DISTINCT stream, uid, h, b FROM temp.${streamTable}) s
             ON s.stream = a.uid`
        : `SELECT uid, NULL AS h, ${head}, CAST(NULL AS VARCHAR) AS b, ${stepTimes}
           ${options.best === true ? ', code >= 128 AS best' : ''} FROM temp.${table}`,
    );
    return { attempts, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

const HOUR_US = 3_600_000_000;
const DAY_US = 24 * HOUR_US;

/**
 * How a read row's key packs its rowid and entry period (FunnelScanPlan.keyScale): the periods
 * of starts in the scanned days begin at most a month before the first day (a month's or a
 * week's start) and on whole local hours, so hours from 32 days before it fit below keyScale.
 */
function keyLayout(plan: FunnelPlan): { keyScale: number; periodBaseUs: number } {
  const { from, to } = { from: (plan.previousDays ?? plan.days).from, to: plan.days.to };
  const firstUs = Date.parse(`${from}T00:00:00Z`) * 1000;
  const days = (Date.parse(`${to}T00:00:00Z`) * 1000 - firstUs) / DAY_US + 1;
  const hours = (days + 33) * 24;
  return { keyScale: 2 ** Math.ceil(Math.log2(hours)), periodBaseUs: firstUs - 32 * DAY_US };
}

function args(fragment: Sql): [string, (string | number | boolean | bigint)[]] {
  const { text, values } = render(fragment);
  return [text, values];
}

/**
 * Each event's bits (one per step and exclusion it matches) and the condition that it matches
 * any. Flags that only name an event (no conditions, no funnel filters, not first-time) take
 * their bits from one lookup of the name: string comparisons per flag and event were most of
 * the read (10M events: 0.46 s against 0.22 s). The others keep their own CASE.
 */
function readMask(plan: FunnelPlan, flags: readonly Sql[]): { mask: Sql; any: Sql } {
  const { spec } = plan;
  const items = [
    ...spec.steps.map((s) => ({ events: s.events, firstTime: s.firstTime })),
    ...spec.exclusions.map((x) => ({ events: x.events, firstTime: undefined })),
  ];
  const bitsOf = new Map<string, number>();
  const rest: number[] = [];
  items.forEach((item, bit) => {
    const plain =
      spec.filters.length === 0 &&
      item.firstTime === undefined &&
      item.events.where.length === 0 &&
      item.events.event !== ANY_EVENT;
    if (plain) bitsOf.set(item.events.event, (bitsOf.get(item.events.event) ?? 0) | (2 ** bit));
    else rest.push(bit);
  });
  const names = [...bitsOf.keys()];
  const at = sql`list_position([${join(names.map((n) => sql`${n}`))}], e.event)`;
  const looked =
    names.length === 0 ? [] : [sql`coalesce([${raw([...bitsOf.values()].join(', '))}][${at}], 0)`];
  const cased = rest.map(
    (bit) =>
      sql`(CASE WHEN ${flags[bit] ?? raw('FALSE')} THEN ${raw(String(2 ** bit))} ELSE 0 END)`,
  );
  const mask = join([...looked, ...cased], ' + ');
  const any = join(
    [
      ...(names.length === 0 ? [] : [sql`${at} IS NOT NULL`]),
      ...rest.map((bit) => sql`(${flags[bit] ?? raw('FALSE')})`),
    ],
    ' OR ',
  );
  return { mask, any };
}
