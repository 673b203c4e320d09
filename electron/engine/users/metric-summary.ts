import type { DuckDBConnection } from '@duckdb/node-api';
import type { MetricSummary } from '../../../shared/specs/metrics';
import { ident, join, query, sql, type Sql } from '../sql/fragment';

export type Distribution = Omit<MetricSummary, 'name' | 'label' | 'definition' | 'unit'>;

/** Bars of a histogram of continuous values (the last one reaching the maximum). */
const BINS = 20;
/** Whole values up to this many apart get a bar each. */
const MAX_UNIT_BARS = 40;

interface Column {
  column: string;
  /** The grid the values lie on (1: whole values), or null: any value. */
  grain: number | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Each column's distribution over the table's rows: counts, mean, min, p10 ... p90 (DuckDB's
 * quantile_cont, linear between order statistics), max, and a histogram. The bars run from the
 * minimum to the 99th percentile and the last bar takes everything up to the maximum, so one
 * heavy user does not squeeze everyone else into the first bar. Columns on a grid of a power of
 * two (counts, days, per-week rates of 14 or 28 days) have few distinct values: their counts per
 * value are read once and everything follows from them, exactly (their quantiles alone cost 5x).
 */
export async function metricSummaries(
  c: DuckDBConnection,
  table: Sql,
  columns: readonly Column[],
): Promise<Distribution[]> {
  if (columns.length === 0) return [];
  const counted = columns.map((col) => onGrid(col.grain));
  const stats = columns.flatMap((col, i) => {
    if (counted[i] === true) return [];
    const v = ident(col.column);
    const p = (suffix: string): Sql => ident(`s${i}_${suffix}`);
    return [
      sql`count(${v}) AS ${p('n')}, count(*) FILTER (WHERE ${v} = 0) AS ${p('zeros')},
      avg(${v}) AS ${p('mean')}, min(${v}) AS ${p('min')}, max(${v}) AS ${p('max')},
      quantile_cont(${v}, [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) AS ${p('q')}`,
    ];
  });
  const [row] = await query(
    c,
    sql`SELECT count(*) AS total${join(
      stats.map((s) => sql`, ${s}`),
      '',
    )} FROM ${table}`,
  );
  const total = Number(row?.total ?? 0);
  const valueCounts = await countsOfValues(c, table, columns, counted);

  const layouts: (Layout | null)[] = [];
  const out: Distribution[] = columns.map((col, i) => {
    const counts = valueCounts.get(i);
    if (counts !== undefined) {
      const d = fromCounts(counts, total, col.grain);
      layouts.push(null);
      return d;
    }
    const get = (suffix: string): unknown => row?.[`s${i}_${suffix}`];
    const q = (get('q') as unknown[] | null) ?? [];
    const n = Number(get('n') ?? 0);
    const d: Distribution = {
      users: n,
      missing: total - n,
      zeros: Number(get('zeros') ?? 0),
      mean: num(get('mean')),
      min: num(get('min')),
      p10: num(q[0]),
      p25: num(q[1]),
      median: num(q[2]),
      p75: num(q[3]),
      p90: num(q[4]),
      max: num(get('max')),
      histogram: [],
    };
    const p99 = num(q[5]);
    layouts.push(
      d.min === null || d.max === null ? null : barsOf(d.min, d.max, p99 ?? d.max, col.grain),
    );
    return d;
  });

  // The other columns' bars: one grouped pass per column for their counts.
  const passes = columns.flatMap((col, i) => {
    const layout = layouts[i];
    if (layout === null || layout === undefined) return [];
    const v = ident(col.column);
    const bar = barSql(v, layout);
    return [
      sql`SELECT ${i} AS m, ${bar} AS bar, count(*) AS users
          FROM ${table} WHERE ${v} IS NOT NULL GROUP BY ALL`,
    ];
  });
  if (passes.length > 0) {
    const rows = await query(c, join(passes, ' UNION ALL '));
    layouts.forEach((layout, i) => {
      if (layout === null || layout === undefined) return;
      const counts = new Array<number>(layout.bars).fill(0);
      for (const r of rows) if (Number(r.m) === i) counts[Number(r.bar)] = Number(r.users);
      const target = out[i];
      if (target === undefined) return;
      target.histogram = bars(layout, counts);
    });
  }
  return out;
}

/** A grid of 2^k (1, 1/2, 1/4 ...), where values, edges and quotients are exact in doubles. */
function onGrid(grain: number | null): boolean {
  return grain !== null && Number.isInteger(Math.log2(grain));
}

interface ValueCount {
  value: number;
  users: number;
}

/** The counted columns' users per value, ascending, in one statement. */
async function countsOfValues(
  c: DuckDBConnection,
  table: Sql,
  columns: readonly Column[],
  counted: readonly boolean[],
): Promise<Map<number, ValueCount[]>> {
  const passes = columns.flatMap((col, i) =>
    counted[i] === true
      ? [
          sql`SELECT ${i} AS m, CAST(${ident(col.column)} AS DOUBLE) AS v, count(*) AS users
              FROM ${table} WHERE ${ident(col.column)} IS NOT NULL GROUP BY ALL`,
        ]
      : [],
  );
  const out = new Map<number, ValueCount[]>();
  counted.forEach((yes, i) => {
    if (yes) out.set(i, []);
  });
  if (passes.length === 0) return out;
  for (const r of await query(c, join(passes, ' UNION ALL '))) {
    out.get(Number(r.m))?.push({ value: Number(r.v), users: Number(r.users) });
  }
  for (const list of out.values()) list.sort((a, b) => a.value - b.value);
  return out;
}

/**
 * A distribution from users per value: quantile_cont's own rule (the value at (n - 1) p, linear
 * between the order statistics around it), and each value in the bar its edges put it in.
 */
export function fromCounts(
  counts: readonly ValueCount[],
  total: number,
  grain: number | null,
): Distribution {
  const n = counts.reduce((sum, c) => sum + c.users, 0);
  const first = counts[0];
  const last = counts[counts.length - 1];
  if (n === 0 || first === undefined || last === undefined) {
    return {
      users: 0,
      missing: total,
      zeros: 0,
      mean: null,
      min: null,
      p10: null,
      p25: null,
      median: null,
      p75: null,
      p90: null,
      max: null,
      histogram: [],
    };
  }
  // The value of the r-th user (from 0) in ascending order.
  const at = (r: number): number => {
    let seen = 0;
    for (const c of counts) {
      seen += c.users;
      if (r < seen) return c.value;
    }
    return last.value;
  };
  const quantile = (p: number): number => {
    const pos = (n - 1) * p;
    const lo = at(Math.floor(pos));
    const hi = at(Math.ceil(pos));
    return lo + (hi - lo) * (pos - Math.floor(pos));
  };
  const layout = barsOf(first.value, last.value, quantile(0.99), grain);
  const inBar = new Array<number>(layout.bars).fill(0);
  for (const c of counts) {
    let k = 0;
    while (k < layout.bars - 1 && c.value >= edgeOf(layout, k + 1)) k++;
    inBar[k] = (inBar[k] ?? 0) + c.users;
  }
  return {
    users: n,
    missing: total - n,
    zeros: counts.find((c) => c.value === 0)?.users ?? 0,
    mean: counts.reduce((sum, c) => sum + c.value * c.users, 0) / n,
    min: first.value,
    p10: quantile(0.1),
    p25: quantile(0.25),
    median: quantile(0.5),
    p75: quantile(0.75),
    p90: quantile(0.9),
    max: last.value,
    histogram: bars(layout, inBar),
  };
}

function bars(layout: Layout, counts: readonly number[]): Distribution['histogram'] {
  return counts.map((users, k) => ({
    from: edgeOf(layout, k),
    to: k === layout.bars - 1 ? layout.end : edgeOf(layout, k + 1),
    users,
  }));
}

/**
 * A value's bar: the number of inner edges at or below it, the very comparisons the users behind
 * a bar are selected with (v >= from AND v < to), so the two always agree. Found by division (a
 * list of edges to compare took 4x the time), then moved to the bar the edges (computed as
 * edgeOf does, in doubles) put the value in, which is at most one away.
 */
function barSql(v: Sql, layout: Layout): Sql {
  const last = layout.bars - 1;
  if (last === 0) return sql`0`;
  const start = sql`${layout.start}::DOUBLE`;
  const width = sql`${layout.width}::DOUBLE`;
  const clamp = (k: Sql): Sql => sql`least(greatest(${k}, 0), ${last})`;
  const k = clamp(sql`CAST(floor((${v} - ${start}) / ${width}) AS INTEGER)`);
  return sql`(SELECT ${clamp(sql`k + CAST(${v} >= ${start} + (k + 1) * ${width} AS INTEGER) - CAST(${v} < ${start} + k * ${width} AS INTEGER)`)} FROM (SELECT ${k} AS k))`;
}

type Layout = ReturnType<typeof barsOf>;

/** The k-th edge of a layout's bars (0 = its start). */
function edgeOf(layout: { start: number; width: number }, k: number): number {
  return layout.start + k * layout.width;
}

/**
 * Where the bars of a histogram go: a bar per value when the values lie on a grid (whole
 * numbers, or per-week rates of a 14- or 28-day window in halves or quarters) and are few
 * ([v, v + grain)), else BINS bars of equal width (a multiple of the grain) from the minimum to
 * the 99th percentile, the last one reaching the maximum (its end included).
 */
export function barsOf(
  min: number,
  max: number,
  p99: number,
  grain: number | null,
): { start: number; width: number; bars: number; end: number } {
  if (grain !== null && (max - min) / grain <= MAX_UNIT_BARS) {
    return {
      start: min,
      width: grain,
      bars: Math.round((max - min) / grain) + 1,
      end: max + grain,
    };
  }
  if (max === min) return { start: min, width: 1, bars: 1, end: max };
  const top = p99 > min ? p99 : max;
  let width = (top - min) / BINS;
  if (grain !== null) width = Math.max(1, Math.ceil(width / grain)) * grain;
  const bars = Math.min(BINS, Math.max(1, Math.ceil((top - min) / width)));
  return { start: min, width, bars, end: max };
}
