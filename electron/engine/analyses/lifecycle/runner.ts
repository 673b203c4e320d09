import { sampledOf } from '../../../../shared/specs/common';
import type { LifecycleSpec, LifecycleResult } from '../../../../shared/specs/lifecycle';
import { resolveDays, type LocalDays } from '../../../../shared/calendar/local-days';
import {
  instant,
  intervalOf,
  periodEndUtc,
  periodLabel,
  periodOf,
  periodSpine,
  toLocal,
  withPreviousPeriod,
  type Calendar,
} from '../../sql/calendar';
import { query, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import type { AnalysisContext } from '../context';
import { defineRunner, type PlanBase } from '../runner';
import { activitySql } from '../../sql/activity';
import { checkPeriods } from '../../sql/period-limits';

interface LifecyclePlan extends PlanBase {
  spec: LifecycleSpec;
  cal: Calendar;
  days: LocalDays;
  /** Matching events of the range and the period before it (to see who was active then). */
  matching: Sql;
}

/**
 * Lifecycle as PostHog draws it, per period of the workspace zone: an active user is new (their
 * first event of any kind in the whole workspace falls in this period), returning (active the
 * period before too) or resurrecting (not active the period before, not new); a user active the
 * period before and not now is dormant (drawn negative).
 *
 * Units: one row per (uid, period, status) of the range's periods.
 */
export const lifecycleRunner = defineRunner<'lifecycle', LifecyclePlan>({
  plan(ctx: AnalysisContext, spec: LifecycleSpec): LifecyclePlan {
    const notes = new PlanNotes();
    const cal: Calendar = ctx.settings;
    const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
    checkPeriods(notes, {
      days,
      interval: spec.interval,
      weekStart: cal.weekStart,
      intervals: ['day', 'week', 'month'],
    });
    const matching = activitySql(
      ctx.catalog,
      cal,
      {
        events: spec.events,
        filters: spec.filters,
        days: withPreviousPeriod(days, spec.interval),
        fraction: spec.sample?.fraction,
        hourly: false,
      },
      notes,
    );
    notes.throwIfIssues('lifecycle');
    for (const w of notes.warnings) ctx.notes.warn(w);
    return { unitsKey: { spec, days, cal }, spec, cal, days, matching };
  },

  units(_ctx, plan) {
    const { spec, cal, days } = plan;
    const step = intervalOf(spec.interval);
    const firstSeen = periodOf(cal, toLocal(cal, raw('u.first_seen')), spec.interval);
    return {
      sql: withCtes(
        [
          [
            'active',
            sql`SELECT DISTINCT uid, ${periodOf(cal, raw('local'), spec.interval)} AS period FROM (${plan.matching})`,
          ],
          ['periods', periodSpine(cal, days, spec.interval)],
          [
            'statuses',
            sql`SELECT a.uid, a.period,
                   CASE WHEN ${firstSeen} = a.period THEN 'new'
                        WHEN prev.uid IS NOT NULL THEN 'returning'
                        ELSE 'resurrecting' END AS status
                FROM active a
                JOIN users u ON u.uid = a.uid
                LEFT JOIN active prev ON prev.uid = a.uid AND prev.period = a.period - ${step}
                UNION ALL
                SELECT p.uid, p.period + ${step} AS period, 'dormant' AS status
                FROM active p LEFT JOIN active n ON n.uid = p.uid AND n.period = p.period + ${step}
                WHERE n.uid IS NULL`,
          ],
        ],
        // No label per row: a text per user and period was a third of the units' cost.
        sql`SELECT s.uid, s.period, s.status
            FROM statuses s SEMI JOIN periods p ON p.period = s.period`,
      ),
    };
  },

  async summarise(ctx, plan, units): Promise<LifecycleResult> {
    const { spec, cal, days } = plan;
    const rows = await query(
      ctx.c,
      withCtes(
        [['periods', periodSpine(cal, days, spec.interval)]],
        sql`SELECT ${periodLabel(raw('periods.period'), spec.interval)} AS label,
                   ${periodEndUtc(cal, raw('periods.period'), spec.interval)} > ${instant(ctx.observedUntil)} AS incomplete,
                   count(*) FILTER (status = 'new') AS new,
                   count(*) FILTER (status = 'returning') AS returning,
                   count(*) FILTER (status = 'resurrecting') AS resurrecting,
                   count(*) FILTER (status = 'dormant') AS dormant
            FROM periods LEFT JOIN ${units} u ON u.period = periods.period
            GROUP BY periods.period ORDER BY periods.period`,
      ),
    );
    const n = (v: unknown): number => Number(v ?? 0);
    return {
      kind: 'lifecycle',
      timezone: cal.timezone,
      interval: spec.interval,
      periods: rows.map((r) => String(r.label)),
      incomplete: rows.map((r) => r.incomplete === true),
      new: rows.map((r) => n(r.new)),
      returning: rows.map((r) => n(r.returning)),
      resurrecting: rows.map((r) => n(r.resurrecting)),
      dormant: rows.map((r) => (n(r.dormant) === 0 ? 0 : -n(r.dormant))),
      quickRatio: rows.map((r) =>
        n(r.dormant) === 0 ? null : (n(r.new) + n(r.resurrecting)) / n(r.dormant),
      ),
      sampled: sampledOf(spec.sample),
    };
  },

  // The clicked period is its label ('2024-03-04', '2024-03-04 13:00'): read back as its start;
  // a label that is no time matches nobody.
  select: (_plan, pick) =>
    sql`period = TRY_CAST(${pick.period} AS TIMESTAMP) AND status = ${pick.status}`,
});
