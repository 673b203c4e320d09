import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../analyses/funnel/generated';
import { raw } from '../sql/fragment';
import { barsOf, metricSummaries, type Distribution } from './metric-summary';

/**
 * Each metric's distribution against the values themselves: counts, mean, quantile_cont
 * percentiles (linear between the order statistics at (n - 1) p), and every bar's count from
 * the bar rule ([from, to), the last bar including its end) over the raw values.
 */

function quantile(sorted: number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

interface Column {
  name: string;
  integer: boolean;
  /** The grid of the values (default: 1 for whole values, else none). */
  grain?: number;
  values: (number | null)[];
}

/** The largest double below x (x > 0). */
function below(x: number): number {
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = (bits[0] as bigint) - 1n;
  return f[0] as number;
}

/**
 * Values on the 20 bars' inner edges (as edgeOf computes them) and a hair below each, the rest
 * at the maximum (so the 99th percentile is the maximum): where a bar found by division is
 * one off unless moved by the edges' own comparisons.
 */
function onEdges(n: number): number[] {
  // A start below 0, where (v - start) / width rounds across an edge for some of them.
  const [min, max] = [-8.245359293565624, 39.41615541597076];
  const layout = barsOf(min, max, max, null);
  const edges = Array.from(
    { length: layout.bars - 1 },
    (_, k) => layout.start + (k + 1) * layout.width,
  );
  const values = [min, ...edges, ...edges.map(below)];
  return Array.from({ length: n }, (_, i) => values[i] ?? max);
}

function columns(): Column[] {
  const rand = prng(3);
  const n = 400;
  const of = (f: (i: number) => number | null) => Array.from({ length: n }, (_, i) => f(i));
  return [
    // A few whole values, a fifth of them 0, some none.
    {
      name: 'few',
      integer: true,
      values: of(() => (rand() < 0.1 ? null : Math.floor(rand() * 6))),
    },
    // Whole values over a wide range with a heavy tail (bars wider than 1).
    {
      name: 'wide',
      integer: true,
      values: of((i) => (i === 7 ? 100_000 : Math.floor(rand() * rand() * 900))),
    },
    // Fractions with one far outlier: the bars stop at the 99th percentile, the last one
    // reaching the maximum.
    { name: 'frac', integer: false, values: of((i) => (i === 3 ? 1e6 : rand() * 10 - 2)) },
    // Shares: many exact 0 and 1.
    {
      name: 'share',
      integer: false,
      values: of(() => (rand() < 0.3 ? 0 : rand() < 0.3 ? 1 : Math.round(rand() * 3) / 3)),
    },
    { name: 'same', integer: false, values: of(() => 2.5) },
    { name: 'none', integer: false, values: of(() => null) },
    { name: 'edges', integer: false, values: onEdges(n) },
    // Quarters over a wide range: bars several quarters wide, found by division alone.
    {
      name: 'quarters',
      integer: false,
      grain: 0.25,
      values: of(() => Math.floor(rand() * 400) / 4),
    },
    // Negative whole values (a trend's -1 is a fraction; days before never are, but the rule holds).
    { name: 'neg', integer: true, values: of(() => Math.floor(rand() * 30) - 10) },
  ];
}

describe('metric summaries', () => {
  let c: DuckDBConnection;
  const cols = columns();
  let out: Distribution[];
  beforeAll(async () => {
    c = await (await DuckDBInstance.create(':memory:')).connect();
    const defs = cols.map((col) => `"${col.name}" ${col.integer ? 'BIGINT' : 'DOUBLE'}`).join(', ');
    await c.run(`CREATE TABLE t (${defs})`);
    const n = cols[0]?.values.length ?? 0;
    const rows = Array.from(
      { length: n },
      // Doubles as text cast to DOUBLE: a literal such as 0.09499999999999999 is a DECIMAL
      // first, which rounds it to 0.095.
      (_, i) =>
        `(${cols
          .map((col) => {
            const v = col.values[i];
            return v === null || v === undefined
              ? 'NULL'
              : col.integer
                ? String(v)
                : `'${v}'::DOUBLE`;
          })
          .join(', ')})`,
    );
    await c.run(`INSERT INTO t VALUES ${rows.join(', ')}`);
    out = await metricSummaries(
      c,
      raw('t'),
      cols.map((col) => ({ column: col.name, grain: col.grain ?? (col.integer ? 1 : null) })),
    );
  });
  afterAll(() => c.closeSync());

  it.each(cols.map((col, i) => [col.name, i] as const))('%s', (_, i) => {
    const col = cols[i] as Column;
    const d = out[i] as Distribution;
    const values = col.values.filter((v): v is number => v !== null);
    const sorted = [...values].sort((a, b) => a - b);
    expect([d.users, d.missing, d.zeros]).toEqual([
      values.length,
      col.values.length - values.length,
      values.filter((v) => v === 0).length,
    ]);
    if (values.length === 0) {
      expect([d.mean, d.min, d.p10, d.median, d.max, d.histogram]).toEqual([
        null,
        null,
        null,
        null,
        null,
        [],
      ]);
      return;
    }
    expect(d.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    expect([d.min, d.max]).toEqual([sorted[0], sorted[sorted.length - 1]]);
    const ps = [d.p10, d.p25, d.median, d.p75, d.p90];
    [0.1, 0.25, 0.5, 0.75, 0.9].forEach((p, k) =>
      expect(ps[k], `p${p}`).toBeCloseTo(quantile(sorted, p), 9),
    );

    // Every value in exactly one bar, by the rule the users behind a bar are selected with.
    const bars = d.histogram;
    const last = bars.length - 1;
    const counts = bars.map(
      (b, k) => values.filter((v) => v >= b.from && (k === last ? v <= b.to : v < b.to)).length,
    );
    expect(bars.map((b) => b.users)).toEqual(counts);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    // Bars laid end to end from the minimum, the last one reaching the maximum.
    expect(bars[0]?.from).toBe(sorted[0]);
    bars.slice(1).forEach((b, k) => expect(b.from).toBe(bars[k]?.to));
    expect(bars.length).toBeLessThanOrEqual(Math.max(20, col.integer ? 41 : 20));
  });

  it('lays bars out: a bar per whole value when few, 20 to the 99th percentile otherwise', () => {
    expect(barsOf(0, 5, 5, 1)).toEqual({ start: 0, width: 1, bars: 6, end: 6 });
    expect(barsOf(-10, 30, 30, 1)).toEqual({ start: -10, width: 1, bars: 41, end: 31 });
    // 0 .. 100 000 with the 99th percentile at 853: whole bars of ceil(853 / 20) = 43.
    expect(barsOf(0, 100_000, 853, 1)).toEqual({ start: 0, width: 43, bars: 20, end: 100_000 });
    expect(barsOf(-2, 1e6, 8, null)).toEqual({ start: -2, width: 0.5, bars: 20, end: 1e6 });
    // One value: one bar holding it.
    expect(barsOf(2.5, 2.5, 2.5, null)).toEqual({ start: 2.5, width: 1, bars: 1, end: 2.5 });
    // The 99th percentile at the minimum (99% zeros): bars up to the maximum instead.
    expect(barsOf(0, 50, 0, null)).toEqual({ start: 0, width: 2.5, bars: 20, end: 50 });
    // Per-week rates of a 28-day window are quarters: a bar per quarter, and wider bars in
    // whole quarters.
    expect(barsOf(0, 2.5, 2.5, 0.25)).toEqual({ start: 0, width: 0.25, bars: 11, end: 2.75 });
    expect(barsOf(0, 40, 30, 0.25)).toEqual({ start: 0, width: 1.5, bars: 20, end: 40 });
  });
});
