import type { EventTypesResult, EventTypesSpec } from '../../../../shared/specs/analysis-spec';
import { addDays } from '../../../../shared/calendar/local-days';
import { num } from '../../duckdb/database';
import { dayStartUtc, type Calendar } from '../../sql/calendar';
import { and, query, raw, sql } from '../../sql/fragment';
import { isoUtc } from '../../workspace/workspace';
import { defineRunner, type PlanBase } from '../runner';

interface EventTypesPlan extends PlanBase {
  spec: EventTypesSpec;
  cal: Calendar;
}

/**
 * Event types with their events and users, over all time or the local days [from, to] of the
 * workspace zone (either end may be open).
 *
 * Units: one row per (uid, event) with the user's events of that type and the first and last.
 */
export const eventTypesRunner = defineRunner<'eventTypes', EventTypesPlan>({
  plan(ctx, spec) {
    const cal: Calendar = ctx.settings;
    return { unitsKey: { spec, cal }, spec, cal };
  },

  units(_ctx, { spec, cal }) {
    const range = and([
      spec.from === undefined ? raw('') : sql`e.ts >= ${dayStartUtc(cal, spec.from)}`,
      spec.to === undefined ? raw('') : sql`e.ts < ${dayStartUtc(cal, addDays(spec.to, 1))}`,
    ]);
    return {
      sql: sql`SELECT e.uid, e.event, count(*) AS events, min(e.ts) AS first, max(e.ts) AS last
               FROM events e WHERE ${range} GROUP BY e.uid, e.event`,
    };
  },

  async summarise(ctx, { spec, cal }, units): Promise<EventTypesResult> {
    const rows = await query(
      ctx.c,
      sql`SELECT event, sum(events) AS events, count(*) AS users, min(first) AS first, max(last) AS last
          FROM ${units} GROUP BY event ORDER BY events DESC, event`,
    );
    return {
      kind: 'eventTypes',
      timezone: cal.timezone,
      from: spec.from ?? null,
      to: spec.to ?? null,
      rows: rows.map((r) => ({
        event: String(r.event),
        events: num(r.events),
        users: num(r.users),
        firstSeen: isoUtc(r.first),
        lastSeen: isoUtc(r.last),
      })),
    };
  },

  select: (_plan, pick) => sql`event = ${pick.event}`,
});
