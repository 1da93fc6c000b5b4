/**
 * The allocator core a scenario boots: one mapping from a resolved Scenario
 * (kernel config, machine) to the core's CoreConfig, used by every run
 * (simulator.ts) and by the preflight (preflight.ts), so the check and the run
 * boot the same machine.
 */
import type { CoreConfig } from '../core/core.ts';
import { DEFAULT_COST_TABLE, type CostTable } from '../core/cost-table.ts';
import { debianInitOnAlloc } from '../core/post-alloc-hook.ts';
import { scenarioMachine } from '../workload/scenario.ts';
import type { Scenario } from '../workload/scenario-schema.ts';

/** page_owner: one call in this many saves a new stack in the stack depot (a modelling parameter, post-alloc-hook.ts). */
const PAGE_OWNER_NEW_STACK_PERIOD = 64;

/**
 * The core config of `scenario`: its profile, machine (scenarioMachine), lock
 * checks and debug hooks (init_on_alloc as Debian ships the profile's kernel
 * when the scenario leaves it null), with `costs` (default: the cost table's
 * defaults). The caller may rely on config.machine being scenarioMachine(scenario).
 */
export function coreConfigFor(scenario: Scenario, costs: CostTable = DEFAULT_COST_TABLE): CoreConfig {
  const k = scenario.kernel;
  return {
    profile: k.profile,
    machine: scenarioMachine(scenario),
    costs,
    lockdep: k.lockdep,
    preemptRt: k.preemptRt,
    debug: {
      debugPagealloc: k.debugPagealloc,
      kasan: k.kasan,
      pageOwner: k.pageOwner,
      arch: k.arch,
      pageOwnerNewStackPeriod: PAGE_OWNER_NEW_STACK_PERIOD,
      initOnAlloc: k.initOnAlloc ?? debianInitOnAlloc(k.profile),
    },
  };
}
