import type { LocalDays } from '../../../../shared/calendar/local-days';
import { ANY_EVENT, NONE_LABEL, OTHER_LABEL, sampledOf } from '../../../../shared/specs/common';
import type {
  FunnelGroup,
  FunnelPeriod,
  FunnelResult,
  FunnelStepResult,
  TimeToConvert,
} from '../../../../shared/specs/funnel';
import type { Row } from '../../duckdb/database';
import { instant, periodEndUtc, periodLabel, periodSpine } from '../../sql/calendar';
import { join, query, raw, sql, withCtes, type Sql } from '../../sql/fragment';
import type { AnalysisContext } from '../context';
import { previousStep, reachedSql, type FunnelPlan } from './plan';

/** Bucket edges of time-to-convert histograms: 10 s, 1 min, 5 min, ... 30 days. */
export const HISTOGRAM_EDGES = [
  0, 10, 60, 300, 900, 3_600, 10_800, 43_200, 86_400, 259_200, 604_800, 1_209_600, 2_592_000,
];

const n = (v: unknown): number => Number(v ?? 0);
const groupKey = (rng: unknown, grp: unknown): string => `${String(rng)}\u0000${String(grp)}`;

/** What the chart and grid draw, aggregated from the units (see units.ts). */
export async function summariseFunnel(
  ctx: AnalysisContext,
  plan: FunnelPlan,
  units: Sql,
): Promise<FunnelResult> {
  const { spec } = plan;
  const counts = await stepCounts(ctx, plan, units);
  const times = await stepTimes(ctx, plan, units);
  const periods = await periodCounts(ctx, plan, units);
  const hasBreakdown = spec.breakdown !== undefined;

  const groupOf = (
    rng: number,
    row: Row | undefined,
    label: string | null,
    values?: string[],
  ): FunnelGroup => {
    const steps = stepResults(plan, row, (key) => times.get(`${groupKey(rng, label)}\u0000${key}`));
    if (!hasBreakdown || label === null) return { steps };
    return {
      breakdown: label,
      breakdownValues: values ?? (Array.isArray(row?.vals) ? row.vals.map(String) : [label]),
      steps,
      overTime: periods.series(rng, label),
    };
  };
  const current = counts.filter((r) => n(r.rng) === 0);
  const last = `c${plan.counted.at(-1) ?? 0}`;
  const special = (g: unknown): number => (g === OTHER_LABEL ? 1 : g === NONE_LABEL ? 2 : 0);
  // By conversions (most first), then name; '(other)' and '(none)' last.
  current.sort(
    (a, b) =>
      special(a.grp) - special(b.grp) ||
      n(b[last]) - n(a[last]) ||
      String(a.grp).localeCompare(String(b.grp)),
  );
  const groups =
    current.length === 0
      ? [groupOf(0, undefined, null)]
      : current.map((r) => groupOf(0, r, r.grp === null ? null : String(r.grp)));

  const result: FunnelResult = {
    kind: 'funnel',
    timezone: plan.cal.timezone,
    countBy: spec.countBy,
    histogramEdges: HISTOGRAM_EDGES,
    groups,
    overTime: periods.total(0),
    sampled: sampledOf(spec.sample),
  };
  if (plan.previousDays !== null) {
    const before = counts.filter((r) => n(r.rng) === 1);
    const find = (label: string | undefined): Row | undefined =>
      before.find((r) => (r.grp === null ? undefined : String(r.grp)) === label);
    // The previous range's groups in the order of the current ones (zeros where it has none of
    // a value), then any value only it has.
    const known = new Set(groups.map((g) => g.breakdown));
    const alone = before.filter((r) => !known.has(r.grp === null ? undefined : String(r.grp)));
    result.previous = {
      ...plan.previousDays,
      groups: [
        ...groups.map((g) => groupOf(1, find(g.breakdown), g.breakdown ?? null, g.breakdownValues)),
        ...alone.map((r) => groupOf(1, r, r.grp === null ? null : String(r.grp))),
      ],
      overTime: periods.total(1),
    };
  }
  return result;
}

