import { resolveDays, type LocalDays } from '../../../../shared/calendar/local-days';
import {
  ANY_EVENT,
  isConditionGroup,
  isSegmentCondition,
  type ConditionNode,
} from '../../../../shared/specs/common';
import type { RetentionSpec } from '../../../../shared/specs/retention';
import { rangeBefore, type Calendar } from '../../sql/calendar';
import { isNumericType } from '../../sql/catalog';
import {
  breakdownValueSql,
  conditionsSql,
  eventMatchSql,
  numericPropertySql,
  resolveProperty,
  type Predicate,
} from '../../sql/conditions';
import { raw, sql, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import type { AnalysisContext } from '../context';
import type { PlanBase } from '../runner';
import { checkPeriods } from '../../sql/period-limits';

/** One column of the grid: the periods [lo, hi] after the start period it reads. */
export interface Column {
  label: string;
  lo: number;
  hi: number;
}

/** What a cell adds up besides its users: nothing, the return events' property, the user's. */
export type Measure =
  { kind: 'users' } | { kind: 'event'; value: Sql } | { kind: 'user'; value: Sql };

export interface RetentionPlan extends PlanBase {
  spec: RetentionSpec;
  cal: Calendar;
  days: LocalDays;
  /** With compare: the equally long range just before. */
  previous: LocalDays | null;
  columns: Column[];
  /** Return events a period needs to count as a return. */
  minOccurrences: number;
  measure: Measure;
  /** The start event's name alone (first_ever reads it without its conditions). */
  startName: Predicate;
  /** The start event's conditions and the filters. */
  startConditions: Predicate;
  /** Conditions are on user properties only: first start events can be read off `users`. */
  userConditionsOnly: boolean;
  returnMatch: Predicate;
  /** The breakdown value, over `events e` / `users u`; null without a breakdown. */
  breakdown: Predicate | null;
  /** Returns count only when they carry the cohort's breakdown value (an event property). */
  sameValue: boolean;
  /** Until when the data was observed: cells ending later are incomplete. */
  observedUntil: Date;
  /** The workspace has per-user active days (a faster read for returns on any event). */
  userDays: boolean;
}

/** Rolling windows: the period's length in seconds (a month is 30 days, as in Amplitude). */
export const ROLLING_SECONDS: Record<RetentionSpec['period'], number> = {
  hour: 3_600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
};

/** Columns as [first period, last period] pairs, with their labels. */
export function columnsOf(spec: RetentionSpec): Column[] {
  if (spec.criterion !== 'brackets') {
    return Array.from({ length: spec.periods + 1 }, (_, k) => ({ label: String(k), lo: k, hi: k }));
  }
  const b = spec.brackets ?? [];
  return b.map((lo, i) => {
    const hi = i + 1 < b.length ? (b[i + 1] ?? lo + 1) - 1 : spec.periods;
    return { label: lo === hi ? String(lo) : `${lo}-${hi}`, lo, hi };
  });
}

function onUsersOnly(nodes: readonly ConditionNode[]): boolean {
  return nodes.every((n) =>
    isConditionGroup(n)
      ? onUsersOnly('any' in n ? n.any : n.all)
      : isSegmentCondition(n) || n.source === 'user',
  );
}

function userNumber(ctx: AnalysisContext, property: string, notes: PlanNotes): Sql {
  const ref = resolveProperty(ctx.catalog, property, 'user', notes);
  if (isNumericType(ref.type)) return ref.sql;
  if (ref.type === 'VARCHAR') return sql`TRY_CAST(${ref.sql} AS DOUBLE)`;
  notes.issue('property', `the user property '${property}' is ${ref.type}, not a number`);
  return raw('NULL');
}

/**
 * Names checked, days resolved, defaults normalised: once, for the units SQL, the summary and
 * the users behind a cell alike.
 */
export function planRetention(ctx: AnalysisContext, spec: RetentionSpec): RetentionPlan {
  const notes = new PlanNotes();
  const cal: Calendar = ctx.settings;
  const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
  const previous = spec.compare === true ? rangeBefore(days) : null;
  const columns = columnsOf(spec);
  const groups = spec.breakdown === undefined ? 1 : spec.breakdown.limit + 2;
  checkPeriods(notes, {
    days: previous === null ? days : { from: previous.from, to: days.to },
    interval: spec.period,
    weekStart: cal.weekStart,
    intervals: ['hour', 'day', 'week', 'month'],
    path: 'period',
    cellsPerPeriod: columns.length * groups,
    cellsAre: spec.breakdown === undefined ? 'columns' : 'columns x breakdown values',
    orElse:
      spec.breakdown === undefined
        ? 'fewer periods after the start'
        : 'fewer periods after the start or a smaller breakdown limit',
  });
  const startName = eventMatchSql(ctx.catalog, { event: spec.start.event, where: [] }, [], notes);
  const conditions = [...spec.start.where, ...spec.filters];
  const startConditions = conditionsSql(ctx.catalog, conditions, notes);
  const returnMatch = eventMatchSql(ctx.catalog, spec.return, [], notes);
  const breakdown =
    spec.breakdown === undefined ? null : breakdownValueSql(ctx.catalog, spec.breakdown, notes);
  const measure: Measure =
    spec.measure === 'users' || spec.property === undefined
      ? { kind: 'users' }
      : spec.propertySource === 'user'
        ? { kind: 'user', value: userNumber(ctx, spec.property, notes) }
        : {
            kind: 'event',
            value: numericPropertySql(ctx.catalog, spec.property, notes, 'property'),
          };
  notes.throwIfIssues('retention');
  for (const w of notes.warnings) ctx.notes.warn(w);
  return {
    unitsKey: { spec, days, previous, cal },
    spec,
    cal,
    days,
    previous,
    columns,
    minOccurrences: spec.minOccurrences ?? 1,
    measure,
    startName,
    startConditions,
    userConditionsOnly: spec.start.event === ANY_EVENT && onUsersOnly(conditions),
    returnMatch,
    breakdown,
    sameValue: spec.breakdown?.source === 'event',
    observedUntil: ctx.observedUntil,
    userDays: ctx.catalog.tables.has('user_days'),
  };
}
