/**
 * The report's view of a Results object: series (strategy + sweep variant) in
 * a stable order with display labels, lookups of summary rows, and the
 * baseline each row was compared against (the same rule as
 * harness/analysis/summarize.ts: status-quo on the same scenario and variant
 * when it ran that variant, else status-quo's plain run).
 *
 * Shared by the text summary, the HTML tables and the charts, so every output
 * names, orders and colours things the same way.
 */
import { BASELINE_STRATEGY as BASELINE } from '../analysis/baseline-strategy.ts';
import type { Results, SummaryRow } from '../results/schema.ts';

export { BASELINE };

export type StrategyInfo = Results['strategies'][number];
export type ScenarioInfo = Results['scenarios'][number];

export interface Series {
  /** Unique key: strategy + "\0" + variant. */
  readonly key: string;
  readonly strategy: string;
  readonly variant: string;
  /** Variant without the "strategy." prefix: "poolPages=8" ("" outside a sweep). */
  readonly variantShort: string;
  /** Display label: "dedicated-pool [poolPages=8]", "rcu-page-cache (later)". */
  readonly label: string;
  readonly later: boolean;
  readonly title: string;
}

export const seriesKey = (strategy: string, variant: string): string => `${strategy}\u0000${variant}`;
const cellKey = (strategy: string, scenario: string, variant: string): string => `${strategy}\u0000${scenario}\u0000${variant}`;

/** "dedicated-pool.poolPages=8" for strategy dedicated-pool -> "poolPages=8"; other keys stay whole. */
export function variantShort(strategy: string, variant: string): string {
  return variant.startsWith(`${strategy}.`) ? variant.slice(strategy.length + 1) : variant;
}

/** The swept value of a variant label "key=value" ("8"), or the label itself. */
export function variantValue(variant: string): string {
  const i = variant.lastIndexOf('=');
  return i >= 0 ? variant.slice(i + 1) : variant;
}

export class ReportModel {
  readonly results: Results;
  readonly strategyOrder: readonly string[];
  readonly series: readonly Series[];
  readonly scenarioNames: readonly string[];
  private readonly cells = new Map<string, SummaryRow>();
  private readonly strategyByName = new Map<string, StrategyInfo>();
  private readonly scenarioByName = new Map<string, ScenarioInfo>();
  private readonly seriesByKey = new Map<string, Series>();

  constructor(results: Results) {
    this.results = results;
    for (const s of results.strategies) this.strategyByName.set(s.name, s);
    for (const s of results.scenarios) this.scenarioByName.set(s.name, s);
    for (const row of results.summary) this.cells.set(cellKey(row.strategy, row.scenario, row.variant), row);

    // Strategies: status-quo first, then the order of results.strategies (the
    // thread's proposals before the later ones), then any name only the
    // summary knows.
    const names: string[] = [];
    const add = (n: string): void => {
      if (!names.includes(n)) names.push(n);
    };
    const known = results.strategies.map((s) => s.name);
    const inSummary = results.summary.map((r) => r.strategy);
    if (known.includes(BASELINE) || inSummary.includes(BASELINE)) add(BASELINE);
    for (const s of results.strategies) if (!s.later) add(s.name);
    for (const s of results.strategies) if (s.later) add(s.name);
    for (const n of inSummary) add(n);
    this.strategyOrder = names;

    // Variants: "" first, then the sweep order of results.config.sweep, then first-seen order.
    const sweepValues = results.config.sweep?.values ?? [];
    const variantRank = (v: string): number => {
      if (v === '') return -1;
      const i = sweepValues.findIndex((x) => variantValue(v) === x);
      return i >= 0 ? i : sweepValues.length;
    };
    const series: Series[] = [];
    for (const strategy of names) {
      const variants: string[] = [];
      for (const r of results.summary) if (r.strategy === strategy && !variants.includes(r.variant)) variants.push(r.variant);
      for (const r of results.timelines) if (r.strategy === strategy && !variants.includes(r.variant)) variants.push(r.variant);
      if (variants.length === 0 && this.strategyByName.has(strategy)) variants.push('');
      variants.sort((a, b) => variantRank(a) - variantRank(b));
      const info = this.strategyByName.get(strategy);
      const later = info?.later ?? false;
      for (const variant of variants) {
        const vs = variantShort(strategy, variant);
        const label = `${strategy}${vs ? ` [${vs}]` : ''}${later ? ' (later)' : ''}`;
        const s: Series = { key: seriesKey(strategy, variant), strategy, variant, variantShort: vs, label, later, title: info?.title ?? '' };
        series.push(s);
        this.seriesByKey.set(s.key, s);
      }
    }
    this.series = series;

    const scen: string[] = results.scenarios.map((s) => s.name);
    for (const r of results.summary) if (!scen.includes(r.scenario)) scen.push(r.scenario);
    this.scenarioNames = scen;
  }

  strategy(name: string): StrategyInfo | undefined {
    return this.strategyByName.get(name);
  }

  scenario(name: string): ScenarioInfo | undefined {
    return this.scenarioByName.get(name);
  }

