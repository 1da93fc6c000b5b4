/**
 * Per strategy x scenario x variant x kernel: each metric's mean and 95%
 * interval across seeds, and its change against status-quo on the same
 * scenario and the same kernel (and the same variant when status-quo ran it,
 * else status-quo's plain run), with Welch's t-test across seeds: a change is
 * significant at p < 0.05.
 *
 * What a caller may rely on:
 *  - a cell holds runs of one kernel (RunRow.profile) only, and is compared
 *    with status-quo runs of that kernel only: a strategy that ran on another
 *    kernel than status-quo in the same scenario gets no comparison
 *    (vsStatusQuo null), never one across kernels;
 *  - intervals are bootstrap percentile intervals (stats.ts,
 *    meanBootstrapCi95): every metric is non-negative, and so is its interval;
 *  - a change is never significant when both sides are constant across seeds
 *    or the means are equal;
 *  - a metric absent from the runs (a version 1 file has none of the metrics
 *    added later) is absent from the cell, not 0.
 */
import { METRIC_NAMES, metricDef } from '../metrics/metric-defs.ts';
import type { Change, RunRow, SummaryRow } from '../results/schema.ts';
import { BASELINE_STRATEGY } from './baseline-strategy.ts';
import { meanBootstrapCi95, welchTTest } from './stats.ts';
import { percentChange } from '../util/percent-change.ts';

export const SIGNIFICANCE_LEVEL = 0.05;

type Key = string;
const keyOf = (strategy: string, scenario: string, variant: string, kernel: string): Key => `${strategy}\u0000${scenario}\u0000${variant}\u0000${kernel}`;

/**
 * The change of `current` against `baseline` as a gain: positive when
 * current is better (mmtests' convention), from the relative change of the
 * mean in percent. null for a metric with no better direction.
 */
export function gainOf(metric: string, changePct: number | null): number | null {
  const better = metricDef(metric)?.better ?? 'none';
  if (changePct === null || better === 'none') return null;
  const g = better === 'higher' ? changePct : -changePct;
  return g === 0 ? 0 : g; // no -0
}

export function summarize(runs: readonly RunRow[]): SummaryRow[] {
  const groups = new Map<Key, RunRow[]>();
  const order: Key[] = [];
  for (const r of runs) {
    const k = keyOf(r.strategy, r.scenario, r.variant, r.profile);
    let g = groups.get(k);
    if (!g) {
      g = [];
      groups.set(k, g);
      order.push(k);
    }
    g.push(r);
  }
  /** The metric's values in every run of g, or null when a run lacks it. */
  const values = (g: readonly RunRow[], m: string): number[] | null => {
    const out: number[] = [];
    for (const r of g) {
      const v = (r.metrics as Record<string, number | undefined>)[m];
      if (v === undefined) return null;
      out.push(v);
    }
    return out;
  };
  return order.map((k) => {
    const g = groups.get(k)!;
    const first = g[0]!;
    const metrics: SummaryRow['metrics'] = {};
    for (const m of METRIC_NAMES) {
      const xs = values(g, m);
      if (xs !== null) metrics[m] = { ...meanBootstrapCi95(xs), ciMethod: 'bootstrap' };
    }
    let vs: Record<string, Change> | null = null;
    if (first.strategy !== BASELINE_STRATEGY) {
      const base = groups.get(keyOf(BASELINE_STRATEGY, first.scenario, first.variant, first.profile)) ?? groups.get(keyOf(BASELINE_STRATEGY, first.scenario, '', first.profile));
      if (base) {
        vs = {};
        for (const m of METRIC_NAMES) {
          const a = values(g, m);
          const b = values(base, m);
          if (a === null || b === null) continue;
          const ma = metrics[m]!.mean;
          const mb = b.reduce((s, x) => s + x, 0) / b.length;
          const changePct = percentChange(ma, mb);
          const p = ma === mb ? null : welchTTest(a, b);
          vs[m] = { changePct, pValue: p, significant: p !== null && p < SIGNIFICANCE_LEVEL, gainPct: gainOf(m, changePct) };
        }
      }
    }
    return { strategy: first.strategy, scenario: first.scenario, variant: first.variant, kernel: first.profile, metrics, vsStatusQuo: vs };
  });
}
