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
 * heavy user does not squeeze everyone else into the first bar.
 */
export async function metricSummaries(
  c: DuckDBConnection,
  table: Sql,
  columns: readonly Column[],
): Promise<Distribution[]> {
  if (columns.length === 0) return [];
  const stats = columns.map((col, i) => {
    const v = ident(col.column);
    const p = (suffix: string): Sql => ident(`s${i}_${suffix}`);
    return sql`count(${v}) AS ${p('n')}, count(*) FILTER (WHERE ${v} = 0) AS ${p('zeros')},
      avg(${v}) AS ${p('mean')}, min(${v}) AS ${p('min')}, max(${v}) AS ${p('max')},
      quantile_cont(${v}, [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) AS ${p('q')}`;
  });
  const [row] = await query(c, sql`SELECT count(*) AS total, ${join(stats)} FROM ${table}`);
  const total = Number(row?.total ?? 0);
  const out: Distribution[] = columns.map((_, i) => {
    const get = (suffix: string): unknown => row?.[`s${i}_${suffix}`];
    const q = (get('q') as unknown[] | null) ?? [];
    const n = Number(get('n') ?? 0);
    return {
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
  });

  // The bars of each column, then one grouped pass per column for their counts.
  const layouts = columns.map((col, i) => {
    const d = out[i];
    if (d === undefined) return null;
    const p99 = num(((row?.[`s${i}_q`] as unknown[] | null) ?? [])[5]);
    if (d.min === null || d.max === null) return null;
    return barsOf(d.min, d.max, p99 ?? d.max, col.grain);
  });
  const passes = columns.flatMap((col, i) => {
    const layout = layouts[i];
    if (layout === null || layout === undefined) return [];
    const v = ident(col.column);
    const bar = barSql(v, layout, col.grain);
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
      target.histogram = counts.map((users, k) => ({
        from: edgeOf(layout, k),
        to: k === layout.bars - 1 ? layout.end : edgeOf(layout, k + 1),
        users,
      }));
    });
  }
  return out;
}

/**
 * A value's bar: the number of inner edges at or below it, the very comparisons the users behind
 * a bar are selected with (v >= from AND v < to), so the two always agree. Computed by division
 * (a list of edges to compare took 4x the time): exact on a grid of powers of two, where values,
 * edges and their quotients are all exact; elsewhere the quotient is moved to the bar the edges
 * (computed as edgeOf does, in doubles) put the value in, which is at most one away.
 */
function barSql(v: Sql, layout: Layout, grain: number | null): Sql {
  const last = layout.bars - 1;
  if (last === 0) return sql`0`;
  const start = sql`${layout.start}::DOUBLE`;
  const width = sql`${layout.width}::DOUBLE`;
  const clamp = (k: Sql): Sql => sql`least(greatest(${k}, 0), ${last})`;
  const k = clamp(sql`CAST(floor((${v} - ${start}) / ${width}) AS INTEGER)`);
  if (grain !== null && Number.isInteger(Math.log2(grain))) return k;
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
