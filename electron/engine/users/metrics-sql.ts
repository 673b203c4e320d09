import { addDays, resolveDays, type LocalDays } from '../../../shared/calendar/local-days';
import {
  ANY_EVENT,
  type ConditionNode,
  type DateRange,
  type EventFilter,
} from '../../../shared/specs/common';
import type { MetricDefinition, ObservationWindow } from '../../../shared/specs/user-metrics';
import type { WorkspaceSettings } from '../../../shared/api/workspace-types';
import { dayStartUtc, instant, observedDay, onDays, toLocal, toUtc } from '../sql/calendar';
import { HIDDEN_EVENT_COLUMNS, type Catalog } from '../sql/catalog';
import { conditionsSql, eventMatchSql, numericPropertySql, samplingSql } from '../sql/conditions';
import { ident, join, or, raw, sql, withCtes, type Sql } from '../sql/fragment';
import type { PlanNotes } from '../sql/notes';
import { inSegmentSql, type SegmentRef } from '../segments/segment-refs';

/**
 * The per-user metrics table as one statement: a row per user of the population with
 * window_start, window_end (UTC), complete, and one column per metric. DESIGN.md's rule holds:
 * every metric is an aggregate of one pass over the window's events (or sessions) grouped by uid,
 * never a self-join; funnels chain one grouped step after another (greedy earliest match, which
 * reaches the furthest step any order of matches can).
 */
export interface MetricsPlanInput {
  catalog: Catalog;
  settings: WorkspaceSettings;
  /** The clock relative ranges are read against. */
  now: Date;
  /** Until when the data was observed: a window ending later is not complete. */
  observedUntil: Date;
  window: ObservationWindow;
  startRange: DateRange | undefined;
  filters: readonly ConditionNode[];
  metrics: readonly MetricDefinition[];
  fraction: number | undefined;
  /** Only the members of this saved segment. */
  segment?: SegmentRef | undefined;
  /** Also keep each user's first day in the window of each of these events (see FIRST_DAYS). */
  firstDays?: readonly string[];
}

export interface MetricsSql {
  /** The table's statement. */
  sql: Sql;
  /** The same as its CTEs and final SELECT, for a statement that reads FIRSTS beside the table. */
  ctes: [string, Sql][];
  body: Sql;
  /** How the first days asked for are kept (null: none asked for). */
  firstDays: FirstDays | null;
  /** The calendar window's local days (null for windows since each user's start). */
  days: LocalDays | null;
  /** The start days' range the population was cut to, if any. */
  startDays: LocalDays | null;
}

/** Named events without conditions, each once: their count is the sum of each one's. */
function plainEvents(list: readonly EventFilter[]): boolean {
  return (
    list.every((f) => f.event !== ANY_EVENT && f.where.length === 0) &&
    new Set(list.map((f) => f.event)).size === list.length
  );
}

/** The week's share of the window, for rates per week. */
function perWeek(value: Sql, per: 'week' | 'window', days: number): Sql {
  return per === 'week'
    ? sql`CAST(${value} AS DOUBLE) / ${days / 7}`
    : sql`CAST(${value} AS BIGINT)`;
}

function anyOf(
  catalog: Catalog,
  list: readonly EventFilter[],
  notes: PlanNotes,
): { sql: Sql; needsUsers: boolean } {
  const parts = list.map((f) => eventMatchSql(catalog, f, [], notes));
  return {
    sql: or(parts.map((p) => p.sql)),
    needsUsers: parts.some((p) => p.needsUsers),
  };
}

type SessionStat = 'median_length' | 'mean_length' | 'median_depth' | 'mean_depth';

/**
 * Per user, the sessions of the window and only the statistics some metric reads. A median is
 * the middle of the user's sessions ranked by a window function (the mean of the two middle
 * ones for an even count, as quantile_cont(0.5)): half the time of DuckDB's median aggregate,
 * which keeps a list per user.
 */
