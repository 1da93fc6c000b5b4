/**
 * Whether a conclusion of a compare survives the cost table's uncertainty:
 * the matrix is run again at corners of the cost ranges (COST_RANGES in
 * harness/core/cost-table.ts: every entry at its low end, every entry at its
 * high end, and seeded mixes), and each corner's ranking is held against the
 * default table's.
 *
 * The rule (one metric, locklessNs: the modelled cost of a page request under
 * the krc raw lock; means across seeds, per scenario):
 *  - "cheapest": the strategy with the lowest mean at the default costs is no
 *    longer the cheapest at a corner: the new cheapest was dearer than it by
 *    more than TIE (5%) and is now cheaper by more than TIE;
 *  - "order": two strategies whose means at the default costs differ by more
 *    than TIE are in the other order at a corner, again by more than TIE.
 * Differences within 5% count as ties and never flip. Counts (failures,
 * violations) are not ranked here: they move with timing only through
 * contention, and the regression comparison reports them.
 */
import { COST_KEYS, costCorner, type CostKey } from '../core/cost-table.ts';

/** Relative difference below which two means are a tie. */
export const COST_RANGE_TIE = 0.05;

/** scenario -> strategy -> mean locklessNs. */
export type ScenarioMeans = Record<string, Record<string, number>>;

export interface CostCorner {
  readonly name: string;
  /** A full cost table override (every key). */
  readonly overrides: Record<string, number>;
}

export interface CostRangeFlip {
  readonly scenario: string;
  readonly corner: string;
  readonly kind: 'cheapest' | 'order';
  readonly text: string;
}

export interface CostRangeReport {
  readonly rule: string;
  readonly corners: string[];
  readonly flips: CostRangeFlip[];
  /** One line for the reports. */
  readonly verdict: string;
}

export const COST_RANGE_RULE =
  'locklessNs means per scenario: the cheapest strategy, and the order of every pair of strategies, at each corner against the default table; differences within 5% are ties';

/**
 * The corners: all entries low, all high, then `mixed` corners where each
 * entry is low or high by a seeded draw (mulberry32 from `seed`). Deterministic.
 */
export function costCorners(mixed: number, seed = 1): CostCorner[] {
  const corners: CostCorner[] = [
    { name: 'all-low', overrides: costCorner(() => false) },
    { name: 'all-high', overrides: costCorner(() => true) },
  ];
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 1; i <= mixed; i++) {
    const high = new Set<CostKey>();
    for (const k of COST_KEYS) if (next() < 0.5) high.add(k);
    corners.push({ name: `mix-${i} (high: ${[...high].join(', ') || 'none'})`, overrides: costCorner((k) => high.has(k)) });
  }
  return corners;
}

/** Compares each corner's means with the default ones by the rule above. */
export function costRangeVerdict(base: ScenarioMeans, corners: readonly { name: string; means: ScenarioMeans }[]): CostRangeReport {
  const flips: CostRangeFlip[] = [];
  const tie = COST_RANGE_TIE;
  for (const [scenario, bm] of Object.entries(base)) {
    const names = Object.keys(bm).filter((n) => Number.isFinite(bm[n]));
    if (names.length < 2) continue;
    const cheapest = names.reduce((a, b) => (bm[b]! < bm[a]! ? b : a));
    for (const c of corners) {
      const cm = c.means[scenario];
      if (!cm) continue;
      const at = names.filter((n) => Number.isFinite(cm[n]));
      if (at.length < 2 || cm[cheapest] === undefined) continue;
      const cCheapest = at.reduce((a, b) => (cm[b]! < cm[a]! ? b : a));
      if (cCheapest !== cheapest && bm[cheapest]! < bm[cCheapest]! * (1 - tie) && cm[cCheapest]! < cm[cheapest]! * (1 - tie)) {
        flips.push({ scenario, corner: c.name, kind: 'cheapest', text: `${scenario}: cheapest ${cheapest} -> ${cCheapest} at corner ${c.name}` });
      }
      for (let i = 0; i < at.length; i++) {
        for (let j = 0; j < at.length; j++) {
          const a = at[i]!;
          const b = at[j]!;
          if (a === b) continue;
          // a was clearly cheaper than b, and is clearly dearer at the corner.
          if (bm[a]! < bm[b]! * (1 - tie) && cm[a]! > cm[b]! * (1 + tie)) {
            flips.push({ scenario, corner: c.name, kind: 'order', text: `${scenario}: ${a} < ${b} becomes ${a} > ${b} at corner ${c.name}` });
          }
        }
      }
    }
  }
  const cornerNames = corners.map((c) => c.name.replace(/ \(.*$/, ''));
  const verdict =
    flips.length === 0
      ? `cost ranges: no conclusion flips within the ranges (${corners.length} corners: ${cornerNames.join(', ')}; rule: cheapest strategy and pairwise order of locklessNs, 5% ties)`
      : `cost ranges: ${flips.length} conclusion(s) flip within the ranges, first ${flips[0]!.text.replace(/ \(high: .*\)$/, '')} (all in results.json, costRange)`;
  return { rule: COST_RANGE_RULE, corners: corners.map((c) => c.name), flips, verdict };
}

/** Mean locklessNs per scenario and strategy of some runs (variant "" only). */
export function locklessNsMeans(runs: readonly { scenario: string; strategy: string; variant: string; metrics: { locklessNs: number; locklessRequests: number } }[]): ScenarioMeans {
  const sum: Record<string, Record<string, [number, number]>> = {};
  for (const r of runs) {
    if (r.variant !== '' || r.metrics.locklessRequests === 0) continue;
    const s = (sum[r.scenario] ??= {});
    const e = (s[r.strategy] ??= [0, 0]);
    e[0] += r.metrics.locklessNs;
    e[1]++;
  }
  const out: ScenarioMeans = {};
  for (const [sc, m] of Object.entries(sum)) {
    out[sc] = {};
    for (const [st, [t, n]] of Object.entries(m)) out[sc][st] = t / n;
  }
  return out;
}
