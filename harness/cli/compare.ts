/**
 * `nolock-bench compare`: plan the matrix (strategies x scenarios x seeds x
 * sweep points), run it on worker threads with progress, summarize, store
 * results (JSON + CSV) and write the reports. Bad input is found while
 * planning, before anything runs.
 */
import { BnodeCache } from '../core/bnode-cache.ts';
import { availableParallelism } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { describeCostTable, resolveCostTable } from '../core/cost-table.ts';
import { createCore, oldestProfileFor, strategyAvailableOn, type StaticProperties, type StrategyDefinition } from '../core/index.ts';
import { InputError, describeFound } from '../errors.ts';
import { summarize } from '../analysis/summarize.ts';
import { costCorners, costRangeVerdict, locklessNsMeans, type CostRangeReport } from '../analysis/cost-range.ts';
import { computeVerdict } from '../analysis/verdict.ts';
import { measureStrategies } from '../bench/measured.ts';
import { captureEnvironment } from '../results/environment.ts';
import { RESULTS_SCHEMA_ID, RESULTS_SCHEMA_VERSION, eventsPerSecPerCore, readResults, type FailedRun, type NotApplicable, type Results, type RunRow, type TimelineRow } from '../results/schema.ts';
import { PROFILE_INPUT_NAMES, resolveProfileName, type ProfileName } from '../core/profile.ts';
import { claimRunId, storeResults } from '../results/store.ts';
import { resolveBaselinePath, saveBaseline } from '../results/baseline.ts';
import { appendToIndex } from '../results/history-index.ts';
import { latestLabSummary } from '../lab/latest-summary.ts';
import { compareRuns, DEFAULT_REGRESSION_OPTIONS, noCommonCells, type RegressionOptions, type RegressionReport } from '../analysis/regression.ts';
import { buildScenario, strategyParams, type JobOutcome, type JobSpec, type ScenarioSource } from '../sim/job.ts';
import { runPool, type PoolHandle } from '../sim/pool.ts';
import { DEFAULT_INVARIANT_CHECK_EVERY, DEFAULT_VIRTUAL_OP_LIMIT_MS, TIMELINE_POINTS } from '../sim/simulator.ts';
import { loadStrategies, loadStrategyFiles, selectStrategies } from '../sim/strategy-registry.ts';
import { BUILTIN_SCENARIOS } from '../workload/builtin.ts';
import { checkReservesFit, checkScenarioStrategies, checkStrategyParams } from '../sim/preflight.ts';
import { scenarioMachine } from '../workload/scenario.ts';
import type { Scenario } from '../workload/scenario-schema.ts';
import { closestName } from '../util/closest-name.ts';
import { Progress } from './progress.ts';
import { parseShard } from './shard.ts';
import { classify, splitAssignment, sweepValues, type SetTarget } from './set-values.ts';

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

/** --quick: one seed and this share of each scenario's duration. */
const QUICK_DURATION_SCALE = 0.5;
/** Heap of one worker thread: a 256-CPU, 64 GiB run needs well under 100 MiB of it (test/scale.test.ts). */
export const DEFAULT_RUN_HEAP_LIMIT_MB = 2048;
/**
 * Timelines of at most this many sweep points per strategy x scenario (the
 * first, the last and evenly spaced ones between): a 1,000-point sweep needs
 * its summary per point, not 1,000 timeline charts, and the timelines are most
 * of a run's memory and of results.json.
 */
export const MAX_TIMELINE_VARIANTS = 8;

/** Which of n sweep points get a timeline (see MAX_TIMELINE_VARIANTS). */
export function timelineVariants(n: number): Set<number> {
  if (n <= MAX_TIMELINE_VARIANTS) return new Set(Array.from({ length: n }, (_, i) => i));
  return new Set(Array.from({ length: MAX_TIMELINE_VARIANTS }, (_, i) => Math.round((i * (n - 1)) / (MAX_TIMELINE_VARIANTS - 1))));
}

