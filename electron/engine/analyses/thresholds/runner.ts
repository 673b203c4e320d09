import { ApiError } from '../../../../shared/api/errors';
import { sampledOf } from '../../../../shared/specs/common';
import type {
  HeatmapCell,
  Interval,
  MetricBenchmark,
  SplitGroup,
  ThresholdsResult,
  ThresholdsSpec,
} from '../../../../shared/specs/thresholds';
import { outcomeWords } from '../../../../shared/specs/thresholds';
import {
  metricLabel,
  metricUnit,
  thresholdWords,
  metricWords,
  type MetricDefinition,
} from '../../../../shared/specs/user-metrics';
import { formatPercent } from '../../../../shared/format/numbers';
import { ident, join, query, raw, sql, type Sql } from '../../sql/fragment';
import {
  baselineLevel,
  bestThreshold,
  bootstrapThreshold,
  thresholdTable,
  wilsonInterval,
  type ThresholdRow,
  type ValueCount,
} from '../../users/threshold-stats';
import { barsOf } from '../../users/metric-summary';
import { didByDaySql, firstDaySql, type FirstDays } from '../../users/metrics-sql';
import { defineRunner } from '../runner';
import { HEATMAP_TOP, planThresholds, type ThresholdsPlan } from './plan';

/** Values of metrics that are not whole, floored to this many significant digits. */
const DIGITS = 3;

/**
 * A metric's value as the benchmark counts it. Whole values stay exact; others are floored to 3
 * significant digits (the largest such number at or below the value), so "at least t" for any
 * t a candidate can be is exactly "the value is at least t", and a continuous metric sends a few
 * thousand distinct values to the statistics instead of one per user.
 */
function benchValue(column: Sql, integer: boolean): Sql {
  if (integer) return sql`CAST(${column} AS DOUBLE)`;
  const k = sql`(${DIGITS - 1} - floor(log10(abs(${column}))))`;
  // The 1e-9 keeps a value already on the grid there (0.29 * 1000 is 289.99999999999994).
  return sql`CASE WHEN ${column} = 0 THEN 0.0
                  ELSE floor(${column} * pow(10, ${k}) + 1e-9) / pow(10, ${k}) END`;
}

type Histograms = Map<string, { train: ValueCount[]; holdout: ValueCount[]; all: ValueCount[] }>;

function merge(a: ValueCount[], b: ValueCount[]): ValueCount[] {
  const by = new Map<number, ValueCount>();
  for (const x of [...a, ...b]) {
    const known = by.get(x.value);
    if (known === undefined) by.set(x.value, { ...x });
    else {
      known.users += x.users;
      known.positive += x.positive;
    }
  }
  return [...by.values()].sort((x, y) => x.value - y.value);
}

/** "At least t" on other users (the held out, a group): the 2x2 table at one threshold. */
function splitAt(counts: readonly ValueCount[], t: number): ThresholdRow | null {
  let above = 0;
  let abovePositive = 0;
  let below = 0;
  let belowPositive = 0;
  for (const c of counts) {
    if (c.value >= t) {
      above += c.users;
      abovePositive += c.positive;
    } else {
      below += c.users;
      belowPositive += c.positive;
    }
  }
  if (above + below === 0) return null;
  // Two values, one threshold between them: the statistics module's own formulas.
  const two = thresholdTable([
    { value: 0, users: below, positive: belowPositive },
    { value: 1, users: above, positive: abovePositive },
  ]);
  const row = below > 0 && above > 0 ? two[0] : undefined;
  if (row !== undefined) return { ...row, threshold: t };
  const n = above + below;
  const positive = abovePositive + belowPositive;
  const rate = (k: number, m: number): number | null => (m === 0 ? null : k / m);
  return {
    threshold: t,
    above,
    abovePositive,
    below,
    belowPositive,
    reach: above / n,
    rateAbove: rate(abovePositive, above),
    rateBelow: rate(belowPositive, below),
    ppv: rate(abovePositive, above),
    sensitivity: rate(abovePositive, positive),
    npv: rate(below - belowPositive, below),
    specificity: rate(below - belowPositive, n - positive),
    phi: null,
    lift: null,
  };
}

