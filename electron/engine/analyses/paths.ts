import { OTHER_LABEL, sampledOf } from '../../../shared/specs/common';
import type { PathsResult, PathsSpec } from '../../../shared/specs/paths';
import { queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import type { AnalysisContext, UidQuery } from './context';
import { typedItems } from './funnel-stream';
import { PATH_FLAGS, PathsScanner } from './paths-scan';
import { SpecIssues } from './spec-issues';
import { resolveDays, utcMidnight } from './sql/periods';
import { eventFilterSql, samplingSql } from './sql/properties';
import { shiftDay } from './sql/scoped-events';

/** Events of one session in order: time, then storage order for events of the same instant. */
const ORDER_KEY = 'CAST(epoch_us(e.ts) AS HUGEINT) * 4294967296 + e.rowid';

/** What both ways of computing paths start from: the checked anchor, the range, hidden events. */
function pathsInputs(ctx: AnalysisContext, spec: PathsSpec) {
  const { settings, catalog } = ctx;
  const tz = settings.timezone;
  const issues = new SpecIssues(ctx.notes);
  const params = new SqlParams();
  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const anchorFilter = spec.start ?? spec.end;
  const filter =
    anchorFilter === undefined
      ? null
      : eventFilterSql(catalog, anchorFilter, [], params, issues, spec.start ? 'start' : 'end');
  spec.hide.forEach((event, i) => {
    if (!catalog.events.has(event))
      issues.add(`hide[${i}]`, `no event '${event}' in this workspace`);
  });
  issues.throwIfAny('paths');
  const from = utcMidnight(days.from, tz, params);
  const to = utcMidnight(shiftDay(days.to, 1), tz, params);
  const hidden =
    spec.hide.length === 0
      ? 'FALSE'
      : `e.event IN (${spec.hide.map((h) => params.bind(h)).join(', ')})`;
  return { params, filter, from, to, hidden };
}

/** The CTEs up to `mapped` (session_id, uid, step, node) and the statement over them. */
function pathsSql(ctx: AnalysisContext, spec: PathsSpec) {
  const { params, filter, from, to, hidden } = pathsInputs(ctx, spec);
  const backward = spec.end !== undefined;
  const anchorWhere = filter === null ? `NOT (${hidden})` : filter.where;
  const usersJoin = filter?.needsUsers ? 'JOIN users u ON u.uid = e.uid' : '';
  // Without a start or end event, the anchor is the session's first visible event, which must
  // itself be in the range (a session that began earlier is not cut in two).
  const anchors =
    filter === null
      ? `SELECT session_id, any_value(uid) AS uid, min(${ORDER_KEY}) AS ak, arg_min(e.ts, ${ORDER_KEY}) AS ats
         FROM events e WHERE ${anchorWhere} AND e.session_id IN (
           SELECT session_id FROM events WHERE ts >= ${from} AND ts < ${to})
         GROUP BY session_id HAVING ats >= ${from} AND ats < ${to}`
      : `SELECT e.session_id, any_value(e.uid) AS uid, min(${ORDER_KEY}) AS ak
         FROM events e ${usersJoin} WHERE ${anchorWhere} AND e.ts >= ${from} AND e.ts < ${to} GROUP BY e.session_id`;
  const sampling = samplingSql(spec.sample?.fraction, params);
  const direction = backward ? 'DESC' : 'ASC';
  const limit = params.bind(spec.limit);
  const steps = params.bind(spec.steps);
  return {
    params,
    backward,
    ctes: `a AS MATERIALIZED (SELECT * FROM (${anchors}) e WHERE ${sampling}),
     seq AS (
       SELECT e.session_id, a.uid, e.event, ${ORDER_KEY} AS k
       FROM events e JOIN a ON a.session_id = e.session_id
       WHERE ${backward ? `${ORDER_KEY} <= a.ak` : `${ORDER_KEY} >= a.ak`} AND (NOT (${hidden}) OR ${ORDER_KEY} = a.ak)),
     kept AS (${
       // The lag is a second sort of every event: only collapsed repeats need it.
       spec.collapseRepeats
         ? `SELECT * FROM (SELECT *, lag(event) OVER (PARTITION BY session_id ORDER BY k ${direction}) AS prev FROM seq) WHERE prev IS DISTINCT FROM event`
         : 'SELECT * FROM seq'
     }),
     numbered AS (
       SELECT session_id, uid, event, (row_number() OVER (PARTITION BY session_id ORDER BY k ${direction}) - 1) * ${backward ? -1 : 1} AS step
       FROM kept QUALIFY abs(step) <= ${steps}),
     ranked AS (
       SELECT step, event, count(DISTINCT uid) AS users,
              row_number() OVER (PARTITION BY step ORDER BY count(DISTINCT uid) DESC, event) AS r
       FROM numbered GROUP BY step, event),
     mapped AS (
       SELECT n.session_id, n.uid, n.step, CASE WHEN r.r <= ${limit} THEN n.event ELSE ${params.bind(OTHER_LABEL)} END AS node
       FROM numbered n JOIN ranked r USING (step, event))`,
    final: `     SELECT 'node' AS kind, step, node AS source, NULL AS target, count(DISTINCT uid) AS users, count(DISTINCT session_id) AS sessions
     FROM mapped GROUP BY step, node
     UNION ALL
     SELECT 'link', m1.step, m1.node, m2.node, count(DISTINCT m1.uid), count(DISTINCT m1.session_id)
     FROM mapped m1 JOIN mapped m2 ON m2.session_id = m1.session_id AND m2.step = m1.step + 1
     GROUP BY m1.step, m1.node, m2.node
     UNION ALL
     SELECT 'total', NULL, NULL, NULL, count(DISTINCT uid), count(*) FROM a`,
  };
}

/** More event names than this make the code mapping of the scan slower than the SQL. */
const MAX_SCAN_EVENTS = 400;

/**
 * The paths from one ordered read of the events (paths-scan.ts), or null when the spec or the
 * workspace does not allow it: a condition on user properties (a join, which need not keep the
 * stored order), very many event names, or events no longer stored session by session.
 */
async function scanPaths(ctx: AnalysisContext, spec: PathsSpec): Promise<PathsResult | null> {
  const { catalog } = ctx;
  if (catalog.events.size > MAX_SCAN_EVENTS) return null;
  const { params, filter, from, to, hidden } = pathsInputs(ctx, spec);
  if (filter?.needsUsers === true) return null;
  const events = [...catalog.events].sort();
  const inRange = `(e.ts >= ${from} AND e.ts < ${to})`;
  const code = `CASE e.event ${events.map((name, i) => `WHEN ${params.bind(name)} THEN ${i}`).join(' ')} END`;
  const flags = `(CASE WHEN ${filter === null ? 'FALSE' : `(${filter.where}) AND ${inRange}`} THEN ${PATH_FLAGS.anchor} ELSE 0 END
    + CASE WHEN ${hidden} THEN ${PATH_FLAGS.hidden} ELSE 0 END + CASE WHEN ${inRange} THEN ${PATH_FLAGS.inRange} ELSE 0 END)`;
  // Forward paths never look before the range, backward ones never after it.
  const bound =
    filter === null ? 'TRUE' : spec.end !== undefined ? `e.ts < ${to}` : `e.ts >= ${from}`;
  const sql = `SELECT e.uid, CAST(e.session_id AS DOUBLE) AS s, CAST(${code} AS INTEGER) AS c, CAST(${flags} AS INTEGER) AS f
    FROM events e WHERE ${bound} AND ${samplingSql(spec.sample?.fraction, params)}`;
  const scanner = new PathsScanner({
    events,
    steps: spec.steps,
    limit: spec.limit,
    backward: spec.end !== undefined,
    anchored: filter !== null,
    collapseRepeats: spec.collapseRepeats,
  });
  const result = await ctx.c.run(sql, params.values);
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    scanner.push(
      typedItems(chunk.getColumnVector(0), Int32Array),
      typedItems(chunk.getColumnVector(1), Float64Array),
      typedItems(chunk.getColumnVector(2), Int32Array),
      typedItems(chunk.getColumnVector(3), Int32Array),
      chunk.rowCount,
    );
    if (scanner.outOfOrder) return null;
  }
  return { kind: 'paths', ...scanner.finish(), sampled: sampledOf(spec.sample) };
}