interface Variant {
  readonly label: string;
  /** Applies to every strategy (scenario or cost key) or to one. */
  readonly strategy: string | null;
  readonly target: SetTarget;
  readonly raw: string;
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


/**
 * A strategy's parameters on a scenario (the scenario's section, then
 * `overrides`): they fit the strategy's schema, and the pages it reserves fit
 * the machine (a pool larger than memory would stop filling, and the run
 * would not measure what the parameters say). Errors name `origin`, `where`.
 */
function checkStrategyOn(strategy: StrategyDefinition, scenario: Scenario, overrides: Readonly<Record<string, unknown>>, origin: string, where: string): void {
  const params = checkStrategyParams(strategy, strategyParams(strategy, scenario, overrides), origin, where);
  try {
    checkReservesFit(strategy, params, scenario, origin, where);
  } catch (e) {
    // A setup that throws is a strategy's bug, not bad input: its runs fail alone and say why.
    if (e instanceof InputError) throw e;
  }
}

/**
 * A scenario sweep point, built: the --set values alone have built already,
 * so an InputError here is the sweep's, named as such (buildScenario names
 * every assignment it applies "--set key=value").
 */
function checkSweepPoint<T>(build: () => T, sweep: string): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError({ file: `--sweep ${sweep}`, where: e.where, expected: e.expected, found: e.found });
  }
}

/** Static properties as registered under the thread's config (5.9 + CONFIG_LOCKDEP), or the oldest kernel the strategy exists on. */
export function staticPropertiesOf(strategy: StrategyDefinition, params: Record<string, unknown>): StaticProperties {
  const core = createCore({
    profile: oldestProfileFor(strategy),
    costs: resolveCostTable({}),
    lockdep: true,
    preemptRt: false,
    debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
    machine: { cpus: 1, minFreeKbytes: 1024, watermarkScaleFactor: 10, lowmemReserveRatio: [32], zones: [{ kind: 'Normal', managedPages: 8192 }] },
  });
  const ext = core.extensionsFor(strategy.name);
  strategy.setup({ core, ext, bnodeCache: new BnodeCache(core, ext) }, strategy.params.parse(params) as Record<string, unknown>);
  return ext.describe();
}

/** A scenario as results.json describes it (and the regression check compares it). */
function describeScenario(s: Scenario): Results['scenarios'][number] {
  const m = scenarioMachine(s);
  return { name: s.name, description: s.description, kernel: { ...s.kernel }, machine: { cpus: m.cpus, memoryMiB: s.machine.memoryMiB, zones: m.zones.map((z) => ({ kind: z.kind, managedPages: z.managedPages })) }, durationMs: s.run.durationMs, warmupMs: s.run.warmup.ms };
}

