/**
 * `nolock-bench compare`: the command line -> a plan (compare/plan.ts: the
 * matrix of strategies x scenarios x seeds x sweep points, checked before
 * anything runs), the runs on worker threads with progress and interrupt,
 * the Results (compare/assemble.ts), the regression check against a
 * --baseline, and the stored files (JSON + CSV). Bad input is found while
 * parsing and planning, before anything runs.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { resolveCostTable } from '../core/cost-table.ts';
import { InputError } from '../errors.ts';
import { costCorners, costRangeVerdict, locklessNsMeans, type CostRangeReport } from '../analysis/cost-range.ts';
import { measureStrategies } from '../bench/measured.ts';
import { captureEnvironment } from '../results/environment.ts';
import { readResults, type Results, type RunRow } from '../results/schema.ts';
import { PROFILE_INPUT_NAMES, resolveProfileName, type ProfileName } from '../core/profile.ts';
import { claimRunId, storeResults } from '../results/store.ts';
import { resolveBaselinePath, saveBaseline } from '../results/baseline.ts';
import { appendToIndex } from '../results/history-index.ts';
import { latestLabSummary } from '../lab/latest-summary.ts';
import { compareRuns, DEFAULT_REGRESSION_OPTIONS, noCommonCells, storedComparison, type RegressionOptions, type RegressionReport } from '../analysis/regression.ts';
import type { JobOutcome, ScenarioSource } from '../sim/job.ts';
import { runPool, type PoolHandle } from '../sim/pool.ts';
import { loadStrategies, loadStrategyFiles, selectStrategies } from '../sim/strategy-registry.ts';
import { BUILTIN_SCENARIOS } from '../workload/builtin.ts';
import { closestName } from '../util/closest-name.ts';
import { collectOutcomes, assembleResults } from '../compare/assemble.ts';
import { planCompare, plannedRun, runLimits, shardJobs, type PlanInput, type PlanSets, type Variant } from '../compare/plan.ts';
import { Progress } from './progress.ts';
import { parseShard } from './shard.ts';
import { classify, splitAssignment, sweepValues } from './set-values.ts';

export interface CompareOptions {
  readonly strategies?: readonly string[];
  readonly scenarios?: readonly string[];
  /** Kernel profiles to run every scenario on (--kernels; entries may be comma-separated); absent: each scenario's own. */
  readonly kernels?: readonly string[];
  readonly seeds?: number;
  readonly quick: boolean;
  readonly scenarioFiles: readonly string[];
  /** Strategy files outside strategies/ (--strategy-file). */
  readonly strategyFiles?: readonly string[];
  readonly sets: readonly string[];
  readonly sweep?: string;
  /** --cost-range N: also run the all-low, all-high and N seeded mixed corners of the cost ranges. */
  readonly costRange?: number;
  readonly jobs?: number;
  /** `i/n`, or `auto`/`auto/N` read from the environment (shard.ts). */
  readonly shard?: string;
  readonly runId?: string;
  readonly resultsDir: string;
  readonly reportsDir: string;
  readonly json: boolean;
  readonly measure: boolean;
  readonly command: string;
  /** Wall-time limit per run (ms); 0: none. */
  readonly runWallLimitMs: number;
  /** Heap limit of each worker thread (MiB); default DEFAULT_RUN_HEAP_LIMIT_MB, 0: V8's default. */
  readonly runHeapLimitMb?: number;
  /** Virtual-time limit of one operation (ms); default DEFAULT_VIRTUAL_OP_LIMIT_MS, 0: none. */
  readonly runVirtualLimitMs?: number;
  /** Check the core's invariants every N events and at the end of each run; default DEFAULT_INVARIANT_CHECK_EVERY, 0: never. */
  readonly checkInvariantsEvery?: number;
  /** Compare against this stored run (a path, a baseline name or a run id). */
  readonly baseline?: string;
  /** Also store this run as results/baselines/NAME.json. */
  readonly saveBaseline?: string;
  readonly regression?: RegressionOptions;
}

export interface CompareOutcome {
  readonly results: Results;
  readonly paths: { json: string; csv: string; baseline?: string };
  readonly interrupted: boolean;
  /** Present with --baseline. */
  readonly regression?: RegressionReport;
}

/**
 * --kernels values ("5.9,6.x" or "5.9 6.x"): kernel profile names or aliases
 * (PROFILE_INPUT_NAMES), resolved to profiles ("6.x" is "7.2", so the table
 * is named "burst@7.2" as the results record it), each once, in the order
 * given; an unknown name is an InputError. undefined: none given.
 */