function sessionsSql(stats: ReadonlySet<SessionStat>, inWindow: Sql): Sql {
  const columns: string[] = ['f.uid', 'f.duration', 'f.events'];
  const reads: string[] = ['count(*) AS sessions'];
  const middle = (rank: string, n: string): string =>
    `${rank} IN ((${n} + 1) // 2, (${n} + 2) // 2)`;
  if (stats.has('median_length')) {
    columns.push(
      'row_number() OVER (PARTITION BY f.uid ORDER BY f.duration NULLS LAST) AS _rl',
      'count(f.duration) OVER (PARTITION BY f.uid) AS _nl',
    );
    reads.push(`avg(duration) FILTER (WHERE ${middle('_rl', '_nl')}) AS median_length`);
  }
  if (stats.has('median_depth')) {
    columns.push(
      'row_number() OVER (PARTITION BY f.uid ORDER BY f.events NULLS LAST) AS _rd',
      'count(f.events) OVER (PARTITION BY f.uid) AS _nd',
    );
    reads.push(`avg(events) FILTER (WHERE ${middle('_rd', '_nd')}) AS median_depth`);
  }
  if (stats.has('mean_length')) reads.push('avg(duration) AS mean_length');
  if (stats.has('mean_depth')) reads.push('avg(events) AS mean_depth');
  return sql`SELECT uid, ${raw(reads.join(', '))}
    FROM (SELECT ${raw(columns.join(', '))} FROM (${inWindow}) f) GROUP BY uid`;
}

/**
 * With firstDays, the CTE of (uid, days), days a list of (event, first_day): the day of the
 * window (from 0) each of the events was first done on, for every user who did one of them.
 */
export const FIRST_DAYS = 'first_days';

/** Windows of up to this many 64-day words count active days in bits (see metricsSql). */
const MAX_WORDS = 6;

/** At most this many 64-bit words of first days (each event takes the window's days + 1 bits). */
const MAX_FIRST_DAY_WORDS = 4;

/**
 * How each user's first days of events in the window are kept (firstDays): as bits of the
 * metrics' own pass, in the table's columns _fd0 ... (event k's field is bits
 * [(k mod perWord) x fieldBits, + days) of word k div perWord, bit d set when the user did it on
 * day d from 0), when they fit in a few words (the bench's 17 events x 7 days in 2): a second
 * grouping of the window's events by user and event cost a third of a thresholds statement,
 * and a list of (event, day) per user another. Else as the CTE FIRST_DAYS by that grouping.
 */
export type FirstDays =
  | { encoding: 'bits'; events: readonly string[]; perWord: number; fieldBits: number }
  | { encoding: 'list' };

/**
 * With the bits encoding, "did `event` at least once in the first `day` days (from 1)" as a
 * predicate on the table's columns; false for an event not kept.
 */
export function didByDaySql(
  firstDays: FirstDays & { encoding: 'bits' },
  event: string,
  day: number,
): Sql {
  const k = firstDays.events.indexOf(event);
  if (k < 0 || day < 1) return raw('false');
  const shift = BigInt((k % firstDays.perWord) * firstDays.fieldBits);
  const mask = ((1n << BigInt(Math.min(day, firstDays.fieldBits - 1))) - 1n) << shift;
  return sql`coalesce((${ident(`_fd${Math.floor(k / firstDays.perWord)}`)} & ${raw(`${mask}::UBIGINT`)}) <> 0, false)`;
}

/**
 * With the bits encoding, the day (from 0) `event` was first done on, or the window's length
 * when it was not: the index of the lowest set bit (x & (~x + 1)) of its field with a sentinel
 * set above the days, so that a field of nothing has one too.
 */
export function firstDaySql(firstDays: FirstDays & { encoding: 'bits' }, event: string): Sql {
  const k = firstDays.events.indexOf(event);
  const days = firstDays.fieldBits - 1;
  if (k < 0) return raw(String(days));
  const shift = (k % firstDays.perWord) * firstDays.fieldBits;
  const word = ident(`_fd${Math.floor(k / firstDays.perWord)}`);
  const field = sql`(((coalesce(${word}, 0::UBIGINT) >> ${raw(String(shift))}) & ${raw(`${(1n << BigInt(days)) - 1n}::UBIGINT`)}) | ${raw(`${1n << BigInt(days)}::UBIGINT`)})`;
  return sql`CAST(bit_count((${field} & ((~${field}) + 1)) - 1) AS INTEGER)`;
}

