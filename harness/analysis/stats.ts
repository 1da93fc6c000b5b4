/**
 * Small-sample statistics across seeds: mean, sample standard deviation, the
 * 95% confidence interval of the mean from Student's t (few seeds are the
 * norm), a bootstrap interval of the mean, and Welch's t-test for two
 * samples with unequal variances. Student's t distribution is computed here
 * (regularized incomplete beta by Lentz's continued fraction), so there is
 * no dependency for it. Reference values (scipy) in test/analysis/stats.test.ts.
 */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

export interface MeanCi {
  n: number;
  mean: number;
  stddev: number;
  ciLow: number;
  ciHigh: number;
}

/** Mean with its two-sided 95% confidence interval (Student's t, n - 1 degrees of freedom). */
export function meanCi95(xs: readonly number[]): MeanCi {
  const n = xs.length;
  const m = mean(xs);
  const sd = stddev(xs);
  if (n < 2) return { n, mean: m, stddev: 0, ciLow: m, ciHigh: m };
  const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean: m, stddev: sd, ciLow: m - half, ciHigh: m + half };
}

/** Resamples of the seeded bootstrap when the exact one is too large (more than EXACT_BOOTSTRAP_MAX_N values). */
export const BOOTSTRAP_RESAMPLES = 4000;
/** Up to this many values the bootstrap is exact: every resample, weighted (C(2n-1, n) multisets: 6,435 at n = 8). */
export const EXACT_BOOTSTRAP_MAX_N = 8;

/**
 * Mean with a 95% bootstrap percentile interval of the mean: the 2.5% and
 * 97.5% quantiles of the means of resamples (with replacement) of `xs`.
 * What the caller may rely on: ciLow and ciHigh are means of resamples, so
 * they lie within [min(xs), max(xs)]: an interval of a non-negative metric
 * never goes below 0, and a constant sample gives [c, c]. Deterministic: up
 * to EXACT_BOOTSTRAP_MAX_N values every resample is counted with its
 * multinomial weight (no random numbers at all); beyond, BOOTSTRAP_RESAMPLES
 * resamples from a PRNG with a fixed seed. With few seeds the interval is
 * the spread those seeds show, narrower than Student's t.
 */
export function meanBootstrapCi95(xs: readonly number[]): MeanCi {
  const n = xs.length;
  const m = mean(xs);
  const sd = stddev(xs);
  if (n < 2) return { n, mean: m, stddev: 0, ciLow: m, ciHigh: m };
  const dist = n <= EXACT_BOOTSTRAP_MAX_N ? exactBootstrapMeans(xs) : sampledBootstrapMeans(xs, BOOTSTRAP_RESAMPLES);
  return { n, mean: m, stddev: sd, ciLow: weightedQuantile(dist, 0.025), ciHigh: weightedQuantile(dist, 0.975) };
}

interface WeightedValues {
  readonly values: Float64Array;
  readonly weights: Float64Array;
}

/** Every bootstrap resample of xs as a multiset of counts, its mean and its probability n! / prod(c_i!) / n^n. */
function exactBootstrapMeans(xs: readonly number[]): WeightedValues {
  const n = xs.length;
  const values: number[] = [];
  const weights: number[] = [];
  const logFact = [0];
  for (let i = 1; i <= n; i++) logFact.push(logFact[i - 1]! + Math.log(i));
  const logTotal = logFact[n]! - n * Math.log(n);
  const counts = new Array<number>(n).fill(0);
  const walk = (i: number, left: number, sum: number, logW: number): void => {
    if (i === n - 1) {
      counts[i] = left;
      values.push((sum + left * xs[i]!) / n);
      weights.push(Math.exp(logTotal + logW - logFact[left]!));
      return;
    }
    for (let c = 0; c <= left; c++) {
      counts[i] = c;
      walk(i + 1, left - c, sum + c * xs[i]!, logW - logFact[c]!);
    }
  };
  walk(0, n, 0, 0);
  return { values: Float64Array.from(values), weights: Float64Array.from(weights) };
}

/** `b` resampled means of xs from splitmix32 with a fixed seed (equal weights). */
function sampledBootstrapMeans(xs: readonly number[], b: number): WeightedValues {
  const n = xs.length;
  let state = 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  const values = new Float64Array(b);
  for (let r = 0; r < b; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(next() * n)]!;
    values[r] = s / n;
  }
  return { values, weights: new Float64Array(b).fill(1 / b) };
}

/** The smallest value whose cumulative weight reaches q (weights sum to 1, up to rounding). */
function weightedQuantile(d: WeightedValues, q: number): number {
  const idx = Array.from(d.values.keys()).sort((i, j) => d.values[i]! - d.values[j]!);
  let total = 0;
  for (const w of d.weights) total += w;
  let cum = 0;
  // Rounding of the weights must not decide: a tolerance far below any one resample's weight.
  const target = q * total * (1 - 1e-12);
  for (const i of idx) {
    cum += d.weights[i]!;
    if (cum >= target) return d.values[i]!;
  }
  return d.values[idx[idx.length - 1]!]!;
}

/**
 * Welch's t-test: two-sided p-value for equal means. null when it cannot say
 * anything: fewer than two values on a side, or both sides constant (no
 * spread to test a difference against; a change between two constants is
 * exact and shown as such, not as a test result).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const ma = mean(a);
  const mb = mean(b);
  const va = stddev(a) ** 2 / a.length;
  const vb = stddev(b) ** 2 / b.length;
  if (va + vb === 0) return null;
  const t = (ma - mb) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return 2 * (1 - studentTCdf(Math.abs(t), df));
}

function logGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of g) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Regularized incomplete beta I_x(a, b) (Numerical Recipes betai/betacf). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (bt * betacf(x, a, b)) / a;
  return 1 - (bt * betacf(1 - x, b, a)) / b;
}

function betacf(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < 1e-300) d = 1e-300;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (bisection on the CDF; exact to 1e-10). */
export function studentTQuantile(p: number, df: number): number {
  let lo = -1000;
  let hi = 1000;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-12) break;
  }
  return (lo + hi) / 2;
}
