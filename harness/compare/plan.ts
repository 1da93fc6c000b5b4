/**
 * Planning of a compare: the parsed command line (strategies loaded and
 * selected, scenario sources, --kernels, --set, --sweep, seeds, limits) ->
 * the scenarios it names, built and checked, and the list of jobs in
 * canonical order (shards split it by index), plus the cells that are not
 * applicable on their kernel.
 *
 * What a caller may rely on: planCompare runs nothing, starts no worker and
 * writes nothing (it reads scenario files and boots a throw-away allocator
 * core per strategy check, as the checks need); the same input gives the
 * same plan. Every fault of the input is an InputError raised here, before
 * anything runs, in a fixed order (scenarios, then strategy parameters on
 * each scenario, then the sweep, then "nothing applicable").
 */
import { InputError } from '../errors.ts';
import { strategyAvailableOn, type StrategyDefinition } from '../core/index.ts';
import type { ProfileName } from '../core/profile.ts';
import type { NotApplicable, Results } from '../results/schema.ts';
import type { PlannedRun } from '../analysis/regression.ts';
import { buildScenario, strategyParams, type JobSpec, type ScenarioSource } from '../sim/job.ts';
import { DEFAULT_INVARIANT_CHECK_EVERY, DEFAULT_VIRTUAL_OP_LIMIT_MS, TIMELINE_POINTS } from '../sim/simulator.ts';
import { checkReservesFit, checkScenarioStrategies, checkStrategyParams } from '../sim/preflight.ts';
import { scenarioMachine } from '../workload/scenario.ts';
import type { Scenario } from '../workload/scenario-schema.ts';

/** --quick: one seed and this share of each scenario's duration. */
export const QUICK_DURATION_SCALE = 0.5;
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

/** What one --set or --sweep value applies to: a cost-table entry, a strategy's parameter or the scenario. */
export type SetTarget =
  | { kind: 'cost'; key: string; value: unknown }
  | { kind: 'strategy'; strategy: string; param: string; value: unknown }
  | { kind: 'scenario'; key: string; raw: string };

/** One sweep point. */
export interface Variant {
  readonly label: string;
  /** Applies to every strategy (scenario or cost key) or to one. */
  readonly strategy: string | null;
  readonly target: SetTarget;
  readonly raw: string;
}

