/**
 * The history of stored runs (results/index.jsonl) as a model: chosen
 * metrics per strategy x scenario (variant "" only) across the runs, oldest
 * first, with the step changes between consecutive points.
 *
 * A point is one run: the mean over its seeds and the 95% CI (the run's
 * summary rows). A point is a step change when it differs for real from the
 * series' previous point (the latest earlier run with that strategy x scenario):
 *  - exact and modelled metrics are deterministic for a seed: any change of
 *    the per-seed values (beyond floating-point noise) is a step, when both
 *    runs used the same seeds;
 *  - wall metrics (measured, noisy): Welch's t-test across seeds p < 0.05 and
 *    a change of the mean beyond a 2% noise floor.
 * The verdict is metric-change.ts's, the rule `compare --baseline` uses too.
 * Two runs are only compared when they are comparable: the same --quick, the
 * same scenario definition (kernel, machine, duration) and, for deterministic
 * metrics, the same seeds. A pair that is not compared is listed with why.
 *
 * harness/cli/history.ts reads the files; report/history.ts renders the
 * model; this module does neither (no file access, no formatting).
 */
import { BASELINE_STRATEGY as BASELINE } from './baseline-strategy.ts';
import { metricChange } from './metric-change.ts';
import { meanCi95, type MeanCi } from './stats.ts';
import { InputError } from '../errors.ts';
import { METRICS, metricDef, type MetricDef } from '../metrics/metric-defs.ts';
import type { Results } from '../results/schema.ts';
import { closestName } from '../util/closest-name.ts';
import { percentChange } from '../util/percent-change.ts';

export const DEFAULT_HISTORY_METRICS: readonly string[] = ['locklessFailureRate', 'ordinaryFastPathNs', 'invalidWaitContext', 'reservedPagesMean', 'simWallMs'];
/** Significance level of the wall-metric test. */
export const HISTORY_ALPHA = 0.05;
/** Wall metrics: a change of the mean at or below this many percent is noise. */
export const HISTORY_NOISE_FLOOR_PCT = 2;

// ---------------------------------------------------------------------------
// What is kept of each stored run
// ---------------------------------------------------------------------------

/** One strategy x scenario (variant "") of a run: per-seed values and the summary cells of the chosen metrics. */
export interface HistoryCell {
  readonly strategy: string;
  readonly scenario: string;
  /** Seeds of the runs, ascending; values[metric][i] belongs to seeds[i]. */
  readonly seeds: readonly number[];
  readonly values: Readonly<Record<string, readonly number[]>>;
  readonly summary: Readonly<Record<string, MeanCi>>;
}

/** What the history keeps of one stored run (the whole Results is not kept: history may hold many). */
export interface HistoryRun {
  readonly runId: string;
  readonly createdAt: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly quick: boolean;
  readonly seeds: readonly number[];
  readonly command: string;
  readonly strategies: readonly { readonly name: string; readonly later: boolean; readonly params: string }[];
  /** --set values and cost-table overrides, as stable JSON. */
  readonly sets: string;
  readonly costOverrides: string;
  /** Scenario name -> its definition (kernel, machine, duration) as stable JSON: runs compare only when equal. */
  readonly scenarioDefs: ReadonlyMap<string, string>;
  /** strategy + "\0" + scenario -> cell. */
  readonly cells: ReadonlyMap<string, HistoryCell>;
}

