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
 */
import { runOne } from '../sim/simulator.ts';
import { loadBuiltinScenario } from '../workload/builtin.ts';
import { createWorkload } from '../workload/generator.ts';
import { recordStream, type RecordedStream } from '../workload/recorded-stream.ts';
import { scenarioMachine } from '../workload/scenario-schema.ts';
import statusQuo from '../../strategies/status-quo.ts';
import type { BenchTask } from './tasks.ts';

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
      if (replay && !stream) stream = recordStream(createWorkload(scenario, 1, scenarioMachine(scenario)));
      if (events === 0) events = once();
      return { run: () => void once() };
    },
  };
}

export const SIM_BENCH_TASKS: BenchTask[] = [simRun('steady', false), simRun('many-cpus', false), simRun('steady', true), simRun('many-cpus', true)];
