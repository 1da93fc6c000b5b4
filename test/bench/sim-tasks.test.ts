/**
 * The `sim-matrix` bench tasks: one iteration is every scenario x every
 * strategy on seed 1 (a compare worker's work), and one operation is one
 * simulated event, so their events/s compare with a compare's totals.
 */
import { describe, expect, it } from 'vitest';
import { simMatrix } from '../../harness/bench/sim-tasks.ts';
import type { StrategyDefinition } from '../../harness/core/strategy-api.ts';
import { buildScenario, strategyParams } from '../../harness/sim/job.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';

const all = await loadStrategies();
const scenarios = ['steady', 'trace-replay'];
const scale = 0.5;

/** The strategies, each counting the runs it is set up for. */
function counted(names: readonly string[], runs: string[]): StrategyDefinition[] {
  return all
    .filter((s) => names.includes(s.name))
    .map((def) => ({ ...def, setup: (ctx: Parameters<StrategyDefinition['setup']>[0], params: Parameters<StrategyDefinition['setup']>[1]) => (runs.push(def.name), def.setup(ctx, params)) }) as StrategyDefinition);
}

/** Events of every (scenario, strategy) run of seed 1, each run on its own. */
function expectedEvents(strategies: readonly StrategyDefinition[]): number {
  let n = 0;
  for (const name of scenarios) {
    const scenario = buildScenario({ kind: 'builtin', name }, [], scale);
    for (const strategy of strategies) n += runOne({ scenario, strategy, params: strategyParams(strategy, scenario, {}), seed: 1 }).metrics.simEvents;
  }
  return n;
}

describe('sim-matrix bench tasks', () => {
  it('one iteration runs every scenario x strategy once and counts their simulated events', () => {
    const runs: string[] = [];
    const strategies = counted(['status-quo', 'dedicated-pool', 'rcu-page-cache'], runs);
    const task = simMatrix({ replay: false, strategies, scenarios, durationScale: scale });
    const iteration = task.prepare();
    // prepare() ran the warm-up iteration.
    expect(runs).toHaveLength(scenarios.length * strategies.length);
    iteration.run();
    expect(runs).toHaveLength(2 * scenarios.length * strategies.length);
    expect(runs.filter((n) => n === 'rcu-page-cache')).toHaveLength(2 * scenarios.length);
    expect(task.opsPerIteration).toBe(expectedEvents(strategies));
    expect(task.target?.minOpsPerSec).toBe(10_000_000);
  });

  it('the replay task runs the same events from streams recorded beforehand, with no target', () => {
    const strategies = counted(['status-quo', 'gfp-zero-mask'], []);
    const e2e = simMatrix({ replay: false, strategies, scenarios, durationScale: scale });
    const replay = simMatrix({ replay: true, strategies, scenarios, durationScale: scale });
    replay.prepare().run();
    expect(replay.opsPerIteration).toBe(e2e.opsPerIteration);
    expect(replay.name).toBe('sim-matrix-replay');
    expect(e2e.name).toBe('sim-matrix');
    expect(replay.target).toBeUndefined();
  });
});
