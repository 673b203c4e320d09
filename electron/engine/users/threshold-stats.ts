/**
 * Threshold benchmarks ("what separates retained users from churned ones"): for a per-user metric
 * and a yes/no outcome, the 2x2 table of "value at or above t" against the outcome for each
 * candidate t, and the figures an analyst reads off it (PPV, sensitivity, phi, lift, the level
 * most retained users reach, a bootstrap interval of the best threshold).
 *
 * The input is the histogram SQL aggregates the users into (one row per distinct metric value:
 * how many users, how many of them positive), so everything here costs O(distinct values), never
 * O(users). Pure and deterministic: the bootstrap is seeded.
 */
import type { ThresholdSplit } from '../../../shared/specs/thresholds';
import { SeededRandom } from '../demo/seeded-random';

/** Users of one metric value: how many, and how many of them had the outcome. */
export interface ValueCount {
  value: number;
  users: number;
  positive: number;
}

/**
 * "At or above `threshold`" vs below, as a 2x2 table against the outcome: the result's own
 * ThresholdSplit (shared/specs/thresholds.ts), so the statistics and the result cannot drift.
 */
export type ThresholdRow = ThresholdSplit;

/**
 * The histogram in the order every function walks it: distinct values ascending, counts merged,
 * values without users dropped (they split nothing and are nobody's percentile).
 */
interface Histogram {
  values: number[];
  users: number[];
  positive: number[];
  total: number;
  totalPositive: number;
}

function fail(message: string): never {
  throw new RangeError(`threshold-stats: ${message}`);
}

function histogram(counts: readonly ValueCount[]): Histogram {
  const merged = new Map<number, { users: number; positive: number }>();
  counts.forEach((c, i) => {
    const where = `counts[${i}]`;
    if (!Number.isFinite(c.value)) fail(`${where}.value is ${c.value}, not a finite number`);
    if (!Number.isInteger(c.users) || c.users < 0) {
      fail(`${where}.users is ${c.users} (value ${c.value}), not a non-negative integer`);
    }
    if (!Number.isInteger(c.positive) || c.positive < 0) {
      fail(`${where}.positive is ${c.positive} (value ${c.value}), not a non-negative integer`);
    }
    if (c.positive > c.users) {
      fail(`${where}.positive ${c.positive} exceeds its users ${c.users} (value ${c.value})`);
    }
    if (c.users === 0) return;
    // A value may come in several rows (e.g. one per batch); its users are the sum.
    const m = merged.get(c.value);
    if (m) {
      m.users += c.users;
      m.positive += c.positive;
    } else merged.set(c.value, { users: c.users, positive: c.positive });
  });
  const values = [...merged.keys()].sort((a, b) => a - b);
  const h: Histogram = { values, users: [], positive: [], total: 0, totalPositive: 0 };
  for (const v of values) {
    const m = merged.get(v);
    if (!m) continue;
    h.users.push(m.users);
    h.positive.push(m.positive);
    h.total += m.users;
    h.totalPositive += m.positive;
  }
  return h;
}

function checkMaxCandidates(maxCandidates: number): void {
  if (!Number.isInteger(maxCandidates) || maxCandidates < 1) {
    fail(`maxCandidates is ${maxCandidates}, not a positive integer`);
  }
}

/**
 * Indices (into h.values) of the candidate thresholds: every value but the smallest, or, when
 * there are more than maxCandidates, the discrete quantiles k/(m+1) (k = 1..m) of the users'
 * values, so candidates are dense where the users are, not where the value range is.
 */
function candidateIndices(h: Histogram, maxCandidates: number): number[] {
  const d = h.values.length;
  if (d < 2) return [];
  if (d - 1 <= maxCandidates) return Array.from({ length: d - 1 }, (_, i) => i + 1);
  const out: number[] = [];
  const m = maxCandidates;
  let j = 0;
  let through = h.users[0] ?? 0; // users with value <= values[j]
  for (let k = 1; k <= m; k++) {
    // The quantile k/(m+1): the smallest value with at least k/(m+1) of the users at or below
    // it, compared in integers so no rounding picks a neighbour.
    while (through * (m + 1) < k * h.total && j < d - 1) {
      j++;
      through += h.users[j] ?? 0;
    }
    if (j >= 1 && out[out.length - 1] !== j) out.push(j);
  }
  return out;
}

