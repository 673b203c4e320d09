import { DOUBLE, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import { appendColumns } from '../../duckdb/vectors';
import { OTHER_LABEL } from '../../../../shared/specs/common';
import type { PathsSpec } from '../../../../shared/specs/paths';
import type { LocalDays } from '../../../../shared/calendar/local-days';
import { addDays } from '../../../../shared/calendar/local-days';
import { dayStartUtc, type Calendar } from '../../sql/calendar';
import type { Predicate } from '../../sql/conditions';
import { samplingSql } from '../../sql/conditions';
import {
  and,
  execute,
  join,
  query,
  raw,
  render,
  sql,
  withCtes,
  type Sql,
} from '../../sql/fragment';
import { scanInWorker } from '../../workers/scan-read';
import { PATH_FLAGS, pathsScanTask, type PathsScanRows } from './scan';

/** What the units of a paths spec are computed from (the plan of runner.ts). */
export interface PathsUnitsPlan {
  spec: PathsSpec;
  cal: Calendar;
  days: LocalDays;
  backward: boolean;
  /** The start or end event's predicate over `events e`; null from each session's start. */
  anchor: Predicate | null;
  /** Event names, sorted: the scan's codes. */
  events: string[];
  /** Whether the one-pass scan may compute the units (else the SQL does). */
  scan: boolean;
  /** session_facts exists: the sessions' extents bound what is read. */
  sessionFacts: boolean;
}

/** Events of one session in order: time, then storage order for events of the same instant. */
const ORDER_KEY = raw('(CAST(epoch_us(e.ts) AS HUGEINT) * 4294967296 + e.rowid)');

/** More event names than this make the scan's CASE mapping slower than the SQL. */
export const MAX_SCAN_EVENTS = 400;

function bounds(plan: PathsUnitsPlan): { from: Sql; to: Sql; inRange: Sql; hidden: Sql } {
  const from = dayStartUtc(plan.cal, plan.days.from);
  const to = dayStartUtc(plan.cal, addDays(plan.days.to, 1));
  const hide = plan.spec.hide;
  return {
    from,
    to,
    inRange: sql`(e.ts >= ${from} AND e.ts < ${to})`,
    hidden:
      hide.length === 0 ? raw('FALSE') : sql`e.event IN (${join(hide.map((h) => sql`${h}`))})`,
  };
}

/**
 * Each step row with its node: the event, or "(other)" beyond the step's `limit` most frequent
 * events (by users, then by name).
 */
function withNodes(steps: Sql, limit: number): Sql {
  return withCtes(
    [
      ['steps', steps],
      [
        'ranked',
        sql`SELECT step, event,
                   row_number() OVER (PARTITION BY step ORDER BY count(DISTINCT uid) DESC, event) AS r
            FROM steps GROUP BY step, event`,
      ],
    ],
    sql`SELECT s.uid, s.session_id, s.step, s.event,
               CASE WHEN r.r <= ${limit} THEN s.event ELSE ${OTHER_LABEL} END AS node
        FROM steps s JOIN ranked r USING (step, event)`,
  );
}

/** The units' column of the node `k` steps from the anchor (forward, or back to an end event). */
export function nodeColumn(k: number): Sql {
  return raw(`node_${Math.abs(Math.trunc(k))}`);
}

/** Whether the session is its user's first with its node `k` steps from the anchor. */
export function firstColumn(k: number): Sql {
  return raw(`first_${Math.abs(Math.trunc(k))}`);
}

/** Whether the session is its user's first with its nodes at columns k and k + 1. */
export function linkFirstColumn(k: number): Sql {
  return raw(`link_first_${Math.abs(Math.trunc(k))}`);
}

/**
 * The units: one row per anchored session, uid, session_id and node_0 (the anchor) to node_N
 * (NULL past the path's end) — a path of six steps is one row, not six — with first_k (the
 * user's first session through node_k) and link_first_k (through node_k then node_k+1), so that
 * the Sankey counts users as sums, not distinct counts per node.
 */
function oneRowPerSession(steps: Sql, spec: PathsSpec): Sql {
  const sign = spec.end !== undefined ? -1 : 1;
  const columns = Array.from({ length: spec.steps + 1 }, (_, k) => k);
  const nodes = columns.map(
    (k) => sql`max(node) FILTER (WHERE step = ${raw(String(k * sign))}) AS ${nodeColumn(k)}`,
  );
  const firstOf = (keys: Sql[], when: Sql): Sql =>
    sql`COALESCE(${when} AND row_number() OVER (PARTITION BY uid, ${join(keys)} ORDER BY session_id) = 1, FALSE)`;
  const firsts = columns.map(
    (k) => sql`${firstOf([nodeColumn(k)], sql`${nodeColumn(k)} IS NOT NULL`)} AS ${firstColumn(k)}`,
  );
  const links = columns
    .slice(0, -1)
    .map(
      (k) =>
        sql`${firstOf([nodeColumn(k), nodeColumn(k + 1)], sql`${nodeColumn(k + 1)} IS NOT NULL`)} AS ${linkFirstColumn(k)}`,
    );
  return sql`SELECT *, ${join([...firsts, ...links])} FROM (
    SELECT uid, session_id, ${join(nodes)}
    FROM (${withNodes(steps, spec.limit)}) GROUP BY uid, session_id)`;
}

/**
 * The units in SQL: each anchored session's events numbered from its anchor with a window sort.
 * The anchor is the session's first start (or end) event in the range, or, from session starts,
 * its first visible event, which must itself be in the range.
 */
export function unitsSql(plan: PathsUnitsPlan): Sql {
  const { spec, anchor, backward } = plan;
  const { from, to, inRange, hidden } = bounds(plan);
  const anchors =
    anchor === null
      ? sql`SELECT e.session_id, any_value(e.uid) AS uid, min(${ORDER_KEY}) AS ak, arg_min(e.ts, ${ORDER_KEY}) AS ats
            FROM events e
            WHERE NOT (${hidden}) AND e.session_id IN (SELECT e.session_id FROM events e WHERE ${inRange})
            GROUP BY e.session_id HAVING ats >= ${from} AND ats < ${to}`
      : sql`SELECT e.session_id, any_value(e.uid) AS uid, min(${ORDER_KEY}) AS ak
            FROM events e ${anchor.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
            WHERE ${anchor.sql} AND ${inRange} GROUP BY e.session_id`;
  const direction = raw(backward ? 'DESC' : 'ASC');
  return oneRowPerSession(
    withCtes(
      [
        [
          'anchors',
          sql`SELECT * FROM (${anchors}) a WHERE ${samplingSql(spec.sample?.fraction, raw('a.uid'))}`,
        ],
        [
          'seq',
          sql`SELECT e.session_id, a.uid, e.event, ${ORDER_KEY} AS k
              FROM events e JOIN anchors a ON a.session_id = e.session_id
              WHERE ${ORDER_KEY} ${raw(backward ? '<=' : '>=')} a.ak
                AND (NOT (${hidden}) OR ${ORDER_KEY} = a.ak)`,
        ],
        [
          'kept',
          // The lag is a second sort of every event: only collapsed repeats need it.
          spec.collapseRepeats
            ? sql`SELECT * FROM (SELECT *, lag(event) OVER (PARTITION BY session_id ORDER BY k ${direction}) AS prev FROM seq)
                  WHERE prev IS DISTINCT FROM event`
            : sql`SELECT * FROM seq`,
        ],
      ],
      sql`SELECT uid, CAST(session_id AS BIGINT) AS session_id, event,
                 CAST((row_number() OVER (PARTITION BY session_id ORDER BY k ${direction}) - 1) * ${backward ? -1 : 1} AS INTEGER) AS step
          FROM kept QUALIFY abs(step) <= ${spec.steps}`,
    ),
    spec,
  );
}

/**
 * The units from one ordered read of the events and the scan in a worker thread (scan.ts).
 * Returns false, having written nothing, when the events turn out not to be stored session by
 * session (a workspace changed by hand with SQL): the SQL computes them then.
 */
export async function scanUnits(
  c: DuckDBConnection,
  plan: PathsUnitsPlan,
  target: Sql,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const { spec, anchor, backward, events } = plan;
  const { from, to, inRange, hidden } = bounds(plan);
  const code = sql`CASE e.event ${join(
    events.map((name, i) => sql`WHEN ${name} THEN ${i}`),
    ' ',
  )} ELSE -1 END`;
  const flags = sql`(CASE WHEN ${anchor === null ? raw('FALSE') : sql`(${anchor.sql}) AND ${inRange}`} THEN ${PATH_FLAGS.anchor} ELSE 0 END
    + CASE WHEN ${hidden} THEN ${PATH_FLAGS.hidden} ELSE 0 END
    + CASE WHEN ${inRange} THEN ${PATH_FLAGS.inRange} ELSE 0 END)`;
  // Forward paths never look before the range, backward ones never after it; and no session
  // that touches the range reaches past its sessions' extent (session_facts).
  const extent = plan.sessionFacts ? await sessionExtent(c, from, to) : null;
  if (extent === 'none') {
    await execute(c, sql`CREATE TABLE ${target} AS ${oneRowPerSession(emptySteps(), spec)}`);
    return true;
  }
  const lower = anchor !== null && !backward ? sql`e.ts >= ${from}` : (extent?.lower ?? raw(''));
  const upper = anchor !== null && backward ? sql`e.ts < ${to}` : (extent?.upper ?? raw(''));
  const read = render(
    sql`SELECT e.uid, CAST(e.session_id AS DOUBLE) AS s, CAST(${code} AS INTEGER) AS c, CAST(${flags} AS INTEGER) AS f
        FROM events e WHERE ${and([lower, upper, samplingSql(spec.sample?.fraction)])}`,
  );
  // Materialised rather than streamed: DuckDB reads on every core, and its chunks come back
  // synchronously (streaming measured 3x slower for the funnel scan on 10M events).
  const rows = await scanInWorker(
    pathsScanTask,
    {
      steps: spec.steps,
      limit: spec.limit,
      events: events.length,
      backward,
      anchored: anchor !== null,
      collapseRepeats: spec.collapseRepeats,
    },
    await c.run(read.text, read.values),
    { uids: Int32Array, sessions: Float64Array, codes: Int32Array, flags: Int32Array },
    { signal },
  );
  if (rows.outOfOrder) return false;
  await writeUnits(c, plan, rows, target);
  return true;
}

/**
 * The first start and the last event of the sessions that have an event in [from, to), widened
 * by a second (durations are stored in seconds as doubles); 'none' when no session does.
 */
async function sessionExtent(
  c: DuckDBConnection,
  from: Sql,
  to: Sql,
): Promise<{ lower: Sql; upper: Sql } | 'none'> {
  const [row] = await query(
    c,
    sql`SELECT epoch_us(min(started)) AS lo, epoch_us(max(started + to_microseconds(CAST(duration * 1e6 AS BIGINT)))) AS hi
        FROM session_facts WHERE started < ${to} AND started + to_microseconds(CAST(duration * 1e6 AS BIGINT)) >= ${from}`,
  );
  if (row?.lo === null || row?.lo === undefined) return 'none';
  const lo = Number(row.lo) - 1_000_000;
  const hi = Number(row.hi) + 1_000_000;
  return {
    lower: sql`e.ts >= make_timestamp(CAST(${lo} AS BIGINT))`,
    upper: sql`e.ts <= make_timestamp(CAST(${hi} AS BIGINT))`,
  };
}

function emptySteps(): Sql {
  return sql`SELECT CAST(NULL AS INTEGER) AS uid, CAST(NULL AS BIGINT) AS session_id, CAST(NULL AS VARCHAR) AS event, CAST(NULL AS INTEGER) AS step WHERE FALSE`;
}

/** Rows appended between two turns of the event loop. */
const APPEND_SLICE = 65_536;

/** The scan's sessions as the units table: node codes named ("(other)" is the last code). */
async function writeUnits(
  c: DuckDBConnection,
  plan: PathsUnitsPlan,
  rows: PathsScanRows,
  target: Sql,
): Promise<void> {
  const staging = `paths_scan_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const width = plan.spec.steps + 1;
  const ks = Array.from({ length: width }, (_, k) => k);
  const staged = [
    ...ks.map((k) => `n${k}`),
    ...ks.map((k) => `f${k}`),
    ...ks.slice(0, -1).map((k) => `l${k}`),
  ];
  await c.run(
    `CREATE TEMP TABLE ${staging} (uid INTEGER, session_id DOUBLE, ${staged.map((n) => `${n} INTEGER`).join(', ')})`,
  );
  try {
    const appender = await c.createAppender(staging, 'main', 'temp');
    const columns = [rows.uids, rows.sessions, ...rows.nodes, ...rows.firsts, ...rows.linkFirsts];
    const types = [INTEGER, DOUBLE, ...staged.map(() => INTEGER)];
    // In slices, the event loop serving the window in between (appending is synchronous).
    for (let start = 0; start < rows.count; start += APPEND_SLICE) {
      const end = Math.min(rows.count, start + APPEND_SLICE);
      appendColumns(
        appender,
        types,
        columns.map((values) => values.subarray(start, end)),
        end - start,
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    appender.closeSync();
    const names = sql`[${join([...plan.events, OTHER_LABEL].map((name) => sql`${name}`))}]`;
    const n = (k: number): Sql => raw(`s.n${k}`);
    const named = [
      ...ks.map(
        (k) => sql`CASE WHEN ${n(k)} >= 0 THEN l.names[${n(k)} + 1] END AS ${nodeColumn(k)}`,
      ),
      ...ks.map((k) => sql`s.f${raw(String(k))} = 1 AS ${firstColumn(k)}`),
      ...ks.slice(0, -1).map((k) => sql`s.l${raw(String(k))} = 1 AS ${linkFirstColumn(k)}`),
    ];
    await execute(
      c,
      sql`CREATE TABLE ${target} AS
          SELECT s.uid, CAST(s.session_id AS BIGINT) AS session_id, ${join(named)}
          FROM ${raw(`temp.main.${staging}`)} s, (SELECT ${names} AS names) l`,
    );
  } finally {
    await c.run(`DROP TABLE IF EXISTS temp.main.${staging}`);
  }
}