function firstDaysPlan(
  events: readonly string[],
  days: number,
): { code: Sql | null; words: Sql[]; table: Sql | null; firstDays: FirstDays } {
  const list = sql`[${join(events.length === 0 ? [sql`NULL::VARCHAR`] : events.map((e) => sql`${e}`))}]`;
  // A bit above each field's days keeps fields apart and words readable as unsigned shifts.
  const fieldBits = days + 1;
  const perWord = Math.floor(64 / fieldBits);
  const wordCount = perWord === 0 ? Infinity : Math.ceil(events.length / perWord);
  if (wordCount > MAX_FIRST_DAY_WORDS || events.length === 0) {
    return {
      code: null,
      words: [],
      firstDays: { encoding: 'list' },
      table: sql`SELECT uid, list(struct_pack(event := event, first_day := first_day)) AS days
        FROM (SELECT e.uid, e.event, min(e._d) AS first_day FROM w e
              WHERE e.event IN (SELECT unnest(${list})) GROUP BY e.uid, e.event)
        GROUP BY uid`,
    };
  }
  const lit = (n: number): Sql => raw(String(n));
  const words = Array.from({ length: wordCount }, (_, j) => {
    const from = j * perWord;
    return sql`bit_or(CASE WHEN e._fd_code >= ${lit(from)} AND e._fd_code < ${lit(from + perWord)}
      THEN 1::UBIGINT << CAST((e._fd_code - ${lit(from)}) * ${lit(fieldBits)} + e._d AS UBIGINT) END) AS ${ident(`_fd${j}`)}`;
  });
  return {
    code: sql`, list_position(${list}, e.event) - 1 AS _fd_code`,
    words,
    table: null,
    firstDays: { encoding: 'bits', events: [...events], perWord, fieldBits },
  };
}