  seriesOf(strategy: string, variant: string): Series {
    const s = this.seriesByKey.get(seriesKey(strategy, variant));
    if (s) return s;
    const later = this.strategyByName.get(strategy)?.later ?? false;
    const vs = variantShort(strategy, variant);
    return { key: seriesKey(strategy, variant), strategy, variant, variantShort: vs, label: `${strategy}${vs ? ` [${vs}]` : ''}${later ? ' (later)' : ''}`, later, title: '' };
  }

  cell(strategy: string, scenario: string, variant: string): SummaryRow | undefined {
    return this.cells.get(cellKey(strategy, scenario, variant));
  }

  /** Summary rows of a scenario in series order. */
  rowsOf(scenario: string): SummaryRow[] {
    const out: SummaryRow[] = [];
    for (const s of this.series) {
      const r = this.cell(s.strategy, scenario, s.variant);
      if (r) out.push(r);
    }
    return out;
  }

  /** Every summary row in scenario, then series order. */
  orderedSummary(): SummaryRow[] {
    return this.scenarioNames.flatMap((sc) => this.rowsOf(sc));
  }

  /** The status-quo row a row was compared against (summarize.ts's rule), if any. */
  baselineOf(row: SummaryRow): SummaryRow | undefined {
    if (row.strategy === BASELINE) return undefined;
    return this.cell(BASELINE, row.scenario, row.variant) ?? this.cell(BASELINE, row.scenario, '');
  }

  /** Number of seeds behind the cells (the most common n). */
  seedCount(): number {
    return this.results.config.seeds.length;
  }

  /**
   * Per scenario, one section per status-quo run it holds (usually one: the
   * plain run; a sweep over a scenario key gives status-quo one per point),
   * with the rows compared against it. A scenario without a status-quo run
   * gives one section without a baseline.
   */
  sections(): ReportSection[] {
    const out: ReportSection[] = [];
    for (const scenario of this.scenarioNames) {
      const rows = this.rowsOf(scenario);
      if (rows.length === 0) continue;
      const baselines = rows.filter((r) => r.strategy === BASELINE);
      if (baselines.length === 0) {
        out.push({ scenario, variant: '', baseline: undefined, columns: rows });
        continue;
      }
      for (const b of baselines) {
        const columns = rows.filter((r) => r.strategy !== BASELINE && this.baselineOf(r) === b);
        out.push({ scenario, variant: b.variant, baseline: b, columns });
      }
      // Rows with no baseline at all (cannot happen while status-quo ran plain; kept for safety).
      const orphans = rows.filter((r) => r.strategy !== BASELINE && this.baselineOf(r) === undefined);
      if (orphans.length > 0) out.push({ scenario, variant: '', baseline: undefined, columns: orphans });
    }
    return out;
  }
}

export interface ReportSection {
  readonly scenario: string;
  /** The variant of the baseline run ("" normally). */
  readonly variant: string;
  readonly baseline: SummaryRow | undefined;
  readonly columns: readonly SummaryRow[];
}

/** Metric groups in the order the reports show them, with a heading each. */
export const GROUPS = [
  { group: 'lockless', heading: 'lockless page requests (kvfree_rcu)' },
  { group: 'fallback', heading: 'fallbacks when no page came' },
  { group: 'ordinary', heading: 'ordinary (background) allocations' },
  { group: 'violations', heading: 'lock-rule violations' },
  { group: 'memory', heading: 'memory' },
  { group: 'simulation', heading: 'locks (simulated contention)' },
] as const;

/** Metrics not shown in the per-scenario tables (they go to the totals). */
export const TOTALS_ONLY = new Set(['simEvents', 'simWallMs']);

/** Describes the kernel config of a scenario in kernel terms, one phrase per setting. */
export function describeKernel(kernel: Record<string, unknown>): string[] {
  const parts: string[] = [];
  const k = { ...kernel };
  const take = (key: string): unknown => {
    const v = k[key];
    delete k[key];
    return v;
  };
  const profile = take('profile');
  if (profile !== undefined) parts.push(`profile ${String(profile)}`);
  const rt = take('preemptRt');
  if (rt !== undefined) parts.push(`PREEMPT_RT=${rt ? 'y' : 'n'}`);
  const lockdep = take('lockdep');
  if (lockdep !== undefined) parts.push(lockdep ? 'lockdep=y (PROVE_RAW_LOCK_NESTING)' : 'lockdep=n');
  const debug: string[] = [];
  if (take('debugPagealloc') === true) debug.push('DEBUG_PAGEALLOC');
  if (take('kasan') === true) debug.push('KASAN');
  if (take('pageOwner') === true) debug.push('page_owner');
  parts.push(`debug: ${debug.length > 0 ? debug.join(', ') : 'none'}`);
  const arch = take('arch');
  if (arch !== undefined) parts.push(`arch ${String(arch)}`);
  const early = take('earlyBoot');
  if (early === true) parts.push('early boot (gfp_allowed_mask)');
  for (const [key, v] of Object.entries(k)) parts.push(`${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts;
}
