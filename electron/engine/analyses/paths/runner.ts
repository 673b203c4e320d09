import { sampledOf } from '../../../../shared/specs/common';
import type { PathsResult, PathsSpec } from '../../../../shared/specs/paths';
import { event as eventWords } from '../../../../shared/specs/words';
import { resolveDays } from '../../../../shared/calendar/local-days';
import { closest } from '../../sql/catalog';
import type { Calendar } from '../../sql/calendar';
import { eventMatchSql } from '../../sql/conditions';
import { execute, join, query, raw, sql, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import type { AnalysisContext } from '../context';
import { defineRunner, type PlanBase } from '../runner';
import {
  firstColumn,
  linkFirstColumn,
  MAX_SCAN_EVENTS,
  nodeColumn,
  scanUnits,
  unitsSql,
  type PathsUnitsPlan,
} from './units';

interface PathsPlan extends PlanBase, PathsUnitsPlan {}

/** The spec checked against the workspace, its days resolved: what the SQL and the scan share. */
export function planPaths(ctx: AnalysisContext, spec: PathsSpec): PathsPlan {
  const notes = new PlanNotes();
  const cal: Calendar = ctx.settings;
  const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
  const filter = spec.start ?? spec.end;
  const anchor = filter === undefined ? null : eventMatchSql(ctx.catalog, filter, [], notes);
  for (const hidden of spec.hide) {
    if (!ctx.catalog.events.has(hidden))
      notes.warn(
        `No event '${hidden}' in this workspace to hide; nearest: ${closest(hidden, ctx.catalog.events).join(', ')}.`,
      );
  }
  notes.throwIfIssues('paths');
  for (const w of notes.warnings) ctx.notes.warn(w);
  const events = [...ctx.catalog.events].sort();
  return {
    unitsKey: { spec, days, cal },
    spec,
    cal,
    days,
    backward: spec.end !== undefined,
    anchor,
    events,
    // A condition on user properties needs a join, which need not keep the stored order.
    scan: anchor?.needsUsers !== true && events.length <= MAX_SCAN_EVENTS,
    sessionFacts: ctx.catalog.tables.has('session_facts'),
  };
}

/**
 * Paths within sessions, as PostHog and Amplitude draw them: from a start event forward, back
 * from an end event, or forward from each session's first event. The anchor is the session's
 * first start (or end) event in the range, or its first visible event (which must be in the
 * range); hidden events are skipped; with collapsed repeats "A, A, B" reads "A, B". Each step
 * keeps its `limit` most frequent events by users (ties by name); the rest are "(other)".
 *
 * Units: one row per anchored session (uid, session_id), its node at each step in node_0 (the
 * anchor) to node_N: the event, or "(other)"; steps lead on from the anchor, or back to an end
 * event. first_k and link_first_k mark each user's first session through a node or a link.
 */
export const pathsRunner = defineRunner<'paths', PathsPlan>({
  plan: planPaths,

  units(ctx, plan) {
    return {
      create: async (c, table) => {
        if (plan.scan && (await scanUnits(c, plan, table, ctx.signal))) return;
        await execute(c, sql`CREATE TABLE ${table} AS ${unitsSql(plan)}`);
      },
    };
  },

  async summarise(ctx, plan, units): Promise<PathsResult> {
    const { steps } = plan.spec;
    // Column k holds the node k steps from the anchor: step k forward, -k back to an end event.
    const sign = plan.backward ? -1 : 1;
    const at = (k: number): Sql => raw(String(k * sign));
    const nodeQueries = Array.from({ length: steps + 1 }, (_, k) => {
      const node = nodeColumn(k);
      return sql`SELECT 'node' AS kind, ${at(k)} AS step, ${node} AS source, NULL AS target,
                        count(*) FILTER (WHERE ${firstColumn(k)}) AS users, count(*) AS sessions
                 FROM ${units} WHERE ${node} IS NOT NULL GROUP BY ${node}`;
    });
    // A link goes from step s to s + 1: forward from column k to k + 1, backward from k + 1 to k.
    const linkQueries = Array.from({ length: steps }, (_, k) => {
      const [from, to, step] = plan.backward
        ? [nodeColumn(k + 1), nodeColumn(k), at(k + 1)]
        : [nodeColumn(k), nodeColumn(k + 1), at(k)];
      return sql`SELECT 'link', ${step}, ${from}, ${to},
                        count(*) FILTER (WHERE ${linkFirstColumn(k)}), count(*)
                 FROM ${units} WHERE ${nodeColumn(k + 1)} IS NOT NULL GROUP BY ${from}, ${to}`;
    });
    const rows = await query(
      ctx.c,
      join(
        [
          ...nodeQueries,
          ...linkQueries,
          // Only the sessions are drawn: a distinct count of users here was an eighth of the time.
          sql`SELECT 'total', NULL, NULL, NULL, NULL, count(*) FROM ${units}`,
        ],
        ' UNION ALL ',
      ),
    );
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
    const sessions = Number(rows.find((r) => r.kind === 'total')?.sessions ?? 0);
    const why = emptyReason(ctx, plan, sessions, links.length);
    if (why !== null) ctx.notes.warn(why);
    return {
      kind: 'paths',
      direction: plan.backward ? 'backward' : 'forward',
      nodes,
      links,
      sessions,
      sampled: sampledOf(plan.spec.sample),
    };
  },

  // A step the spec does not draw (past its steps, or the other direction) has nobody behind it.
  select: (plan, pick) =>
    Math.abs(pick.step) > plan.spec.steps || (pick.step !== 0 && pick.step < 0 !== plan.backward)
      ? raw('FALSE')
      : sql`${nodeColumn(pick.step)} = ${pick.event}`,
});

/**
 * Why a result has no path to draw, in words: no session had the anchor in the range, or every
 * session's anchor is its first (last) visible event, so no step leads to (from) it.
 */
function emptyReason(
  ctx: AnalysisContext,
  plan: PathsPlan,
  sessions: number,
  links: number,
): string | null {
  const { spec, days } = plan;
  const range = days.from === days.to ? `on ${days.from}` : `between ${days.from} and ${days.to}`;
  const sampled = spec.sample === undefined ? '' : ' among the sampled users';
  const filter = spec.start ?? spec.end;
  if (sessions === 0) {
    return filter === undefined
      ? `No session began ${range}${sampled}, so there are no paths.`
      : `No session had ${eventWords(filter)} ${range}${sampled}, so there are no paths.`;
  }
  if (links > 0) return null;
  const gap = `a session ends after ${ctx.settings.sessionGapMinutes} minutes without events`;
  const hidden = spec.hide.length > 0 ? ' visible' : '';
  const each =
    sessions === 1 ? 'its one session' : `each of its ${sessions.toLocaleString('en-US')} sessions`;
  if (filter === undefined) {
    return `Every session that began ${range} holds a single${hidden} event, so no path leads on from it (${gap}).`;
  }
  return plan.backward
    ? `${eventWords(filter)} is the first${hidden} event of ${each} ${range}, so no path leads to it: paths stay within a session, and ${gap}.`
    : `${eventWords(filter)} is the last${hidden} event of ${each} ${range}, so no path leads on from it: paths stay within a session, and ${gap}.`;
}
