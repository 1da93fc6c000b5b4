/**
 * Regression check of a run against a baseline run, cell by cell (strategy x
 * scenario x variant x metric), in the style of criterion.rs verdicts. Each
 * metric's verdict is metric-change.ts's, the rule the history uses too:
 *
 *  - exact and modelled metrics are deterministic under a fixed seed, so they
 *    are compared exactly, seed by seed, on the seeds both runs have (a mean
 *    over other seeds is another workload, not a change of the model): any
 *    difference is real, but for floating-point noise in the last bits of a
 *    non-integer value (FLOAT_NOISE), which is no change. A worse value
 *    is "regressed", a better one "improved"; a metric with no better
 *    direction that moved is "changed" (the model behaves differently), and
 *    counts as a regression: a change in the model's behaviour should fail CI
 *    until the baseline is deliberately updated.
 *  - wall-clock metrics are noisy: a change must be both beyond the noise
 *    floor (default 2%) and significant (Welch's t-test across seeds at
 *    p < 0.05) to be "improved"/"regressed"; tinybench measurements carry
 *    their own margin of error, which is their floor when larger. Neither
 *    fails a run unless asked (--fail-on timing).
 *
 * Only comparable cells are compared: a scenario whose definition (kernel,
 * machine, duration) differs is skipped. Differences in strategy parameters,
 * --set values and the cost table are what users change on purpose: those
 * cells are compared, and every difference is listed.
 */
import { METRICS, type MetricDef } from '../metrics/metric-defs.ts';
import type { Results, RunRow } from '../results/schema.ts';
import { percentChange } from '../util/percent-change.ts';
import { metricChange, type ChangeVerdict, type SeedValues } from './metric-change.ts';

export type Verdict = ChangeVerdict;

export interface CellComparison {
  readonly strategy: string;
  readonly scenario: string;
  readonly variant: string;
  readonly metric: string;
  readonly kind: MetricDef['kind'] | 'measured';
  readonly baseline: number;
  readonly current: number;
  /** Relative change of the mean, percent (null when the baseline mean is 0 and the current is not). */
  readonly changePct: number | null;
  readonly pValue: number | null;
  /** exact: seed by seed; welch: Welch's t-test across seeds (metric-change.ts); margin of error: tinybench's own, no test. */
  readonly test: 'exact' | 'welch' | 'margin of error';
  readonly verdict: Verdict;
}

export interface RegressionOptions {
  /** Noise floor in percent for noisy metrics (default 2). */
  readonly noiseFloorPct: number;
  /** Per-metric noise floors, percent. */
  readonly metricNoisePct: Readonly<Record<string, number>>;
  /** Let timing regressions fail the run too. */
  readonly failOnTiming: boolean;
  /** Significance level for the noisy-metric test. */
  readonly alpha: number;
}

export const DEFAULT_REGRESSION_OPTIONS: RegressionOptions = { noiseFloorPct: 2, metricNoisePct: {}, failOnTiming: false, alpha: 0.05 };

export interface RegressionReport {
  readonly baselineRunId: string;
  readonly baselineCommit: string | null;
  readonly options: RegressionOptions;
  readonly cells: CellComparison[];
  /** Cells whose verdict fails the run. */
  readonly failing: CellComparison[];
  /** What differs between the two runs' configurations, and what was not compared because of it. */
  readonly differences: string[];
  readonly comparedCells: number;
}

const key = (r: { strategy: string; scenario: string; variant: string }): string => `${r.strategy}\u0000${r.scenario}\u0000${r.variant}`;

function group(runs: readonly RunRow[]): Map<string, RunRow[]> {
  const m = new Map<string, RunRow[]>();
  for (const r of runs) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x));