/**
 * Candidate thresholds t: "value >= t" leaves users on both sides. Every distinct value except
 * the smallest; past maxCandidates, distinct values at evenly spaced quantiles of the users
 * (fewer when heavy values repeat a quantile). Ascending.
 */
export function candidateThresholds(counts: readonly ValueCount[], maxCandidates = 100): number[] {
  checkMaxCandidates(maxCandidates);
  const h = histogram(counts);
  return candidateIndices(h, maxCandidates).map((j) => h.values[j] ?? NaN);
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

function tableOf(h: Histogram, maxCandidates: number): ThresholdRow[] {
  const d = h.values.length;
  // Users and positives at or above each value, summed from the top.
  const aboveUsers = new Array<number>(d + 1).fill(0);
  const abovePos = new Array<number>(d + 1).fill(0);
  for (let j = d - 1; j >= 0; j--) {
    aboveUsers[j] = (aboveUsers[j + 1] ?? 0) + (h.users[j] ?? 0);
    abovePos[j] = (abovePos[j + 1] ?? 0) + (h.positive[j] ?? 0);
  }
  const n = h.total;
  const pos = h.totalPositive;
  const neg = n - pos;
  const baseRate = ratio(pos, n);
  return candidateIndices(h, maxCandidates).map((j): ThresholdRow => {
    const above = aboveUsers[j] ?? 0;
    const tp = abovePos[j] ?? 0;
    const below = n - above;
    const fn = pos - tp;
    const tn = below - fn;
    // TP*TN - FP*FN reduces to TP*N - above*P (one product fewer to lose), and the denominator is
    // a product of square roots: no intermediate exceeds ~N^2 (exact below ~94M users) or N^4.
    const phi =
      above > 0 && below > 0 && pos > 0 && neg > 0
        ? (tp * n - above * pos) /
          (Math.sqrt(above) * Math.sqrt(below) * Math.sqrt(pos) * Math.sqrt(neg))
        : null;
    const rateAbove = ratio(tp, above);
    return {
      threshold: h.values[j] ?? NaN,
      above,
      abovePositive: tp,
      below,
      belowPositive: fn,
      reach: n > 0 ? above / n : 0,
      rateAbove,
      rateBelow: ratio(fn, below),
      ppv: rateAbove,
      sensitivity: ratio(tp, pos),
      npv: ratio(tn, below),
      specificity: ratio(tn, neg),
      // Rounding can put |phi| a hair above 1 when the split is perfect.
      phi: phi === null ? null : Math.max(-1, Math.min(1, phi)),
      lift: rateAbove !== null && baseRate !== null && baseRate > 0 ? rateAbove / baseRate : null,
    };
  });
}

/** One row per candidate threshold (ascending), see ThresholdRow. */
export function thresholdTable(counts: readonly ValueCount[], maxCandidates = 100): ThresholdRow[] {
  checkMaxCandidates(maxCandidates);
  return tableOf(histogram(counts), maxCandidates);
}

/**
 * Phis closer than this are a tie: the same split computed through different counts can differ
 * in the last bits, and a tie must go to the smaller threshold whatever the rounding.
 */
const PHI_TIE = 1e-12;

/**
 * The threshold that best separates positive from negative users: the highest phi, ties to the
 * smaller threshold (the easier benchmark to reach). null when no row has a phi.
 */
export function bestThreshold(rows: readonly ThresholdRow[]): ThresholdRow | null {
  let best: ThresholdRow | null = null;
  for (const row of rows) {
    if (row.phi === null) continue;
    if (
      best === null ||
      best.phi === null ||
      row.phi > best.phi + PHI_TIE ||
      (row.phi >= best.phi - PHI_TIE && row.threshold < best.threshold)
    ) {
      best = row;
    }
  }
  return best;
}

/**
 * "The level `share` (default 80%) of retained users reach": the largest value t with at least
 * `share` of the positive users at t or above, and the shares of positive and negative users at
 * or above it (negativeReaching null without negative users). null without positive users.
 */
export function baselineLevel(
  counts: readonly ValueCount[],
  share = 0.8,
): { level: number; positiveReaching: number; negativeReaching: number | null } | null {
  if (!(share >= 0 && share <= 1)) fail(`share is ${share}, not between 0 and 1`);
  const h = histogram(counts);
  const pos = h.totalPositive;
  const neg = h.total - pos;
  if (pos === 0) return null;
  let posAbove = 0;
  let negAbove = 0;
  for (let j = h.values.length - 1; j >= 0; j--) {
    const p = h.positive[j] ?? 0;
    posAbove += p;
    negAbove += (h.users[j] ?? 0) - p;
    // Compared as a quotient: k/n and a decimal share k/n round to the same double, where
    // k >= share * n can fail (0.7 * 10 = 7.000000000000001).
    if (posAbove / pos >= share) {
      return {
        level: h.values[j] ?? NaN,
        positiveReaching: posAbove / pos,
        negativeReaching: neg > 0 ? negAbove / neg : null,
      };
    }
  }
  return null; // unreachable: at the smallest value every positive user reaches it
}

/**
 * The standard normal quantile (inverse CDF), Acklam's rational approximation (relative error
 * below 1.2e-9 over (0, 1)), refined by one Halley step on erfc so the z of an interval is
 * right to double precision where it matters (0.975 -> 1.959963984540054).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) fail(`normalQuantile(${p}): p must be strictly between 0 and 1`);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ] as const;
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ] as const;
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ] as const;
  const d = [
    7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416,
  ] as const;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley's step: e = Phi(x) - p, Phi(x) = erfc(-x / sqrt 2) / 2.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * erfc to about 1e-15 relative: a series for small |x|, a continued fraction (Lentz) beyond,
 * where the series would cancel. Only the Halley step above needs it.
 */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let cc = x;
  let dd = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    dd = x + an * dd;
    dd = dd === 0 ? tiny : dd;
    cc = x + an / cc;
    cc = cc === 0 ? tiny : cc;
    dd = 1 / dd;
    const delta = cc * dd;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    fail(`confidence is ${confidence}, not strictly between 0 and 1`);
  }
}

