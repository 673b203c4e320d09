import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../demo/seeded-random';
import {
  type ThresholdRow,
  type ValueCount,
  baselineLevel,
  bestThreshold,
  bootstrapThreshold,
  candidateThresholds,
  normalQuantile,
  percentileOf,
  samplePoisson,
  thresholdTable,
  wilsonInterval,
} from './threshold-stats';

interface User {
  value: number;
  positive: boolean;
}

function histogramOf(users: readonly User[]): ValueCount[] {
  const byValue = new Map<number, ValueCount>();
  for (const u of users) {
    const c = byValue.get(u.value) ?? { value: u.value, users: 0, positive: 0 };
    c.users++;
    if (u.positive) c.positive++;
    byValue.set(u.value, c);
  }
  // Deliberately unsorted: the module must not rely on SQL's order.
  return [...byValue.values()].reverse();
}

/**
 * Ten users (value, retained?): 0 n, 0 n, 1 n, 1 y, 2 n, 2 y, 3 y, 3 y, 5 y, 5 n.
 * N = 10, P = 5, negatives = 5, base rate 0.5.
 */
const TEN: ValueCount[] = [
  { value: 3, users: 2, positive: 2 },
  { value: 0, users: 2, positive: 0 },
  { value: 5, users: 2, positive: 1 },
  { value: 1, users: 2, positive: 1 },
  { value: 2, users: 2, positive: 1 },
];

function row(rows: readonly ThresholdRow[], threshold: number): ThresholdRow {
  const r = rows.find((x) => x.threshold === threshold);
  if (!r) throw new Error(`no row for ${threshold}`);
  return r;
}

