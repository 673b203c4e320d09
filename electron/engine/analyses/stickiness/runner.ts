import { sampledOf } from '../../../../shared/specs/common';
import type {
  StickinessPeriod,
  StickinessResult,
  StickinessSpec,
} from '../../../../shared/specs/stickiness';
import { addDays, resolveDays, type LocalDays } from '../../../../shared/calendar/local-days';
import {
  instant,
  intervalOf,
  nDayPeriodOf,
  nDaySpine,
  periodLabel,
  periodOf,
  periodSpine,
  toLocal,
  type Calendar,
} from '../../sql/calendar';
import { query, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import type { AnalysisContext } from '../context';
import { defineRunner, type PlanBase } from '../runner';
import { activitySql } from '../../sql/activity';
import { checkLayout, mostUnits } from './layout';
import { unitsTouched } from './units';

interface StickinessPlan extends PlanBase {
  spec: StickinessSpec;
  cal: Calendar;
  days: LocalDays;
  /** The most units a period holds (the buckets), or null for the whole range (from its units). */
  most: number | null;
  /** Matching events of the range, with their local time. */
  matching: Sql;
}

/**
 * Stickiness as Amplitude and PostHog draw it: per user and period (a week, a month, N days from
 * the range's start, or the whole range), the number of units (hours, days, weeks, months) the
 * user did the event in, a unit counting when its matching events are within the spec's bounds
 * (at least min, at most max: PostHog's "at least / at most / exactly K times"). A user counts in
 * one bucket of each period: summed over periods as Amplitude sums user-weeks.
 *
 * Units: one row per (uid, period) with k, the user's counted units in it, and their events.
 */
export const stickinessRunner = defineRunner<'stickiness', StickinessPlan>({
  plan(ctx: AnalysisContext, spec: StickinessSpec): StickinessPlan {
    const notes = new PlanNotes();
    const cal: Calendar = ctx.settings;
    const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
    checkLayout(notes, spec, days, cal.weekStart);
    const matching = activitySql(
      ctx.catalog,
      cal,
      {
        events: spec.events,
        filters: spec.filters,
        days,
        fraction: spec.sample?.fraction,
        hourly: spec.unit === 'hour',
      },
      notes,
    );
    notes.throwIfIssues('stickiness');
    for (const w of notes.warnings) ctx.notes.warn(w);
    // Whether a bucket is "exactly" or "at least" is read from the units: both share them.
    const unitsKey = { spec: { ...spec, cumulative: null }, days, cal };
    return { unitsKey, spec, cal, days, most: mostUnits(spec), matching };
  },

  units(_ctx, plan) {
    const { spec, cal } = plan;
    const max = spec.maxEventsPerUnit;
    const period = periodOfUnit(plan, raw('unit'));
    return {
      sql: withCtes(
        [
          [
            'unit_events',
            sql`SELECT uid, ${periodOf(cal, raw('local'), spec.unit)} AS unit, CAST(sum(n) AS BIGINT) AS events
                FROM (${plan.matching}) GROUP BY ALL
                HAVING sum(n) >= ${spec.minEventsPerUnit}${max === undefined ? raw('') : sql` AND sum(n) <= ${max}`}`,
          ],
        ],
        sql`SELECT uid, ${period} AS period, ${periodLabel(period, 'day')} AS label,
                   count(*) AS k, sum(events) AS events
            FROM unit_events GROUP BY ALL`,
      ),
    };
  },

  async summarise(ctx, plan, units): Promise<StickinessResult> {
    const { spec, cal, days } = plan;
    const rangeStart = sql`CAST(${days.from} AS TIMESTAMP)`;
    const rangeEnd = sql`CAST(${addDays(days.to, 1)} AS TIMESTAMP)`;
    // The unit holding the last observed instant could have been active (it holds that event).
    const observed = sql`${toLocal(cal, instant(ctx.observedUntil))} + INTERVAL 1 MICROSECOND`;
    const touched = (a: Sql, b: Sql): Sql => unitsTouched(cal, spec.unit, a, b);
    const unitOf = (t: Sql): Sql => periodOf(cal, t, spec.unit);
    const rows = await query(
      ctx.c,
      withCtes(
        [
          ['spine', spineOf(plan)],
          [
            'bounds',
            sql`SELECT period, ${periodEnd(plan, raw('period'))} AS period_end,
                       greatest(period, ${rangeStart}) AS cut_start,
                       least(${periodEnd(plan, raw('period'))}, ${rangeEnd}, ${observed}) AS cut_end
                FROM spine`,
          ],
          [
            'shape',
            sql`SELECT period, ${periodLabel(raw('period'), 'day')} AS label,
                       strftime(least(period_end, ${rangeEnd}) - INTERVAL 1 MICROSECOND, '%Y-%m-%d') AS last_day,
                       ${touched(raw('period'), raw('period_end'))} AS full_units,
                       ${touched(raw('cut_start'), raw('cut_end'))} AS possible,
                       cut_start <> period OR cut_end <> period_end
                         OR ${unitOf(raw('period'))} <> period
                         OR ${unitOf(raw('period_end'))} <> period_end AS incomplete
                FROM bounds`,
          ],
          ['counts', sql`SELECT period, k, count(*) AS users FROM ${units} GROUP BY ALL`],
        ],
        sql`SELECT s.label, s.last_day, s.full_units, s.possible, s.incomplete, c.k, c.users
            FROM shape s LEFT JOIN counts c ON c.period = s.period
            ORDER BY s.period, c.k`,
      ),
    );
    const distinct = await query(
      ctx.c,
      spec.cumulative
        ? // At least N units in some period: the user's best period decides.
          sql`SELECT k, count(*) AS users FROM (SELECT uid, max(k) AS k FROM ${units} GROUP BY uid) GROUP BY k`
        : sql`SELECT k, count(DISTINCT uid) AS users FROM ${units} GROUP BY k`,
    );
    const n = (v: unknown): number => Number(v ?? 0);
    const most = plan.most ?? Math.max(1, ...rows.map((r) => n(r.full_units)));
    const buckets = Array.from({ length: most }, (_, i) => i + 1);
    const periods: StickinessPeriod[] = [];
    for (const row of rows) {
      const label = String(row.label);
      let entry = periods[periods.length - 1];
      if (entry === undefined || entry.period !== label) {
        entry = {
          period: label,
          to: String(row.last_day),
          incomplete: row.incomplete === true,
          units: n(row.full_units),
          possible: n(row.possible),
          users: buckets.map(() => 0),
        };
        periods.push(entry);
      }
      const k = n(row.k);
      if (k >= 1 && k <= most) entry.users[k - 1] = n(row.users);
    }
    const distinctUsers = buckets.map(() => 0);
    for (const row of distinct) {
      const k = n(row.k);
      if (k >= 1 && k <= most) distinctUsers[k - 1] = n(row.users);
    }
    if (spec.cumulative) {
      for (const list of [...periods.map((p) => p.users), distinctUsers]) {
        for (let i = most - 2; i >= 0; i--) list[i] = (list[i] ?? 0) + (list[i + 1] ?? 0);
      }
    }
    return {
      kind: 'stickiness',
      timezone: cal.timezone,
      unit: spec.unit,
      per: spec.per,
      perDays: spec.perDays ?? null,
      cumulative: spec.cumulative,
      eventsPerUnit: { min: spec.minEventsPerUnit, max: spec.maxEventsPerUnit ?? null },
      buckets,
      users: buckets.map((_, i) => periods.reduce((sum, p) => sum + (p.users[i] ?? 0), 0)),
      distinctUsers,
      periods,
      sampled: sampledOf(spec.sample),
    };
  },

  select: (plan, pick) => {
    const k = plan.spec.cumulative ? sql`k >= ${pick.bucket}` : sql`k = ${pick.bucket}`;
    return pick.period === undefined ? k : sql`${k} AND label = ${pick.period}`;
  },
});

/** The local start of the period holding the unit starting at `unit`. */
function periodOfUnit(plan: StickinessPlan, unit: Sql): Sql {
  const { spec, cal, days } = plan;
  if (spec.per === 'range') return sql`CAST(${days.from} AS TIMESTAMP)`;
  if (spec.per === 'days') return nDayPeriodOf(unit, days.from, spec.perDays ?? 1);
  return periodOf(cal, unit, spec.per);
}

/** Where the period starting at `period` ends (exclusive, local). */
function periodEnd(plan: StickinessPlan, period: Sql): Sql {
  const { spec, days } = plan;
  if (spec.per === 'range') return sql`CAST(${addDays(days.to, 1)} AS TIMESTAMP)`;
  if (spec.per === 'days') return sql`${period} + ${intervalOf('day', spec.perDays ?? 1)}`;
  return sql`${period} + ${intervalOf(spec.per)}`;
}

/** The periods the range touches, as one column `period`. */
function spineOf(plan: StickinessPlan): Sql {
  const { spec, cal, days } = plan;
  if (spec.per === 'range') return sql`SELECT CAST(${days.from} AS TIMESTAMP) AS period`;
  if (spec.per === 'days') return nDaySpine(days, spec.perDays ?? 1);
  return periodSpine(cal, days, spec.per);
}
