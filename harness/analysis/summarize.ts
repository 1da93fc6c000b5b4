/**
 * Per strategy x scenario x variant: each metric's mean and 95% CI across
 * seeds, and its change against status-quo on the same scenario (and the same
 * variant when status-quo ran it, else status-quo's plain run), with Welch's
 * t-test across seeds: a change is significant at p < 0.05.
 */
import { METRIC_NAMES } from '../metrics/metric-defs.ts';
import type { Change, RunRow, SummaryRow } from '../results/schema.ts';
import { meanCi95, welchTTest } from './stats.ts';

export const BASELINE_STRATEGY = 'status-quo';
export const SIGNIFICANCE_LEVEL = 0.05;

type Key = string;
const keyOf = (strategy: string, scenario: string, variant: string): Key => `${strategy}\u0000${scenario}\u0000${variant}`;

export function summarize(runs: readonly RunRow[]): SummaryRow[] {
  const groups = new Map<Key, RunRow[]>();
  const order: Key[] = [];
  for (const r of runs) {
    const k = keyOf(r.strategy, r.scenario, r.variant);
    let g = groups.get(k);
    if (!g) {
      g = [];
      groups.set(k, g);
      order.push(k);
    }
    g.push(r);
  }
  const values = (g: readonly RunRow[], m: string): number[] => g.map((r) => (r.metrics as Record<string, number>)[m]!);
  return order.map((k) => {
    const g = groups.get(k)!;
    const first = g[0]!;
    const metrics: SummaryRow['metrics'] = {};
    for (const m of METRIC_NAMES) metrics[m] = meanCi95(values(g, m));
    let vs: Record<string, Change> | null = null;
    if (first.strategy !== BASELINE_STRATEGY) {
      const base = groups.get(keyOf(BASELINE_STRATEGY, first.scenario, first.variant)) ?? groups.get(keyOf(BASELINE_STRATEGY, first.scenario, ''));
      if (base) {
        vs = {};
        for (const m of METRIC_NAMES) {
          const a = values(g, m);
          const b = values(base, m);
          const ma = metrics[m]!.mean;
          const mb = b.reduce((s, x) => s + x, 0) / b.length;
          const changePct = mb === 0 ? (ma === 0 ? 0 : null) : ((ma - mb) / Math.abs(mb)) * 100;
          const p = welchTTest(a, b);
          vs[m] = { changePct, pValue: p, significant: p !== null && p < SIGNIFICANCE_LEVEL };
        }
      }
    }
    return { strategy: first.strategy, scenario: first.scenario, variant: first.variant, metrics, vsStatusQuo: vs };
  });
}
