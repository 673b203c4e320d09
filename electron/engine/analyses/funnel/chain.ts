import { periodOf, toLocal } from '../../sql/calendar';
import { and, join, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import { samplingSql } from '../../sql/conditions';
import { WINDOW_SECONDS } from '../../../../shared/specs/funnel';
import { anyOrderSharesEvents } from './matching';
import { usersJoin, type FunnelPlan } from './plan';

/**
 * The attempts of a funnel in SQL, as ClickHouse's windowFunnel and PostHog compute them: every
 * first-step event inside a range starts an attempt; each next step is the earliest matching
 * event at or after the previous step, no later than the window after the first step (ties
 * allowed, but one event never fills two steps). The chain is a sequence of ASOF joins, linear in
 * each user's events (no self-join of a user's events).
 *
 * One row per attempt: uid, h (held value), rng (0 = the range, 1 = the one before), period (its
 * local entry period), attempt (its first step's rowid), level, b (breakdown value for 'step' and
 * 'all' attribution), t0..t{n-1} (step times, NULL = not reached). Excluded attempts are left out.
 * With attribution 'step', one row per attempt and value that reaches the step with it.
 */
export function chainAttempts(plan: FunnelPlan): Sql {
  const { spec } = plan;
  if (spec.order === 'any') return anyOrder(plan);
  if (spec.steps.some((s) => s.within !== undefined)) return perStepWindows(plan);
  return ordered(plan);
}

/** Whether a funnel needs the (time, row) key: two of its steps can match one event. */
function needsKey(plan: FunnelPlan): boolean {
  return plan.shared.some((row, i) => row.some((s, j) => j > i && s));
}

/**
 * The ASOF condition of step j's event after step i's: strictly after its event when the two
 * can match one event, else at or after its time, the first stored of equal times (the (time,
 * row) key when the funnel has one, so later steps compare keys of a deterministic row).
 */
function afterStep(plan: FunnelPlan, i: number, j: number, key: boolean): Sql {
  if (plan.shared[i]?.[j] === true) return raw(`m.k > p.k${i}`);
  if (key) return raw(`m.k >= CAST(epoch_us(p.t${i}) AS HUGEINT) * 4294967296`);
  return raw(`m.ts >= p.t${i}`);
}

/** The value key of a breakdown value: 'n' for none, 'v' + the value (exact, never NULL). */
function valueKey(b: Sql): Sql {
  return sql`CASE WHEN ${b} IS NULL THEN 'n' ELSE 'v' || ${b} END`;
}

/** The events a funnel reads, one flag per step and exclusion. */
function eventsCte(plan: FunnelPlan, options: { key: boolean; seq: boolean; all: boolean }): Sql {
  const { spec, bounds } = plan;
  const hold = plan.hold ?? raw('NULL');
  const b = plan.breakdown?.value ?? raw('NULL');
  const flags = [
    ...plan.steps.map((s, i) => sql`(${s}) AS ${raw(`s${i}`)}`),
    ...plan.exclusions.map((x, i) => sql`(${x}) AS ${raw(`x${i}`)}`),
  ];
  const any = [...plan.steps, ...plan.exclusions].map((s) => sql`(${s})`);
  // Strict order numbers every event of the unit (the user, within one held value), matching or
  // not: the next step must be its next event.
  const partition = [
    raw('e.uid'),
    ...(plan.hold === null ? [] : [plan.hold]),
    ...(options.all ? [valueKey(b)] : []),
  ];
  return sql`SELECT e.uid, e.ts, e.rowid AS r,
      ${options.key ? raw('CAST(epoch_us(e.ts) AS HUGEINT) * 4294967296 + e.rowid') : raw('NULL')} AS k,
      ${hold} AS h, ${b} AS b, ${valueKey(b)} AS bk, ${join(flags)}
      ${options.seq ? sql`, row_number() OVER (PARTITION BY ${join(partition)} ORDER BY e.ts, e.rowid) AS seq` : raw('')}
    FROM events e ${usersJoin(plan)}
    WHERE e.ts >= ${bounds.scopeStart} AND e.ts <= ${bounds.end} + ${plan.window}
      AND ${samplingSql(spec.sample?.fraction)}
      ${plan.hold === null ? raw('') : sql`AND ${plan.hold} IS NOT NULL`}
      ${options.seq ? raw('') : sql`AND (${join(any, ' OR ')})`}`;
}

/** Range and entry period of an attempt starting at `ts`. */
function entry(plan: FunnelPlan, ts: Sql): Sql {
  return sql`CASE WHEN ${ts} < ${plan.bounds.start} THEN 1 ELSE 0 END AS rng,
    ${periodOf(plan.cal, toLocal(plan.cal, ts), plan.spec.interval)} AS period`;
}

function times(plan: FunnelPlan): Sql {
  return raw(plan.spec.steps.map((_, i) => `t${i}`).join(', '));
}

function ordered(plan: FunnelPlan): Sql {
  const { spec, bounds } = plan;
  const W = plan.window;
  const strict = spec.order === 'strict';
  const key = needsKey(plan);
  const attribution = spec.breakdown?.attribution;
  const all = attribution === 'all';
  const stepOf = attribution === 'step' ? (spec.breakdown?.step ?? 0) : -1;
  const holdOn = plan.hold === null ? raw('') : raw('AND m.h = p.h');
  const allOn = all ? raw('AND m.bk = p.bk0') : raw('');
  const ctes: [string, Sql][] = [
    ...plan.ctes,
    ['ev', eventsCte(plan, { key, seq: strict, all })],
    [
      'c0',
      sql`SELECT uid, h, b AS b0, bk AS bk0, ${stepOf === 0 ? raw('b AS bv, bk AS bkv,') : raw('')}
                 ts AS t0, k AS k0, ${strict ? raw('seq AS q0,') : raw('')} r AS attempt, ${entry(plan, raw('ts'))}
          FROM ev WHERE s0 AND ts >= ${bounds.scopeStart} AND ts < ${bounds.end}`,
    ],
  ];
  const required = plan.counted.filter((i) => i > 0);
  let prev = 0;
  let last = 'c0';
  for (const k of required) {
    let from = last;
    if (k === stepOf) {
      // Attribution to this step: each value of the unit's step-k events is a funnel of its own,
      // in which step k only takes events carrying the value.
      ctes.push(
        ['vals', sql`SELECT DISTINCT uid, h, b, bk FROM ev WHERE ${raw(`s${k}`)}`],
        [
          'cv',
          sql`SELECT p.*, v.b AS bv, v.bk AS bkv FROM ${raw(last)} p JOIN vals v
                ON v.uid = p.uid ${plan.hold === null ? raw('') : raw('AND v.h = p.h')}
              WHERE ${raw(`p.t${prev}`)} IS NOT NULL`,
        ],
      );
      from = 'cv';
    }
    const valueOn = k === stepOf ? raw('AND m.bk = p.bkv') : raw('');
    // The previous step must have been reached: DuckDB's ASOF join can pair a NULL probe time
    // with a row, so that case is ruled out here rather than trusted to the join.
    const within = raw(`p.t${prev} IS NOT NULL AND m.ts <= p.t0 + `);
    const keep = (col: string): Sql => sql`CASE WHEN ${within}${W} THEN ${raw(col)} END`;
    const joined = strict
      ? sql`LEFT JOIN (SELECT * FROM ev WHERE ${raw(`s${k}`)}) m
              ON m.uid = p.uid AND m.seq = ${raw(`p.q${prev}`)} + 1 ${holdOn} ${allOn} ${valueOn}`
      : sql`ASOF LEFT JOIN (SELECT * FROM ev WHERE ${raw(`s${k}`)}) m
              ON m.uid = p.uid ${holdOn} ${allOn} ${valueOn}
             AND ${afterStep(plan, prev, k, key)}`;
    ctes.push([
      `c${k}`,
      sql`SELECT p.*, ${keep('m.ts')} AS ${raw(`t${k}`)}, ${keep('m.k')} AS ${raw(`k${k}`)}
                 ${strict ? sql`, ${keep('m.seq')} AS ${raw(`q${k}`)}` : raw('')}
          FROM ${raw(from)} p ${joined}`,
    ]);
    prev = k;
    last = `c${k}`;
  }
  // An optional step counts when it falls after the previous required step and no later than
  // the next one (never on the next one's event) or the window's end.
  spec.steps.forEach((step, j) => {
    if (!step.optional) return;
    const before = [...plan.counted].filter((i) => i < j).pop() ?? 0;
    const after = plan.counted.find((i) => i > j);
    const afterOk =
      after === undefined
        ? raw('TRUE')
        : plan.shared[j]?.[after] === true
          ? raw(`(p.t${after} IS NULL OR m.k < p.k${after})`)
          : raw(`(p.t${after} IS NULL OR m.ts <= p.t${after})`);
    const reached = sql`${raw(`p.t${before}`)} IS NOT NULL AND m.ts <= p.t0 + ${W} AND ${afterOk}`;
    ctes.push([
      `o${j}`,
      sql`SELECT p.*, CASE WHEN ${reached} THEN m.ts END AS ${raw(`t${j}`)}
          FROM ${raw(last)} p ASOF LEFT JOIN (SELECT * FROM ev WHERE ${raw(`s${j}`)}) m
            ON m.uid = p.uid ${holdOn} ${allOn}
           AND ${afterStep(plan, before, j, key)}`,
    ]);
    last = `o${j}`;
  });
  last = exclusionCtes(plan, ctes, last, raw('p.t0'), { holdOn, allOn });
  const level = `1 + ${required.map((k) => `(t${k} IS NOT NULL)::INT`).join(' + ')}`;
  const kept = [raw('NOT excluded'), ...(stepOf > 0 ? [raw(`t${stepOf} IS NOT NULL`)] : [])];
  const b = stepOf >= 0 ? raw('bv') : all ? raw('b0') : raw('CAST(NULL AS VARCHAR)');
  return withCtes(
    ctes,
    sql`SELECT uid, h, rng, period, attempt, ${raw(level)} AS level, ${b} AS b, ${times(plan)}
        FROM ${raw(last)} WHERE ${and(kept)}`,
  );
}

/**
 * Exclusions: the first excluded event after step `from` removes the attempt when it comes
 * before step `to`, or before the window's end when `to` was not reached. Adds `excluded`.
 */
function exclusionCtes(
  plan: FunnelPlan,
  ctes: [string, Sql][],
  from: string,
  start: Sql,
  on: { holdOn: Sql; allOn: Sql },
): string {
  let last = from;
  plan.spec.exclusions.forEach((x, m) => {
    const tFrom = raw(`p.t${x.from}`);
    const tTo = raw(`p.t${x.to}`);
    ctes.push([
      `x${m}`,
      sql`SELECT p.*, ${tFrom} IS NOT NULL AND m.ts IS NOT NULL
                 AND (m.ts < ${tTo} OR (${tTo} IS NULL AND m.ts <= ${start} + ${plan.window})) AS ${raw(`excluded${m}`)}
          FROM ${raw(last)} p ASOF LEFT JOIN (SELECT * FROM ev WHERE ${raw(`x${m}`)}) m
            ON m.uid = p.uid ${on.holdOn} ${on.allOn} AND m.ts > ${tFrom}`,
    ]);
    last = `x${m}`;
  });
  const excluded =
    plan.spec.exclusions.length === 0
      ? raw('false')
      : raw(plan.spec.exclusions.map((_, m) => `coalesce(excluded${m}, false)`).join(' OR '));
  ctes.push(['xd', sql`SELECT *, ${excluded} AS excluded FROM ${raw(last)}`]);
  return 'xd';
}

/**
 * Any order: every event of any step inside a range may start an attempt; each step counts if
 * one of its events falls in [start, start + window]. The level is the number of steps done, and
 * t_j is when the (j+1)-th of them was done: exclusions and times read those. Only for steps no
 * event can match two of: the earliest event of each step is then the matching of matching.ts;
 * steps that share events go to the scan, which matches them to distinct events.
 */
function anyOrder(plan: FunnelPlan): Sql {
  if (anyOrderSharesEvents(plan)) {
    throw new Error('any-order steps that share events are matched by the scan, not the chain');
  }
  const { spec, bounds } = plan;
  const W = plan.window;
  const all = spec.breakdown?.attribution === 'all';
  const holdOn = plan.hold === null ? raw('') : raw('AND m.h = p.h');
  const allOn = all ? raw('AND m.bk = p.bk0') : raw('');
  const n = spec.steps.length;
  const startFlag = raw(spec.steps.map((_, i) => `s${i}`).join(' OR '));
  const ctes: [string, Sql][] = [
    ...plan.ctes,
    ['ev', eventsCte(plan, { key: false, seq: false, all })],
    [
      'a',
      sql`SELECT uid, h, b AS b0, bk AS bk0, ts AS start, r AS attempt, ${entry(plan, raw('ts'))}
          FROM ev WHERE (${startFlag}) AND ts >= ${bounds.scopeStart} AND ts < ${bounds.end}`,
    ],
  ];
  let prev = 'a';
  for (let j = 0; j < n; j++) {
    ctes.push([
      `h${j}`,
      sql`SELECT p.*, CASE WHEN m.ts <= p.start + ${W} THEN m.ts END AS ${raw(`hit${j}`)}
          FROM ${raw(prev)} p ASOF LEFT JOIN (SELECT * FROM ev WHERE ${raw(`s${j}`)}) m
            ON m.uid = p.uid ${holdOn} ${allOn} AND m.ts >= p.start`,
    ]);
    prev = `h${j}`;
  }
  const hits = spec.steps.map((_, j) => `hit${j}`);
  const done = hits.map((h) => `(${h} IS NOT NULL)::INT`).join(' + ');
  const sorted = `list_sort(list_filter([${hits.join(', ')}], x -> x IS NOT NULL))`;
  ctes.push([
    'hits',
    raw(`SELECT * EXCLUDE (${hits.join(', ')}), ${done} AS level,
      ${spec.steps.map((_, j) => `${sorted}[${j + 1}] AS t${j}`).join(', ')}
    FROM ${prev}`),
  ]);
  const last = exclusionCtes(plan, ctes, 'hits', raw('p.start'), { holdOn, allOn });
  return withCtes(
    ctes,
    sql`SELECT uid, h, rng, period, attempt, level,
               ${all ? raw('b0') : raw('CAST(NULL AS VARCHAR)')} AS b, ${times(plan)}
        FROM ${raw(last)} WHERE NOT excluded`,
  );
}

/**
 * Funnels where a step must also come within its own window of the previous step. Earliest-next
 * matching is no longer right (a later previous step can be the one that fits), so each step is
 * a pass of dynamic programming: a step-k event is reachable if a reachable step-(k-1) event lies
 * within its window before it, and it keeps the latest first-step time among those (the latest
 * start leaves the most room for the funnel's own window). One sorted window pass per step, per
 * unit, range and entry period (each period's attempts, as everywhere, a funnel of their own);
 * per period one chain: the one by which the deepest step was first reached, from the latest
 * start reaching it then (PostHog's rule).
 */
function perStepWindows(plan: FunnelPlan): Sql {
  const { spec, bounds } = plan;
  const W = plan.window;
  const key = needsKey(plan);
  // Each unit's attempts of one range and entry period are a funnel of their own.
  const part = raw('uid, h, rng, period');
  const ctes: [string, Sql][] = [
    ...plan.ctes,
    ['ev', eventsCte(plan, { key, seq: false, all: false })],
    [
      'd0',
      sql`SELECT uid, h, ${entry(plan, raw('ts'))}, ts, k, ts AS best
          FROM ev WHERE s0 AND ts >= ${bounds.scopeStart} AND ts < ${bounds.end}`,
    ],
    // The events those attempts can reach: from their first start to the window after the last.
    [
      'starts',
      raw('SELECT uid, h, rng, period, min(ts) AS lo, max(ts) AS hi FROM d0 GROUP BY ALL'),
    ],
  ];
  spec.steps.forEach((step, i) => {
    if (i === 0) return;
    const seconds =
      step.within === undefined ? undefined : step.within.n * WINDOW_SECONDS[step.within.unit];
    // One event must not fill two steps: order by the (time, row) key and stop one row short.
    const byKey = key && plan.shared[i - 1]?.[i] === true;
    const frame = byKey
      ? sql`ORDER BY k RANGE BETWEEN ${seconds === undefined ? raw('UNBOUNDED') : sql`CAST(${((BigInt(seconds) * 1_000_000n + 1n) * 4_294_967_296n - 1n).toString()} AS HUGEINT)`} PRECEDING AND 1 PRECEDING`
      : sql`ORDER BY ts RANGE BETWEEN ${seconds === undefined ? raw('UNBOUNDED') : sql`to_microseconds(CAST(${seconds} AS BIGINT) * 1000000)`} PRECEDING AND CURRENT ROW`;
    ctes.push([
      `d${i}`,
      sql`SELECT uid, h, rng, period, ts, k, best FROM (
            SELECT *, max(prev) OVER (PARTITION BY ${part} ${frame}) AS best FROM (
              SELECT uid, h, rng, period, ts, k, best AS prev, false AS here FROM ${raw(`d${i - 1}`)}
              UNION ALL
              SELECT e.uid, e.h, s.rng, s.period, e.ts, e.k, NULL, true
              FROM ev e JOIN starts s ON s.uid = e.uid AND s.h IS NOT DISTINCT FROM e.h
                AND e.ts >= s.lo AND e.ts <= s.hi + ${W}
              WHERE ${raw(`e.s${i}`)}))
          WHERE here AND best IS NOT NULL AND ts <= best + ${W}`,
    ]);
  });
  const reach = spec.steps
    .map((_, i) => `SELECT uid, h, rng, period, ${i} AS step, ts, k, best FROM d${i}`)
    .join(' UNION ALL ');
  const same =
    'd.uid = r.uid AND d.h IS NOT DISTINCT FROM r.h AND d.rng = r.rng AND d.period = r.period';
  ctes.push(
    ['reach', raw(reach)],
    [
      'deepest',
      raw('SELECT uid, h, rng, period, max(step) AS top FROM reach GROUP BY uid, h, rng, period'),
    ],
    // As PostHog reports a funnel: the chain by which the deepest step was first reached (its
    // earliest event there), from the latest start reaching that event. A later chain to the
    // same depth does not replace it, so a per-step window that never binds times the funnel as
    // the funnel without it does when step 1 is not repeated before step 2.
    [
      'pick',
      raw(`SELECT r.uid, r.h, r.rng, r.period, d.top, arg_min(r.best, (r.ts, -epoch_us(r.best))) AS best
           FROM reach r JOIN deepest d ON ${same} AND r.step = d.top
           GROUP BY r.uid, r.h, r.rng, r.period, d.top`),
    ],
  );
  // One chain per unit, rebuilt backwards: the deepest step's earliest event, then for each step
  // before it the latest event of the same start that still fits the next step's window.
  const last = spec.steps.length - 1;
  ctes.push([
    `z${last + 1}`,
    raw(
      `SELECT uid, h, rng, period, top, top + 1 AS level, best AS t0, row_number() OVER (ORDER BY uid, h, rng, period) AS attempt FROM pick`,
    ),
  ]);
  for (let j = last; j >= 1; j--) {
    const next = spec.steps[j + 1]?.within;
    // Steps that can match one event compare (time, row) keys, so one event never fills both.
    const shared = key && plan.shared[j]?.[j + 1] === true;
    const fits =
      j === last
        ? raw('FALSE')
        : sql`${raw(shared ? `a.k < x.k${j + 1}` : `a.ts <= x.t${j + 1}`)}${next === undefined ? raw('') : sql` AND x.${raw(`t${j + 1}`)} - a.ts <= to_microseconds(CAST(${next.n * WINDOW_SECONDS[next.unit]} AS BIGINT) * 1000000)`}`;
    const mine = raw(
      `a.uid = x.uid AND a.h IS NOT DISTINCT FROM x.h AND a.rng = x.rng AND a.period = x.period AND a.step = ${j} AND a.best = x.t0`,
    );
    ctes.push(
      [
        `z${j}`,
        sql`SELECT x.*, CASE WHEN x.top < ${raw(String(j))} THEN NULL
                            WHEN x.top = ${raw(String(j))} THEN (SELECT min(a.ts) FROM reach a WHERE ${mine})
                            ELSE (SELECT max(a.ts) FROM reach a WHERE ${mine} AND ${fits}) END AS ${raw(`t${j}`)}
            FROM ${raw(j === last ? `z${last + 1}` : `y${j + 1}`)} x`,
      ],
      [
        `y${j}`,
        sql`SELECT x.*, (SELECT ${raw(j === last ? 'min' : 'max')}(a.k) FROM reach a WHERE ${mine} AND a.ts = x.${raw(`t${j}`)}) AS ${raw(`k${j}`)}
            FROM ${raw(`z${j}`)} x`,
      ],
    );
  }
  return withCtes(
    ctes,
    sql`SELECT uid, h, rng, period, attempt, level, CAST(NULL AS VARCHAR) AS b, ${times(plan)}
        FROM y1`,
  );
}
