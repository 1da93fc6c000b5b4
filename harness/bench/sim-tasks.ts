/**
 * End-to-end simulator speed for `npm run bench`: one whole run of a built-in
 * scenario (workload generation, workload hash, event loop, allocator core,
 * strategy, kvfree_rcu consumer and metrics), reported in simulated events per
 * second on one core. The target is 10 million per second per core.
 *
 * A `-replay` task is the same run fed from its event stream recorded
 * beforehand (harness/workload/recorded-stream.ts): the model's own work
 * (event loop, allocator core, strategy, kvfree_rcu consumer and metrics)
 * without the workload generator and its hash, as a compare's workers
 * run every strategy but the first of a stream (harness/sim/stream-cache.ts).
 *
 * `sim-matrix` is a compare's own work on one core with the JIT warm: every
 * built-in scenario x every strategy, the figure the target of 10 M
 * events/s per core is about, without a compare's warm-up, second worker and
 * results (see simMatrix).
 */
import { strategyAvailableOn, type StrategyDefinition } from '../core/strategy-api.ts';
import { buildScenario, strategyParams } from '../sim/job.ts';
import { DEFAULT_INVARIANT_CHECK_EVERY, DEFAULT_VIRTUAL_OP_LIMIT_MS, TIMELINE_POINTS, runOne } from '../sim/simulator.ts';
import { BUILTIN_SCENARIOS, loadBuiltinScenario } from '../workload/builtin.ts';
import { createWorkload } from '../workload/generator.ts';
import { recordStream, type RecordedStream } from '../workload/recorded-stream.ts';
import { scenarioMachine } from '../workload/scenario.ts';
import type { Scenario } from '../workload/scenario-schema.ts';
import statusQuo from '../../strategies/status-quo.ts';
import type { BenchTask } from './tasks.ts';

/** The whole event stream of (scenario, seed), generated and recorded. */
function recorded(scenario: Scenario, seed: number): RecordedStream {
  return recordStream(createWorkload(scenario, seed, scenarioMachine(scenario)))!;
}

function simRun(scenarioName: string, replay: boolean): BenchTask {
  const scenario = loadBuiltinScenario(scenarioName);
  // Recorded once, untimed, when the task is prepared.
  let stream: RecordedStream | null = null;
  let events = 0;
  const once = (): number => runOne({ scenario, strategy: statusQuo, params: {}, seed: 1, ...(stream ? { stream } : {}) }).metrics.simEvents;
  return {
    name: `sim-${scenarioName}${replay ? '-replay' : ''}`,
    description: `one ${scenarioName} run of status-quo, seed 1, end to end${replay ? ', its event stream recorded beforehand and replayed (no generation)' : ''} (one operation = one simulated event)`,
    unit: 'event',
    // The event count of the run, known after a first run (deterministic for the seed).
    get opsPerIteration(): number {
      if (events === 0) events = once();
      return events;
    },
    options: { iterations: 8, time: 0 },
    // The target is end to end: generation included, so not a replay's.
    ...(replay ? {} : { target: { minOpsPerSec: 10_000_000 } }),
    prepare() {
      if (replay && !stream) stream = recorded(scenario, 1);
      if (events === 0) events = once();
      return { run: () => void once() };
    },
  };
}

export interface SimMatrixOptions {
  /** Streams recorded beforehand (untimed): the model's work without generation. */
  readonly replay: boolean;
  readonly strategies: readonly StrategyDefinition[];
  /** Built-in scenario names (default: all, in the default matrix's order). */
  readonly scenarios?: readonly string[];
  /** Scale of each scenario's duration, as --quick's 0.5 (default 1). */
  readonly durationScale?: number;
  /** Task name (default sim-matrix / sim-matrix-replay). */
  readonly name?: string;
}

/**
 * One iteration is what a compare's worker does for seed 1 of the default
 * matrix: per built-in scenario, generate and record its stream once (the
 * stream cache's miss), then run every strategy on it, with the compare's
 * parameters, limits, invariant checks and timelines. One operation is one
 * simulated event, so events/s is comparable with the `eventsPerSecPerCore`
 * of a compare's totals. A first iteration, untimed, warms the JIT on every
 * scenario and strategy: the figure is the model's best case on this core,
 * not a compare's (which warms up in every worker and shares the cores with
 * a second worker, the main thread and the compiler threads).
 */
export function simMatrix(opts: SimMatrixOptions): BenchTask {
  const names = opts.scenarios ?? BUILTIN_SCENARIOS;
  const scale = opts.durationScale ?? 1;
  const seed = 1;
  // Built on first use, so that listing or filtering the bench tasks loads no scenario.
  let built: Scenario[] | null = null;
  const scenarios = (): Scenario[] => (built ??= names.map((name) => buildScenario({ kind: 'builtin', name }, [], scale)));
  const streams = new Map<string, RecordedStream>();
  let events = 0;
  const once = (): number => {
    let n = 0;
    for (const scenario of scenarios()) {
      const stream = streams.get(scenario.name) ?? recorded(scenario, seed);
      for (const strategy of opts.strategies) {
        // As compare: a strategy runs on the scenario's own kernel or not at all.
        if (!strategyAvailableOn(strategy, scenario.kernel.profile).ok) continue;
        const res = runOne({
          scenario,
          strategy,
          params: strategyParams(strategy, scenario, {}),
          seed,
          stream,
          timelinePoints: TIMELINE_POINTS,
          virtualOpLimitMs: DEFAULT_VIRTUAL_OP_LIMIT_MS,
          checkInvariantsEvery: DEFAULT_INVARIANT_CHECK_EVERY,
        });
        n += res.metrics.simEvents;
      }
    }
    return n;
  };
  return {
    name: opts.name ?? `sim-matrix${opts.replay ? '-replay' : ''}`,
    description: `seed 1 of every built-in scenario x every strategy (${opts.strategies.length}) that exists on the scenario's kernel, each stream ${opts.replay ? 'recorded beforehand and replayed (no generation)' : 'generated once and replayed to every strategy, as in a compare'}, JIT warm (one operation = one simulated event)`,
    unit: 'event',
    get opsPerIteration(): number {
      if (events === 0) events = once();
      return events;
    },
    // An iteration takes seconds: a few, after the warm-up iteration above (tinybench's own warm-up would be 16).
    options: { iterations: 3, time: 0, warmup: false },
    ...(opts.replay ? {} : { target: { minOpsPerSec: 10_000_000 } }),
    prepare() {
      if (opts.replay && streams.size === 0) for (const s of scenarios()) streams.set(s.name, recorded(s, seed));
      if (events === 0) events = once();
      return { run: () => void once() };
    },
  };
}

/** The simulator's bench tasks; the matrix ones run `strategies` (those of strategies/, for `npm run bench`). */
export function simBenchTasks(strategies: readonly StrategyDefinition[]): BenchTask[] {
  return [
    simRun('steady', false),
    simRun('many-cpus', false),
    simRun('steady', true),
    simRun('many-cpus', true),
    simMatrix({ replay: false, strategies }),
    simMatrix({ replay: true, strategies }),
  ];
}