/**
 * Wilson score interval of a rate of k successes in n: unlike the normal approximation it stays
 * inside [0, 1] and is honest for small n and rates near 0 or 1. null when n = 0.
 */
export function wilsonInterval(
  k: number,
  n: number,
  confidence = 0.95,
): { low: number; high: number } | null {
  if (!(Number.isFinite(n) && n >= 0)) fail(`wilsonInterval: n is ${n}, not a count`);
  if (!(Number.isFinite(k) && k >= 0 && k <= n)) {
    fail(`wilsonInterval: k is ${k}, not between 0 and n = ${n}`);
  }
  checkConfidence(confidence);
  if (n === 0) return null;
  const z = normalQuantile((1 + confidence) / 2);
  const z2 = z * z;
  const p = k / n;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 (k = n) the bound is exactly 0 (1); computed, it could land a rounding off.
  return {
    low: k === 0 ? 0 : Math.max(0, center - half),
    high: k === n ? 1 : Math.min(1, center + half),
  };
}

/**
 * A Poisson(mean) draw: exact up to a mean of 50 (inversion of the CDF, one uniform per draw),
 * a rounded normal beyond, where the Poisson is within a fraction of a user of it. Exported for
 * its test: the bootstrap is only as right as these weights.
 */
export function samplePoisson(rng: SeededRandom, mean: number): number {
  if (mean <= 0) return 0;
  if (mean <= 50) {
    const u = rng.next();
    let k = 0;
    let p = Math.exp(-mean); // P(K = 0), at least 2e-22 here: no underflow
    let cdf = p;
    // The sum of the probabilities can stop a rounding short of 1: p reaching 0 ends the search
    // where the remaining mass is below what a double can hold.
    while (u >= cdf && p > 0) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  // Box-Muller; 1 - next() is in (0, 1], so the log is finite.
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
}

/**
 * A percentile bootstrap interval of the best threshold: how far the benchmark could move on
 * another sample of the same users. Each resample weighs every user by a Poisson(1) count (the
 * Poisson bootstrap, close to drawing N users with replacement), which on the histogram is a
 * Poisson(count) draw for each value's positive and negative users: O(distinct values) per
 * resample. Resamples in which no threshold has a phi are skipped.
 *
 * The ends are order statistics of the resampled best thresholds: numpy's linear percentiles at
 * (1-c)/2 and (1+c)/2, widened to the neighbouring order statistics, so the interval contains
 * np.percentile's and its ends are thresholds that exist. null when no resample has a best
 * threshold.
 */
export function bootstrapThreshold(
  counts: readonly ValueCount[],
  options: { resamples?: number; seed?: number; confidence?: number; maxCandidates?: number } = {},
): {
  low: number;
  high: number;
  /** resamples that had a best threshold (those the interval is made of) */
  resamples: number;
  /** the best threshold of the population itself, which the interval is around; null when none */
  point: number | null;
} | null {
  const { resamples = 200, seed = 1, confidence = 0.95, maxCandidates = 100 } = options;
  if (!Number.isInteger(resamples) || resamples < 1) {
    fail(`resamples is ${resamples}, not a positive integer`);
  }
  if (!Number.isFinite(seed)) fail(`seed is ${seed}, not a finite number`);
  checkConfidence(confidence);
  checkMaxCandidates(maxCandidates);
  const h = histogram(counts);
  const point = bestThreshold(tableOf(h, maxCandidates))?.threshold ?? null;
  const rng = new SeededRandom(seed);
  const found: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const s: Histogram = { values: [], users: [], positive: [], total: 0, totalPositive: 0 };
    for (let j = 0; j < h.values.length; j++) {
      const p = h.positive[j] ?? 0;
      const wp = samplePoisson(rng, p);
      const wn = samplePoisson(rng, (h.users[j] ?? 0) - p);
      if (wp + wn === 0) continue;
      s.values.push(h.values[j] ?? NaN);
      s.users.push(wp + wn);
      s.positive.push(wp);
      s.total += wp + wn;
      s.totalPositive += wp;
    }
    const best = bestThreshold(tableOf(s, maxCandidates));
    if (best) found.push(best.threshold);
  }
  if (found.length === 0) return null;
  found.sort((a, b) => a - b);
  const last = found.length - 1;
  // 1e-9 keeps an exact order statistic (199 * 0.025 = 4.975 is not one; 0.5 * 4 = 2 is) from
  // being widened by the rounding of (1 -/+ c) / 2.
  const lowAt = Math.max(0, Math.floor(last * ((1 - confidence) / 2) + 1e-9));
  const highAt = Math.min(last, Math.ceil(last * ((1 + confidence) / 2) - 1e-9));
  return {
    low: found[lowAt] ?? NaN,
    high: found[highAt] ?? NaN,
    resamples: found.length,
    point,
  };
}

/**
 * The p-th percentile (0..100) of the metric over users, as DuckDB's quantile_cont and numpy's
 * default compute it: position (N - 1) * p / 100 in the sorted values, linear between the two
 * order statistics around it. null without users.
 */
export function percentileOf(counts: readonly ValueCount[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) fail(`percentile ${p} is not between 0 and 100`);
  const h = histogram(counts);
  if (h.total === 0) return null;
  const pos = (h.total - 1) * (p / 100);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  // The values at 0-based order statistics lo and lo + 1.
  let j = 0;
  let through = h.users[0] ?? 0;
  while (through <= lo && j < h.values.length - 1) {
    j++;
    through += h.users[j] ?? 0;
  }
  const vLo = h.values[j] ?? NaN;
  if (frac === 0) return vLo;
  const vHi = through > lo + 1 ? vLo : (h.values[j + 1] ?? vLo);
  return vLo + (vHi - vLo) * frac;
}