export function metricsSql(input: MetricsPlanInput, notes: PlanNotes): MetricsSql {
  const { catalog, settings: cal, window: win, metrics } = input;
  const local = (ts: Sql): Sql => toLocal(cal, ts);
  const observed = instant(input.observedUntil);

  // The population: who has a row, and each one's window.
  const people = conditionsSql(catalog, input.filters, notes);
  const members = input.segment === undefined ? raw('TRUE') : inSegmentSql(input.segment);
  const startDays =
    input.startRange === undefined ? null : resolveDays(input.startRange, input.now, cal);
  let days: LocalDays | null = null;
  let bounds: Sql;
  /**
   * A calendar window over every user (no conditions, no sample, no range of first days): the
   * window's events are all its users' events, so they are read by their times alone, without
   * a join against the population.
   */
  let everyone: { ws: Sql; we: Sql; mid: Sql } | null = null;
  // The trend's halves meet half the window's days of wall time after its start (14 local days
  // and 14 of a 28-day window across a change of clocks, not 13 days and 23.5 hours).
  const half = raw(`INTERVAL ${win.days * 12} HOUR`);
  const needsMid = metrics.some((m) => m.type === 'trend');
  if (win.type === 'calendar') {
    const last = win.asOf ?? observedDay(cal, input.observedUntil).day;
    days = { from: addDays(last, 1 - win.days), to: last };
    const ws = dayStartUtc(cal, days.from);
    const we = dayStartUtc(cal, addDays(days.to, 1));
    // Whole days: a window up to the last day with data was observed (that day is the data's).
    const complete = days.to <= observedDay(cal, input.observedUntil).day;
    const mid = needsMid
      ? sql`, ${toUtc(cal, sql`(CAST(CAST(${days.from} AS DATE) AS TIMESTAMP) + ${half})`)} AS mid`
      : raw('');
    if (
      input.filters.length === 0 &&
      input.segment === undefined &&
      (input.fraction === undefined || input.fraction >= 1) &&
      startDays === null
    ) {
      everyone = {
        ws,
        we,
        mid: toUtc(cal, sql`(CAST(CAST(${days.from} AS DATE) AS TIMESTAMP) + ${half})`),
      };
    }
    bounds = sql`SELECT u.uid, ${ws} AS ws, ${we} AS we, ${complete} AS complete${mid}
      FROM users u
      WHERE u.first_seen < ${we} AND ${people.sql} AND ${members} AND ${samplingSql(input.fraction, raw('u.uid'))}
        ${startDays === null ? raw('') : sql`AND ${onDays(cal, raw('u.first_seen'), startDays)}`}`;
  } else {
    const startEvent = win.startEvent;
    const starts =
      startEvent === undefined
        ? sql`SELECT u.uid, u.first_seen AS start FROM users u WHERE u.first_seen IS NOT NULL`
        : (() => {
            const match = eventMatchSql(catalog, startEvent, [], notes);
            return sql`SELECT e.uid, min(e.ts) AS start FROM events e
              ${match.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
              WHERE ${match.sql} GROUP BY e.uid`;
          })();
    const we = toUtc(cal, sql`(${local(raw('s.start'))} + INTERVAL ${raw(String(win.days))} DAY)`);
    const mid = needsMid
      ? sql`, ${toUtc(cal, sql`(${local(raw('s.start'))} + ${half})`)} AS mid`
      : raw('');
    bounds = sql`SELECT s.uid, s.start AS ws, ${we} AS we, ${we} <= ${observed} AS complete${mid}
      FROM (${starts}) s JOIN users u ON u.uid = s.uid
      WHERE ${people.sql} AND ${members} AND ${samplingSql(input.fraction, raw('s.uid'))}
        ${startDays === null ? raw('') : sql`AND ${onDays(cal, raw('s.start'), startDays)}`}`;
  }
  const windowDays = win.days;
  // A day of the window, from 0: a local calendar day of a calendar window; since each user's
  // start, the k-th 24 hours of local wall time (a 7-day window from 14:00 touches 8 calendar
  // days, but holds 7 of its own, as the heat map and the outcome count them). Clamped to the
  // window, which the events were already cut to, so a shift below never leaves its word.
  const dayIndex = sql`least(greatest(${
    days !== null
      ? sql`date_diff('day', CAST(${days.from} AS DATE), CAST(${local(raw('e.ts'))} AS DATE))`
      : sql`CAST((epoch_us(${local(raw('e.ts'))}) - epoch_us(${local(raw('b.ws'))})) // 86400000000 AS INTEGER)`
  }, 0), ${raw(String(windowDays - 1))})`;
  const words = Math.ceil(windowDays / 64);

  // One pass over the window's events grouped by user, every metric an aggregate of it (count_if,
  // not count(*) FILTER: a quarter less time on the bench's 12 metrics). The days a user was
  // active are the bits of a 64-day word each (a distinct count of days per user cost twice the
  // whole pass; a first grouping by user and day cost a third of it); windows longer than
  // MAX_WORDS words count distinct days.
  const aggregates: Sql[] = [];
  const finals: Sql[] = [];
  const ctes: [string, Sql][] = [['bounds', bounds]];
  let needsUsers = false;
  const funnels: { name: string; steps: Sql[] }[] = [];
  let needsSessions = false;
  const sessionStats = new Set<SessionStat>();
  // One count per event name, shared by the metrics that count it or ask whether it was done
  // (the bench's reports and its core features read the same three): an aggregate is a tenth
  // of the pass.
  const eventCounts = new Map<string, Sql>();
  const countOf = (event: string): Sql => {
    let column = eventCounts.get(event);
    if (column === undefined) {
      column = ident(`_ev${eventCounts.size}`);
      eventCounts.set(event, column);
      aggregates.push(sql`count_if(e.event = ${event}) AS ${column}`);
    }
    return column;
  };
  let all: Sql | null = null;
  const countOfAll = (): Sql => {
    if (all === null) {
      all = raw('_all');
      aggregates.push(raw('count(*) AS _all'));
    }
    return all;
  };
  // The aggregates are named by the metric's place, not its name: a metric named t__first must
  // not meet the halves of a trend named t (metric names start with a letter, these with _).
  const col = (i: number, suffix = ''): Sql => ident(`_m${i}${suffix}`);
  metrics.forEach((m, i) => {
    const name = col(i);
    switch (m.type) {
      case 'activeDays':
      case 'distinctDays': {
        const match = anyOf(catalog, m.events, notes);
        needsUsers ||= match.needsUsers;
        let daysActive: Sql;
        if (words <= MAX_WORDS) {
          const bits = Array.from({ length: words }, (_, w) => {
            const word = col(i, `_w${w}`);
            // CASE, not FILTER: a filter does not keep the shift from seeing other words' days.
            aggregates.push(
              words === 1
                ? sql`bit_or(1::UBIGINT << CAST(e._d AS UBIGINT)) FILTER (WHERE ${match.sql}) AS ${word}`
                : sql`bit_or(CASE WHEN ${match.sql} AND e._d >= ${w * 64} AND e._d < ${(w + 1) * 64}
                                  THEN 1::UBIGINT << CAST(e._d - ${w * 64} AS UBIGINT) END) AS ${word}`,
            );
            return sql`coalesce(bit_count(a.${word}), 0)`;
          });
          daysActive = join(bits, ' + ');
        } else {
          aggregates.push(sql`count(DISTINCT e._d) FILTER (WHERE ${match.sql}) AS ${name}`);
          daysActive = sql`coalesce(a.${name}, 0)`;
        }
        finals.push(
          sql`${perWeek(daysActive, m.type === 'activeDays' ? m.per : 'window', windowDays)}`,
        );
        break;
      }
      case 'count': {
        const match = anyOf(catalog, m.events, notes);
        needsUsers ||= match.needsUsers;
        if (plainEvents(m.events)) {
          // Distinct events without conditions: the sum of their shared counts.
          const counts = m.events.map((f) => sql`coalesce(a.${countOf(f.event)}, 0)`);
          finals.push(sql`${perWeek(sql`(${join(counts, ' + ')})`, m.per, windowDays)}`);
          break;
        }
        aggregates.push(sql`count_if(${match.sql}) AS ${name}`);
        finals.push(sql`${perWeek(sql`coalesce(a.${name}, 0)`, m.per, windowDays)}`);
        break;
      }
      case 'featureAdoption': {
        for (const f of m.features) {
          if (!catalog.events.has(f)) notes.warn(`Nobody did '${f}' in this workspace yet.`);
        }
        const used = m.features.map((f) => sql`CAST(coalesce(a.${countOf(f)}, 0) > 0 AS INTEGER)`);
        const count = sql`(${join(used, ' + ')})`;
        finals.push(
          m.as === 'share'
            ? sql`CAST(${count} AS DOUBLE) / ${m.features.length}`
            : sql`CAST(${count} AS BIGINT)`,
        );
        break;
      }
      case 'trend': {
        const match = anyOf(catalog, m.events, notes);
        needsUsers ||= match.needsUsers;
        const mid = raw('e.mid');
        const anyEvent =
          m.events.length === 1 &&
          m.events[0]?.event === ANY_EVENT &&
          m.events[0].where.length === 0;
        aggregates.push(
          sql`count_if(${anyEvent ? raw('e.ts') : sql`${match.sql} AND e.ts`} < ${mid}) AS ${col(i, '_first')}`,
        );
        const first = sql`a.${col(i, '_first')}`;
        // The second half is the whole less the first, when the whole is counted anyway.
        let second: Sql;
        if (anyEvent) {
          second = sql`(a.${countOfAll()} - ${first})`;
        } else if (plainEvents(m.events)) {
          const counts = m.events.map((f) => sql`coalesce(a.${countOf(f.event)}, 0)`);
          second = sql`((${join(counts, ' + ')}) - ${first})`;
        } else {
          aggregates.push(sql`count_if(${match.sql} AND e.ts >= ${mid}) AS ${col(i, '_second')}`);
          second = sql`a.${col(i, '_second')}`;
        }
        finals.push(
          sql`CASE WHEN coalesce(${first}, 0) = 0 THEN NULL
                   ELSE (CAST(coalesce(${second}, 0) AS DOUBLE) - ${first}) / ${first} END`,
        );
        break;
      }
      case 'property': {
        const match = anyOf(catalog, m.events, notes);
        needsUsers ||= match.needsUsers;
        const path = `metrics[${i}].property`;
        // A text column read as numbers would be none on every event (TRY_CAST), silently: refuse
        // it. Keys inside the JSON properties are text until read, so those are cast.
        const type = catalog.eventColumns.get(m.property);
        if (type === 'VARCHAR' && !HIDDEN_EVENT_COLUMNS.has(m.property)) {
          notes.issue(
            path,
            `'${m.property}' holds text, not numbers; a property metric adds, averages or compares numbers`,
          );
        }
        const value = numericPropertySql(catalog, m.property, notes, path);
        aggregates.push(
          sql`${raw(m.agg)}(CAST(${value} AS DOUBLE)) FILTER (WHERE ${match.sql}) AS ${name}`,
        );
        // A sum over no events is 0; the average, minimum and maximum of nothing are none.
        finals.push(m.agg === 'sum' ? sql`coalesce(a.${name}, 0)` : sql`a.${name}`);
        break;
      }
      case 'time': {
        const match = anyOf(catalog, m.events, notes);
        needsUsers ||= match.needsUsers;
        const extreme = raw(m.which === 'first' ? 'min' : 'max');
        aggregates.push(sql`${extreme}(e.ts) FILTER (WHERE ${match.sql}) AS ${name}`);
        // Days of local wall time, as the window's days are counted: an event at the start of its
        // day k + 1 is k days in, whether or not the clocks changed in between.
        finals.push(
          sql`(epoch_us(${local(sql`a.${name}`)}) - epoch_us(${local(raw('b.ws'))})) / 86400000000.0`,
        );
        break;
      }
      case 'sessions':
        needsSessions = true;
        finals.push(sql`${perWeek(sql`coalesce(s.sessions, 0)`, m.per, windowDays)}`);
        break;
      case 'sessionLength':
        needsSessions = true;
        sessionStats.add(m.stat === 'median' ? 'median_length' : 'mean_length');
        finals.push(sql`s.${raw(m.stat === 'median' ? 'median_length' : 'mean_length')}`);
        break;
      case 'sessionDepth':
        needsSessions = true;
        sessionStats.add(m.stat === 'median' ? 'median_depth' : 'mean_depth');
        finals.push(sql`s.${raw(m.stat === 'median' ? 'median_depth' : 'mean_depth')}`);
        break;
      case 'recency':
        // Read in the table's own joins (users, the window's aggregates): a CTE of its own joined
        // them all again.
        finals.push(
          sql`date_diff('day', CAST(${local(raw('CASE WHEN u.last_seen < b.we THEN u.last_seen ELSE coalesce(a._last, r.last_ts) END'))} AS DATE), CAST(${local(raw('b.we'))} - INTERVAL 1 MICROSECOND AS DATE))`,
        );
        break;
      case 'tenure':
        finals.push(
          sql`date_diff('day', CAST(${local(raw('u.first_seen'))} AS DATE), CAST(${local(raw('b.we'))} - INTERVAL 1 MICROSECOND AS DATE))`,
        );
        break;
      case 'funnel': {
        const steps = m.steps.map((f) => {
          const match = eventMatchSql(catalog, f, [], notes);
          needsUsers ||= match.needsUsers;
          return match.sql;
        });
        funnels.push({ name: m.name, steps });
        const reached = steps.map(
          (_, k) => sql`(${raw(`f_${funnels.length - 1}_${k}`)}.o IS NOT NULL)::INTEGER`,
        );
        finals.push(
          m.as === 'completed'
            ? sql`${reached[reached.length - 1] ?? raw('0')}`
            : sql`${join(reached, ' + ')}`,
        );
        break;
      }
      case 'ratio':
        // Filled in below: both sides are this table's own columns.
        finals.push(raw(''));
        break;
    }
  });

  const needsRecency = metrics.some((m) => m.type === 'recency');
  // The last event in the window, for recency (named apart from the metrics' _m columns).
  if (needsRecency) {
    aggregates.push(raw('max(e.ts) AS _last'));
  }
  const firstDays =
    input.firstDays === undefined ? null : firstDaysPlan(input.firstDays, windowDays);
  if (firstDays !== null) aggregates.push(...firstDays.words);
  const eventsUsed = aggregates.length > 0 || funnels.length > 0 || firstDays !== null;
  const needsDays =
    firstDays !== null || metrics.some((m) => m.type === 'activeDays' || m.type === 'distinctDays');
  if (eventsUsed) {
    const ord =
      funnels.length > 0
        ? raw(
            ', row_number() OVER (PARTITION BY e.uid ORDER BY e.ts, e.source_id, e.source_file, e.source_row) AS ord',
          )
        : raw('');
    const day = sql`${needsDays ? sql`, ${dayIndex} AS _d` : raw('')}${firstDays?.code ?? raw('')}`;
    ctes.push([
      'w',
      everyone === null
        ? sql`SELECT e.*, b.ws, b.we${needsMid ? raw(', b.mid') : raw('')}${ord}${day} FROM events e JOIN bounds b ON b.uid = e.uid
              WHERE e.ts >= b.ws AND e.ts < b.we`
        : sql`SELECT e.*, ${everyone.ws} AS ws, ${everyone.we} AS we${needsMid ? sql`, ${everyone.mid} AS mid` : raw('')}${ord}${day}
              FROM events e WHERE e.ts >= ${everyone.ws} AND e.ts < ${everyone.we}`,
    ]);
  }
  // Conditions on user properties read them beside each event.
  const users = needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('');
  if (aggregates.length > 0) {
    ctes.push(['agg', sql`SELECT e.uid, ${join(aggregates)} FROM w e ${users} GROUP BY e.uid`]);
  }
  if (firstDays?.table != null) ctes.push([FIRST_DAYS, firstDays.table]);
  funnels.forEach((f, i) => {
    f.steps.forEach((step, k) => {
      const name = `f_${i}_${k}`;
      ctes.push([
        name,
        k === 0
          ? sql`SELECT e.uid, min(e.ord) AS o FROM w e ${users} WHERE ${step} GROUP BY e.uid`
          : sql`SELECT e.uid, min(e.ord) AS o FROM w e JOIN ${raw(`f_${i}_${k - 1}`)} p ON p.uid = e.uid ${users}
                WHERE e.ord > p.o AND ${step} GROUP BY e.uid`,
      ]);
    });
  });
  if (needsSessions) {
    ctes.push([
      'sess',
      sessionsSql(
        sessionStats,
        everyone === null
          ? sql`SELECT f.* FROM session_facts f JOIN bounds b ON b.uid = f.uid
                WHERE f.started >= b.ws AND f.started < b.we`
          : sql`SELECT f.* FROM session_facts f
                WHERE f.started >= ${everyone.ws} AND f.started < ${everyone.we}`,
      ),
    ]);
  }
  if (needsRecency) {
    // The last event before the window's end: the user's last event when that came earlier,
    // else the window's last one; only users active after a window they did nothing in have
    // their events before it read again (a correlated look for every user read them all).
    ctes.push([
      'before_window',
      sql`SELECT e.uid, max(e.ts) AS last_ts
          FROM events e JOIN (
            SELECT b.uid, b.ws FROM bounds b JOIN users u ON u.uid = b.uid LEFT JOIN agg a ON a.uid = b.uid
            WHERE u.last_seen >= b.we AND a._last IS NULL) n ON n.uid = e.uid
          WHERE e.ts < n.ws GROUP BY e.uid`,
    ]);
  }

  // Ratios divide the other metrics' expressions (a ratio of ratios is refused by the schema).
  const finalsByName = new Map<string, Sql>();
  metrics.forEach((m, i) => {
    if (m.type !== 'ratio') finalsByName.set(m.name, finals[i] ?? raw('NULL'));
  });
  const columns = metrics.map((m, i) => {
    if (m.type !== 'ratio') return sql`${finals[i] ?? raw('NULL')} AS ${ident(m.name)}`;
    const expr = (other: string): Sql => finalsByName.get(other) ?? raw('NULL');
    return sql`CAST(${expr(m.numerator)} AS DOUBLE) / nullif(CAST(${expr(m.denominator)} AS DOUBLE), 0) AS ${ident(m.name)}`;
  });

  const joins: Sql[] = [raw('JOIN users u ON u.uid = b.uid')];
  if (aggregates.length > 0) joins.push(raw('LEFT JOIN agg a ON a.uid = b.uid'));
  if (needsSessions) joins.push(raw('LEFT JOIN sess s ON s.uid = b.uid'));
  if (needsRecency) joins.push(raw('LEFT JOIN before_window r ON r.uid = b.uid'));
  funnels.forEach((f, i) =>
    f.steps.forEach((_, k) => joins.push(raw(`LEFT JOIN f_${i}_${k} ON f_${i}_${k}.uid = b.uid`))),
  );
  if (firstDays?.firstDays.encoding === 'bits') {
    firstDays.words.forEach((_, j) => columns.push(raw(`a._fd${j}`)));
  }
  const body = sql`SELECT b.uid, b.ws AS window_start, b.we AS window_end, b.complete, ${join(columns)}
    FROM bounds b ${join(joins, ' ')}`;
  return {
    sql: withCtes(ctes, body),
    ctes,
    body,
    days,
    startDays,
    firstDays: firstDays?.firstDays ?? null,
  };
}