/** Each step's label and numbers from a group's counts (c0..) and times. */
function stepResults(
  plan: FunnelPlan,
  row: Row | undefined,
  timesOf: (key: string) => TimeToConvert | undefined,
): FunnelStepResult[] {
  const { spec } = plan;
  const count = (i: number): number => n(row?.[`c${i}`]);
  const first = count(0);
  return spec.steps.map((step, i) => {
    const c = count(i);
    const previous = i === 0 ? c : count(previousStep(plan, i));
    const label =
      step.label ??
      (spec.order === 'any'
        ? `${i + 1} of ${spec.steps.length} steps`
        : step.events.event === ANY_EVENT
          ? 'Any event'
          : step.events.event);
    return {
      label,
      optional: step.optional,
      count: c,
      fromFirst: first === 0 ? 0 : c / first,
      fromPrevious: previous === 0 ? 0 : c / previous,
      dropped: i === 0 ? 0 : previous - c,
      fromPreviousTime: i === 0 ? emptyTime() : (timesOf(`p${i}`) ?? emptyTime()),
      fromFirstTime: i === 0 ? emptyTime() : (timesOf(`f${i}`) ?? emptyTime()),
    };
  });
}

function emptyTime(): TimeToConvert {
  return {
    mean: null,
    median: null,
    p25: null,
    p75: null,
    p95: null,
    histogram: HISTOGRAM_EDGES.map(() => 0),
  };
}

/** Units reaching each step, per range and group, at their furthest attempt (`best`). */
async function stepCounts(ctx: AnalysisContext, plan: FunnelPlan, units: Sql): Promise<Row[]> {
  const selects = plan.spec.steps.map(
    (_, i) => sql`count(*) FILTER (${reachedSql(plan, i)}) AS ${raw(`c${i}`)}`,
  );
  return query(
    ctx.c,
    sql`SELECT rng, grp, any_value(grp_values) AS vals, ${join(selects)}
        FROM ${units} WHERE best GROUP BY rng, grp`,
  );
}

/**
 * Times to convert, per range, group and step, from the previous counted step and from the
 * first: each as a (key, seconds) row, so the statistics come from one grouping instead of a
 * filtered aggregate per statistic and bucket (265 ms -> 60 ms on 200k units). The rows are a
 * union of one select per measure over the reported rows, read once: a list of structs per unit
 * unnested cost a third more on the 10M-event bench.
 */
async function stepTimes(
  ctx: AnalysisContext,
  plan: FunnelPlan,
  units: Sql,
): Promise<Map<string, TimeToConvert>> {
  const seconds = (a: string, b: string): string => `((epoch_us(${a}) - epoch_us(${b})) / 1e6)`;
  const measures: Sql[] = [];
  // From the previous step is from the first when that is the first: measured once.
  const same: number[] = [];
  plan.spec.steps.forEach((_, i) => {
    if (i === 0) return;
    const reached = reachedSql(plan, i);
    const previous = previousStep(plan, i);
    const measure = (key: string, from: number): Sql =>
      sql`SELECT rng, grp, ${raw(`'${key}'`)} AS key, ${raw(seconds(`t${i}`, `t${from}`))} AS d
          FROM reported WHERE ${reached}`;
    measures.push(measure(`p${i}`, previous));
    if (previous === 0) same.push(i);
    else measures.push(measure(`f${i}`, 0));
  });
  if (measures.length === 0) return new Map();
  const times = plan.spec.steps.map((_, i) => `t${i}`).join(', ');
  const bucket = raw(
    `CASE ${HISTOGRAM_EDGES.slice(1)
      .map((edge, i) => `WHEN d < ${edge} THEN ${i}`)
      .join(' ')} ELSE ${HISTOGRAM_EDGES.length - 1} END`,
  );
  const rows = await query(
    ctx.c,
    sql`WITH reported AS MATERIALIZED (
          SELECT rng, grp, level, ${raw(times)} FROM ${units} WHERE best)
        SELECT rng, grp, key, avg(d) AS mean, quantile_cont(d, [0.25, 0.5, 0.75, 0.95]) AS q,
               ${raw(HISTOGRAM_EDGES.map((_, i) => `count(*) FILTER (h = ${i}) AS h${i}`).join(', '))}
        FROM (SELECT rng, grp, key, d, ${bucket} AS h FROM (${join(measures, ' UNION ALL ')}))
        GROUP BY rng, grp, key`,
  );
  const out = new Map<string, TimeToConvert>();
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  for (const r of rows) {
    const q = Array.isArray(r.q) ? r.q : [];
    const time = (): TimeToConvert => ({
      mean: num(r.mean),
      median: num(q[1]),
      p25: num(q[0]),
      p75: num(q[2]),
      p95: num(q[3]),
      histogram: HISTOGRAM_EDGES.map((_, i) => n(r[`h${i}`])),
    });
    const group = groupKey(r.rng, r.grp);
    const key = String(r.key);
    out.set(`${group}\u0000${key}`, time());
    const step = Number(key.slice(1));
    if (key.startsWith('p') && same.includes(step)) out.set(`${group}\u0000f${step}`, time());
  }
  return out;
}