export function parseKernels(values: readonly string[] | undefined): ProfileName[] | undefined {
  if (values === undefined) return undefined;
  const out: ProfileName[] = [];
  for (const v of values.flatMap((x) => x.split(','))) {
    const k = resolveProfileName(v.trim());
    if (k === undefined) {
      const near = closestName(v.trim(), PROFILE_INPUT_NAMES);
      throw new InputError({ file: '--kernels', where: 'kernel profile', expected: `one of ${PROFILE_INPUT_NAMES.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`, found: JSON.stringify(v.trim()) });
    }
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

/** The scenario sources --scenarios and --scenario-file name (every built-in when neither is given); an unknown name is an InputError. */
function scenarioSources(opts: CompareOptions): ScenarioSource[] {
  const sources: ScenarioSource[] = [];
  const builtinNames = opts.scenarios && opts.scenarios.length > 0 ? opts.scenarios : opts.scenarioFiles.length > 0 ? [] : BUILTIN_SCENARIOS;
  for (const n of builtinNames) {
    if (!BUILTIN_SCENARIOS.includes(n)) {
      const near = closestName(n, BUILTIN_SCENARIOS);
      throw new InputError({ file: '--scenarios', where: 'scenario name', expected: `one of ${BUILTIN_SCENARIOS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`, found: JSON.stringify(n) });
    }
    sources.push({ kind: 'builtin', name: n });
  }
  for (const f of opts.scenarioFiles) sources.push({ kind: 'file', path: resolve(f) });
  return sources;
}

/** --set values sorted by target (strategyNames: every loaded strategy); the cost overrides must make a valid cost table. */
function parseSets(texts: readonly string[], strategyNames: readonly string[]): PlanSets {
  const scenarioSets: [string, string][] = [];
  const costOverrides: Record<string, unknown> = {};
  const paramSets: Record<string, Record<string, unknown>> = {};
  for (const text of texts) {
    const [k, v] = splitAssignment(text, '--set');
    const t = classify(k, v, strategyNames);
    if (t.kind === 'cost') costOverrides[t.key] = t.value;
    else if (t.kind === 'strategy') (paramSets[t.strategy] ??= {})[t.param] = t.value;
    else scenarioSets.push([t.key, t.raw]);
  }
  resolveCostTable(costOverrides, '--set cost');
  return { scenarioSets, costOverrides, paramSets };
}

/** --sweep key=spec as its points; a cost sweep's every value must make a valid cost table with the --set ones. */
function parseSweep(text: string, strategyNames: readonly string[], costOverrides: Readonly<Record<string, unknown>>): NonNullable<PlanInput['sweep']> {
  const [k, spec] = splitAssignment(text, '--sweep');
  const values = sweepValues(spec, `--sweep ${text}`);
  const variants: Variant[] = values.map((raw) => {
    const target = classify(k, raw, strategyNames);
    return { label: `${k}=${raw}`, strategy: target.kind === 'strategy' ? target.strategy : null, target, raw };
  });
  if (variants[0]?.target.kind === 'cost') for (const v of variants) resolveCostTable({ ...costOverrides, [(v.target as { key: string }).key]: (v.target as { value: unknown }).value }, `--sweep ${text}`);
  return { text, key: k, values, variants };
}

/**
 * Runs a compare: parse and plan (every InputError before anything runs or
 * is stored), claim the run id, run the jobs of this shard, then the
 * --cost-range corners and the tinybench measurements, assemble, check
 * against --baseline, store. `onInterruptHook` receives a stop function for
 * signals: the runs stop, the finished ones are stored, `interrupted` says so.
 */
export async function compare(opts: CompareOptions, onInterruptHook?: (stop: () => void) => void): Promise<CompareOutcome> {
  const wall0 = performance.now();
  // A bad baseline is bad input: find out before running anything.
  const baselinePath = opts.baseline !== undefined ? resolveBaselinePath(opts.baseline, opts.resultsDir) : null;
  const baseline = baselinePath !== null ? readResults(baselinePath) : null;
  const builtinStrategies = await loadStrategies();
  const strategyFiles = (opts.strategyFiles ?? []).map((f) => resolve(f));
  const all = [...builtinStrategies, ...(await loadStrategyFiles(strategyFiles, builtinStrategies.map((s) => s.name)))];
  const strategies = selectStrategies(all, opts.strategies);
  const strategyNames = all.map((s) => s.name);
  const sources = scenarioSources(opts);
  const kernels = parseKernels(opts.kernels);
  const sets = parseSets(opts.sets, strategyNames);
  const sweep = opts.sweep !== undefined ? parseSweep(opts.sweep, strategyNames, sets.costOverrides) : null;
  if (opts.costRange !== undefined && opts.sweep !== undefined) {
    throw new InputError({ file: '--cost-range', where: String(opts.costRange), expected: 'no --sweep (the corners are compared at the default point)', found: `--sweep ${opts.sweep}` });
  }
  const plan = planCompare({ strategies, loaded: all, strategyFiles, sources, kernels, sets, sweep, quick: opts.quick, seeds: opts.seeds, limits: runLimits(opts) });
  const shard = parseShard(opts.shard);
  const myJobs = shardJobs(plan.jobs, shard);
  // The gate cannot pass empty: a baseline that shares no cell with this run compares nothing.
  if (baseline && baselinePath !== null) {
    const why = noCommonCells(plannedRun(plan, myJobs), baseline);
    if (why !== null) {
      const rel = relative(process.cwd(), baselinePath);
      throw new InputError({ file: rel.startsWith('..') || isAbsolute(rel) ? baselinePath : rel, where: 'cells', expected: `at least one strategy x scenario x seed in common with this run (${why})`, found: 'none' });
    }
  }
  // From here on a signal stops the runs cleanly (handlers installed before the
  // run directory is claimed and before any worker starts, so no signal finds a
  // half-started run without them).
  let interrupted = false;
  let pool: PoolHandle | null = null;
  onInterruptHook?.(() => {
    interrupted = true;
    pool?.stop();
  });
  // Last check before running: the run's own directory.
  const runId = claimRunId(opts.resultsDir, opts.runId);

  // Run.
  const heapLimitMb = plan.input.limits.runHeapLimitMb;
  const threads = Math.max(1, Math.min(opts.jobs ?? availableParallelism(), myJobs.length));
  const outcomes: JobOutcome[] = [];
  const progress = new Progress(myJobs.length);
  progress.start(threads);
  // Outcomes are kept for the summary; a run's violation messages repeat across
  // runs, so each distinct text is kept once (a sweep of thousands of runs
  // would otherwise hold thousands of copies of the same few messages).
  const texts = new Map<string, string>();
  const intern = (t: string): string => {
    const known = texts.get(t);
    if (known !== undefined) return known;
    texts.set(t, t);
    return t;
  };
  pool = runPool(interrupted ? [] : myJobs, threads, (o) => {
    if (o.row) for (const v of o.row.violations) {
      v.kind = intern(v.kind);
      v.message = intern(v.message);
    }
    // Keep what the summary and the stored file need (not the static properties, read once per strategy below).
    outcomes.push({ index: o.index, ...(o.row ? { row: o.row } : {}), ...(o.timeline ? { timeline: o.timeline } : {}), ...(o.error !== undefined ? { error: o.error } : {}), ...(o.workloadWallMs ? { workloadWallMs: o.workloadWallMs } : {}) });
    progress.update(o.row?.metrics.simEvents ?? 0, o.error !== undefined);
  }, { heapLimitMb });
  await pool.done;
  progress.finish();
  const collected = collectOutcomes(plan, outcomes);

  // --cost-range: the same jobs at each corner of the cost ranges (no
  // timelines), then the rankings against the default table's.
  let costRange: CostRangeReport | undefined;
  if (opts.costRange !== undefined && !interrupted) {
    const corners = costCorners(opts.costRange);
    const n = plan.jobs.length;
    const cornerJobs = corners.flatMap((c, ci) => myJobs.map((j) => ({ ...j, index: (ci + 1) * n + j.index, costOverrides: c.overrides, timelinePoints: 0 })));
    const cornerRows: RunRow[][] = corners.map(() => []);
    const cornerProgress = new Progress(cornerJobs.length);
    cornerProgress.start(threads);
    pool = runPool(cornerJobs, threads, (o) => {
      if (o.row) cornerRows[Math.floor(o.index / n) - 1]!.push(o.row);
      cornerProgress.update(o.row?.metrics.simEvents ?? 0, o.error !== undefined);
    }, { heapLimitMb });
    await pool.done;
    cornerProgress.finish();
    if (!interrupted) costRange = costRangeVerdict(locklessNsMeans(collected.runs), corners.map((c, ci) => ({ name: c.name, means: locklessNsMeans(cornerRows[ci]!) })));
  }

  const measured = opts.measure && !interrupted ? await measureStrategies(strategies, opts.quick ? 25 : 100) : [];
  const results: Results = assembleResults(plan, collected, {
    runId,
    createdAt: new Date().toISOString(),
    command: opts.command,
    environment: captureEnvironment(),
    sets: opts.sets,
    scenarioFiles: opts.scenarioFiles.map((f) => resolve(f)),
    shard,
    measured,
    costRange,
    wallMs: performance.now() - wall0,
  });
  let regression: RegressionReport | undefined;
  if (baseline) {
    regression = compareRuns(results, baseline, opts.regression ?? DEFAULT_REGRESSION_OPTIONS);
    results.comparison = storedComparison(regression);
  }
  const lab = latestLabSummary(opts.resultsDir);
  if (lab) results.lab = lab;
  const stored = storeResults(results, opts.resultsDir);
  appendToIndex(results, opts.resultsDir, stored.json);
  const paths: { json: string; csv: string; baseline?: string } = { json: stored.json, csv: stored.csv };
  if (opts.saveBaseline) paths.baseline = saveBaseline(results, opts.saveBaseline, opts.resultsDir);
  return { results, paths, interrupted, ...(regression ? { regression } : {}) };
}
