import type { LocalDays } from '../../../../shared/calendar/local-days';
import { NONE_LABEL, OTHER_LABEL, sampledOf } from '../../../../shared/specs/common';
import type { TrendsLine, TrendsResult } from '../../../../shared/specs/trends';
import { evaluateFormula, formulaSeries } from '../../../../shared/specs/trends-formula';
import { periodEndUtc, periodLabel, periodOf, periodSpine, toUtc } from '../../sql/calendar';
import { join, query, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import type { AnalysisContext } from '../context';
import { countedDays } from './days';
import {
  cellValue,
  cumulates,
  cumulativeValues,
  EMPTY_CELL,
  emptyValue,
  rollingAverage,
  type Cell,
} from './display';
import type { SeriesPlan, TrendsPlan } from './plan';
import { rollingValues, type ActiveDays } from './rolling';

interface Period {
  label: string;
  incomplete: boolean;
  /** False for a period that starts after the data was observed: it has no values. */
  observed: boolean;
}

const n = (v: unknown): number => Number(v ?? 0);
const orNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const keyOf = (...parts: unknown[]): string => parts.map((p) => String(p ?? '')).join('\u0000');

/** The periods of a range, each with whether it is complete and whether it was observed. */
async function spineOf(ctx: AnalysisContext, plan: TrendsPlan, days: LocalDays): Promise<Period[]> {
  const { cal, spec } = plan;
  const rows = await query(
    ctx.c,
    sql`SELECT ${periodLabel(raw('period'), spec.interval)} AS label,
               epoch_ms(${toUtc(cal, raw('period'))}) AS start_ms,
               epoch_ms(${periodEndUtc(cal, raw('period'), spec.interval)}) AS end_ms
        FROM (${periodSpine(cal, days, spec.interval)}) ORDER BY period`,
  );
  const until = plan.observedUntil.getTime();
  return rows.map((r) => {
    const start = n(r.start_ms);
    return {
      label: String(r.label),
      incomplete: n(r.end_ms) > until,
      observed: !(start > until || (plan.observed.exclusive && start >= until)),
    };
  });
}

/** What the summary reads from the units (and, for medians, from the events) once. */
interface Aggregates {
  /** Lines of each series in the range, best first: breakdown values (null without one). */
  keys: Map<number, (string | null)[]>;
  cells: Map<string, Cell>;
  totals: Map<string, Cell>;
  /** Users whose first unit of the range is in the period (cumulative unique users). */
  firstUsers: Map<string, number>;
  medians: Map<string, number | null>;
  active: Map<string, ActiveDays>;
}

async function aggregates(ctx: AnalysisContext, plan: TrendsPlan, units: Sql): Promise<Aggregates> {
  const { spec } = plan;
  const label = (col: string): Sql => periodLabel(raw(col), spec.interval);
  const cellOf = (r: Record<string, unknown>): Cell => ({
    events: n(r.events),
    users: n(r.users),
    vsum: n(r.vsum),
    vmin: orNull(r.vmin),
    vmax: orNull(r.vmax),
    vn: n(r.vn),
  });
  const measures = `CAST(sum(events) AS DOUBLE) AS events, CAST(sum(vsum) AS DOUBLE) AS vsum,
      min(vmin) AS vmin, max(vmax) AS vmax, CAST(sum(vn) AS DOUBLE) AS vn`;

  const ranked = await query(
    ctx.c,
    sql`SELECT series, b, CAST(sum(events) AS DOUBLE) AS n FROM ${units} WHERE cur
        GROUP BY series, b`,
  );
  const special = (b: string | null): number => (b === OTHER_LABEL ? 1 : b === NONE_LABEL ? 2 : 0);
  const keys = new Map<number, (string | null)[]>();
  for (const s of plan.series) {
    if (spec.breakdown === undefined) {
      keys.set(s.index, [null]);
      continue;
    }
    const mine = ranked
      .filter((r) => n(r.series) === s.index)
      .map((r) => ({ b: r.b === null ? null : String(r.b), n: n(r.n) }))
      .sort(
        (x, y) =>
          special(x.b) - special(y.b) || y.n - x.n || String(x.b).localeCompare(String(y.b)),
      );
    keys.set(
      s.index,
      mine.map((r) => r.b),
    );
  }

  const cells = new Map<string, Cell>();
  for (const r of await query(
    ctx.c,
    sql`SELECT series, b, ${label('period')} AS label, CAST(count(*) AS DOUBLE) AS users, ${raw(measures)}
        FROM ${units} WHERE day IS NULL GROUP BY series, b, period`,
  )) {
    cells.set(keyOf(r.series, r.b, r.label), cellOf(r));
  }
  const totals = new Map<string, Cell>();
  for (const r of await query(
    ctx.c,
    sql`SELECT series, b, cur, CAST(count(DISTINCT uid) AS DOUBLE) AS users, ${raw(measures)}
        FROM ${units} WHERE day IS NULL GROUP BY series, b, cur`,
  )) {
    totals.set(keyOf(r.series, r.b, r.cur), cellOf(r));
  }

  const firstUsers = new Map<string, number>();
  if (
    spec.display.cumulative &&
    spec.series.some((s) => s.measure === 'uniqueUsers' || s.measure === 'perUser')
  ) {
    for (const r of await query(
      ctx.c,
      sql`SELECT series, b, ${label('first')} AS label, count(*) AS users
          FROM (SELECT series, b, cur, uid, min(period) AS first FROM ${units}
                WHERE day IS NULL GROUP BY series, b, cur, uid)
          GROUP BY series, b, first`,
    )) {
      firstUsers.set(keyOf(r.series, r.b, r.label), n(r.users));
    }
  }

  const medians = await medianValues(ctx, plan, units);

  const active = new Map<string, ActiveDays>();
  const rolling = plan.series.filter((s) => s.window !== null);
  if (rolling.length > 0) {
    const list = raw(rolling.map((s) => s.index).join(', '));
    for (const r of await query(
      ctx.c,
      sql`SELECT series, b, CAST(day - DATE '1970-01-01' AS INTEGER) AS d, count(*) AS users
          FROM ${units} WHERE day IS NOT NULL AND series IN (${list}) GROUP BY series, b, day`,
    )) {
      activeOf(active, keyOf(r.series, r.b)).dau.set(n(r.d), n(r.users));
    }
    // Each user covers the window's days after each active day; stretches that would overlap
    // are cut at the user's next active day, so each day counts a user once.
    const windowOf = join(
      rolling.map((s) => sql`WHEN ${raw(String(s.index))} THEN ${raw(String(s.window))}`),
      ' ',
    );
    const changes = await query(
      ctx.c,
      withCtes(
        [
          [
            'active',
            sql`SELECT series, b, day, CASE series ${windowOf} END AS w,
                       lead(day) OVER (PARTITION BY series, b, uid ORDER BY day) AS next
                FROM ${units} WHERE day IS NOT NULL AND series IN (${list})`,
          ],
          [
            'stretches',
            sql`SELECT series, b, day AS first,
                       least(day + (w - 1), coalesce(next - 1, day + (w - 1))) AS last
                FROM active`,
          ],
        ],
        sql`SELECT series, b, CAST(d - DATE '1970-01-01' AS INTEGER) AS d, CAST(sum(x) AS INTEGER) AS x
            FROM (SELECT series, b, first AS d, 1 AS x FROM stretches
                  UNION ALL SELECT series, b, last + 1 AS d, -1 AS x FROM stretches)
            GROUP BY series, b, d HAVING sum(x) <> 0 ORDER BY series, b, d`,
      ),
    );
    for (const r of changes) {
      (activeOf(active, keyOf(r.series, r.b)).changes as [number, number][]).push([n(r.d), n(r.x)]);
    }
  }
  return { keys, cells, totals, firstUsers, medians, active };
}

function activeOf(
  map: Map<string, ActiveDays>,
  key: string,
): { dau: Map<number, number>; changes: [number, number][] } {
  let a = map.get(key) as { dau: Map<number, number>; changes: [number, number][] } | undefined;
  if (a === undefined) {
    a = { dau: new Map(), changes: [] };
    map.set(key, a);
  }
  return a;
}

/**
 * Medians need the events themselves: one pass over the medians' series with the plan's own
 * event fragments, each event on the line the units put it (the units' top values).
 */
async function medianValues(
  ctx: AnalysisContext,
  plan: TrendsPlan,
  units: Sql,
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  const series = plan.series.filter((s) => s.measure === 'median');
  if (series.length === 0) return out;
  const { spec, cal } = plan;
  const line =
    spec.breakdown === undefined
      ? raw('CAST(NULL AS VARCHAR)')
      : sql`CASE WHEN m.rb IS NULL THEN ${NONE_LABEL} WHEN t.b IS NOT NULL THEN m.rb ELSE ${OTHER_LABEL} END`;
  const rows = await query(
    ctx.c,
    withCtes(
      [
        [
          'matched',
          join(
            series.map((s) => sql`(${s.events})`),
            '\nUNION ALL\n',
          ),
        ],
        [
          'top',
          sql`SELECT DISTINCT series, b FROM ${units}
              WHERE b IS NOT NULL AND b NOT IN (${OTHER_LABEL}, ${NONE_LABEL})`,
        ],
        [
          'lined',
          sql`SELECT m.series, ${line} AS b, m.local >= CAST(${plan.days.from} AS TIMESTAMP) AS cur,
                     ${periodOf(cal, raw('m.local'), spec.interval)} AS period, m.v
              FROM matched m LEFT JOIN top t ON t.series = m.series AND t.b = m.rb`,
        ],
      ],
      sql`SELECT series, b, cur, ${periodLabel(raw('period'), spec.interval)} AS label, median(v) AS value
          FROM lined GROUP BY GROUPING SETS ((series, b, cur, period), (series, b, cur))`,
    ),
  );
  for (const r of rows) {
    const key =
      r.label === null ? keyOf(r.series, r.b, r.cur, 'total') : keyOf(r.series, r.b, r.label);
    out.set(key, orNull(r.value));
  }
  return out;
}

/** The lines of one range (the range itself, or the one compared with). */
function rangeLines(
  plan: TrendsPlan,
  agg: Aggregates,
  periods: readonly Period[],
  range: LocalDays,
  current: boolean,
): { series: TrendsLine[]; formulas: TrendsLine[] } {
  const { spec } = plan;
  const observed = periods.map((p) => p.observed);
  const counted = periods.map((p) =>
    p.observed ? countedDays(p.label.slice(0, 10), spec.interval, range, plan.observed.day) : null,
  );
  const lineOf = (s: SeriesPlan, b: string | null): TrendsLine => {
    const cells = periods.map((p) => agg.cells.get(keyOf(s.index, b, p.label)) ?? EMPTY_CELL);
    let values: (number | null)[];
    let total: number | null;
    if (s.window !== null) {
      const active = agg.active.get(keyOf(s.index, b)) ?? { dau: new Map(), changes: [] };
      values = rollingValues(s.measure, counted, active);
      total = null;
    } else if (s.measure === 'median') {
      values = periods.map((p) =>
        p.observed ? (agg.medians.get(keyOf(s.index, b, p.label)) ?? null) : null,
      );
      total = agg.medians.get(keyOf(s.index, b, current, 'total')) ?? null;
    } else {
      values = cells.map((c, i) => (observed[i] === true ? cellValue(s.measure, c) : null));
      total = cellValue(s.measure, agg.totals.get(keyOf(s.index, b, current)) ?? EMPTY_CELL);
    }
    if (spec.display.cumulative && cumulates(s.measure)) {
      const first = periods.map((p) => agg.firstUsers.get(keyOf(s.index, b, p.label)) ?? 0);
      values = cumulativeValues(s.measure, cells, first, observed);
    } else if (spec.display.rollingAverage !== undefined) {
      values = rollingAverage(values, spec.display.rollingAverage, observed);
    }
    return {
      series: s.index,
      label: s.label,
      ...(spec.breakdown === undefined || b === null ? {} : { breakdown: b }),
      values,
      total,
    };
  };
  const bySeries = new Map<number, TrendsLine[]>();
  const series = plan.series.flatMap((s) => {
    const keys = agg.keys.get(s.index) ?? [];
    const lines = keys.length === 0 ? [lineOf(s, null)] : keys.map((b) => lineOf(s, b));
    bySeries.set(s.index, lines);
    return lines;
  });

  const formulas = plan.formulas.flatMap((f, index) => {
    const reads = formulaSeries(f.tree).map((r) => r.index);
    const keys: (string | undefined)[] = [];
    for (const i of reads) {
      for (const l of bySeries.get(i) ?? [])
        if (!keys.includes(l.breakdown)) keys.push(l.breakdown);
    }
    return keys.map((b): TrendsLine => {
      // A breakdown value a series has no line for: that series counted nothing there.
      const lineAt = (i: number): TrendsLine | undefined =>
        bySeries.get(i)?.find((l) => l.breakdown === b);
      const empty = (i: number): number | null => emptyValue(spec.series[i]?.measure ?? 'avg');
      return {
        series: index,
        label: f.label,
        ...(b === undefined ? {} : { breakdown: b }),
        values: periods.map((p, at) =>
          p.observed
            ? evaluateFormula(f.tree, (i) => {
                const l = lineAt(i);
                return l === undefined ? empty(i) : (l.values[at] ?? null);
              })
            : null,
        ),
        total: evaluateFormula(f.tree, (i) => {
          const l = lineAt(i);
          return l === undefined ? empty(i) : l.total;
        }),
      };
    });
  });
  return { series, formulas };
}

/**
 * The chart's and grid's numbers, from the units: per period, each series' measure by
 * breakdown value, displayed as asked (cumulative, rolling average), the formulas over them,
 * and the same for the range compared with.
 */
export async function summariseTrends(
  ctx: AnalysisContext,
  plan: TrendsPlan,
  units: Sql,
): Promise<TrendsResult> {
  const { spec, cal } = plan;
  const periods = await spineOf(ctx, plan, plan.days);
  const agg = await aggregates(ctx, plan, units);
  const current = rangeLines(plan, agg, periods, plan.days, true);
  let compare: TrendsResult['compare'];
  if (plan.previous !== null) {
    const before = await spineOf(ctx, plan, plan.previous);
    const lines = rangeLines(plan, agg, before, plan.previous, false);
    compare = {
      periods: before.map((p) => p.label),
      incomplete: before.map((p) => p.incomplete),
      series: lines.series,
      ...(plan.formulas.length === 0 ? {} : { formulas: lines.formulas }),
    };
  }
  return {
    kind: 'trends',
    timezone: cal.timezone,
    interval: spec.interval,
    periods: periods.map((p) => p.label),
    incomplete: periods.map((p) => p.incomplete),
    series: current.series,
    ...(plan.formulas.length === 0 ? {} : { formulas: current.formulas }),
    ...(compare === undefined ? {} : { compare }),
    sampled: sampledOf(spec.sample),
  };
}
