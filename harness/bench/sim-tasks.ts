/**
 * End-to-end simulator speed for `npm run bench`: one whole run of a built-in
 * scenario (workload generation, workload hash, event loop, allocator core,
 * strategy, kvfree_rcu consumer and metrics), reported in simulated events per
 * second on one core. The target is 10 million per second per core.
 */
import { runOne } from '../sim/simulator.ts';
import { loadBuiltinScenario } from '../workload/builtin.ts';
import statusQuo from '../../strategies/status-quo.ts';
import type { BenchTask } from './tasks.ts';

function simRun(scenarioName: string): BenchTask {
  const scenario = loadBuiltinScenario(scenarioName);
  let events = 0;
  const once = (): number => runOne({ scenario, strategy: statusQuo, params: {}, seed: 1 }).metrics.simEvents;
  return {
    name: `sim-${scenarioName}`,
    description: `one ${scenarioName} run of status-quo, seed 1, end to end (one operation = one simulated event)`,
    unit: 'event',
    // The event count of the run, known after a first run (deterministic for the seed).
    get opsPerIteration(): number {
      if (events === 0) events = once();
      return events;
    },
    options: { iterations: 8, time: 0 },
    target: { minOpsPerSec: 10_000_000 },
    prepare() {
      if (events === 0) events = once();
      return { run: () => void once() };
    },
  };
}

export const SIM_BENCH_TASKS: BenchTask[] = [simRun('steady'), simRun('many-cpus')];
