/**
 * Did a metric change between two runs? The one rule behind both
 * `compare --baseline` (analysis/regression.ts, the CI gate) and the history's
 * step changes (analysis/history.ts). Each side is the metric's per-seed values
 * in one run of one strategy x scenario x sweep point.
 *
 *  - exact and modelled metrics are deterministic for a seed: the runs are
 *    compared seed by seed on the seeds both have (the caller pairs them), and
 *    any difference beyond floating-point noise (FLOAT_NOISE) is a change;
 *  - wall metrics are measured on the machine, so noisy: a change must be
 *    beyond the noise floor (percent of the baseline mean) AND significant in
 *    Welch's two-sided t-test across seeds at `alpha`.
 *
 * Why Welch's t-test for the noisy metrics (before, the gate used Mann-Whitney
 * U and the history Welch):
 *  - few seeds: a run has 1 to 5 seeds per cell (1 with --quick, 5 in the
 *    built-in scenarios, N with --seeds N). A rank test's p-values are
 *    discrete: with n = 3 per side the smallest two-sided exact Mann-Whitney
 *    p-value is 2/C(6,3) = 0.1, so at alpha 0.05 it cannot see any change,
 *    however large (n = 4: 0.029, n = 5: 0.008). The t-test uses the
 *    magnitudes and has power from n = 2 per side;
 *  - unequal variances: two runs are measured under different load of a
 *    shared machine, so Welch's form (no pooled variance) is the one to use;
 *  - paired or not: the gate compares on the seeds both runs have, so its
 *    values are paired by seed (the same event stream); the history's two
 *    runs may have other seeds. An unpaired test is valid for both; for
 *    paired values it only leaves out the (positive) covariance of a seed's
 *    two timings, which makes it conservative: for a timing that fails no
 *    run unless asked (--fail-on timing), fewer false alarms from a noisy
 *    machine is the right side to err on. The noise floor keeps a tiny but
 *    consistent shift (significant with tight seeds) from counting.
 * With one seed a side (--quick) there is no spread to test against: the
 * p-value is null and the verdict is "no change" (or "within noise").
 */
import type { MetricDef } from '../metrics/metric-defs.ts';
import { percentChange } from '../util/percent-change.ts';
import { mean, welchTTest } from './stats.ts';

export type ChangeVerdict = 'improved' | 'regressed' | 'changed' | 'no change' | 'within noise';

export interface MetricChangeOptions {
  /** Wall metrics: a change of the mean at or below this many percent is noise. */
  readonly noiseFloorPct: number;
  /** Significance level of Welch's t-test. */
  readonly alpha: number;
}

/** One side of a comparison: a metric's values by seed (values[i] belongs to seeds[i]). */
export interface SeedValues {
  readonly seeds: readonly number[];
  readonly values: readonly number[];
}

export interface MetricChange {
  readonly verdict: ChangeVerdict;
  readonly test: 'exact' | 'welch';
  /** Mean over the seeds compared. */
  readonly baselineMean: number;
  readonly currentMean: number;
  /** Relative change of the mean, percent: 0 for the same value, null when the baseline mean is 0 and the current is not. */
  readonly changePct: number | null;
  /** Welch's two-sided p-value (wall metrics; null with fewer than 2 seeds a side or both sides constant); null for exact ones. */
  readonly pValue: number | null;
  /** Exact metrics: seeds whose value changed; null for wall metrics. */
  readonly seedsChanged: number | null;
  /** Exact metrics: seeds compared (present on both sides); wall metrics: the smaller side's count. */
  readonly seedsCompared: number;
}

/**
 * Largest relative difference between two non-integer values that is
 * floating-point noise, not a change: a ratio or a time-weighted mean summed
 * in another order (a refactor that regroups additions) moves in the last
 * bits, ~1e-16 relative per operation. Counts (integers) compare exactly.
 */
export const FLOAT_NOISE = 1e-9;

/** `a` and `b` are the same value: equal, both NaN (absent), or non-integers within FLOAT_NOISE of each other. */
export function sameValue(a: number, b: number | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (Number.isInteger(a) && Number.isInteger(b)) return false;
  return Math.abs(a - b) <= FLOAT_NOISE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Which way a metric moved, for a change already established: "changed" when
 * the metric has no better direction or the means are the same (seeds moved,
 * the mean did not: the model behaves differently, neither better nor worse).
 */
export function directionOf(better: MetricDef['better'], baselineMean: number, currentMean: number): 'improved' | 'regressed' | 'changed' {
  if (better === 'none' || sameValue(currentMean, baselineMean)) return 'changed';
  const worse = better === 'lower' ? currentMean > baselineMean : currentMean < baselineMean;
  return worse ? 'regressed' : 'improved';
}

/**
 * The verdict on one metric of one cell, `current` against `baseline`.
 * Exact and modelled metrics: compared on the seeds both sides have, "no
 * change" when every such seed has the same value, else the direction of
 * the means over those seeds. Wall metrics: all values of each side; "within
 * noise" when the means differ by at most the floor, "no change" when Welch's
 * p-value is null or >= alpha, else the direction. Deterministic; never
 * throws for empty sides (no seed in common: "no change", 0 seeds compared).
 */
export function metricChange(def: Pick<MetricDef, 'kind' | 'better'>, current: SeedValues, baseline: SeedValues, opts: MetricChangeOptions): MetricChange {
  if (def.kind === 'exact' || def.kind === 'modelled') {
    // Each side in its own order (the means are summed as the runs are stored).
    const inBase = new Set(baseline.seeds);
    const inCurrent = new Set(current.seeds);
    const byBaseSeed = new Map(baseline.seeds.map((s, i) => [s, baseline.values[i]!]));
    const a: number[] = [];
    let changed = 0;
    current.seeds.forEach((s, i) => {
      if (!inBase.has(s)) return;
      a.push(current.values[i]!);
      if (!sameValue(current.values[i]!, byBaseSeed.get(s))) changed++;
    });
    const b = baseline.values.filter((_, i) => inCurrent.has(baseline.seeds[i]!));
    const currentMean = mean(a);
    const baselineMean = mean(b);
    const changePct = sameValue(currentMean, baselineMean) ? 0 : percentChange(currentMean, baselineMean);
    return { verdict: changed === 0 ? 'no change' : directionOf(def.better, baselineMean, currentMean), test: 'exact', baselineMean, currentMean, changePct, pValue: null, seedsChanged: changed, seedsCompared: a.length };
  }
  const currentMean = mean(current.values);
  const baselineMean = mean(baseline.values);
  const changePct = sameValue(currentMean, baselineMean) ? 0 : percentChange(currentMean, baselineMean);
  const p = welchTTest(current.values, baseline.values);
  let verdict: ChangeVerdict;
  if (changePct !== null && Math.abs(changePct) <= opts.noiseFloorPct) verdict = 'within noise';
  else if (p === null || p >= opts.alpha) verdict = 'no change';
  else verdict = directionOf(def.better, baselineMean, currentMean);
  return { verdict, test: 'welch', baselineMean, currentMean, changePct, pValue: p, seedsChanged: null, seedsCompared: Math.min(current.values.length, baseline.values.length) };
}
