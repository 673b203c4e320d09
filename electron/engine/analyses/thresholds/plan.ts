import type { ThresholdsSpec } from '../../../../shared/specs/thresholds';
import type { MetricDefinition } from '../../../../shared/specs/user-metrics';
import { NONE_LABEL, OTHER_LABEL } from '../../../../shared/specs/common';
import { instant, toLocal, toUtc } from '../../sql/calendar';
import { breakdownValueSql, eventMatchSql, resolveProperty } from '../../sql/conditions';
import { ident, join, or, query, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import { inSegmentSql, resolveSegments, type SegmentRef } from '../../segments/segment-refs';
import { PlanNotes } from '../../sql/notes';
import {
  FIRST_DAYS,
  metricsSql,
  type FirstDays,
  type MetricsPlanInput,
} from '../../users/metrics-sql';
import type { AnalysisContext } from '../context';
import type { PlanBase } from '../runner';
import { integerValued, valueGrain } from '../metrics/runner';

export interface ThresholdsPlan extends PlanBase {
  spec: ThresholdsSpec;
  /**
   * The heat map's events as the spec names them; null: the events most users of the population
   * did in their first N days, chosen by the units' own statement (their days are in _days).
   */
  heatmap: string[] | null;
  /** The groups of a split by segments, in the order listed (then the rest), or null. */
  segmentLabels: string[] | null;
  /** How the units keep each user's first days of the heat map's candidate events. */
  firstDays: FirstDays;
  /** Every event of the workspace, to tell a heat map cell of an unknown event. */
  knownEvents: ReadonlySet<string>;
  table: Sql;
  /** Per metric: whole values only (exact), or floored to 3 significant digits. */
  integer: boolean[];
  /** Per metric: the grid its values lie on, for the curve's bars (see valueGrain). */
  grains: (number | null)[];
}

/** Users in more than one of the segments. */
async function overlapping(ctx: AnalysisContext, segments: readonly SegmentRef[]): Promise<number> {
  const [row] = await query(
    ctx.c,
    sql`SELECT count(*) AS n FROM (
          SELECT uid FROM segment_members WHERE segment_id IN (${join(segments.map((g) => sql`${g.id}`))})
          GROUP BY uid HAVING count(DISTINCT segment_id) > 1)`,
  );
  return Number(row?.n ?? 0);
}

/** How many events the heat map takes when the spec names none. */
export const HEATMAP_TOP = 10;

/** The outcome window's [start, end) in days after the start (day 1 = the first 24 hours). */
export function outcomeDays(spec: ThresholdsSpec): { first: number; last: number } {
  const o = spec.outcome;
  return o.unit === 'week'
    ? { first: (o.from - 1) * 7 + 1, last: o.to * 7 }
    : { first: o.from, last: o.to };
}

/**
 * The units of a thresholds spec: the population's per-user metrics over their first N days
 * (the metrics table's own SQL, since each user's start), and per user whether the outcome
 * window was observed, the outcome, held out or not (the most recent starters), the split
 * group, and for each heat map event the day it was first done (1 = the first 24 hours). These
 * columns start with _, which no metric name can, so a metric may be called 'observed'.
 */
export async function planThresholds(
  ctx: AnalysisContext,
  spec: ThresholdsSpec,
): Promise<ThresholdsPlan> {
  const notes = new PlanNotes();
  const cal = ctx.settings;
  const local = (ts: Sql): Sql => toLocal(cal, ts);
  const heatmap = spec.heatmapEvents.length > 0 ? [...new Set(spec.heatmapEvents)] : null;
  const [population] = await resolveSegments(
    ctx.c,
    spec.segment === undefined ? [] : [spec.segment],
    'segment',
  );
  const splitSegments = await resolveSegments(ctx.c, spec.splitSegments, 'splitSegments');
  const input: MetricsPlanInput = {
    catalog: ctx.catalog,
    settings: cal,
    now: ctx.now,
    observedUntil: ctx.observedUntil,
    window: {
      type: 'sinceStart',
      days: spec.observationDays,
      ...(spec.startEvent === undefined ? {} : { startEvent: spec.startEvent }),
    },
    startRange: spec.startRange,
    filters: spec.filters,
    metrics: spec.metrics,
    fraction: spec.sample?.fraction,
    segment: population,
    // The heat map's events: those named, else every event (the statement picks the top ones).
    firstDays: heatmap ?? [...ctx.catalog.events].sort(),
  };
  const metrics = metricsSql(input, notes);
  const { first, last } = outcomeDays(spec);
  const at = (day: number): Sql =>
    toUtc(cal, sql`(${local(raw('m.window_start'))} + INTERVAL ${raw(String(day))} DAY)`);
  const outcomeMatch = spec.outcome.events.map((f) => eventMatchSql(ctx.catalog, f, [], notes));
  const outcomeUsers = outcomeMatch.some((m) => m.needsUsers)
    ? raw('JOIN users u ON u.uid = e.uid')
    : raw('');

  // The split value: a user property, or the property on the user's start event.
  let split: Sql = raw(`CAST(NULL AS VARCHAR)`);
  let segmentLabels: string[] | null = null;
  const ctes: [string, Sql][] = [...metrics.ctes, ['m', metrics.body]];
  if (splitSegments.length > 0) {
    // Each user in the first listed segment they are in; two segments of one name stay apart.
    const labels = splitSegments.map((g, i) =>
      splitSegments.findIndex((o) => o.name === g.name) === i ? g.name : `${g.name} (${i + 1})`,
    );
    segmentLabels = labels;
    split = sql`CASE ${join(
      splitSegments.map(
        (g, i) => sql`WHEN ${inSegmentSql(g, raw('m.uid'))} THEN ${labels[i] ?? g.name}`,
      ),
      ' ',
    )} ELSE ${OTHER_LABEL} END`;
    const shared = await overlapping(ctx, splitSegments);
    if (shared > 0) {
      notes.warn(
        `${shared.toLocaleString('en-US')} users are members of more than one of these segments: each counts in the first listed.`,
      );
    }
  }
  if (spec.split !== undefined) {
    const s = spec.split;
    if (s.source === 'user') {
      const value = breakdownValueSql(ctx.catalog, s, notes, 'split.property');
      ctes.push([
        'split_values',
        sql`SELECT m.uid, coalesce(${value.sql}, ${NONE_LABEL}) AS v FROM m JOIN users u ON u.uid = m.uid`,
      ]);
    } else {
      const ref = resolveProperty(ctx.catalog, s.property, 'event', notes);
      const start =
        spec.startEvent === undefined
          ? null
          : eventMatchSql(ctx.catalog, spec.startEvent, [], notes);
      const startMatch =
        start === null ? raw('e.ts = m.window_start') : sql`e.ts = m.window_start AND ${start.sql}`;
      // A start event with a condition on a user property reads it beside the event.
      const users = start?.needsUsers === true ? raw('JOIN users u ON u.uid = e.uid') : raw('');
      ctes.push([
        'split_values',
        sql`SELECT m.uid, coalesce(CAST(arg_min(${ref.sql}, e.source_row) AS VARCHAR), ${NONE_LABEL}) AS v
            FROM m JOIN events e ON e.uid = m.uid ${users} WHERE ${startMatch} GROUP BY m.uid`,
      ]);
    }
    ctes.push([
      'split_top',
      sql`SELECT v FROM split_values GROUP BY v ORDER BY count(*) DESC, v LIMIT ${s.limit}`,
    ]);
    split = sql`CASE WHEN sv.v IS NULL THEN ${NONE_LABEL} WHEN sv.v IN (SELECT v FROM split_top) THEN sv.v ELSE ${OTHER_LABEL} END`;
  }

  for (const e of heatmap ?? []) {
    if (!ctx.catalog.events.has(e)) notes.warn(`Nobody did '${e}' in this workspace yet.`);
  }

  ctes.push([
    'outcome',
    // Only users seen again after the outcome window opened can have done anything in it: the
    // others are left out of the join's table before the events are read.
    sql`SELECT m.uid FROM (SELECT m.uid, m.window_start FROM m JOIN users lu ON lu.uid = m.uid
                           WHERE lu.last_seen >= ${at(first - 1)}) m
          JOIN events e ON e.uid = m.uid ${outcomeUsers}
        WHERE e.ts >= ${at(first - 1)} AND e.ts < ${at(last)}
          AND (${or(outcomeMatch.map((o) => sql`(${o.sql})`))})
        GROUP BY m.uid`,
  ]);
  const start = spec.startEvent?.event;
  // With first days as a list (past a few words of bits), the heat map's own list of them; bits
  // are read as they are (see runner.ts, heatmapOf).
  const listed = metrics.firstDays?.encoding === 'list';
  if (listed) {
    ctes.push([
      'heat_events',
      heatmap === null
        ? sql`SELECT event FROM (SELECT unnest(days).event AS event FROM ${ident(FIRST_DAYS)})
              ${start === undefined ? raw('') : sql`WHERE event <> ${start}`}
              GROUP BY event ORDER BY count(*) DESC, event LIMIT ${HEATMAP_TOP}`
        : sql`SELECT unnest([${join(heatmap.map((e) => sql`${e}`))}]) AS event`,
    ]);
    // Each user's first days (1 = the first 24 hours) of the heat map's events, as a list of
    // (event, day): a MAP of the same took 1.3 s of the bench's 4 to build.
    ctes.push([
      'heat',
      sql`SELECT f.uid, list_transform(list_filter(f.days, x -> list_contains(t.top, x.event)),
                                       x -> struct_pack(event := x.event, day := x.first_day + 1)) AS _days
          FROM ${ident(FIRST_DAYS)} f, (SELECT list(event) AS top FROM heat_events) t`,
    ]);
  }
  ctes.push([
    'observed',
    sql`SELECT m.*, ${at(last)} <= ${instant(ctx.observedUntil)} AS _observed,
               o.uid IS NOT NULL AS _positive, ${split} AS _grp${listed ? raw(', h._days') : raw('')}
        FROM m LEFT JOIN outcome o ON o.uid = m.uid
        ${spec.split === undefined ? raw('') : raw('LEFT JOIN split_values sv ON sv.uid = m.uid')}
        ${listed ? raw('LEFT JOIN heat h ON h.uid = m.uid') : raw('')}`,
  ]);
  // The most recent starters (by start, then uid) of the observed users are held out: all but
  // the first floor(n x (1 - share)). In decimals, since in doubles 90 x 0.7 is 62.99999999999999
  // and a 30% holdout of 90 users would take 28. Ranked on the three columns alone: a window
  // over every column cost a tenth of the whole statement.
  ctes.push([
    'holdout',
    sql`SELECT uid, row_number() OVER (ORDER BY window_start, uid)
                > floor(count(*) OVER () * (1 - CAST(${spec.holdoutShare} AS DECIMAL(10, 9)))) AS _holdout
        FROM observed WHERE _observed`,
  ]);
  const table = withCtes(
    ctes,
    sql`SELECT o.*, coalesce(h._holdout, false) AS _holdout
        FROM observed o LEFT JOIN holdout h ON h.uid = o.uid`,
  );
  notes.throwIfIssues('thresholds');
  for (const w of notes.warnings) ctx.notes.warn(w);
  const metricKinds = spec.metrics.map((m: MetricDefinition) =>
    integerValued(m, spec.observationDays),
  );
  const grains = spec.metrics.map((m) => valueGrain(m, spec.observationDays));
  return {
    unitsKey: {
      spec,
      heatmap,
      cal: { timezone: cal.timezone, weekStart: cal.weekStart },
      observed: ctx.observedUntil.toISOString(),
      now: ctx.now.toISOString().slice(0, 10),
      segments: { population: population ?? null, split: splitSegments },
    },
    spec,
    heatmap,
    segmentLabels,
    firstDays: metrics.firstDays ?? { encoding: 'list' },
    knownEvents: ctx.catalog.events,
    table,
    integer: metricKinds,
    grains,
  };
}
