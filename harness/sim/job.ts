/**
 * A job: one strategy x scenario x seed x variant, described by plain data so
 * it can cross to a worker thread, and run there (or inline) the same way.
 * The scenario is re-loaded from its source (built-in name or file) and the
 * same --set/--sweep values re-applied, so every worker builds an identical
 * scenario.
 */
import { resolveCostTable } from '../core/cost-table.ts';
import type { StrategyDefinition } from '../core/strategy-api.ts';
import type { RunRow } from '../results/schema.ts';
import { loadBuiltinScenario } from '../workload/builtin.ts';
import { loadScenario, scenarioMachine } from '../workload/scenario.ts';
import type { Scenario } from '../workload/scenario-schema.ts';
import { applySet } from '../workload/scenario-set.ts';
import { loadStrategies, loadStrategyFiles } from './strategy-registry.ts';
import { RunFailure, runOne, type Timeline } from './simulator.ts';
import { StreamCache } from './stream-cache.ts';
import type { StaticProperties } from '../core/extension.ts';

export type ScenarioSource = { kind: 'builtin'; name: string } | { kind: 'file'; path: string };

export interface JobSpec {
  readonly index: number;
  readonly strategy: string;
  /** Extra strategy files (--strategy-file) the strategy may come from. */
  readonly strategyFiles: readonly string[];
  readonly scenario: ScenarioSource;
  readonly seed: number;
  readonly variant: string;
  /** --set / sweep values for the scenario, applied in order. */
  readonly scenarioSets: readonly (readonly [string, string])[];
  /** --set / sweep values for this strategy's parameters. */
  readonly strategyParams: Readonly<Record<string, unknown>>;
  readonly costOverrides: Readonly<Record<string, unknown>>;
  /** Scale the scenario's duration (--quick). */
  readonly durationScale: number;
  /** The kernel profile to run the scenario on (--kernels; the scenario is then named "<name>@<kernel>"); absent: the scenario's own. */
  readonly kernel?: string;
  readonly timelinePoints: number;
  readonly wallLimitMs: number;
  /** Virtual-time limit of one operation (ms of modelled time; 0: none). */
  readonly virtualOpLimitMs: number;
  /** Check the core's invariants every N events and at the end (0: never). */
  readonly invariantCheckEvery: number;
}

export interface JobOutcome {
  readonly index: number;
  readonly row?: RunRow;
  readonly timeline?: Timeline;
  readonly staticProperties?: StaticProperties;
  readonly error?: string;
  /** Wall-clock ms this job spent generating its workload stream for the thread's cache (0: it was kept). */
  readonly workloadWallMs?: number;
}

/**
 * What shapes a job's event stream: the scenario's source, the values set on
 * it, the --quick scale and the seed (not the strategy, its parameters or the
 * cost table). Jobs with equal keys replay one stream (stream-cache.ts); the
 * pool hands them to the worker that holds it.
 */
export function jobStreamKey(job: JobSpec): string {
  // The kernel shapes the stream too: the generator sizes watermarks by profile.
  return JSON.stringify([job.scenario, job.scenarioSets, job.durationScale, job.seed, job.kernel ?? null]);
}

/**
 * The scenario a job's stream comes from (its source, whatever the values set
 * on it, the seed or --quick): the pool keeps a worker thread to the
 * scenarios it has run (job-queue.ts).
 */
export function jobScenarioKey(job: JobSpec): string {
  return JSON.stringify(job.scenario);
}

/**
 * Loads a scenario from its source and applies the sets (InputError on bad
 * input). With `kernel` (--kernels) the scenario runs on that kernel profile
 * and is named "<name>@<kernel>": every table and verdict keyed by it
 * compares strategies on that one kernel.
 */
export function buildScenario(src: ScenarioSource, sets: readonly (readonly [string, string])[], durationScale: number, kernel?: string): Scenario {
  let s = src.kind === 'builtin' ? loadBuiltinScenario(src.name) : loadScenario(src.path);
  for (const [k, v] of sets) s = applySet(s, k, v, `--set ${k}=${v}`);
  if (durationScale !== 1) s = applySet(s, 'run.durationMs', String(Math.max(1, Math.round(s.run.durationMs * durationScale))), '--quick');
  if (kernel !== undefined) s = { ...applySet(s, 'kernel.profile', JSON.stringify(kernel), `--kernels ${kernel}`), name: `${s.name}@${kernel}` };
  return s;
}

/** The parameters a strategy runs with: its defaults, then the scenario's, then --set/--sweep. */
export function strategyParams(strategy: StrategyDefinition, scenario: Scenario, overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const fromScenario = (scenario.strategies[strategy.name] ?? {}) as Record<string, unknown>;
  return { ...fromScenario, ...overrides };
}

/**
 * The event streams this thread (a pool worker, or the main thread for inline
 * runs) keeps between jobs: the strategies of a matrix replay one stream per
 * (scenario, seed) instead of each generating it.
 */
const streams = new StreamCache();

/** Runs one job; `progress` (shared with the pool) receives the run's virtual time as it goes. */
export async function runJob(job: JobSpec, progress?: Float64Array): Promise<JobOutcome> {
  const builtin = await loadStrategies();
  const strategies = [...builtin, ...(job.strategyFiles.length > 0 ? await loadStrategyFiles(job.strategyFiles) : [])];
  const strategy = strategies.find((s) => s.name === job.strategy);
  if (!strategy) return { index: job.index, error: `unknown strategy ${job.strategy}` };
  try {
    const scenario = buildScenario(job.scenario, job.scenarioSets, job.durationScale, job.kernel);
    const params = strategyParams(strategy, scenario, job.strategyParams);
    // Generated (and timed) apart from the run, so simWallMs is the simulation's alone.
    const { stream, generatedMs } = streams.get(scenario, job.seed, scenarioMachine(scenario));
    const result = runOne({
      scenario,
      strategy,
      params,
      seed: job.seed,
      costs: resolveCostTable(job.costOverrides),
      timelinePoints: job.timelinePoints,
      wallLimitMs: job.wallLimitMs,
      virtualOpLimitMs: job.virtualOpLimitMs,
      checkInvariantsEvery: job.invariantCheckEvery,
      stream,
      ...(progress ? { progress } : {}),
    });
    const row: RunRow = {
      strategy: strategy.name,
      scenario: scenario.name,
      variant: job.variant,
      seed: job.seed,
      profile: result.profile,
      params: result.params,
      workloadHash: result.workloadHash,
      metrics: result.metrics,
      ...(result.warmup ? { warmup: result.warmup } : {}),
      violations: result.violations.map((v) => ({ kind: v.kind, message: v.message, count: v.count })),
    };
    return { index: job.index, row, staticProperties: result.staticProperties, workloadWallMs: generatedMs, ...(result.timeline ? { timeline: result.timeline } : {}) };
  } catch (e) {
    const msg = e instanceof RunFailure ? e.message : `${strategy.name} x ${job.scenario.kind === 'builtin' ? job.scenario.name : job.scenario.path} seed ${job.seed}: ${(e as Error).stack ?? String(e)}`;
    return { index: job.index, error: msg };
  }
}