const cellKey = (strategy: string, scenario: string): string => `${strategy}\u0000${scenario}`;

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Extracts what the history needs of a results file: the chosen metrics of the variant "" cells. */
export function historyRunFrom(results: Results, metrics: readonly string[]): HistoryRun {
  const rows = new Map<string, { strategy: string; scenario: string; runs: { seed: number; metrics: Record<string, number> }[] }>();
  for (const r of results.runs) {
    if (r.variant !== '') continue;
    const k = cellKey(r.strategy, r.scenario);
    let g = rows.get(k);
    if (!g) rows.set(k, (g = { strategy: r.strategy, scenario: r.scenario, runs: [] }));
    g.runs.push({ seed: r.seed, metrics: r.metrics as Record<string, number> });
  }
  for (const s of results.summary) {
    const k = cellKey(s.strategy, s.scenario);
    if (s.variant === '' && !rows.has(k)) rows.set(k, { strategy: s.strategy, scenario: s.scenario, runs: [] });
  }
  const cells = new Map<string, HistoryCell>();
  for (const [k, g] of rows) {
    const runs = [...g.runs].sort((a, b) => a.seed - b.seed);
    const row = results.summary.find((s) => s.variant === '' && s.strategy === g.strategy && s.scenario === g.scenario);
    const values: Record<string, number[]> = {};
    const summary: Record<string, MeanCi> = {};
    for (const m of metrics) {
      values[m] = runs.map((r) => r.metrics[m] ?? NaN);
      const c = row?.metrics[m];
      summary[m] = c ?? meanCi95(values[m]);
    }
    cells.set(k, { strategy: g.strategy, scenario: g.scenario, seeds: runs.map((r) => r.seed), values, summary });
  }
  return {
    runId: results.runId,
    createdAt: results.createdAt,
    gitCommit: results.environment.gitCommit,
    gitDirty: results.environment.gitDirty,
    quick: results.config.quick,
    seeds: results.config.seeds,
    command: results.command,
    strategies: results.strategies.map((s) => ({ name: s.name, later: s.later, params: stable(s.params) })),
    sets: stable(results.config.sets),
    costOverrides: stable(results.config.costOverrides),
    scenarioDefs: new Map(results.scenarios.map((s) => [s.name, stable({ kernel: s.kernel, machine: s.machine, durationMs: s.durationMs })])),
    cells,
  };
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

export type StepVerdict = 'improved' | 'regressed' | 'changed';

export interface StepChange {
  readonly metric: string;
  readonly strategy: string;
  readonly scenario: string;
  /** Index (into HistoryModel.runs) of the run compared against: the series' previous point. */
  readonly fromRun: number;
  /** Index of the run where the step is. */
  readonly toRun: number;
  readonly oldMean: number;
  readonly newMean: number;
  /** Relative change of the mean, percent (null when the old mean is 0 and the new is not). */
  readonly changePct: number | null;
  readonly test: 'exact' | 'welch';
  /** Welch's p-value (wall metrics), null for exact comparisons. */
  readonly pValue: number | null;
  /** Exact comparisons: seeds whose value changed, of how many. */
  readonly seedsChanged: number | null;
  readonly seedsCompared: number;
  readonly verdict: StepVerdict;
}

export interface HistoryPoint {
  /** Index into HistoryModel.runs. */
  readonly run: number;
  readonly n: number;
  readonly mean: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly step?: StepChange;
}

export interface HistorySeries {
  readonly strategy: string;
  readonly scenario: string;
  readonly points: readonly HistoryPoint[];
}

/** Pairs of runs not compared for a metric, and why (aggregated over strategy x scenario). */
export interface NotCompared {
  readonly fromRun: number;
  readonly toRun: number;
  readonly reason: string;
  readonly cells: number;
}

export interface MetricHistory {
  readonly metric: string;
  readonly def: MetricDef;
  readonly series: readonly HistorySeries[];
  readonly steps: readonly StepChange[];
  /** Consecutive points compared (with or without a step). */
  readonly compared: number;
  readonly notCompared: readonly NotCompared[];
}

export interface HistoryRunInfo {
  readonly runId: string;
  readonly createdAt: string;
  /** "0306dd0 2025-11-25" (commit + "+" when dirty, UTC date; time added when two runs would share a label). */
  readonly label: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly quick: boolean;
  readonly seeds: readonly number[];
  readonly cells: number;
  readonly command: string;
  /** What the user changed since the previous run (--set, cost overrides, strategy parameters); empty when nothing. */
  readonly configChanges: readonly string[];
}

export interface StrategyInfo {
  readonly label: string;
  readonly later: boolean;
}

export interface HistoryModel {
  /** Runs oldest first. */
  readonly runs: readonly HistoryRunInfo[];
  readonly metrics: readonly MetricHistory[];
  readonly strategyOrder: readonly string[];
  readonly scenarioOrder: readonly string[];
  strategyInfo(name: string): StrategyInfo;
  /** Files or index lines left out, one line each, with the reason. */
  readonly skipped: readonly string[];
  /** Quick runs left out (includeQuick false). */
  readonly quickLeftOut: number;
  readonly includeQuick: boolean;
  readonly strategyFilter: readonly string[] | undefined;
  readonly scenarioFilter: readonly string[] | undefined;
  readonly alpha: number;
  readonly noiseFloorPct: number;
}

export interface BuildHistoryOptions {
  readonly metrics: readonly string[];
  readonly strategies?: readonly string[] | undefined;
  readonly scenarios?: readonly string[] | undefined;
  readonly skipped?: readonly string[];
  readonly quickLeftOut?: number;
  readonly includeQuick?: boolean;
}

/**
 * The metrics to chart: the defaults when none are named; an unknown name is
 * an InputError naming the closest metric.
 */
export function resolveHistoryMetrics(names: readonly string[] | undefined, origin = '--metrics'): string[] {
  if (!names || names.length === 0) return [...DEFAULT_HISTORY_METRICS];
  const known = METRICS.map((m) => m.name as string);
  const out: string[] = [];
  for (const n of names) {
    if (!metricDef(n)) {
      const near = closestName(n, known);
      throw new InputError({ file: origin, where: 'metric name', expected: `a metric name (README, "Metrics")${near ? `; did you mean "${near}"?` : ''}`, found: JSON.stringify(n) });
    }
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

function checkNames(names: readonly string[] | undefined, known: readonly string[], origin: string, what: string): void {
  if (!names || known.length === 0) return;
  for (const n of names) {
    if (known.includes(n)) continue;
    const near = closestName(n, known);
    throw new InputError({ file: origin, where: `${what} name`, expected: `a ${what} of the stored runs (${known.join(', ')})${near ? `; did you mean "${near}"?` : ''}`, found: JSON.stringify(n) });
  }
}

function timeOf(createdAt: string): number {
  const t = Date.parse(createdAt);
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

function runLabels(runs: readonly HistoryRun[]): string[] {
  const parts = runs.map((r) => {
    const commit = r.gitCommit ? `${r.gitCommit.slice(0, 7)}${r.gitDirty ? '+' : ''}` : 'no-git';
    const t = Date.parse(r.createdAt);
    const iso = Number.isFinite(t) ? new Date(t).toISOString() : r.createdAt;
    return { commit, date: iso.slice(0, 10), minute: iso.slice(11, 16), second: iso.slice(11, 19) };
  });
  // Commit and date; the time (to the minute, then the second) only where two runs would share a label; "#n" as the last resort.
  const tiers = [(p: (typeof parts)[number]): string => `${p.commit} ${p.date}`, (p: (typeof parts)[number]): string => `${p.commit} ${p.date} ${p.minute}`, (p: (typeof parts)[number]): string => `${p.commit} ${p.date} ${p.second}`];
  const labels = parts.map((p) => tiers[0]!(p));
  for (const tier of tiers.slice(1)) {
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    labels.forEach((l, i) => {
      if (counts.get(l)! > 1) labels[i] = tier(parts[i]!);
    });
  }
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const seen = new Map<string, number>();
  return labels.map((l) => {
    if (counts.get(l)! === 1) return l;
    const k = (seen.get(l) ?? 0) + 1;
    seen.set(l, k);
    return `${l} #${k}`;
  });
}


/** What differs in the user's settings between two runs (a step there may be on purpose). */
function configChanges(prev: HistoryRun, cur: HistoryRun): string[] {
  const out: string[] = [];
  if (prev.sets !== cur.sets) out.push(`--set ${prev.sets} -> ${cur.sets}`);
  if (prev.costOverrides !== cur.costOverrides) out.push(`cost overrides ${prev.costOverrides} -> ${cur.costOverrides}`);
  const before = new Map(prev.strategies.map((s) => [s.name, s.params]));
  for (const s of cur.strategies) {
    const b = before.get(s.name);
    if (b !== undefined && b !== s.params) out.push(`${s.name} parameters ${b} -> ${s.params}`);
  }
  if (prev.quick !== cur.quick) out.push(`--quick ${prev.quick} -> ${cur.quick}`);
  return out;
}

/** Compares a series point with its previous one: a step, no step, or a reason why they are not compared. */
function judge(
  def: MetricDef,
  prevRun: HistoryRun,
  prev: HistoryCell,
  curRun: HistoryRun,
  cur: HistoryCell,
  opts: { alpha: number; noiseFloorPct: number },
): { step: Omit<StepChange, 'fromRun' | 'toRun'> | undefined } | { reason: string } {
  if (prevRun.quick !== curRun.quick) return { reason: '--quick differs (another duration and seed count)' };
  const pd = prevRun.scenarioDefs.get(cur.scenario);
  const cd = curRun.scenarioDefs.get(cur.scenario);
  if (pd !== undefined && cd !== undefined && pd !== cd) return { reason: 'the scenario definition (kernel, machine or duration) differs' };
  const prevValues = prev.values[def.name] ?? [];
  const curValues = cur.values[def.name] ?? [];
  const oldMean = prev.summary[def.name]?.mean ?? NaN;
  const newMean = cur.summary[def.name]?.mean ?? NaN;
  const changePct = percentChange(newMean, oldMean);
  const base = { metric: def.name, strategy: cur.strategy, scenario: cur.scenario, oldMean, newMean, changePct };
  const exact = def.kind === 'exact' || def.kind === 'modelled';
  if (exact) {
    if (prevValues.length === 0 || curValues.length === 0) return { reason: 'no per-seed values' };
    const sameSeeds = prev.seeds.length === cur.seeds.length && prev.seeds.every((s, i) => s === cur.seeds[i]);
    if (!sameSeeds) return { reason: `the seeds differ (${prev.seeds.join(',')} -> ${cur.seeds.join(',')})` };
  }
  const c = metricChange(def, { seeds: cur.seeds, values: curValues }, { seeds: prev.seeds, values: prevValues }, opts);
  if (!exact && c.pValue === null) return { reason: "fewer than 2 seeds in a run, or both runs constant across seeds: no Welch's t-test" };
  if (c.verdict !== 'improved' && c.verdict !== 'regressed' && c.verdict !== 'changed') return { step: undefined };
  return { step: { ...base, verdict: c.verdict, test: c.test, pValue: c.pValue, seedsChanged: c.seedsChanged, seedsCompared: c.seedsCompared } };
}

/**
 * Builds the history from runs in any order (they are sorted by createdAt,
 * ties in the given order). Unknown strategy or scenario names in the filters
 * are an InputError naming the closest stored name.
 */
export function buildHistory(input: readonly HistoryRun[], opts: BuildHistoryOptions): HistoryModel {
  const metrics = resolveHistoryMetrics(opts.metrics);
  const runs = input
    .map((r, i) => ({ r, i, t: timeOf(r.createdAt) }))
    .sort((x, y) => (x.t === y.t ? x.i - y.i : x.t < y.t ? -1 : 1))
    .map((x) => x.r);
  const labels = runLabels(runs);

  // Strategies: status-quo first, then the newest run's order (thread proposals before later ones), then older runs'.
  const later = new Map<string, boolean>();
  const seenOrder: string[] = [];
  for (const r of [...runs].reverse()) {
    for (const s of r.strategies) {
      if (!later.has(s.name)) {
        later.set(s.name, s.later);
        seenOrder.push(s.name);
      }
    }
    for (const c of r.cells.values()) {
      if (!later.has(c.strategy)) {
        later.set(c.strategy, false);
        seenOrder.push(c.strategy);
      }
    }
  }
  const allStrategies = [...(later.has(BASELINE) ? [BASELINE] : []), ...seenOrder.filter((s) => s !== BASELINE && !later.get(s)), ...seenOrder.filter((s) => s !== BASELINE && later.get(s))];
  const allScenarios: string[] = [];
  for (const r of [...runs].reverse()) {
    for (const sc of r.scenarioDefs.keys()) if (!allScenarios.includes(sc)) allScenarios.push(sc);
    for (const c of r.cells.values()) if (!allScenarios.includes(c.scenario)) allScenarios.push(c.scenario);
  }
  checkNames(opts.strategies, allStrategies, '--strategies', 'strategy');
  checkNames(opts.scenarios, allScenarios, '--scenarios', 'scenario');
  const strategyFilter = opts.strategies && opts.strategies.length > 0 ? opts.strategies : undefined;
  const scenarioFilter = opts.scenarios && opts.scenarios.length > 0 ? opts.scenarios : undefined;
  const strategyOrder = allStrategies.filter((s) => !strategyFilter || strategyFilter.includes(s));
  const scenarioOrder = allScenarios.filter((s) => !scenarioFilter || scenarioFilter.includes(s));
  const infoCache = new Map<string, StrategyInfo>();
  const strategyInfo = (name: string): StrategyInfo => {
    let i = infoCache.get(name);
    if (!i) {
      const l = later.get(name) ?? false;
      i = { label: `${name}${l ? ' (later)' : ''}`, later: l };
      infoCache.set(name, i);
    }
    return i;
  };

  const judgeOpts = { alpha: HISTORY_ALPHA, noiseFloorPct: HISTORY_NOISE_FLOOR_PCT };
  const metricHistories: MetricHistory[] = metrics.map((metric) => {
    const def = metricDef(metric)!;
    const series: HistorySeries[] = [];
    const steps: StepChange[] = [];
    const notCompared = new Map<string, { fromRun: number; toRun: number; reason: string; cells: number }>();
    let compared = 0;
    for (const scenario of scenarioOrder) {
      for (const strategy of strategyOrder) {
        const points: HistoryPoint[] = [];
        let prev: { run: number; cell: HistoryCell } | undefined;
        runs.forEach((run, ri) => {
          const cell = run.cells.get(cellKey(strategy, scenario));
          const c = cell?.summary[metric];
          if (!cell || !c) return;
          let step: StepChange | undefined;
          if (prev) {
            const j = judge(def, runs[prev.run]!, prev.cell, run, cell, judgeOpts);
            if ('reason' in j) {
              const k = `${prev.run}|${ri}|${j.reason}`;
              const e = notCompared.get(k);
              if (e) e.cells++;
              else notCompared.set(k, { fromRun: prev.run, toRun: ri, reason: j.reason, cells: 1 });
            } else {
              compared++;
              if (j.step) {
                step = { ...j.step, fromRun: prev.run, toRun: ri };
                steps.push(step);
              }
            }
          }
          points.push({ run: ri, n: c.n, mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, ...(step ? { step } : {}) });
          prev = { run: ri, cell };
        });
        if (points.length > 0) series.push({ strategy, scenario, points });
      }
    }
    steps.sort((x, y) => x.toRun - y.toRun || strategyOrder.indexOf(x.strategy) - strategyOrder.indexOf(y.strategy) || scenarioOrder.indexOf(x.scenario) - scenarioOrder.indexOf(y.scenario));
    const nc = [...notCompared.values()].sort((x, y) => x.toRun - y.toRun || x.fromRun - y.fromRun);
    return { metric, def, series, steps, compared, notCompared: nc };
  });

  return {
    runs: runs.map((r, i) => ({ runId: r.runId, createdAt: r.createdAt, label: labels[i]!, gitCommit: r.gitCommit, gitDirty: r.gitDirty, quick: r.quick, seeds: r.seeds, cells: r.cells.size, command: r.command, configChanges: i > 0 ? configChanges(runs[i - 1]!, r) : [] })),
    metrics: metricHistories,
    strategyOrder,
    scenarioOrder,
    strategyInfo,
    skipped: opts.skipped ?? [],
    quickLeftOut: opts.quickLeftOut ?? 0,
    includeQuick: opts.includeQuick ?? false,
    strategyFilter,
    scenarioFilter,
    alpha: HISTORY_ALPHA,
    noiseFloorPct: HISTORY_NOISE_FLOOR_PCT,
  };
}
