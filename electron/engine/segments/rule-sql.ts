import { ApiError } from '../../../shared/api/errors';
import { addDays } from '../../../shared/calendar/local-days';
import type { WorkspaceSettings } from '../../../shared/api/workspace-types';
import {
  isRuleGroup,
  ruleLeaves,
  type EventRule,
  type EventWindow,
  type MetricRule,
  type SegmentRule,
} from '../../../shared/specs/segment';
import type { EventFilter } from '../../../shared/specs/common';
import { dayStartUtc, toLocal, toUtc } from '../sql/calendar';
import type { Catalog } from '../sql/catalog';
import { conditionSql, eventMatchSql, resolveProperty, segmentMemberSql } from '../sql/conditions';
import { and, ident, join, or, raw, sql, withCtes, type Sql } from '../sql/fragment';
import type { PlanNotes } from '../sql/notes';
import { metricsSql } from '../users/metrics-sql';
import { scoreSql } from '../scores/score-sql';

/** What a referenced segment is, as the compiler needs it. */
export type ReferencedSegment =
  | { type: 'static'; name: string }
  | { type: 'dynamic'; name: string; rule: SegmentRule }
  | undefined;

export interface RuleInput {
  catalog: Catalog;
  settings: WorkspaceSettings;
  now: Date;
  observedUntil: Date;
  /** The local day the rule is evaluated as of: events up to its end count, later ones do not. */
  asOf: string;
  notes: PlanNotes;
  /** The saved segments a rule may name. */
  segment: (id: string) => ReferencedSegment;
  /** The users behind a number of a saved analysis: a SELECT of their `uid`. */
  outcome: (analysis: string, select: unknown) => Promise<Sql>;
  /** Where the rule sits in a request, for errors ("spec.rule"). */
  field: string;
}

/**
 * A segment's rule as one statement: `SELECT uid` of the users who meet it as of the end of the
 * as-of day, out of everyone first seen by then. Every event condition is one count of a single
 * grouped pass over the events up to that instant; every metric condition reads one metrics
 * table per window length (the metrics' own SQL, so a rule says what the metrics grid shows);
 * user properties, other segments and outcomes are predicates on the user. NULL never leaks into
 * a NOT: each leaf is true or false.
 */