describe('thresholdTable on ten hand-computed users', () => {
  const rows = thresholdTable(TEN);

  it('has every value but the smallest as a candidate, ascending', () => {
    expect(rows.map((r) => r.threshold)).toEqual([1, 2, 3, 5]);
    expect(candidateThresholds(TEN)).toEqual([1, 2, 3, 5]);
  });

  it('t = 1', () => {
    // above: 8 users (values 1,1,2,2,3,3,5,5), TP = 5, FP = 3; below: 2 (0,0), FN = 0, TN = 2.
    // PPV 5/8, sensitivity 5/5, NPV 2/2, specificity 2/5.
    // phi = (5*2 - 3*0) / sqrt(8*5*5*2) = 10/20 = 0.5; lift = 0.625 / 0.5 = 1.25.
    const r = row(rows, 1);
    expect([r.above, r.abovePositive, r.below, r.belowPositive]).toEqual([8, 5, 2, 0]);
    expect(r.reach).toBeCloseTo(0.8, 12);
    expect(r.rateAbove).toBeCloseTo(0.625, 12);
    expect(r.rateBelow).toBeCloseTo(0, 12);
    expect(r.ppv).toBeCloseTo(0.625, 12);
    expect(r.sensitivity).toBeCloseTo(1, 12);
    expect(r.npv).toBeCloseTo(1, 12);
    expect(r.specificity).toBeCloseTo(0.4, 12);
    expect(r.phi).toBeCloseTo(0.5, 12);
    expect(r.lift).toBeCloseTo(1.25, 12);
  });

  it('t = 2', () => {
    // above: 6, TP = 4, FP = 2; below: 4, FN = 1, TN = 3.
    // PPV 4/6, sensitivity 4/5, NPV 3/4, specificity 3/5, rate below 1/4.
    // phi = (4*3 - 2*1) / sqrt(6*5*5*4) = 10 / sqrt(600) = 0.40824829; lift = (2/3) / 0.5.
    const r = row(rows, 2);
    expect([r.above, r.abovePositive, r.below, r.belowPositive]).toEqual([6, 4, 4, 1]);
    expect(r.reach).toBeCloseTo(0.6, 12);
    expect(r.ppv).toBeCloseTo(4 / 6, 12);
    expect(r.rateBelow).toBeCloseTo(0.25, 12);
    expect(r.sensitivity).toBeCloseTo(0.8, 12);
    expect(r.npv).toBeCloseTo(0.75, 12);
    expect(r.specificity).toBeCloseTo(0.6, 12);
    expect(r.phi).toBeCloseTo(0.40824829046, 10);
    expect(r.lift).toBeCloseTo(4 / 3, 12);
  });

  it('t = 3', () => {
    // above: 4, TP = 3, FP = 1; below: 6, FN = 2, TN = 4.
    // PPV 3/4, sensitivity 3/5, NPV 4/6, specificity 4/5.
    // phi = (3*4 - 1*2) / sqrt(4*5*5*6) = 10 / sqrt(600), the same as t = 2; lift 1.5.
    const r = row(rows, 3);
    expect([r.above, r.abovePositive, r.below, r.belowPositive]).toEqual([4, 3, 6, 2]);
    expect(r.ppv).toBeCloseTo(0.75, 12);
    expect(r.sensitivity).toBeCloseTo(0.6, 12);
    expect(r.npv).toBeCloseTo(4 / 6, 12);
    expect(r.specificity).toBeCloseTo(0.8, 12);
    expect(r.phi).toBeCloseTo(0.40824829046, 10);
    expect(r.lift).toBeCloseTo(1.5, 12);
  });

  it('t = 5', () => {
    // above: 2, TP = 1, FP = 1; below: 8, FN = 4, TN = 4.
    // PPV 1/2, sensitivity 1/5, NPV 4/8, specificity 4/5; phi = (1*4 - 1*4)/... = 0; lift 1.
    const r = row(rows, 5);
    expect([r.above, r.abovePositive, r.below, r.belowPositive]).toEqual([2, 1, 8, 4]);
    expect(r.ppv).toBeCloseTo(0.5, 12);
    expect(r.sensitivity).toBeCloseTo(0.2, 12);
    expect(r.npv).toBeCloseTo(0.5, 12);
    expect(r.specificity).toBeCloseTo(0.8, 12);
    expect(r.phi).toBeCloseTo(0, 12);
    expect(r.lift).toBeCloseTo(1, 12);
  });

  it('best is the highest phi, ties to the smaller threshold', () => {
    expect(bestThreshold(rows)?.threshold).toBe(1);
    // t = 2 and t = 3 tie at 10/sqrt(600), in either order.
    expect(bestThreshold([row(rows, 3), row(rows, 2)])?.threshold).toBe(2);
    expect(bestThreshold([row(rows, 2), row(rows, 3)])?.threshold).toBe(2);
    expect(bestThreshold([])).toBeNull();
  });

  it('keeps its precision for hundreds of millions of users', () => {
    // The same population, each user standing for 10 million: every rate and phi is unchanged.
    const big = TEN.map((c) => ({ ...c, users: c.users * 1e7, positive: c.positive * 1e7 }));
    const bigRows = thresholdTable(big);
    bigRows.forEach((r, i) => {
      const small = rows[i];
      expect(r.threshold).toBe(small?.threshold);
      expect(r.phi).toBeCloseTo(small?.phi ?? NaN, 12);
      expect(r.ppv).toBeCloseTo(small?.ppv ?? NaN, 12);
      expect(r.specificity).toBeCloseTo(small?.specificity ?? NaN, 12);
      expect(r.lift).toBeCloseTo(small?.lift ?? NaN, 12);
    });
  });

  it('phi and lift are null when everyone (or no one) has the outcome', () => {
    const allPositive = TEN.map((c) => ({ ...c, positive: c.users }));
    const r = row(thresholdTable(allPositive), 2);
    expect(r.phi).toBeNull();
    expect(r.specificity).toBeNull();
    expect(r.npv).toBe(0);
    expect(r.lift).toBeCloseTo(1, 12);
    expect(bestThreshold(thresholdTable(allPositive))).toBeNull();
    const noPositive = TEN.map((c) => ({ ...c, positive: 0 }));
    const n = row(thresholdTable(noPositive), 2);
    expect(n.phi).toBeNull();
    expect(n.sensitivity).toBeNull();
    expect(n.lift).toBeNull();
    expect(n.ppv).toBe(0);
  });

  it('merges repeated values and ignores values without users', () => {
    const split = [
      ...TEN,
      { value: 3, users: 0, positive: 0 },
      { value: -7, users: 0, positive: 0 },
      { value: 2, users: 1, positive: 1 },
      { value: 2, users: 1, positive: 0 },
    ];
    const merged = TEN.map((c) => (c.value === 2 ? { value: 2, users: 4, positive: 2 } : c));
    expect(thresholdTable(split)).toEqual(thresholdTable(merged));
  });
});