/**
 * Paths within sessions. The anchor is the session's first start event (paths forward), its
 * first end event (paths leading to it, steps -1, -2, ...), or its first visible event. Each step
 * keeps its most frequent events by users; the rest become "(other)".
 */
export async function runPaths(
  ctx: AnalysisContext,
  spec: PathsSpec,
  options: { scan: boolean } = { scan: true },
): Promise<PathsResult> {
  const scanned = options.scan ? await scanPaths(ctx, spec) : null;
  if (scanned !== null) return scanned;
  const { params, backward, ctes, final } = pathsSql(ctx, spec);
  const rows = await queryRows(ctx.c, `WITH ${ctes} ${final}`, params.values);
  const id = (step: number, event: string): string => `${step}:${event}`;
  const nodes = rows
    .filter((r) => r.kind === 'node')
    .map((r) => ({
      id: id(Number(r.step), String(r.source)),
      step: Number(r.step),
      event: String(r.source),
      users: Number(r.users),
      sessions: Number(r.sessions),
    }))
    .sort((x, y) => x.step - y.step || y.users - x.users || x.event.localeCompare(y.event));
  const links = rows
    .filter((r) => r.kind === 'link')
    .map((r) => ({
      source: id(Number(r.step), String(r.source)),
      target: id(Number(r.step) + 1, String(r.target)),
      users: Number(r.users),
      sessions: Number(r.sessions),
    }))
    .sort(
      (x, y) =>
        x.source.localeCompare(y.source) || y.users - x.users || x.target.localeCompare(y.target),
    );
  const total = rows.find((r) => r.kind === 'total');
  return {
    kind: 'paths',
    direction: backward ? 'backward' : 'forward',
    nodes,
    links,
    sessions: Number(total?.sessions ?? 0),
    sampled: sampledOf(spec.sample),
  };
}

/** The users behind one path node (a step and an event, or "(other)"). */
export function pathsUsers(
  ctx: AnalysisContext,
  spec: PathsSpec,
  pick: { step: number; event: string },
): UidQuery {
  const { params, ctes } = pathsSql(ctx, spec);
  return {
    sql: `WITH ${ctes} SELECT DISTINCT uid FROM mapped WHERE step = ${params.bind(pick.step)} AND node = ${params.bind(pick.event)}`,
    params,
  };
}