/** --set values, sorted by what they apply to (in the order given). */
export interface PlanSets {
  readonly scenarioSets: readonly [string, string][];
  readonly costOverrides: Readonly<Record<string, unknown>>;
  readonly paramSets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Limits of each run, defaults applied (results.json records them as config.limits). */
export interface RunLimits {
  readonly runWallLimitMs: number;
  readonly runHeapLimitMb: number;
  readonly runVirtualLimitMs: number;
  readonly checkInvariantsEvery: number;
}

/** The parsed command line a plan is made from. */
export interface PlanInput {
  /** The selected strategies, in the order they run. */
  readonly strategies: readonly StrategyDefinition[];
  /** Every strategy loaded (built-in and --strategy-file): a scenario's own sections may name any of them. */
  readonly loaded: readonly StrategyDefinition[];
  /** --strategy-file paths, resolved. */
  readonly strategyFiles: readonly string[];
  readonly sources: readonly ScenarioSource[];
  /** --kernels, resolved; undefined: each scenario on its own kernel. */
  readonly kernels: readonly ProfileName[] | undefined;
  readonly sets: PlanSets;
  /** --sweep as given ("key=spec"), its key, its values and its points; null: no sweep. */
  readonly sweep: { readonly text: string; readonly key: string; readonly values: readonly string[]; readonly variants: readonly Variant[] } | null;
  readonly quick: boolean;
  /** --seeds N: seeds 1..N; undefined: each scenario's own (the first one with --quick). */
  readonly seeds?: number | undefined;
  readonly limits: RunLimits;
}

/** One table of the run: a scenario source on one --kernels kernel (undefined: the scenario's own). */
export interface PlannedTable {
  readonly src: ScenarioSource;
  readonly kernel: ProfileName | undefined;
}

export interface ComparePlan {
  readonly input: PlanInput;
  /** One per table, in order; scenarios[i] is tables[i] built with the --set values. */
  readonly tables: readonly PlannedTable[];
  readonly scenarios: readonly Scenario[];
  /** Every seed any table runs, ascending. */
  readonly seeds: readonly number[];
  /** Every job of the whole matrix (all shards), jobs[i].index === i. */
  readonly jobs: readonly JobSpec[];
  readonly notApplicable: readonly NotApplicable[];
  /** --quick scales every scenario's duration by this. */
  readonly durationScale: number;
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

/** The seeds a scenario runs: --seeds N as 1..N, else its own (the first with --quick). */
function seedsOf(input: PlanInput, s: Scenario): number[] {
  if (input.seeds !== undefined) return Array.from({ length: input.seeds }, (_, i) => i + 1);
  return input.quick ? s.run.seeds.slice(0, 1) : s.run.seeds;
}

/**
 * Builds every scenario (with the --set values and every sweep point) and
 * checks every strategy's parameters on it, then lists the jobs: tables x
 * strategies x sweep points x seeds, in that order. A design runs on the
 * scenario's own kernel or not at all: a cell whose kernel lacks the strategy
 * is recorded as not applicable, never moved to another kernel; when every
 * cell is, that is an InputError.
 */
export function planCompare(input: PlanInput): ComparePlan {
  const { strategies, strategyFiles, sets, limits } = input;
  const { scenarioSets, costOverrides, paramSets } = sets;
  const variants = input.sweep?.variants ?? [];
  const sweepText = input.sweep?.text;
  // The kernel axis: each scenario on each kernel, a table of its own ("burst@6.x").
  const planned: PlannedTable[] = input.sources.flatMap((src) => (input.kernels ?? [undefined]).map((kernel) => ({ src, kernel })));

  // Validate every scenario (with sets) and every strategy's parameters up front.
  const scenarios: Scenario[] = [];
  const scale = input.quick ? QUICK_DURATION_SCALE : 1;
  const sweepOrigin = `--sweep ${sweepText}`;
  for (const { src, kernel } of planned) {
    const s = buildScenario(src, scenarioSets, scale, kernel);
    scenarios.push(s);
    // The scenario's own strategy sections: a fault there is the file's, whatever --set says.
    checkScenarioStrategies(scenarioSets.length > 0 ? buildScenario(src, [], scale, kernel) : s, input.loaded);
    const sweptScenarios: Scenario[] = [];
    for (const v of variants) {
      if (v.target.kind !== 'scenario') continue;
      const point: [string, string] = [v.target.key, v.raw];
      sweptScenarios.push(checkSweepPoint(() => buildScenario(src, [...scenarioSets, point], scale, kernel), sweepText ?? ''));
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
    throw new InputError({ file: '--sweep', where: sweepText ?? '', expected: `a parameter of a selected strategy (${strategies.map((s) => s.name).join(', ')})`, found: `a parameter of ${variants[0]!.strategy}` });
  }

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
        for (const seed of seedsOf(input, scen)) {
          const jobSets: readonly [string, string][] = v && v.target.kind === 'scenario' ? [...scenarioSets, [v.target.key, v.raw]] : scenarioSets;
          const params = { ...(paramSets[st.name] ?? {}), ...(v && v.target.kind === 'strategy' ? { [v.target.param]: v.target.value } : {}) };
          const costOv = v && v.target.kind === 'cost' ? { ...costOverrides, [v.target.key]: v.target.value } : costOverrides;
          const label = v?.label ?? '';
          const tlKey = `${st.name}|${scen.name}|${label}`;
          const wantTimeline = withTimeline.has(vi) && !timelineFor.has(tlKey);
          timelineFor.add(tlKey);
          jobs.push({ index: jobs.length, strategy: st.name, strategyFiles, scenario: src, ...(axisKernel !== undefined ? { kernel: axisKernel } : {}), seed, variant: label, scenarioSets: jobSets, strategyParams: params, costOverrides: costOv, durationScale: scale, timelinePoints: wantTimeline ? TIMELINE_POINTS : 0, wallLimitMs: limits.runWallLimitMs, virtualOpLimitMs: limits.runVirtualLimitMs, invariantCheckEvery: limits.checkInvariantsEvery });
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
  const seeds = [...new Set(scenarios.flatMap((s) => seedsOf(input, s)))].sort((a, b) => a - b);
  return { input, tables: planned, scenarios, seeds, jobs, notApplicable, durationScale: scale };
}

/** The limits of each run: the given ones, defaults for those not given. */
export function runLimits(given: { runWallLimitMs: number; runHeapLimitMb?: number | undefined; runVirtualLimitMs?: number | undefined; checkInvariantsEvery?: number | undefined }): RunLimits {
  return { runWallLimitMs: given.runWallLimitMs, runHeapLimitMb: given.runHeapLimitMb ?? DEFAULT_RUN_HEAP_LIMIT_MB, runVirtualLimitMs: given.runVirtualLimitMs ?? DEFAULT_VIRTUAL_OP_LIMIT_MS, checkInvariantsEvery: given.checkInvariantsEvery ?? DEFAULT_INVARIANT_CHECK_EVERY };
}

/** The jobs of shard `index` of `count` (1-based): every count-th job of the plan; all of them without a shard. */
export function shardJobs(jobs: readonly JobSpec[], shard: { readonly index: number; readonly count: number } | null): JobSpec[] {
  return shard ? jobs.filter((j) => j.index % shard.count === shard.index - 1) : [...jobs];
}

/** A scenario as results.json describes it (and the regression check compares it). */
export function describeScenario(s: Scenario): Results['scenarios'][number] {
  const m = scenarioMachine(s);
  return { name: s.name, description: s.description, kernel: { ...s.kernel }, machine: { cpus: m.cpus, memoryMiB: s.machine.memoryMiB, zones: m.zones.map((z) => ({ kind: z.kind, managedPages: z.managedPages })) }, durationMs: s.run.durationMs, warmupMs: s.run.warmup.ms };
}

/** The name of a job's scenario (as its runs will carry it). */
export function scenarioNameOf(plan: ComparePlan, job: JobSpec): string {
  const i = plan.tables.findIndex((p) => p.src === job.scenario && p.kernel === job.kernel);
  return plan.scenarios[i]?.name ?? (job.scenario.kind === 'builtin' ? job.scenario.name : job.scenario.path);
}

/** `jobs` of the plan as the regression check's PlannedRun (what a baseline must share with the run). */
export function plannedRun(plan: ComparePlan, jobs: readonly JobSpec[]): PlannedRun {
  return { quick: plan.input.quick, cells: jobs.map((j) => ({ strategy: j.strategy, scenario: scenarioNameOf(plan, j), variant: j.variant, seed: j.seed })), scenarios: plan.scenarios.map(describeScenario) };
}
