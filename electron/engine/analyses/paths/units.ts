import {
  DuckDBDataChunk,
  DuckDBVector,
  ENUM,
  type DuckDBConnection,
  type DuckDBEnumType,
} from '@duckdb/node-api';
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
import {
  cellBits,
  cellOf,
  firstBit,
  linkFirstBit,
  PATH_FLAGS,
  pathsScanTask,
  type PathsScanRows,
} from './scan';

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

/** More event names than this make the scan's name lookup slower than the SQL. */
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
 * The import numbers a user's sessions uid * 1,000,000 + 1, 2, ... (import-events.ts,
 * sessions.ts): the read packs that number with each row's event and flags into one integer, the
 * least it can copy out of DuckDB and over to the worker. A session id of another form is read
 * as a column of its own.
 */
const SESSIONS_PER_USER = 1_000_000;

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
  // The event's position among the names (0: none of them). A CASE of one WHEN per name cost
  // four times as much on 10M events: it was the read's costliest column.
  const code =
    events.length === 0
      ? raw('0')
      : sql`coalesce(list_position([${join(events.map((name) => sql`${name}`))}], e.event), 0)`;
  const flags = sql`(CASE WHEN ${anchor === null ? raw('FALSE') : sql`(${anchor.sql}) AND ${inRange}`} THEN ${PATH_FLAGS.anchor} ELSE 0 END
    + CASE WHEN ${hidden} THEN ${PATH_FLAGS.hidden} ELSE 0 END
    + CASE WHEN ${inRange} THEN ${PATH_FLAGS.inRange} ELSE 0 END)`;
  // The code plus one (0: a name the codes do not hold) above the flags: cellOf in scan.ts.
  const cell = sql`(${code} * ${cellOf(0, 0)} + ${flags})`;
  // Forward paths never look before the range, backward ones never after it; and no session
  // that touches the range reaches past its sessions' extent (session_facts).
  const extent = plan.sessionFacts ? await sessionExtent(c, from, to) : null;
  if (extent === 'none') {
    await execute(c, sql`CREATE TABLE ${target} AS ${oneRowPerSession(emptySteps(), spec)}`);
    return true;
  }
  const lower = anchor !== null && !backward ? sql`e.ts >= ${from}` : (extent?.lower ?? raw(''));
  const upper = anchor !== null && backward ? sql`e.ts < ${to}` : (extent?.upper ?? raw(''));
  const where = and([lower, upper, samplingSql(spec.sample?.fraction)]);
  const names = nodeNames(events);
  const scanPlan = {
    steps: spec.steps,
    limit: spec.limit,
    events: events.length,
    backward,
    anchored: anchor !== null,
    collapseRepeats: spec.collapseRepeats,
    nodeIndex: names.index,
  };
  const shift = cellBits(events.length);
  // The session's number within its user, compared before it is subtracted (no overflow), or
  // -1 when it is not one the bits above the cell hold: the scan reads a sessions column then.
  // HUGEINT arithmetic on the session id measured twice the cost of this in BIGINT.
  const packed = render(
    sql`SELECT uid, CAST(CASE WHEN sid BETWEEN base AND base + ${2 ** (31 - shift) - 1}
                              THEN CAST(sid - base AS INTEGER) * ${2 ** shift} + cell ELSE -1 END AS INTEGER) AS v
        FROM (SELECT e.uid, ${cell} AS cell, TRY_CAST(e.session_id AS BIGINT) AS sid,
                     CAST(e.uid AS BIGINT) * ${SESSIONS_PER_USER} AS base
              FROM events e WHERE ${where})`,
  );
  // Materialised rather than streamed: DuckDB reads on every core, and its chunks come back
  // synchronously (streaming measured 3x slower for the funnel scan on 10M events).
  let rows = await scanInWorker(
    pathsScanTask,
    { ...scanPlan, sessions: { shift, perUser: SESSIONS_PER_USER } },
    await c.run(packed.text, packed.values),
    { uids: Int32Array, values: Int32Array },
    { signal },
  );
  if (rows.unpacked) {
    const read = render(
      sql`SELECT e.uid, CAST(e.session_id AS DOUBLE) AS s, CAST(${cell} AS INTEGER) AS v
          FROM events e WHERE ${where}`,
    );
    rows = await scanInWorker(
      pathsScanTask,
      { ...scanPlan, sessions: 'column' },
      await c.run(read.text, read.values),
      { uids: Int32Array, sessions: Float64Array, values: Int32Array },
      { signal },
    );
  }
  if (rows.outOfOrder) return false;
  await writeUnits(c, plan, names.type, rows, target);
  return true;
}

/**
 * The node names as an ENUM (the events in name order, then "(other)"): the units table holds
 * a byte per node rather than a string, its Sankey groups them as integers, and the scan's
 * rows are appended as they are. Node code i (plan.events: "(other)") is name index[i].
 */