export async function ruleSql(
  input: RuleInput,
  rule: SegmentRule,
  visiting: ReadonlySet<string> = new Set(),
): Promise<Sql> {
  const cal = input.settings;
  const end = dayStartUtc(cal, addDays(input.asOf, 1));
  const leaves = ruleLeaves(rule);

  // Event conditions: one grouped pass; each its own count.
  const events = leaves.filter((l): l is EventRule => l.type === 'event');
  const starts = new Map<string, { name: string; filter: EventFilter }>();
  const startOf = (w: EventWindow): Sql | null => {
    if (w.type !== 'sinceStart') return null;
    if (w.start === undefined) return raw('u.first_seen');
    const key = JSON.stringify(w.start);
    let entry = starts.get(key);
    if (entry === undefined) {
      entry = { name: `s${starts.size}`, filter: w.start };
      starts.set(key, entry);
    }
    return raw(`${entry.name}.start`);
  };
  const counts = new Map<EventRule, { column: string; complete: Sql; hasStart: Sql }>();
  const countColumns: Sql[] = [];
  let needsUsers = false;
  /** The first day a bounded window reads: with every window bounded, the pass starts there. */
  const firsts: string[] = [];
  let bounded = true;
  for (const leaf of events) {
    const match = eventMatchSql(input.catalog, leaf.event, [], input.notes);
    needsUsers ||= match.needsUsers;
    const w = leaf.when;
    const start = startOf(w);
    let inWindow: Sql = raw('TRUE');
    let complete: Sql = raw('TRUE');
    let hasStart: Sql = raw('TRUE');
    if (w.type === 'last') {
      const from = addDays(input.asOf, 1 - w.days);
      inWindow = sql`e.ts >= ${dayStartUtc(cal, from)}`;
      firsts.push(from);
    } else if (w.type === 'between') {
      inWindow = sql`e.ts >= ${dayStartUtc(cal, w.from)} AND e.ts < ${dayStartUtc(cal, addDays(w.to, 1))}`;
      firsts.push(w.from);
    } else if (start !== null && w.type === 'sinceStart') {
      bounded = false;
      if (w.start === undefined) needsUsers = true;
      const shifted = (n: number): Sql =>
        toUtc(cal, sql`(${toLocal(cal, start)} + INTERVAL ${raw(String(n))} DAY)`);
      inWindow = and([
        sql`e.ts >= ${w.from === 0 ? start : shifted(w.from)}`,
        w.to === undefined ? raw('TRUE') : sql`e.ts < ${shifted(w.to)}`,
      ]);
      // "did not within 7 days": a user whose 7 days have not passed may still do it; "did not
      // after day 3": nor has one whose day 3 has not come.
      if (w.to !== undefined) complete = sql`${shifted(w.to)} <= ${end}`;
      else if (w.from > 0) complete = sql`${shifted(w.from)} <= ${end}`;
      hasStart = sql`${start} IS NOT NULL`;
    } else {
      bounded = false;
    }
    const column = `c${counts.size}`;
    counts.set(leaf, { column, complete, hasStart });
    countColumns.push(sql`count_if(${match.sql} AND ${inWindow}) AS ${ident(column)}`);
  }

  const ctes: [string, Sql][] = [];
  const joins: Sql[] = [];
  for (const { name, filter } of starts.values()) {
    const match = eventMatchSql(input.catalog, filter, [], input.notes);
    ctes.push([
      name,
      sql`SELECT e.uid, min(e.ts) AS start FROM events e
        ${match.needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
        WHERE ${match.sql} AND e.ts < ${end} GROUP BY e.uid`,
    ]);
    joins.push(raw(`LEFT JOIN ${name} ON ${name}.uid = u.uid`));
  }
  if (countColumns.length > 0) {
    const startJoins = [...starts.values()].map((s) =>
      raw(`LEFT JOIN ${s.name} ON ${s.name}.uid = e.uid`),
    );
    const lowest = [...firsts].sort()[0];
    const from =
      bounded && lowest !== undefined ? sql` AND e.ts >= ${dayStartUtc(cal, lowest)}` : raw('');
    ctes.push([
      'ev',
      sql`SELECT e.uid, ${join(countColumns)} FROM events e
        ${needsUsers ? raw('JOIN users u ON u.uid = e.uid') : raw('')}
        ${join(startJoins, ' ')}
        WHERE e.ts < ${end}${from} GROUP BY e.uid`,
    ]);
    joins.push(raw('LEFT JOIN ev ON ev.uid = u.uid'));
  }

  // Metric conditions: one metrics table per window length.
  const metricLeaves = leaves.filter((l): l is MetricRule => l.type === 'metric');
  const byDays = new Map<number, MetricRule[]>();
  for (const leaf of metricLeaves) byDays.set(leaf.days, [...(byDays.get(leaf.days) ?? []), leaf]);
  const metricColumn = new Map<MetricRule, Sql>();
  for (const [days, list] of byDays) {
    const name = `m${days}`;
    const metrics = list.map((leaf, i) => ({ ...leaf.metric, name: `r${i}` }));
    list.forEach((leaf, i) => metricColumn.set(leaf, raw(`${name}.r${i}`)));
    const table = metricsSql(
      {
        catalog: input.catalog,
        settings: input.settings,
        now: input.now,
        observedUntil: input.observedUntil,
        window: { type: 'calendar', days, asOf: input.asOf },
        startRange: undefined,
        filters: [],
        metrics,
        fraction: undefined,
      },
      input.notes,
    );
    ctes.push([name, table.sql]);
    joins.push(raw(`LEFT JOIN ${name} ON ${name}.uid = u.uid`));
  }

  // Score conditions: each score of the rule computed once, as of the same day.
  const scoreColumn = new Map<unknown, string>();
  leaves.forEach((leaf) => {
    if (leaf.type !== 'score') return;
    const name = `sc${scoreColumn.size}`;
    scoreColumn.set(leaf, name);
    ctes.push([name, scoreSql(input, { ...leaf.score, asOf: input.asOf }, input.asOf)]);
    joins.push(raw(`LEFT JOIN ${name} ON ${name}.uid = u.uid`));
  });

  // The rule itself, leaf by leaf.
  const outcomes = new Map<unknown, Sql>();
  for (const leaf of leaves) {
    if (leaf.type === 'outcome')
      outcomes.set(leaf, await input.outcome(leaf.analysis, leaf.select));
  }
  const nested = new Map<unknown, Sql>();
  for (const leaf of leaves) {
    if (leaf.type !== 'segment') continue;
    const target = input.segment(leaf.segment);
    if (target === undefined) {
      throw new ApiError(
        'INVALID_REQUEST',
        `The rule names a segment '${leaf.segment}' that is not saved in this workspace.`,
        { field: input.field },
      );
    }
    if (target.type === 'static') {
      nested.set(leaf, segmentMemberSql(leaf.segment, raw('u.uid')));
    } else {
      if (visiting.has(leaf.segment)) {
        throw new ApiError(
          'INVALID_REQUEST',
          `The rule reads segment '${target.name}', whose own rule reads this one back: a segment cannot depend on itself.`,
          { field: input.field },
        );
      }
      // A dynamic segment is evaluated as of the same day, so history and as-of dates agree.
      const inner = await ruleSql(input, target.rule, new Set([...visiting, leaf.segment]));
      nested.set(leaf, sql`u.uid IN (${inner})`);
    }
  }
  const leafSql = (leaf: SegmentRule): Sql => {
    if (isRuleGroup(leaf)) {
      if ('not' in leaf) return sql`NOT ${leafSql(leaf.not)}`;
      return 'all' in leaf ? and(leaf.all.map(leafSql)) : or(leaf.any.map(leafSql));
    }
    switch (leaf.type) {
      case 'event': {
        const c = counts.get(leaf);
        if (c === undefined) throw new Error('an event rule without its count');
        const n = sql`coalesce(ev.${ident(c.column)}, 0)`;
        const t = leaf.times ?? 0;
        const test =
          leaf.op === 'did'
            ? sql`${n} > 0`
            : leaf.op === 'at least'
              ? sql`${n} >= ${t}`
              : and([
                  c.complete,
                  leaf.op === 'did not'
                    ? sql`${n} = 0`
                    : leaf.op === 'at most'
                      ? sql`${n} <= ${t}`
                      : sql`${n} = ${t}`,
                ]);
        return sql`coalesce(${and([c.hasStart, test])}, false)`;
      }
      case 'metric': {
        const column = metricColumn.get(leaf);
        if (column === undefined) throw new Error('a metric rule without its column');
        return sql`coalesce(${column} ${raw(leaf.op === '!=' ? '<>' : leaf.op)} ${leaf.value}, false)`;
      }
      case 'user': {
        const { type: _leaf, ...condition } = leaf;
        const ref = resolveProperty(input.catalog, leaf.property, 'user', input.notes);
        return sql`coalesce(${conditionSql(ref, { ...condition, source: 'user' })}, false)`;
      }
      case 'segment': {
        const member = sql`coalesce(${nested.get(leaf) ?? raw('FALSE')}, false)`;
        return leaf.op === 'in' ? member : sql`NOT ${member}`;
      }
      case 'score': {
        const name = scoreColumn.get(leaf) ?? 'sc_missing';
        return leaf.band !== undefined
          ? sql`coalesce(${raw(`${name}.band`)} = ${leaf.band}, false)`
          : sql`coalesce(${raw(`${name}.score`)} ${raw(leaf.op === '!=' ? '<>' : (leaf.op ?? '>='))} ${leaf.value ?? 0}, false)`;
      }
      case 'outcome': {
        const uids = outcomes.get(leaf) ?? raw('SELECT NULL AS uid WHERE FALSE');
        return sql`coalesce(u.uid IN (${uids}), false)`;
      }
    }
  };
  const body = sql`SELECT u.uid FROM users u ${join(joins, ' ')}
    WHERE u.first_seen < ${end} AND ${leafSql(rule)}`;
  return withCtes(ctes, body);
}

/** Everyone first seen by the end of the as-of day: the population a rule picks from. */
export function populationSql(settings: WorkspaceSettings, asOf: string): Sql {
  return sql`SELECT u.uid FROM users u WHERE u.first_seen < ${dayStartUtc(settings, addDays(asOf, 1))}`;
}