/** Users with integer values 0..20 (skewed low) whose retention rises with the value. */
function randomUsers(seed: number, n: number): User[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const value = Math.min(20, Math.floor(rng.exponential(4)));
    return { value, positive: rng.chance(0.1 + 0.04 * value) };
  });
}

describe('thresholdTable against a user-by-user computation', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}`, () => {
      const users = randomUsers(seed, 300 + 50 * seed);
      const rows = thresholdTable(histogramOf(users));
      const distinct = [...new Set(users.map((u) => u.value))].sort((a, b) => a - b);
      expect(rows.map((r) => r.threshold)).toEqual(distinct.slice(1));
      const n = users.length;
      const positives = users.filter((u) => u.positive).length;
      for (const r of rows) {
        let tp = 0;
        let fp = 0;
        let fn = 0;
        let tn = 0;
        for (const u of users) {
          const at = u.value >= r.threshold;
          if (at && u.positive) tp++;
          else if (at) fp++;
          else if (u.positive) fn++;
          else tn++;
        }
        expect([r.above, r.abovePositive, r.below, r.belowPositive]).toEqual([
          tp + fp,
          tp,
          fn + tn,
          fn,
        ]);
        expect(r.reach).toBeCloseTo((tp + fp) / n, 12);
        expect(r.ppv).toBeCloseTo(tp / (tp + fp), 12);
        expect(r.rateAbove).toBeCloseTo(tp / (tp + fp), 12);
        expect(r.rateBelow).toBeCloseTo(fn / (fn + tn), 12);
        expect(r.sensitivity).toBeCloseTo(tp / (tp + fn), 12);
        expect(r.npv).toBeCloseTo(tn / (tn + fn), 12);
        expect(r.specificity).toBeCloseTo(tn / (tn + fp), 12);
        expect(r.lift).toBeCloseTo(tp / (tp + fp) / (positives / n), 12);
        const phi = (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        expect(r.phi).toBeCloseTo(phi, 12);

        // Pearson's r of the two 0/1 variables, from its definition.
        const xs = users.map((u): number => (u.value >= r.threshold ? 1 : 0));
        const ys = users.map((u): number => (u.positive ? 1 : 0));
        const mx = xs.reduce((a, b) => a + b, 0) / n;
        const my = ys.reduce((a, b) => a + b, 0) / n;
        let sxy = 0;
        let sxx = 0;
        let syy = 0;
        for (let i = 0; i < n; i++) {
          const dx = (xs[i] ?? 0) - mx;
          const dy = (ys[i] ?? 0) - my;
          sxy += dx * dy;
          sxx += dx * dx;
          syy += dy * dy;
        }
        expect(r.phi).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 10);
      }
      // The best row, found by scanning the naive phis.
      const best = bestThreshold(rows);
      const maxPhi = Math.max(...rows.map((r) => r.phi ?? -Infinity));
      expect(best?.phi).toBeCloseTo(maxPhi, 12);
      expect(best?.threshold).toBe(
        rows.find((r) => (r.phi ?? -Infinity) >= maxPhi - 1e-12)?.threshold,
      );
    });
  }
});

describe('candidate selection with many distinct values', () => {
  it('keeps at most maxCandidates distinct existing values at the quantiles of the users', () => {
    const rng = new SeededRandom(7);
    const users: User[] = Array.from({ length: 5000 }, () => {
      const value = rng.exponential(30);
      return { value, positive: rng.chance(value > 40 ? 0.6 : 0.2) };
    });
    const counts = histogramOf(users);
    const values = new Set(users.map((u) => u.value));
    const min = Math.min(...values);
    for (const m of [1, 10, 50, 100]) {
      const cands = candidateThresholds(counts, m);
      expect(cands.length).toBeLessThanOrEqual(m);
      // Continuous values: every quantile lands on its own value.
      expect(cands.length).toBe(m);
      for (let i = 0; i < cands.length; i++) {
        expect(values.has(cands[i] ?? NaN)).toBe(true);
        expect(cands[i]).not.toBe(min);
        if (i > 0) expect(cands[i]).toBeGreaterThan(cands[i - 1] ?? Infinity);
      }
      // Candidate k sits at the k/(m+1) quantile: that share of users at or below it.
      cands.forEach((t, i) => {
        const atOrBelow = users.filter((u) => u.value <= t).length / users.length;
        expect(Math.abs(atOrBelow - (i + 1) / (m + 1))).toBeLessThanOrEqual(1 / users.length);
      });
      expect(thresholdTable(counts, m).map((r) => r.threshold)).toEqual(cands);
    }
  });

  it('gives fewer candidates when heavy values repeat a quantile, never the smallest value', () => {
    // 900 users at 0, then 100 users at distinct values 1..100.
    const counts: ValueCount[] = [{ value: 0, users: 900, positive: 100 }];
    for (let v = 1; v <= 100; v++) counts.push({ value: v, users: 1, positive: v % 2 });
    const cands = candidateThresholds(counts, 10);
    // Quantiles 1/11 .. 9/11 all fall on 0 (excluded); 10/11 of 1000 = 909.09 -> value 10.
    expect(cands).toEqual([10]);
    expect(candidateThresholds(counts, 200)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('has no candidate with a single value or no users', () => {
    expect(candidateThresholds([])).toEqual([]);
    expect(thresholdTable([])).toEqual([]);
    expect(thresholdTable([{ value: 4, users: 10, positive: 3 }])).toEqual([]);
    expect(bestThreshold(thresholdTable([]))).toBeNull();
  });
});

describe('baselineLevel', () => {
  it('is the largest level the share of retained users reach', () => {
    // Retained users' values: 1, 2, 3, 3, 5; churned: 0, 0, 1, 2, 5.
    // 80%: 4 of 5 retained are >= 2 (3 of 5 are >= 3): level 2; churned >= 2: 2 of 5.
    expect(baselineLevel(TEN)).toEqual({ level: 2, positiveReaching: 0.8, negativeReaching: 0.4 });
    // 60%: 3 of 5 are >= 3 (exactly 0.6, which 0.6 * 5 would miss by rounding); churned: 1 of 5.
    const l60 = baselineLevel(TEN, 0.6);
    expect(l60?.level).toBe(3);
    expect(l60?.positiveReaching).toBeCloseTo(0.6, 12);
    expect(l60?.negativeReaching).toBeCloseTo(0.2, 12);
    // 100%: every retained user is >= 1; churned >= 1: 3 of 5.
    expect(baselineLevel(TEN, 1)).toEqual({
      level: 1,
      positiveReaching: 1,
      negativeReaching: 0.6,
    });
    // 20%: 1 of 5 is >= 5.
    expect(baselineLevel(TEN, 0.2)?.level).toBe(5);
    // 0.7 of 10 retained users: 7 of 10 (7 / 10 >= 0.7 although 0.7 * 10 > 7 in doubles).
    const tenPos: ValueCount[] = Array.from({ length: 10 }, (_, i) => ({
      value: i,
      users: 1,
      positive: 1,
    }));
    expect(baselineLevel(tenPos, 0.7)?.level).toBe(3);
    expect(baselineLevel(tenPos, 0.7)?.negativeReaching).toBeNull();
  });

  it('is null without retained users', () => {
    expect(baselineLevel([])).toBeNull();
    expect(baselineLevel([{ value: 1, users: 5, positive: 0 }])).toBeNull();
  });
});

describe('normalQuantile and wilsonInterval', () => {
  it('matches known normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 12);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080409, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalQuantile(1 - 1e-10)).toBeCloseTo(6.361340902404056, 5);
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('matches known Wilson intervals', () => {
    const a = wilsonInterval(81, 263);
    expect(a?.low).toBeCloseTo(0.2552885198782742, 10);
    expect(a?.high).toBeCloseTo(0.36620957698280004, 10);
    const zero = wilsonInterval(0, 10);
    expect(zero?.low).toBe(0);
    expect(zero?.high).toBeCloseTo(0.2775327998628892, 10);
    const all = wilsonInterval(10, 10);
    expect(all?.low).toBeCloseTo(0.7224672001371107, 10);
    expect(all?.high).toBe(1);
    const ninety = wilsonInterval(3, 7, 0.9);
    expect(ninety?.low).toBeCloseTo(0.18644319036395607, 10);
    expect(ninety?.high).toBeCloseTo(0.7105229089864071, 10);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 3)).toThrow(/k is 5/);
    expect(() => wilsonInterval(1, 3, 1)).toThrow(/confidence/);
  });
});

describe('bootstrapThreshold', () => {
  it('draws Poisson weights with the right mean, variance and zero mass', () => {
    for (const mean of [0.5, 3, 20, 50, 80, 1000]) {
      const rng = new SeededRandom(Math.round(mean * 10));
      const n = 20_000;
      let sum = 0;
      let sq = 0;
      let zeros = 0;
      let counts = true;
      for (let i = 0; i < n; i++) {
        const k = samplePoisson(rng, mean);
        counts &&= Number.isInteger(k) && k >= 0;
        sum += k;
        sq += k * k;
        if (k === 0) zeros++;
      }
      expect(counts).toBe(true);
      const m = sum / n;
      const v = sq / n - m * m;
      // Mean and variance both equal the Poisson mean; 5 standard errors of each.
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(Math.abs(v / mean - 1)).toBeLessThan(5 * Math.sqrt((2 + 1 / mean) / n));
      if (mean <= 3) {
        const p0 = Math.exp(-mean);
        expect(Math.abs(zeros / n - p0)).toBeLessThan(5 * Math.sqrt((p0 * (1 - p0)) / n));
      }
    }
    expect(samplePoisson(new SeededRandom(1), 0)).toBe(0);
  });

  /** 2,000 users, 250 at each value 0..7: 15% retained below 3, 70% from 3 on. */
  const planted: ValueCount[] = Array.from({ length: 8 }, (_, v) => ({
    value: v,
    users: 250,
    positive: v >= 3 ? 175 : 38,
  }));

  it('finds a strong planted threshold with no doubt', () => {
    const b = bootstrapThreshold(planted);
    expect(b).toEqual({ low: 3, high: 3, resamples: 200, point: 3 });
  });

  it('is the same for the same seed, and honours its options', () => {
    const noisy = histogramOf(randomUsers(11, 40));
    const a = bootstrapThreshold(noisy, { seed: 5 });
    expect(bootstrapThreshold(noisy, { seed: 5 })).toEqual(a);
    const fewer = bootstrapThreshold(noisy, { seed: 5, resamples: 30, confidence: 0.5 });
    expect(fewer?.resamples).toBeLessThanOrEqual(30);
    expect(fewer?.resamples).toBeGreaterThan(25);
  });

  it('is wide on a tiny noisy population and contains its point', () => {
    const noisy = histogramOf(randomUsers(11, 40));
    const b = bootstrapThreshold(noisy, { seed: 3 });
    if (!b || b.point === null) throw new Error('expected an interval');
    expect(b.high - b.low).toBeGreaterThanOrEqual(3);
    expect(b.low).toBeLessThanOrEqual(b.point);
    expect(b.high).toBeGreaterThanOrEqual(b.point);
  });

  it('reads the same planted threshold from a continuous metric', () => {
    // Values 0..9.99 in steps of 0.01 (10 users each), retained 70% from 3 on, 15% below.
    const counts: ValueCount[] = Array.from({ length: 1000 }, (_, i) => ({
      value: i / 100,
      users: 10,
      positive: i >= 300 ? 7 : i % 20 < 3 ? 2 : 1,
    }));
    const b = bootstrapThreshold(counts, { maxCandidates: 100, resamples: 100 });
    if (!b) throw new Error('expected an interval');
    expect(b.point).toBeCloseTo(3, 1);
    expect(b.low).toBeGreaterThanOrEqual(2.7);
    expect(b.high).toBeLessThanOrEqual(3.3);
  });

  it('is null when no resample can have a phi', () => {
    expect(bootstrapThreshold([])).toBeNull();
    expect(bootstrapThreshold([{ value: 1, users: 9, positive: 4 }])).toBeNull();
    expect(
      bootstrapThreshold([
        { value: 1, users: 9, positive: 9 },
        { value: 2, users: 3, positive: 3 },
      ]),
    ).toBeNull();
  });
});

describe('percentileOf', () => {
  /** numpy's default (linear) percentile on the users' sorted values. */
  function naivePercentile(values: readonly number[], p: number): number {
    const s = [...values].sort((a, b) => a - b);
    const h = (s.length - 1) * (p / 100);
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, s.length - 1);
    return (s[lo] ?? NaN) + ((s[hi] ?? NaN) - (s[lo] ?? NaN)) * (h - lo);
  }

  it('matches hand-computed percentiles', () => {
    // Sorted: 0 0 1 1 2 2 3 3 5 5.
    expect(percentileOf(TEN, 0)).toBe(0);
    expect(percentileOf(TEN, 25)).toBeCloseTo(1, 12); // position 2.25, between 1 and 1
    expect(percentileOf(TEN, 50)).toBeCloseTo(2, 12);
    expect(percentileOf(TEN, 85)).toBeCloseTo(4.3, 12); // position 7.65: 3 + 0.65 * (5 - 3)
    expect(percentileOf(TEN, 100)).toBe(5);
    expect(percentileOf([{ value: 7, users: 1, positive: 0 }], 30)).toBe(7);
    expect(percentileOf([], 50)).toBeNull();
  });

  it('matches a sorted-array computation on random users', () => {
    for (const seed of [1, 2]) {
      const users = randomUsers(seed, 257);
      const rng = new SeededRandom(seed + 100);
      const cont = users.map((u) => ({ ...u, value: Math.round(rng.exponential(10) * 100) / 100 }));
      for (const population of [users, cont]) {
        const values = population.map((u) => u.value);
        const counts = histogramOf(population);
        for (const p of [0, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 100]) {
          expect(percentileOf(counts, p)).toBeCloseTo(naivePercentile(values, p), 10);
        }
      }
    }
  });
});

describe('bad input', () => {
  it('names the problem', () => {
    const nan = [{ value: NaN, users: 1, positive: 0 }];
    const negative = [{ value: 1, users: -1, positive: 0 }];
    const tooMany = [{ value: 1, users: 2, positive: 3 }];
    for (const f of [
      (c: ValueCount[]) => thresholdTable(c),
      (c: ValueCount[]) => candidateThresholds(c),
      (c: ValueCount[]) => baselineLevel(c),
      (c: ValueCount[]) => bootstrapThreshold(c),
      (c: ValueCount[]) => percentileOf(c, 50),
    ]) {
      expect(() => f(nan)).toThrow(RangeError);
      expect(() => f(nan)).toThrow(/value is NaN, not a finite number/);
      expect(() => f(negative)).toThrow(/users is -1 \(value 1\), not a non-negative integer/);
      expect(() => f(tooMany)).toThrow(/positive 3 exceeds its users 2/);
    }
    expect(() => thresholdTable([{ value: Infinity, users: 1, positive: 0 }])).toThrow(
      /value is Infinity/,
    );
    expect(() => thresholdTable([{ value: 1, users: 2, positive: -1 }])).toThrow(/positive is -1/);
    expect(() => thresholdTable(TEN, 0)).toThrow(/maxCandidates is 0/);
    expect(() => baselineLevel(TEN, 1.5)).toThrow(/share is 1.5/);
    expect(() => percentileOf(TEN, 101)).toThrow(/percentile 101/);
    expect(() => bootstrapThreshold(TEN, { resamples: 0 })).toThrow(/resamples is 0/);
  });
});