function nodeNames(events: readonly string[]): { type: DuckDBEnumType; index: Int32Array } {
  const other = events.indexOf(OTHER_LABEL);
  const values = other >= 0 ? [...events] : [...events, OTHER_LABEL];
  const index = Int32Array.from({ length: events.length + 1 }, (_, i) => i);
  index[events.length] = other >= 0 ? other : events.length;
  return { type: ENUM(values), index };
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

/** A vector's values as the typed array it fills (the package keeps it private). */
function itemsOf(vector: DuckDBVector): ArrayBufferView {
  const { items } = vector as unknown as { items?: unknown };
  if (ArrayBuffer.isView(items)) return items;
  throw new Error(`no typed values in a vector of ${vector.type.toString()}`);
}

/**
 * Sets the rows of `vector` without a bit in `bits` (one per row, 32 a word) to NULL. The
 * package sets validity one row at a time in BigInts; its mask is written here a word at a time.
 */
function setValidity(vector: DuckDBVector, bits: Uint32Array, rows: number): void {
  let firstNull = -1;
  for (let w = 0; w * 32 < rows && firstNull < 0; w++) {
    const word = bits[w] ?? 0;
    const used = Math.min(32, rows - w * 32);
    const full = used === 32 ? 0xffffffff : 2 ** used - 1;
    if (((word >>> 0) & full) >>> 0 !== full) firstNull = w;
  }
  if (firstNull < 0) return;
  // The first NULL makes the mask (all valid); then every word of it at once.
  vector.setItem(firstNull * 32, null);
  const mask = (vector as unknown as { validity: { data: BigUint64Array | null } }).validity.data;
  if (mask === null) throw new Error('a vector without a validity mask');
  const words = Math.ceil(rows / 32);
  new Uint32Array(mask.buffer, mask.byteOffset, words).set(bits.subarray(0, words));
}

/**
 * The scan's sessions as the units table: each session's user, session, path and first-session
 * flags appended as four integers, the distinct paths' nodes as ENUM indexes, then joined and
 * spread into the columns and types the SQL gives, the nodes aside: ENUM rather than VARCHAR.
 * Appending costs per row and column on this thread; the statement that spreads them runs on
 * every core (19 columns appended took longer than 4 and that statement together).
 */
async function writeUnits(
  c: DuckDBConnection,
  plan: PathsUnitsPlan,
  nodeType: DuckDBEnumType,
  rows: PathsScanRows,
  target: Sql,
): Promise<void> {
  const { steps } = plan.spec;
  const ks = Array.from({ length: steps + 1 }, (_, k) => k);
  const tag = `${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const sessions = `paths_sessions_${tag}`;
  const paths = `paths_nodes_${tag}`;
  const nodes = ks.map((k) => render(nodeColumn(k)).text);
  try {
    await c.run(
      `CREATE TEMP TABLE ${sessions} (uid INTEGER, session_id BIGINT, path INTEGER, firsts INTEGER)`,
    );
    await appendRows(c, sessions, rows.count, [rows.uids, rows.sessions, rows.paths, rows.firsts]);
    // The ENUM comes from a bound value: no event name becomes SQL text.
    await c.run(
      `CREATE TEMP TABLE ${paths} AS SELECT CAST(NULL AS INTEGER) AS path, ${nodes.map((n) => `$1 AS ${n}`).join(', ')} WHERE FALSE`,
      [OTHER_LABEL],
      [nodeType],
    );
    const ids = Int32Array.from({ length: rows.distinct }, (_, j) => j);
    await appendRows(c, paths, rows.distinct, [ids, ...rows.nodes], [undefined, ...rows.valid]);
    const bit = (mask: number): Sql => raw(`(s.firsts & ${mask}) <> 0`);
    await execute(
      c,
      sql`CREATE TABLE ${target} AS
          SELECT s.uid, s.session_id, ${join(ks.map((k) => raw(`p.${nodes[k] ?? ''}`)))},
                 ${join(ks.map((k) => sql`${bit(firstBit(k))} AS ${firstColumn(k)}`))}
                 ${join(
                   ks
                     .slice(0, -1)
                     .map((k) => sql`, ${bit(linkFirstBit(steps, k))} AS ${linkFirstColumn(k)}`),
                   '',
                 )}
          FROM ${raw(`temp.main.${sessions}`)} s JOIN ${raw(`temp.main.${paths}`)} p ON p.path = s.path`,
    );
  } finally {
    await c.run(
      `DROP TABLE IF EXISTS temp.main.${sessions}; DROP TABLE IF EXISTS temp.main.${paths}`,
    );
  }
}

/**
 * Appends `count` rows of typed columns to a temp table of the same types, NULL where a column's
 * `valid` bits (one per row, 32 a word) are clear.
 */
async function appendRows(
  c: DuckDBConnection,
  table: string,
  count: number,
  values: readonly ArrayBufferView[],
  valid: readonly (Uint32Array | undefined)[] = [],
): Promise<void> {
  const appender = await c.createAppender(table, 'main', 'temp');
  const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
  const size = DuckDBVector.standardSize();
  // One chunk, reset for each 2,048 rows: creating one made its ENUM types anew each time.
  const chunk = DuckDBDataChunk.create(types);
  for (let start = 0; start < count; start += APPEND_SLICE) {
    const end = Math.min(count, start + APPEND_SLICE);
    for (let at = start; at < end; at += size) {
      const n = Math.min(size, end - at);
      chunk.reset();
      chunk.rowCount = n;
      values.forEach((column, i) => {
        const vector = chunk.getColumnVector(i);
        const items = itemsOf(vector) as Uint8Array;
        items.set((column as Uint8Array).subarray(at, at + n));
        const bits = valid[i];
        // Chunks start at multiples of 2,048 rows: a whole number of 32-row words.
        if (bits !== undefined) setValidity(vector, bits.subarray(at / 32), n);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    // In slices, the event loop serving the window in between (appending is synchronous).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  appender.closeSync();
}