/**
 * Conversion over time: per range, group and entry period, the units with an attempt starting
 * in it and those whose attempt completed; over every group, each unit once. Laid out on the
 * range's periods, zeros where nobody entered.
 */
async function periodCounts(
  ctx: AnalysisContext,
  plan: FunnelPlan,
  units: Sql,
): Promise<{
  series: (rng: number, grp: string) => FunnelPeriod[];
  total: (rng: number) => FunnelPeriod[];
}> {
  const { spec, cal } = plan;
  const full = raw(`level >= ${plan.full}`);
  const unit = raw(
    `{'u': uid${spec.countBy === 'sessions' ? ", 'h': h" : ''}${spec.countBy === 'attempts' ? ", 'a': attempt" : ''}}`,
  );
  const rows = await query(
    ctx.c,
    sql`SELECT rng, grp, label, count(*) AS entered, count(*) FILTER (${full}) AS completed
        FROM ${units} GROUP BY rng, grp, label
        UNION ALL
        SELECT rng, NULL AS grp, label, count(DISTINCT ${unit}) AS entered,
               count(DISTINCT ${unit}) FILTER (${full}) AS completed
        FROM ${units} WHERE ${raw(spec.breakdown === undefined ? 'FALSE' : 'TRUE')} GROUP BY rng, label`,
  );
  const spine = async (days: LocalDays): Promise<{ label: string; incomplete: boolean }[]> =>
    (
      await query(
        ctx.c,
        withCtes(
          [['periods', periodSpine(cal, days, spec.interval)]],
          sql`SELECT ${periodLabel(raw('period'), spec.interval)} AS label,
                     ${periodEndUtc(cal, raw('period'), spec.interval)} + ${plan.window} > ${instant(ctx.observedUntil)} AS incomplete
              FROM periods ORDER BY period`,
        ),
      )
    ).map((r) => ({ label: String(r.label), incomplete: r.incomplete === true }));
  const spines = [
    await spine(plan.days),
    plan.previousDays === null ? [] : await spine(plan.previousDays),
  ];
  const byKey = new Map<string, Row>();
  const totals = new Map<string, Row>();
  for (const r of rows) {
    const at = `${String(r.rng)}\u0000${String(r.label)}`;
    if (spec.breakdown !== undefined && r.grp === null) totals.set(at, r);
    else byKey.set(`${groupKey(r.rng, r.grp)}\u0000${String(r.label)}`, r);
  }
  const laidOut = (rng: number, find: (label: string) => Row | undefined): FunnelPeriod[] =>
    (spines[rng] ?? []).map((p) => {
      const r = find(p.label);
      const entered = n(r?.entered);
      const completed = n(r?.completed);
      return {
        period: p.label,
        entered,
        completed,
        rate: entered === 0 ? null : completed / entered,
        incomplete: p.incomplete,
      };
    });
  return {
    series: (rng, grp) => laidOut(rng, (label) => byKey.get(`${groupKey(rng, grp)}\u0000${label}`)),
    total: (rng) =>
      laidOut(rng, (label) =>
        spec.breakdown === undefined
          ? byKey.get(`${groupKey(rng, null)}\u0000${label}`)
          : totals.get(`${String(rng)}\u0000${label}`),
      ),
  };
}
