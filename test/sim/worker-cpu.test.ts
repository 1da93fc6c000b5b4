/**
 * Workers compete for their CPU: a kworker's item queued on a CPU that a
 * kvfree_rcu() flood keeps busy runs when that CPU is free again, not
 * workerWakeLatency later as if it were idle (harness/sim/event-loop.ts,
 * EventQueue.register(cpuBound)).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CTX_TASK, GFP_KERNEL, NIL, defineStrategy } from '../../harness/core/index.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { parseScenario } from '../../harness/workload/scenario.ts';

/** A strategy whose first request on CPU 0 queues one worker, and which records when the worker ran. */
function recorder(kind: 'workqueue' | 'hrtimer') {
  const seen = { queuedAt: -1, ranAt: -1 };
  const strategy = defineStrategy({
    name: `worker-timing-${kind}`,
    title: 'records worker timing',
    origin: 'test',
    description: 'test',
    params: z.object({}).strict(),
    setup({ core, ext }) {
      const alloc = core.alloc;
      const w = ext.addWorker(
        'probe',
        (cpu, _arg, time) => {
          alloc.beginOp(cpu, CTX_TASK, false, time);
          seen.ranAt = time;
        },
        kind,
      );
      return {
        getPage(cpu) {
          if (cpu === 0 && seen.queuedAt < 0) {
            seen.queuedAt = alloc.meter.now();
            ext.schedule(w, seen.queuedAt + alloc.costs.workerWakeLatency, cpu);
          }
          return alloc.allocPages(GFP_KERNEL & ~0x400, 0);
        },
      };
    },
  });
  return { strategy, seen };
}

// One CPU floods: 20000 kvfree_rcu() calls 10 ns apart from 1 ms (each costs more than 10 ns), nothing else on CPU 0.
const scenario = parseScenario(
  {
    name: 'flood',
    machine: { cpus: 2, memoryMiB: 1024 },
    workload: {
      kvfreeRcu: { ratePerCpuPerSec: 0, burst: { everyMs: 1000, calls: 20000, cpus: [0], spacingNs: 10, startMs: 1 } },
      background: { allocsPerCpuPerSec: 0 },
    },
    run: { durationMs: 10, warmup: { ms: 0 } },
  },
  'flood.json',
);

describe('deferred work on a busy CPU', () => {
  it('a workqueue item waits until the flooding task leaves the CPU', () => {
    const { strategy, seen } = recorder('workqueue');
    runOne({ scenario, strategy, params: {}, seed: 1 });
    expect(seen.queuedAt).toBeGreaterThanOrEqual(1e6);
    // The burst's calls arrive over 200 us but take longer to run: the CPU is
    // busy well past the arrival of the last one.
    expect(seen.ranAt).toBeGreaterThan(1e6 + 20000 * 10);
  });

  it('an hrtimer callback interrupts at its time', () => {
    const { strategy, seen } = recorder('hrtimer');
    runOne({ scenario, strategy, params: {}, seed: 1 });
    expect(seen.ranAt - seen.queuedAt).toBeLessThan(20_000);
  });
});