function intervals(row: ThresholdRow): {
  rateAboveInterval: Interval | null;
  rateBelowInterval: Interval | null;
} {
  return {
    rateAboveInterval: wilsonInterval(row.abovePositive, row.above),
    rateBelowInterval: wilsonInterval(row.belowPositive, row.below),
  };
}

/** The benchmark in one sentence, in the outcome's words. */
function sentence(spec: ThresholdsSpec, m: MetricDefinition, row: ThresholdRow): string {
  const retained = spec.outcome.type === 'retained' ? 'retained' : 'converted';
  const rate = (r: number | null): string => (r === null ? '–' : formatPercent(r));
  return `Users who ${thresholdWords(m, row.threshold)} in their first ${spec.observationDays} days: ${rate(row.rateAbove)} ${retained} vs ${rate(row.rateBelow)} below; ${formatPercent(row.reach)} of users reach it.`;
}

/** The outcome rate by metric value, in the histogram's bars. */
function curveOf(counts: readonly ValueCount[], grain: number | null): MetricBenchmark['curve'] {
  const first = counts[0];
  const lastCount = counts[counts.length - 1];
  if (first === undefined || lastCount === undefined) return [];
  const min = first.value;
  const max = lastCount.value;
  const total = counts.reduce((s, c) => s + c.users, 0);
  let seen = 0;
  let p99 = max;
  for (const c of counts) {
    seen += c.users;
    if (seen >= 0.99 * total) {
      p99 = c.value;
      break;
    }
  }
  const layout = barsOf(min, max, p99, grain);
  const bars = Array.from({ length: layout.bars }, (_, k) => ({
    from: layout.start + k * layout.width,
    to: k === layout.bars - 1 ? layout.end : layout.start + (k + 1) * layout.width,
    users: 0,
    positive: 0,
    rate: 0,
  }));
  for (const c of counts) {
    let k = 0;
    while (k < layout.bars - 1 && c.value >= layout.start + (k + 1) * layout.width) k++;
    const bar = bars[k];
    if (bar === undefined) continue;
    bar.users += c.users;
    bar.positive += c.positive;
  }
  return bars.map((b) => ({ ...b, rate: b.users === 0 ? 0 : b.positive / b.users }));
}

/**
 * The suggested benchmark: the candidate correlating most with the outcome, if that correlation
 * is positive. Reaching a level that goes with less retention is no benchmark to aim for.
 */
function benchmarkRow(rows: readonly ThresholdRow[]): ThresholdRow | null {
  const best = bestThreshold(rows);
  return best !== null && best.phi !== null && best.phi > 0 ? best : null;
}

/**
 * The histogram gathered onto the candidate thresholds: each value counted at the largest
 * candidate at or below it (the smallest value below them all). "At least t" for every candidate
 * t keeps its exact counts, so the bootstrap resamples a hundred bins instead of thousands of
 * distinct values of a continuous metric (a few ms instead of ~100 ms per metric).
 */