/** The name of a job's scenario (as its runs will carry it). */
function scenarioNameOf(job: JobSpec, sources: readonly ScenarioSource[], scenarios: readonly Scenario[]): string {
  const i = sources.indexOf(job.scenario);
  return scenarios[i]?.name ?? (job.scenario.kind === 'builtin' ? job.scenario.name : job.scenario.path);
}

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

  // Scenarios: built-ins by name, plus files.
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
  // The kernel axis: each scenario on each kernel, a table of its own ("burst@6.x").
  const kernels = parseKernels(opts.kernels);
  const planned = sources.flatMap((src) => (kernels ?? [undefined]).map((kernel) => ({ src, kernel })));

  // --set values.
  const scenarioSets: [string, string][] = [];
  const costOverrides: Record<string, unknown> = {};
  const paramSets: Record<string, Record<string, unknown>> = {};
  for (const text of opts.sets) {
    const [k, v] = splitAssignment(text, '--set');
    const t = classify(k, v, strategyNames);
    if (t.kind === 'cost') costOverrides[t.key] = t.value;
    else if (t.kind === 'strategy') (paramSets[t.strategy] ??= {})[t.param] = t.value;
    else scenarioSets.push([t.key, t.raw]);
  }
  const costs = resolveCostTable(costOverrides, '--set cost');

  // --sweep.
  let variants: Variant[] = [];
  let sweep: { key: string; values: string[] } | null = null;
  if (opts.sweep !== undefined) {
    const [k, spec] = splitAssignment(opts.sweep, '--sweep');
    const values = sweepValues(spec, `--sweep ${opts.sweep}`);
    sweep = { key: k, values };
    variants = values.map((raw) => {
      const target = classify(k, raw, strategyNames);
      return { label: `${k}=${raw}`, strategy: target.kind === 'strategy' ? target.strategy : null, target, raw };
    });
    if (variants[0]?.target.kind === 'cost') for (const v of variants) resolveCostTable({ ...costOverrides, [(v.target as { key: string }).key]: (v.target as { value: unknown }).value }, `--sweep ${opts.sweep}`);
  }

  if (opts.costRange !== undefined && opts.sweep !== undefined) {
    throw new InputError({ file: '--cost-range', where: String(opts.costRange), expected: 'no --sweep (the corners are compared at the default point)', found: `--sweep ${opts.sweep}` });
  }

  // Validate every scenario (with sets) and every strategy's parameters up front.
  const scenarios: Scenario[] = [];
  const scale = opts.quick ? QUICK_DURATION_SCALE : 1;
  const sweepOrigin = `--sweep ${opts.sweep}`;
  for (const { src, kernel } of planned) {
    const s = buildScenario(src, scenarioSets, scale, kernel);
    scenarios.push(s);
    // The scenario's own strategy sections: a fault there is the file's, whatever --set says.
    checkScenarioStrategies(scenarioSets.length > 0 ? buildScenario(src, [], scale, kernel) : s, all);
    const sweptScenarios: Scenario[] = [];
    for (const v of variants) {
      if (v.target.kind !== 'scenario') continue;
      const point: [string, string] = [v.target.key, v.raw];
      sweptScenarios.push(checkSweepPoint(() => buildScenario(src, [...scenarioSets, point], scale, kernel), opts.sweep ?? ''));
    }
    for (const st of strategies) {
      const set = paramSets[st.name] ?? {};
      const bySet = scenarioSets.length > 0 || Object.keys(set).length > 0;
      checkStrategyOn(st, s, set, bySet ? '--set' : s.file, bySet ? st.name : `strategies.${st.name}`);
      for (const v of variants) {
        if (v.target.kind === 'strategy' && v.strategy === st.name) checkStrategyOn(st, s, { ...set, [v.target.param]: v.target.value }, sweepOrigin, st.name);
      }
      for (const swept of sweptScenarios) checkStrategyOn(st, swept, set, sweepOrigin, st.name);
    }
  }
  if (variants.some((v) => v.strategy !== null) && !strategies.some((s) => s.name === variants[0]!.strategy)) {
    throw new InputError({ file: '--sweep', where: opts.sweep ?? '', expected: `a parameter of a selected strategy (${strategies.map((s) => s.name).join(', ')})`, found: `a parameter of ${variants[0]!.strategy}` });
  }
  const seedsFor = (s: Scenario): number[] => {
    if (opts.seeds !== undefined) return Array.from({ length: opts.seeds }, (_, i) => i + 1);
    return opts.quick ? s.run.seeds.slice(0, 1) : s.run.seeds;
  };

  // Plan the jobs in a canonical order (shards split it by index). A design
  // runs on the scenario's own kernel or not at all: a cell whose kernel lacks
  // the strategy is recorded as not applicable, never moved to another kernel.
  const jobs: JobSpec[] = [];
  const notApplicable: NotApplicable[] = [];
  const timelineFor = new Set<string>();
  const kernelOf = new Map<string, ProfileName>();
  const profileAt = (si: number, v: Variant | null): ProfileName => {
    if (!v || v.target.kind !== 'scenario') return scenarios[si]!.kernel.profile;
    const key = `${si}|${v.label}`;
    let p = kernelOf.get(key);
    if (p === undefined) {
      p = buildScenario(planned[si]!.src, [...scenarioSets, [v.target.key, v.raw]], scale, planned[si]!.kernel).kernel.profile;
      kernelOf.set(key, p);
    }
    return p;
  };
  for (let si = 0; si < planned.length; si++) {
    const scen = scenarios[si]!;
    // The --kernels kernel of this table (undefined: the scenario's own).
    const { src, kernel: axisKernel } = planned[si]!;
    for (const st of strategies) {
      const vs: (Variant | null)[] = variants.length === 0 ? [null] : variants.filter((v) => v.strategy === null || v.strategy === st.name);
      if (vs.length === 0) vs.push(null);
      const withTimeline = timelineVariants(vs.length);
      for (const [vi, v] of vs.entries()) {
        const kernel = profileAt(si, v);
        const avail = strategyAvailableOn(st, kernel);
        if (!avail.ok) {
          notApplicable.push({ strategy: st.name, scenario: scen.name, variant: v?.label ?? '', kernel, reason: avail.reason });
          continue;
        }
        for (const seed of seedsFor(scen)) {
          const sets: [string, string][] = v && v.target.kind === 'scenario' ? [...scenarioSets, [v.target.key, v.raw]] : scenarioSets;
          const params = { ...(paramSets[st.name] ?? {}), ...(v && v.target.kind === 'strategy' ? { [v.target.param]: v.target.value } : {}) };
          const costOv = v && v.target.kind === 'cost' ? { ...costOverrides, [v.target.key]: v.target.value } : costOverrides;
          const label = v?.label ?? '';
          const tlKey = `${st.name}|${scen.name}|${label}`;
          const wantTimeline = withTimeline.has(vi) && !timelineFor.has(tlKey);
          timelineFor.add(tlKey);
          jobs.push({ index: jobs.length, strategy: st.name, strategyFiles, scenario: src, ...(axisKernel !== undefined ? { kernel: axisKernel } : {}), seed, variant: label, scenarioSets: sets, strategyParams: params, costOverrides: costOv, durationScale: scale, timelinePoints: wantTimeline ? TIMELINE_POINTS : 0, wallLimitMs: opts.runWallLimitMs, virtualOpLimitMs: opts.runVirtualLimitMs ?? DEFAULT_VIRTUAL_OP_LIMIT_MS, invariantCheckEvery: opts.checkInvariantsEvery ?? DEFAULT_INVARIANT_CHECK_EVERY });
        }
      }
    }
  }
  if (jobs.length === 0 && notApplicable.length > 0) {
    const first = notApplicable[0]!;
    throw new InputError({
      file: '--strategies',
      where: `${first.strategy} x ${first.scenario}`,
      expected: 'a strategy that exists on the scenario\'s kernel (every selected cell is not applicable)',
      found: `kernel ${first.kernel}: ${first.reason}${notApplicable.length > 1 ? ` (and ${notApplicable.length - 1} more cells)` : ''}`,
    });
  }
  const shard = parseShard(opts.shard);
  const myJobs = shard ? jobs.filter((j) => j.index % shard.count === shard.index - 1) : jobs;
  // The gate cannot pass empty: a baseline that shares no cell with this run compares nothing.
  if (baseline && baselinePath !== null) {
    const why = noCommonCells({ quick: opts.quick, cells: myJobs.map((j) => ({ strategy: j.strategy, scenario: scenarioNameOf(j, sources, scenarios), variant: j.variant, seed: j.seed })), scenarios: scenarios.map(describeScenario) }, baseline);
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
  }, { heapLimitMb: opts.runHeapLimitMb ?? DEFAULT_RUN_HEAP_LIMIT_MB });
  await pool.done;
  progress.finish();

  // Collect in job order.
  outcomes.sort((a, b) => a.index - b.index);
  const runs: RunRow[] = [];
  const failedRuns: FailedRun[] = [];
  const timelines: TimelineRow[] = [];
  for (const o of outcomes) {
    const job = jobs[o.index]!;
    if (o.row) runs.push(o.row);
    else failedRuns.push({ strategy: job.strategy, scenario: scenarios[planned.findIndex((p) => p.src === job.scenario && p.kernel === job.kernel)]?.name ?? (job.scenario.kind === 'builtin' ? job.scenario.name : job.scenario.path), variant: job.variant, seed: job.seed, error: o.error ?? 'unknown error' });
    if (o.row && o.timeline) timelines.push({ strategy: o.row.strategy, scenario: o.row.scenario, variant: o.row.variant, seed: o.row.seed, ...o.timeline });
  }

  // --cost-range: the same jobs at each corner of the cost ranges (no
  // timelines), then the rankings against the default table's.
  let costRange: CostRangeReport | undefined;
  if (opts.costRange !== undefined && !interrupted) {
    const corners = costCorners(opts.costRange);
    const n = jobs.length;
    const cornerJobs = corners.flatMap((c, ci) => myJobs.map((j) => ({ ...j, index: (ci + 1) * n + j.index, costOverrides: c.overrides, timelinePoints: 0 })));
    const cornerRows: RunRow[][] = corners.map(() => []);
    const cornerProgress = new Progress(cornerJobs.length);
    cornerProgress.start(threads);
    pool = runPool(cornerJobs, threads, (o) => {
      if (o.row) cornerRows[Math.floor(o.index / n) - 1]!.push(o.row);
      cornerProgress.update(o.row?.metrics.simEvents ?? 0, o.error !== undefined);
    }, { heapLimitMb: opts.runHeapLimitMb ?? DEFAULT_RUN_HEAP_LIMIT_MB });
    await pool.done;
    cornerProgress.finish();
    if (!interrupted) costRange = costRangeVerdict(locklessNsMeans(runs), corners.map((c, ci) => ({ name: c.name, means: locklessNsMeans(cornerRows[ci]!) })));
  }

  const measured = opts.measure && !interrupted ? await measureStrategies(strategies, opts.quick ? 25 : 100) : [];
  let simEvents = 0;
  let simWallMs = 0;
  let workloadWallMs = 0;
  for (const r of runs) {
    simEvents += r.metrics.simEvents;
    simWallMs += r.metrics.simWallMs;
  }
  for (const o of outcomes) workloadWallMs += o.workloadWallMs ?? 0;
  const results: Results = {
    schema: RESULTS_SCHEMA_ID,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    createdAt: new Date().toISOString(),
    command: opts.command,
    environment: captureEnvironment(),
    config: {
      strategies: strategies.map((s) => s.name),
      scenarios: scenarios.map((s) => s.name),
      ...(kernels !== undefined ? { kernels } : {}),
      seeds: [...new Set(scenarios.flatMap(seedsFor))].sort((a, b) => a - b),
      quick: opts.quick,
      sets: [...opts.sets],
      sweep,
      scenarioFiles: opts.scenarioFiles.map((f) => resolve(f)),
      strategyFiles,
      limits: { runWallLimitMs: opts.runWallLimitMs, runHeapLimitMb: opts.runHeapLimitMb ?? DEFAULT_RUN_HEAP_LIMIT_MB, runVirtualLimitMs: opts.runVirtualLimitMs ?? DEFAULT_VIRTUAL_OP_LIMIT_MS, checkInvariantsEvery: opts.checkInvariantsEvery ?? DEFAULT_INVARIANT_CHECK_EVERY },
      shard,
      costOverrides: Object.fromEntries(Object.keys(costOverrides).map((k) => [k.replace(/^cost\./, ''), costs[k.replace(/^cost\./, '') as keyof typeof costs]])),
    },
    strategies: strategies.map((s) => {
      const params = s.params.parse(paramSets[s.name] ?? {}) as Record<string, unknown>;
      return { name: s.name, title: s.title, origin: s.origin, description: s.description, later: s.later ?? false, params, staticProperties: staticPropertiesOf(s, params) };
    }),
    scenarios: scenarios.map(describeScenario),
    costTable: describeCostTable(costs).map((r) => ({ key: r.key, ns: r.ns, defaultNs: r.defaultNs, kind: r.kind, source: r.source, overridden: r.overridden })),
    runs,
    failedRuns,
    ...(notApplicable.length > 0 ? { notApplicable } : {}),
    summary: summarize(runs),
    timelines,
    measured,
    ...(costRange ? { costRange } : {}),
    totals: { runs: runs.length, failedRuns: failedRuns.length, simEvents, simWallMs, workloadWallMs, wallMs: performance.now() - wall0, eventsPerSecPerCore: eventsPerSecPerCore(simEvents, simWallMs + workloadWallMs) },
  };
  results.verdict = computeVerdict(results);
  let regression: RegressionReport | undefined;
  if (baseline) {
    regression = compareRuns(results, baseline, opts.regression ?? DEFAULT_REGRESSION_OPTIONS);
    const failing = new Set(regression.failing);
    const moved = regression.cells.filter((c) => c.verdict !== 'no change');
    results.comparison = {
      baselineRunId: regression.baselineRunId,
      baselineCommit: regression.baselineCommit,
      noiseFloorPct: regression.options.noiseFloorPct,
      failOnTiming: regression.options.failOnTiming,
      comparedCells: regression.comparedCells,
      unchangedCells: regression.comparedCells - moved.length,
      cells: moved.map((c) => ({ ...c, kind: c.kind, failing: failing.has(c) })),
      differences: regression.differences,
    };
  }
  const lab = latestLabSummary(opts.resultsDir);
  if (lab) results.lab = lab;
  const stored = storeResults(results, opts.resultsDir);
  appendToIndex(results, opts.resultsDir, stored.json);
  const paths: { json: string; csv: string; baseline?: string } = { json: stored.json, csv: stored.csv };
  if (opts.saveBaseline) paths.baseline = saveBaseline(results, opts.saveBaseline, opts.resultsDir);
  return { results, paths, interrupted, ...(regression ? { regression } : {}) };
}
