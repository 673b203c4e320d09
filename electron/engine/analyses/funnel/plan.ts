import { ApiError } from '../../../../shared/api/errors';
import { addDays, resolveDays, type LocalDays } from '../../../../shared/calendar/local-days';
import {
  ANY_EVENT,
  INTERVALS,
  NONE_LABEL,
  type EventFilter,
} from '../../../../shared/specs/common';
import {
  BREAKDOWN_JOINER,
  breakdownProperties,
  WINDOW_SECONDS,
  type FunnelSpec,
} from '../../../../shared/specs/funnel';
import { dayStartUtc, rangeBefore, type Calendar } from '../../sql/calendar';
import {
  breakdownValueSql,
  eventMatchSql,
  resolveProperty,
  samplingSql,
} from '../../sql/conditions';
import { and, ident, join, raw, sql, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import type { AnalysisContext } from '../context';
import type { PlanBase } from '../runner';
import { checkPeriods } from '../../sql/period-limits';

/**
 * A funnel spec resolved once for the SQL chain and the scan: days, bounds, the predicate of
 * every step and exclusion, what is held constant, how an event's breakdown value reads.
 */
export interface FunnelPlan extends PlanBase {
  spec: FunnelSpec;
  cal: Calendar;
  days: LocalDays;
  /** With compare: the equally long range just before. */
  previousDays: LocalDays | null;
  windowSeconds: number;
  /** The window as a SQL interval. */
  window: Sql;
  /**
   * The steps the level counts, in order: ordered and strict, the first and every required one
   * (level = 1 + required steps reached); any order, every step (level = steps done).
   */
  counted: number[];
  /** The level of a unit that completed the funnel. */
  full: number;
  /** One predicate over `events e` (and `users u` when needsUsers) per step and exclusion. */
  steps: Sql[];
  exclusions: Sql[];
  needsUsers: boolean;
  /** What the step predicates read: the rows of first-time steps, as named CTEs. */
  ctes: [string, Sql][];
  /** The held property (holdConstant, or session_id when counting sessions). */
  hold: Sql | null;
  /**
   * An event's breakdown value as text, NULL when not set; several properties as a JSON list
   * of their values (NULL when none is set), so one VARCHAR compares and groups exactly.
   */
  breakdown: { value: Sql; properties: number } | null;
  /** shared[i][j]: steps i and j can match one event (which then never fills both). */
  shared: boolean[][];
  /** UTC instants: where attempts may start (scopeStart..end, the range being start..end). */
  bounds: { scopeStart: Sql; start: Sql; end: Sql };
  /**
   * The one-pass scan computes this funnel (else the SQL chain does); any-order steps that
   * share events only the scan computes (matching.ts).
   */
  scannable: boolean;
}

/** Two step filters can match one and the same event: it then may not fill both steps. */
export function canShareEvent(a: EventFilter, b: EventFilter): boolean {
  return a.event === b.event || a.event === ANY_EVENT || b.event === ANY_EVENT;
}

export function planFunnel(ctx: AnalysisContext, spec: FunnelSpec): FunnelPlan {
  const notes = new PlanNotes();
  const { catalog } = ctx;
  const cal: Calendar = ctx.settings;
  const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
  checkPeriods(notes, {
    days,
    interval: spec.interval,
    weekStart: cal.weekStart,
    intervals: INTERVALS,
  });
  const previousDays = spec.compare === true ? rangeBefore(days) : null;
  const fraction = spec.sample?.fraction;
  let needsUsers = false;
  const ctes: [string, Sql][] = [];
  const steps = spec.steps.map((step, i) => {
    const match = eventMatchSql(catalog, step.events, spec.filters, notes);
    needsUsers ||= match.needsUsers;
    if (step.firstTime === undefined) return match.sql;
    // The user's first-ever event of the name (or meeting the step's own conditions), over all
    // history: the smallest (time, row) key among them.
    const base =
      step.firstTime === 'event'
        ? {
            sql:
              step.events.event === ANY_EVENT ? raw('TRUE') : sql`e.event = ${step.events.event}`,
            needsUsers: false,
          }
        : eventMatchSql(catalog, step.events, [], notes);
    const name = `first_time_${i}`;
    ctes.push([
      name,
      sql`SELECT min({'t': e.ts, 'r': e.rowid}).r AS r FROM events e
          ${base.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
          WHERE ${base.sql} AND ${samplingSql(fraction)} GROUP BY e.uid`,
    ]);
    return and([match.sql, sql`e.rowid IN (SELECT r FROM ${ident(name)})`]);
  });
  // The funnel's conditions hold for every event it reads, exclusions too (as in PostHog).
  const exclusions = spec.exclusions.map((x) => {
    const match = eventMatchSql(catalog, x.events, spec.filters, notes);
    needsUsers ||= match.needsUsers;
    return match.sql;
  });
  // Counting by sessions holds session_id unless another property is held.
  const held =
    spec.holdConstant ?? (spec.countBy === 'sessions' ? { property: 'session_id' } : undefined);
  const hold =
    held === undefined ? null : resolveProperty(catalog, held.property, 'event', notes).sql;
  let breakdown: FunnelPlan['breakdown'] = null;
  if (spec.breakdown !== undefined) {
    const props = breakdownProperties(spec.breakdown);
    const values = props.map((p, i) => {
      const v = breakdownValueSql(
        catalog,
        p,
        notes,
        spec.breakdown?.properties === undefined
          ? 'breakdown.property'
          : `breakdown.properties.${i}.property`,
      );
      needsUsers ||= v.needsUsers;
      return v.sql;
    });
    const value =
      values.length === 1
        ? (values[0] ?? raw('NULL'))
        : sql`CASE WHEN ${and(values.map((v) => sql`${v} IS NULL`))} THEN NULL
                   ELSE CAST(to_json([${join(values)}]) AS VARCHAR) END`;
    breakdown = { value, properties: values.length };
  }
  notes.throwIfIssues('funnel');
  for (const w of notes.warnings) ctx.notes.warn(w);

  const counted =
    spec.order === 'any'
      ? spec.steps.map((_, i) => i)
      : spec.steps.map((_, i) => i).filter((i) => i === 0 || spec.steps[i]?.optional !== true);
  const windowSeconds = spec.window.n * WINDOW_SECONDS[spec.window.unit];
  const shared = spec.steps.map((a) => spec.steps.map((b) => canShareEvent(a.events, b.events)));
  const attribution = spec.breakdown?.attribution;
  // Any order reads its held values and 'all' values as streams of their own (scan-read.ts).
  const scannable =
    (spec.order === 'any' ||
      (hold === null &&
        spec.steps.every((s) => s.within === undefined) &&
        (attribution === undefined || attribution === 'first' || attribution === 'last'))) &&
    // One bit per step and per exclusion in a 32-bit mask.
    spec.steps.length + spec.exclusions.length <= 31;
  return {
    unitsKey: { spec, days, previousDays, cal },
    spec,
    cal,
    days,
    previousDays,
    windowSeconds,
    window: raw(`to_microseconds(CAST(${windowSeconds} AS BIGINT) * 1000000)`),
    counted,
    full: counted.length,
    steps,
    exclusions,
    needsUsers,
    ctes,
    hold,
    breakdown,
    shared,
    bounds: {
      scopeStart: dayStartUtc(cal, (previousDays ?? days).from),
      start: dayStartUtc(cal, days.from),
      end: dayStartUtc(cal, addDays(days.to, 1)),
    },
    scannable,
  };
}

/** The join of `users u` a plan's predicates need. */
export function usersJoin(plan: FunnelPlan): Sql {
  return plan.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('');
}

/** Whether a unit (a row of the units) reached step i. */
export function reachedSql(plan: FunnelPlan, i: number): Sql {
  if (i === 0) return raw('TRUE');
  const at = plan.counted.indexOf(i);
  return at >= 0 ? raw(`level >= ${at + 1}`) : raw(`t${i} IS NOT NULL`);
}

/** The step conversion to step i is measured from: the previous counted one. */
export function previousStep(plan: FunnelPlan, i: number): number {
  return [...plan.counted].filter((c) => c < i).pop() ?? 0;
}

/** A breakdown value's name: several properties' values joined, unset ones as '(none)'. */
export function labelOf(plan: FunnelPlan, value: Sql): Sql {
  if ((plan.breakdown?.properties ?? 1) === 1) return value;
  return sql`array_to_string(${valuesOf(plan, value)}, ${BREAKDOWN_JOINER})`;
}

/** A breakdown value as the list of its properties' values ('(none)' where not set). */
export function valuesOf(plan: FunnelPlan, value: Sql): Sql {
  if ((plan.breakdown?.properties ?? 1) === 1) return sql`[${value}]`;
  return sql`list_transform(from_json(${value}, '["VARCHAR"]'), x -> coalesce(x, ${raw(`'${NONE_LABEL}'`)}))`;
}

/** The step of a selection (numbered from 1), checked against the funnel. */
export function selectedStep(plan: FunnelPlan, step: number): number {
  const n = plan.spec.steps.length;
  if (step < 1 || step > n) {
    throw new ApiError(
      'INVALID_REQUEST',
      `select.step ${step}: the funnel has ${n} steps, numbered 1 to ${n}.`,
      { step, steps: n },
    );
  }
  return step - 1;
}
