import { addDays, resolveDays, type LocalDays } from '../../../../shared/calendar/local-days';
import { ANY_EVENT, INTERVALS } from '../../../../shared/specs/common';
import {
  PROPERTY_MEASURES,
  type TrendMeasure,
  type TrendsSpec,
} from '../../../../shared/specs/trends';
import { parseFormula, type FormulaNode } from '../../../../shared/specs/trends-formula';
import { observedDay, onDays, periodsBefore, toLocal, type Calendar } from '../../sql/calendar';
import {
  breakdownValueSql,
  eventMatchSql,
  numericPropertySql,
  samplingSql,
} from '../../sql/conditions';
import { or, raw, sql, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import { readsUserDays, userDaysWhere } from '../../sql/activity';
import type { AnalysisContext } from '../context';
import type { PlanBase } from '../runner';
import { checkPeriods } from '../../sql/period-limits';
import { cumulates, ROLLING_WINDOW } from './display';

const MEASURE_LABELS: Record<TrendMeasure, string> = {
  total: 'total events',
  uniqueUsers: 'unique users',
  perUser: 'events per user',
  sum: 'sum',
  avg: 'average',
  min: 'minimum',
  max: 'maximum',
  median: 'median',
  dau: 'daily active users',
  wau: 'weekly active users',
  mau: 'monthly active users',
  stickiness: 'DAU/MAU',
};

export interface SeriesPlan {
  index: number;
  measure: TrendMeasure;
  label: string;
  /** Days of active users a rolling measure looks back (DAU 1, WAU 7, MAU and DAU/MAU 30). */
  window: number | null;
  /**
   * The series' matching events as (uid, series, local, day, rb, v): local wall time, the local
   * day (rolling measures only), the raw breakdown value and the property's value. Rolling
   * measures read their window's days before each range too.
   */
  events: Sql;
}

export interface TrendsPlan extends PlanBase {
  spec: TrendsSpec;
  cal: Calendar;
  days: LocalDays;
  /** The range compared with (spec.compare): as many periods, just before. */
  previous: LocalDays | null;
  series: SeriesPlan[];
  formulas: { label: string; tree: FormulaNode }[];
  /** The last local day observed, and whether observedUntil itself was (see observedDay). */
  observed: { day: string; exclusive: boolean };
  observedUntil: Date;
}

/**
 * Names checked, days resolved, every series' events as one fragment: what the units, the
 * event-level pass of medians and the users behind a point all read.
 */
export function planTrends(ctx: AnalysisContext, spec: TrendsSpec): TrendsPlan {
  const notes = new PlanNotes();
  const cal: Calendar = ctx.settings;
  const days = resolveDays(spec.dateRange, ctx.now, ctx.settings);
  const previous = spec.compare ? periodsBefore(cal, days, spec.interval) : null;
  // Every line (series and formulas, by breakdown value, both ranges) is a row of the result.
  const lines =
    (spec.series.length + spec.formulas.length) *
    (spec.breakdown === undefined ? 1 : spec.breakdown.limit + 2) *
    (spec.compare ? 2 : 1);
  checkPeriods(notes, {
    days,
    interval: spec.interval,
    weekStart: cal.weekStart,
    intervals: INTERVALS,
    cellsPerPeriod: lines,
    cellsAre: `${spec.formulas.length > 0 || spec.compare ? 'lines' : 'series'}${spec.breakdown === undefined ? '' : ' x breakdown values'}`,
    orElse:
      spec.breakdown === undefined
        ? 'fewer series or formulas'
        : 'fewer series or a smaller breakdown limit',
  });
  // One breakdown for every series: resolved (and its problems reported) once.
  const breakdown =
    spec.breakdown === undefined
      ? { sql: raw('NULL'), needsUsers: false }
      : breakdownValueSql(ctx.catalog, spec.breakdown, notes);
  const earliest = previous?.from ?? days.from;

  const series = spec.series.map((s, index): SeriesPlan => {
    const path = `series[${index}]`;
    const match = eventMatchSql(ctx.catalog, s.events, spec.filters, notes);
    const value =
      s.property !== undefined && PROPERTY_MEASURES.includes(s.measure)
        ? numericPropertySql(ctx.catalog, s.property, notes, `${path}.property`)
        : raw('NULL');
    const window = ROLLING_WINDOW[s.measure] ?? null;
    if (window !== null && spec.interval === 'hour') {
      notes.issue(
        `${path}.measure`,
        `'${s.measure}' counts users over whole days: use a day, week or month interval`,
      );
    }
    if (spec.display.cumulative && !cumulates(s.measure)) {
      notes.warn(
        s.measure === 'median'
          ? `The cumulative line leaves the median of series ${index + 1} per period: a median does not add up.`
          : `The cumulative line leaves series ${index + 1} (${MEASURE_LABELS[s.measure]}) per period: it already counts a window of days.`,
      );
    }
    // Rolling measures read the days their window looks back before each range; the others
    // read the range (and the range compared with) only.
    const ranges =
      window === null
        ? [days, ...(previous ? [previous] : [])]
        : [{ from: addDays(earliest, -(window - 1)), to: days.to }];
    const local = toLocal(cal, raw('e.ts'));
    const needsUsers = match.needsUsers || breakdown.needsUsers;
    const label =
      s.label ??
      `${s.events.event === ANY_EVENT ? 'Any event' : s.events.event} (${MEASURE_LABELS[s.measure]}${s.property === undefined ? '' : ` of ${s.property}`})`;
    return {
      index,
      measure: s.measure,
      label,
      window,
      // Counts and users of any event, without a breakdown or a property, from user_days.
      events:
        spec.breakdown === undefined &&
        !PROPERTY_MEASURES.includes(s.measure) &&
        readsUserDays(ctx.catalog, cal, {
          events: s.events,
          filters: spec.filters,
          hourly: spec.interval === 'hour',
        })
          ? sql`SELECT e.uid, ${raw(String(index))} AS series, CAST(e.day AS TIMESTAMP) AS local,
              ${window === null ? raw('CAST(NULL AS DATE)') : raw('e.day')} AS day,
              NULL AS rb, CAST(NULL AS DOUBLE) AS v, e.events AS n
            FROM user_days e WHERE ${userDaysWhere(ranges, spec.sample?.fraction)}`
          : sql`SELECT e.uid, ${raw(String(index))} AS series, ${local} AS local,
              ${window === null ? raw('CAST(NULL AS DATE)') : sql`CAST(${local} AS DATE)`} AS day,
              ${breakdown.sql} AS rb, CAST(${value} AS DOUBLE) AS v, 1 AS n
            FROM events e ${needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
            WHERE ${or(ranges.map((r) => onDays(cal, raw('e.ts'), r)))} AND ${match.sql} AND ${samplingSql(spec.sample?.fraction)}`,
    };
  });
  notes.throwIfIssues('trends');
  for (const w of notes.warnings) ctx.notes.warn(w);

  const formulas = spec.formulas.map((f) => ({
    label: f.label ?? f.expression,
    // The schema parsed it already: this cannot fail for a spec that passed it.
    tree: parseFormula(f.expression),
  }));
  // Display options, labels and formulas do not change the units: they are not in their key.
  const unitsKey = {
    series: spec.series.map((s) => ({
      events: s.events,
      measure: s.measure,
      property: s.property,
    })),
    filters: spec.filters,
    breakdown: spec.breakdown ?? null,
    sample: spec.sample ?? null,
    interval: spec.interval,
    days,
    previous,
    cal: { timezone: cal.timezone, weekStart: cal.weekStart },
  };
  return {
    unitsKey,
    spec,
    cal,
    days,
    previous,
    series,
    formulas,
    observed: observedDay(cal, ctx.observedUntil),
    observedUntil: ctx.observedUntil,
  };
}