export function compareRuns(current: Results, baseline: Results, opts: RegressionOptions = DEFAULT_REGRESSION_OPTIONS): RegressionReport {
  const differences: string[] = [];
  const badScenario = new Set<string>();

  // What is comparable.
  const baseScen = new Map(baseline.scenarios.map((s) => [s.name, s]));
  for (const s of current.scenarios) {
    const b = baseScen.get(s.name);
    if (!b) continue;
    const fields: string[] = [];
    if (stable(s.kernel) !== stable(b.kernel)) fields.push('kernel config');
    if (stable(s.machine) !== stable(b.machine)) fields.push('machine');
    if (s.durationMs !== b.durationMs) fields.push(`duration (${b.durationMs} -> ${s.durationMs} ms)`);
    if (s.warmupMs !== b.warmupMs) fields.push(`warm-up (${b.warmupMs} -> ${s.warmupMs} ms)`);
    if (s.description !== b.description && fields.length === 0) continue;
    if (fields.length > 0) {
      badScenario.add(s.name);
      differences.push(`scenario ${s.name}: ${fields.join(', ')} differ; its cells are not compared`);
    }
  }
  const baseStrat = new Map(baseline.strategies.map((s) => [s.name, s]));
  for (const s of current.strategies) {
    const b = baseStrat.get(s.name);
    // Parameters are what a user changes on purpose: the cells are compared, and the difference said.
    if (b && stable(s.params) !== stable(b.params)) differences.push(`strategy ${s.name}: parameters differ (${stable(b.params)} -> ${stable(s.params)})`);
  }
  const baseCosts = new Map(baseline.costTable.map((c) => [c.key, c.ns]));
  const costDiffs = current.costTable.filter((c) => baseCosts.has(c.key) && baseCosts.get(c.key) !== c.ns).map((c) => `${c.key} ${baseCosts.get(c.key)} -> ${c.ns} ns`);
  if (costDiffs.length) differences.push(`cost table differs: ${costDiffs.join(', ')} (modelled costs compared anyway)`);
  if (stable(current.config.sets) !== stable(baseline.config.sets)) differences.push(`--set values differ: ${stable(baseline.config.sets)} -> ${stable(current.config.sets)}`);
  if (current.config.quick !== baseline.config.quick) differences.push(`--quick differs (${baseline.config.quick} -> ${current.config.quick})`);

  const cur = group(current.runs);
  const base = group(baseline.runs);
  const onlyCur = [...cur.keys()].filter((k) => !base.has(k));
  const onlyBase = [...base.keys()].filter((k) => !cur.has(k));
  if (onlyCur.length) differences.push(`${onlyCur.length} strategy x scenario cells only in this run (not compared): ${onlyCur.slice(0, 5).map((k) => k.split('\u0000').filter(Boolean).join(' x ')).join('; ')}`);
  if (onlyBase.length) differences.push(`${onlyBase.length} cells only in the baseline (not compared): ${onlyBase.slice(0, 5).map((k) => k.split('\u0000').filter(Boolean).join(' x ')).join('; ')}`);

  // Seeds: a cell is compared on the seeds both runs have, so a mean over
  // other seeds (other workloads) never passes for a change of the model.
  const seedsOf = (runs: readonly RunRow[]): number[] => [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const curSeeds = seedsOf(current.runs);
  const baseSeeds = seedsOf(baseline.runs);
  if (stable(curSeeds) !== stable(baseSeeds)) {
    const common = curSeeds.filter((s) => baseSeeds.includes(s));
    differences.push(`seeds differ (${baseSeeds.join(', ')} -> ${curSeeds.join(', ')}): cells compared on the seeds both have (${common.join(', ') || 'none'})`);
  }
  const cells: CellComparison[] = [];
  const absent = new Set<string>();
  for (const [k, allRuns] of cur) {
    const allBase = base.get(k);
    if (!allBase) continue;
    const first = allRuns[0]!;
    if (badScenario.has(first.scenario)) continue;
    const bseeds = new Set(allBase.map((r) => r.seed));
    const runs = allRuns.filter((r) => bseeds.has(r.seed));
    const seeds = new Set(runs.map((r) => r.seed));
    const bruns = allBase.filter((r) => seeds.has(r.seed));
    if (runs.length === 0) continue;
    for (const def of METRICS) {
      // A metric an older results version does not have (absent, not 0) is not compared.
      const has = (r: RunRow): boolean => (r.metrics as Record<string, number | undefined>)[def.name] !== undefined;
      if (!runs.every(has) || !bruns.every(has)) {
        absent.add(def.name);
        continue;
      }
      const side = (rs: readonly RunRow[]): SeedValues => ({ seeds: rs.map((r) => r.seed), values: rs.map((r) => (r.metrics as Record<string, number>)[def.name]!) });
      const c = metricChange(def, side(runs), side(bruns), { noiseFloorPct: opts.metricNoisePct[def.name] ?? opts.noiseFloorPct, alpha: opts.alpha });
      cells.push({ strategy: first.strategy, scenario: first.scenario, variant: first.variant, metric: def.name, kind: def.kind, baseline: c.baselineMean, current: c.currentMean, changePct: c.changePct, pValue: c.pValue, test: c.test, verdict: c.verdict });
    }
  }
  if (absent.size > 0) differences.push(`metrics missing from one of the runs (an older results version): ${[...absent].join(', ')}; not compared`);
  // tinybench measurements: JS ns per op, with their own margin of error.
  const bm = new Map(baseline.measured.map((m) => [`${m.strategy}|${m.task}`, m]));
  for (const m of current.measured) {
    const b = bm.get(`${m.strategy}|${m.task}`);
    if (!b) continue;
    const changePct = b.nsPerOp === 0 ? null : percentChange(m.nsPerOp, b.nsPerOp);
    const floor = Math.max(opts.metricNoisePct[`measured.${m.task}`] ?? opts.noiseFloorPct, m.rmePct + b.rmePct);
    const verdict: Verdict = changePct === null || Math.abs(changePct) <= floor ? 'within noise' : changePct > 0 ? 'regressed' : 'improved';
    cells.push({ strategy: m.strategy, scenario: '(tinybench)', variant: '', metric: `measured ${m.task} ns/op`, kind: 'measured', baseline: b.nsPerOp, current: m.nsPerOp, changePct, pValue: null, test: 'margin of error', verdict });
  }
  const failing = cells.filter((c) => (c.verdict === 'regressed' || c.verdict === 'changed') && (c.kind === 'exact' || c.kind === 'modelled' || opts.failOnTiming));
  return { baselineRunId: baseline.runId, baselineCommit: baseline.environment.gitCommit, options: opts, cells, failing, differences, comparedCells: cells.length };
}

/** The report as results.json stores it (results.comparison): every cell that moved, and whether it fails the run; unchanged cells only counted. */
export function storedComparison(report: RegressionReport): NonNullable<Results['comparison']> {
  const failing = new Set(report.failing);
  const moved = report.cells.filter((c) => c.verdict !== 'no change');
  return {
    baselineRunId: report.baselineRunId,
    baselineCommit: report.baselineCommit,
    noiseFloorPct: report.options.noiseFloorPct,
    failOnTiming: report.options.failOnTiming,
    comparedCells: report.comparedCells,
    unchangedCells: report.comparedCells - moved.length,
    cells: moved.map((c) => ({ ...c, kind: c.kind, failing: failing.has(c) })),
    differences: report.differences,
  };
}

/** One cell of a run, planned or stored: what the baseline must share with it. */
export interface PlannedCell {
  readonly strategy: string;
  readonly scenario: string;
  readonly variant: string;
  readonly seed: number;
}

/** What the run being planned is: its cells and its scenarios as results.json will describe them. */
export interface PlannedRun {
  readonly quick: boolean;
  readonly cells: readonly PlannedCell[];
  readonly scenarios: Results['scenarios'];
}

const listed = (xs: Iterable<string | number>, max = 4): string => {
  const a = [...new Set(xs)];
  return a.length > max ? `${a.slice(0, max).join(', ')}, ...` : a.join(', ') || 'none';
};

/**
 * Why `baseline` shares no comparable cell (strategy x scenario x sweep point
 * x seed, in a scenario of the same kernel, machine and duration) with the
 * run being planned, or null when it shares at least one. compareRuns would
 * compare nothing: a CI gate pointed at the wrong baseline would pass.
 */
export function noCommonCells(run: PlannedRun, baseline: Results): string | null {
  const baseScen = new Map(baseline.scenarios.map((s) => [s.name, s]));
  const comparable = new Set<string>();
  const differing: string[] = [];
  for (const s of run.scenarios) {
    const b = baseScen.get(s.name);
    if (!b) continue;
    const fields: string[] = [];
    if (stable(s.kernel) !== stable(b.kernel)) fields.push('kernel config');
    if (stable(s.machine) !== stable(b.machine)) fields.push('machine');
    if (s.durationMs !== b.durationMs) fields.push(`duration ${b.durationMs} -> ${s.durationMs} ms`);
    if (fields.length > 0) differing.push(`${s.name}: ${fields.join(', ')}`);
    else comparable.add(s.name);
  }
  const baseCells = new Set(baseline.runs.map((r) => `${key(r)}\u0000${r.seed}`));
  if (run.cells.some((c) => comparable.has(c.scenario) && baseCells.has(`${key(c)}\u0000${c.seed}`))) return null;
  if (run.quick !== baseline.config.quick) return run.quick ? 'the baseline is not --quick, this run is' : 'the baseline is --quick, this run is not';
  const mine = (f: (c: PlannedCell) => string | number): Set<string | number> => new Set(run.cells.map(f));
  const theirs = (f: (c: PlannedCell) => string | number): Set<string | number> => new Set(baseline.runs.map(f));
  const disjoint = (f: (c: PlannedCell) => string | number): boolean => {
    const t = theirs(f);
    return ![...mine(f)].some((x) => t.has(x));
  };
  const both = (what: string, f: (c: PlannedCell) => string | number): string => `no ${what} in common: the baseline has ${listed(theirs(f))}, this run ${listed(mine(f))}`;
  if (disjoint((c) => c.scenario)) return both('scenario', (c) => c.scenario);
  if (comparable.size === 0) return `every scenario in common differs: ${differing.slice(0, 2).join('; ')}${differing.length > 2 ? '; ...' : ''}`;
  if (disjoint((c) => c.strategy)) return both('strategy', (c) => c.strategy);
  if (disjoint((c) => c.seed)) return both('seed', (c) => c.seed);
  if (disjoint((c) => c.variant)) return both('sweep point', (c) => c.variant || '(none)');
  return 'no strategy, scenario, sweep point and seed are all four in common';
}