function onCandidates(counts: readonly ValueCount[], rows: readonly ThresholdRow[]): ValueCount[] {
  const cuts = rows.map((r) => r.threshold);
  if (counts.length === 0 || cuts.length === 0) return [...counts];
  const min = counts.reduce((m, c) => Math.min(m, c.value), Infinity);
  const floorOf = (v: number): number => {
    let lo = 0;
    let hi = cuts.length - 1;
    let found = min;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const cut = cuts[mid] ?? Infinity;
      if (cut <= v) {
        found = cut;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  return merge(
    counts.map((c) => ({ ...c, value: floorOf(c.value) })),
    [],
  );
}

function benchmarkOf(
  spec: ThresholdsSpec,
  m: MetricDefinition,
  h: { train: ValueCount[]; holdout: ValueCount[]; all: ValueCount[] },
  grain: number | null,
): MetricBenchmark {
  const candidates = thresholdTable(h.train);
  const best = benchmarkRow(candidates);
  const base = {
    name: m.name,
    label: metricLabel(m),
    definition: metricWords(m),
    unit: metricUnit(m),
  };
  const baseline = baselineLevel(h.all, spec.baselineShare);
  const tooSmall = (r: ThresholdRow): boolean => r.above < spec.minUsers || r.below < spec.minUsers;
  const held = best === null || h.holdout.length === 0 ? null : splitAt(h.holdout, best.threshold);
  const boot =
    best === null || spec.resamples === 0
      ? null
      : bootstrapThreshold(onCandidates(h.train, candidates), {
          resamples: spec.resamples,
          seed: 1,
        });
  return {
    ...base,
    best:
      best === null
        ? null
        : {
            ...best,
            sentence: sentence(spec, m, best),
            tooSmall: tooSmall(best),
            ...intervals(best),
            thresholdInterval: boot === null ? null : { low: boot.low, high: boot.high },
          },
    holdout: held === null ? null : { ...held, ...intervals(held), tooSmall: tooSmall(held) },
    baseline: baseline === null ? null : { share: spec.baselineShare, ...baseline },
    candidates,
    curve: curveOf(h.all, grain),
  };
}

/**
 * Threshold benchmarks: for each metric, every candidate "at least t" against the outcome on the
 * earlier starters, the best by phi correlation, then checked on the most recent starters held
 * out, with Wilson intervals on the rates and a bootstrap interval on the threshold.
 */
export const thresholdsRunner = defineRunner<'thresholds', ThresholdsPlan>({
  plan: planThresholds,

  units: (_ctx, plan) => ({ sql: plan.table }),

  async summarise(ctx, plan, units): Promise<ThresholdsResult> {
    const { spec } = plan;
    const [pop] = await query(
      ctx.c,
      sql`SELECT count(*) FILTER (WHERE _observed) AS users,
                 count(*) FILTER (WHERE _observed AND _positive) AS positive,
                 count(*) FILTER (WHERE NOT _observed) AS unobserved,
                 count(*) FILTER (WHERE _observed AND NOT _holdout) AS train,
                 count(*) FILTER (WHERE _observed AND NOT _holdout AND _positive) AS train_positive,
                 count(*) FILTER (WHERE _holdout) AS held,
                 count(*) FILTER (WHERE _holdout AND _positive) AS held_positive,
                 strftime(min(${localStart(ctx)}) FILTER (WHERE _holdout), '%Y-%m-%d') AS held_from,
                 strftime(min(${localStart(ctx)}) FILTER (WHERE _observed), '%Y-%m-%d') AS first,
                 strftime(max(${localStart(ctx)}) FILTER (WHERE _observed), '%Y-%m-%d') AS last
          FROM ${units}`,
    );
    const n = (v: unknown): number => Number(v ?? 0);

    // Per metric and value: users and positive users, earlier and held-out starters apart.
    const passes = spec.metrics.map(
      (m, i) =>
        sql`SELECT ${i} AS m, ${benchValue(ident(m.name), plan.integer[i] ?? false)} AS v, _holdout AS holdout,
                   count(*) AS users, count(*) FILTER (WHERE _positive) AS positive
            FROM ${units} WHERE _observed AND ${ident(m.name)} IS NOT NULL GROUP BY ALL`,
    );
    const rows = await query(ctx.c, join(passes, ' UNION ALL '));
    const hist: Histograms = new Map();
    spec.metrics.forEach((m) => hist.set(m.name, { train: [], holdout: [], all: [] }));
    for (const r of rows) {
      const m = spec.metrics[n(r.m)];
      const h = m === undefined ? undefined : hist.get(m.name);
      if (h === undefined) continue;
      (r.holdout === true ? h.holdout : h.train).push({
        value: Number(r.v),
        users: n(r.users),
        positive: n(r.positive),
      });
    }
    for (const h of hist.values()) h.all = merge(h.train, h.holdout);
    const benchmarks = spec.metrics.map((m, i) =>
      benchmarkOf(
        spec,
        m,
        hist.get(m.name) ?? { train: [], holdout: [], all: [] },
        plan.grains[i] ?? null,
      ),
    );
    benchmarks.sort((a, b) => (b.best?.phi ?? -2) - (a.best?.phi ?? -2));

    return {
      kind: 'thresholds',
      timezone: ctx.settings.timezone,
      outcomeWords: outcomeWords(spec.outcome),
      observationDays: spec.observationDays,
      population: {
        users: n(pop?.users),
        positive: n(pop?.positive),
        rate: n(pop?.users) === 0 ? null : n(pop?.positive) / n(pop?.users),
        from: (pop?.first as string | null) ?? null,
        to: (pop?.last as string | null) ?? null,
        unobserved: n(pop?.unobserved),
        training: { users: n(pop?.train), positive: n(pop?.train_positive) },
        holdout:
          n(pop?.held) === 0
            ? null
            : {
                users: n(pop?.held),
                positive: n(pop?.held_positive),
                from: String(pop?.held_from ?? ''),
              },
      },
      metrics: benchmarks,
      heatmap: await heatmapOf(ctx.c, plan, units),
      split:
        spec.split === undefined && spec.splitSegments.length === 0
          ? null
          : await splitOf(ctx.c, plan, units),
      dynamic: await dynamicOf(ctx, plan, units),
      sampled: sampledOf(spec.sample),
    };
  },

  select: (plan, pick) => {
    const parts: Sql[] = [raw('_observed')];
    if (pick.set === 'training') parts.push(raw('NOT _holdout'));
    if (pick.set === 'holdout') parts.push(raw('_holdout'));
    if (pick.metric !== undefined) {
      const i = plan.spec.metrics.findIndex((m) => m.name === pick.metric);
      if (i < 0) {
        throw new ApiError(
          'INVALID_REQUEST',
          `No metric '${pick.metric}' in this spec; its metrics are ${plan.spec.metrics.map((m) => m.name).join(', ')}.`,
          { field: 'select.metric' },
        );
      }
      const value = benchValue(ident(pick.metric), plan.integer[i] ?? false);
      // A bar of the curve: its values as the curve counted them (floored like the benchmark's).
      if (pick.from !== undefined) parts.push(sql`${value} >= ${pick.from}`);
      if (pick.to !== undefined)
        parts.push(
          pick.inclusive === true ? sql`${value} <= ${pick.to}` : sql`${value} < ${pick.to}`,
        );
      if (pick.from !== undefined || pick.to !== undefined)
        parts.push(sql`${ident(pick.metric)} IS NOT NULL`);
      if (pick.threshold !== undefined && pick.side !== undefined) {
        const v = benchValue(ident(pick.metric), plan.integer[i] ?? false);
        parts.push(sql`${ident(pick.metric)} IS NOT NULL`);
        parts.push(
          pick.side === 'above' ? sql`${v} >= ${pick.threshold}` : sql`${v} < ${pick.threshold}`,
        );
      }
    }
    if (pick.outcome !== undefined)
      parts.push(raw(pick.outcome === 'positive' ? '_positive' : 'NOT _positive'));
    if (pick.event !== undefined && pick.day !== undefined) {
      const named = plan.heatmap;
      if (named === null ? !plan.knownEvents.has(pick.event) : !named.includes(pick.event)) {
        throw new ApiError(
          'INVALID_REQUEST',
          `'${pick.event}' is not in this heat map${named === null ? '' : `; its events are ${named.join(', ')}`}.`,
          { field: 'select.event' },
        );
      }
      const did =
        plan.firstDays.encoding === 'bits'
          ? didByDaySql(plan.firstDays, pick.event, pick.day)
          : sql`coalesce(_days[list_position(list_transform(_days, x -> x.event), ${pick.event})].day <= ${pick.day}, false)`;
      parts.push(pick.did === true ? did : sql`NOT ${did}`);
    }
    if (pick.group !== undefined) parts.push(sql`_grp = ${pick.group}`);
    return join(parts, ' AND ');
  },
});

function localStart(ctx: { settings: { timezone: string } }): Sql {
  return ctx.settings.timezone === 'UTC'
    ? raw('window_start')
    : sql`timezone(${ctx.settings.timezone}, timezone('UTC', window_start))`;
}

async function heatmapOf(
  c: Parameters<typeof query>[0],
  plan: ThresholdsPlan,
  units: Sql,
): Promise<ThresholdsResult['heatmap']> {
  const days = Array.from({ length: plan.spec.observationDays }, (_, i) => i + 1);
  const [totals] = await query(
    c,
    sql`SELECT count(*) AS users, count(*) FILTER (WHERE _positive) AS positive FROM ${units} WHERE _observed`,
  );
  const { events, firsts } =
    plan.firstDays.encoding === 'bits'
      ? await heatFromBits(c, plan, plan.firstDays, units)
      : await heatFromList(c, plan, units);
  const total = Number(totals?.users ?? 0);
  const totalPositive = Number(totals?.positive ?? 0);
  const cells: HeatmapCell[] = [];
  events.forEach((event) => {
    for (const day of days) {
      // Who did it by the end of day d: first did it on day 1 .. d.
      let did = 0;
      let didPositive = 0;
      for (const f of firsts) {
        if (f.event === event && f.day <= day) {
          did += f.users;
          didPositive += f.positive;
        }
      }
      const row = splitAt(
        [
          { value: 0, users: total - did, positive: totalPositive - didPositive },
          { value: 1, users: did, positive: didPositive },
        ].filter((x) => x.users > 0),
        1,
      );
      cells.push({
        event,
        day,
        did,
        didPositive,
        notPositive: totalPositive - didPositive,
        rateDid: row?.rateAbove ?? null,
        rateNot: row?.rateBelow ?? null,
        phi: row?.phi ?? null,
      });
    }
  });
  return { events, days, cells };
}

/** Observed users by the day (from 1) they first did a heat map event. */
interface FirstDayCount {
  event: string;
  day: number;
  users: number;
  positive: number;
}

const firstDayCounts = (
  rows: Record<string, unknown>[],
  eventOf: (r: Record<string, unknown>) => string,
) =>
  rows.map((r): FirstDayCount => ({
    event: eventOf(r),
    day: Number(r.d),
    users: Number(r.users),
    positive: Number(r.positive),
  }));

/** From the list of (event, day) per user. Without events named, those kept, most users first. */
async function heatFromList(
  c: Parameters<typeof query>[0],
  plan: ThresholdsPlan,
  units: Sql,
): Promise<{ events: string[]; firsts: FirstDayCount[] }> {
  const rows = await query(
    c,
    sql`SELECT d.event AS event, d.day AS d, count(*) AS users, count(*) FILTER (WHERE _positive) AS positive
        FROM (SELECT unnest(_days) AS d, _positive FROM ${units} WHERE _observed)
        GROUP BY ALL`,
  );
  const events =
    plan.heatmap ??
    (
      await query(
        c,
        sql`SELECT k FROM (SELECT unnest(_days).event AS k FROM ${units}) GROUP BY k ORDER BY count(*) DESC, k`,
      )
    ).map((r) => String(r.k));
  return { events, firsts: firstDayCounts(rows, (r) => String(r.event)) };
}

/**
 * From the first days' bits: each event's first day is the lowest bit of its field, counted as
 * the users behind a cell are selected. Without events named: the HEATMAP_TOP events most users
 * of the population did in their first N days (not of the whole workspace: new team trials, or
 * users whose start is a purchase, have early events of their own), but the start event, which
 * every user did on day 1.
 */
async function heatFromBits(
  c: Parameters<typeof query>[0],
  plan: ThresholdsPlan,
  firstDays: FirstDays & { encoding: 'bits' },
  units: Sql,
): Promise<{ events: string[]; firsts: FirstDayCount[] }> {
  let events = plan.heatmap;
  if (events === null) {
    const start = plan.spec.startEvent?.event;
    const candidates = firstDays.events.filter((e) => e !== start);
    const whole = plan.spec.observationDays;
    const [row] = await query(
      c,
      sql`SELECT ${join(candidates.map((e, i) => sql`count_if(${didByDaySql(firstDays, e, whole)}) AS ${ident(`e${i}`)}`))}
          FROM ${units}`,
    );
    events = candidates
      .map((event, i) => ({ event, users: Number(row?.[`e${i}`] ?? 0) }))
      .filter((x) => x.users > 0)
      .sort((x, y) => y.users - x.users || (x.event < y.event ? -1 : x.event > y.event ? 1 : 0))
      .slice(0, HEATMAP_TOP)
      .map((x) => x.event);
  }
  const named = events;
  // Day d from 1 is first day d - 1 of the bits; a field of nothing reads the window's length.
  const passes = named.map(
    (event, i) =>
      sql`SELECT ${i} AS i, ${firstDaySql(firstDays, event)} + 1 AS d, count(*) AS users,
                 count(*) FILTER (WHERE _positive) AS positive
          FROM ${units} WHERE _observed GROUP BY ALL`,
  );
  const rows = passes.length === 0 ? [] : await query(c, join(passes, ' UNION ALL '));
  return { events: named, firsts: firstDayCounts(rows, (r) => named[Number(r.i)] ?? '') };
}

async function splitOf(
  c: Parameters<typeof query>[0],
  plan: ThresholdsPlan,
  units: Sql,
): Promise<ThresholdsResult['split']> {
  const { spec } = plan;
  const passes = spec.metrics.map(
    (m, i) =>
      sql`SELECT ${i} AS m, _grp AS grp, ${benchValue(ident(m.name), plan.integer[i] ?? false)} AS v,
                 count(*) AS users, count(*) FILTER (WHERE _positive) AS positive
          FROM ${units} WHERE _observed AND ${ident(m.name)} IS NOT NULL GROUP BY ALL`,
  );
  const [rows, sizes] = await Promise.all([
    query(c, join(passes, ' UNION ALL ')),
    query(
      c,
      sql`SELECT _grp AS grp, count(*) AS users, count(*) FILTER (WHERE _positive) AS positive
          FROM ${units} WHERE _observed GROUP BY _grp ORDER BY count(*) DESC, _grp`,
    ),
  ]);
  // Segments in the order listed, the rest last; property values by size.
  const order = plan.segmentLabels;
  if (order !== null) {
    const rank = (g: (typeof sizes)[number]): number => {
      const k = order.indexOf(String(g.grp));
      return k < 0 ? order.length : k;
    };
    sizes.sort((a, b) => rank(a) - rank(b));
  }
  const groups: SplitGroup[] = sizes.map((g) => {
    const value = String(g.grp);
    return {
      value,
      users: Number(g.users),
      positive: Number(g.positive),
      benchmarks: spec.metrics.map((m, i) => {
        const counts = rows
          .filter((r) => Number(r.m) === i && String(r.grp) === value)
          .map((r) => ({
            value: Number(r.v),
            users: Number(r.users),
            positive: Number(r.positive),
          }))
          .sort((a, b) => a.value - b.value);
        const best = benchmarkRow(thresholdTable(counts));
        return {
          metric: m.name,
          threshold: best?.threshold ?? null,
          phi: best?.phi ?? null,
          rateAbove: best?.rateAbove ?? null,
          rateBelow: best?.rateBelow ?? null,
          reach: best?.reach ?? null,
          tooSmall: best === null || best.above < spec.minUsers || best.below < spec.minUsers,
        };
      }),
    };
  });
  return { property: spec.split?.property ?? 'segment', groups };
}

async function dynamicOf(
  ctx: { c: Parameters<typeof query>[0]; settings: { timezone: string } },
  plan: ThresholdsPlan,
  units: Sql,
): Promise<ThresholdsResult['dynamic']> {
  const { spec } = plan;
  const p = spec.percentile / 100;
  const quantiles = join(
    spec.metrics.map((m, i) => sql`quantile_cont(${ident(m.name)}, ${p}) AS ${ident(`q_${i}`)}`),
  );
  const month = sql`strftime(date_trunc('month', ${localStart(ctx)}), '%Y-%m')`;
  // Users whose first N days are not over yet have only part of them counted: their values
  // would pull the recent months' percentiles down. The outcome need not be observed.
  // Everyone and each month in one pass (the row of everyone has no month).
  const rows = await query(
    ctx.c,
    sql`SELECT _month AS month, grouping(_month) = 1 AS everyone, count(*) AS users, ${quantiles}
        FROM (SELECT *, ${month} AS _month FROM ${units} WHERE complete)
        GROUP BY GROUPING SETS ((_month), ()) ORDER BY 1`,
  );
  const all = rows.find((r) => r.everyone === true);
  const months = rows.filter((r) => r.everyone !== true);
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return spec.metrics.map((m, i) => ({
    metric: m.name,
    percentile: spec.percentile,
    value: num(all?.[`q_${i}`]),
    months: months.map((r) => ({
      month: String(r.month),
      users: Number(r.users),
      value: num(r[`q_${i}`]),
    })),
  }));
}
