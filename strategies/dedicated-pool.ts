/**
 * dedicated-pool: the alternative Mel Gorman and Michal Hocko argued for in the
 * thread ("a memory pool to be reserved and sized for critical allocations"):
 * each CPU keeps `poolPages` pages of its own. kvfree_rcu() pops one under its
 * raw krcp->lock (a list op, no allocator call, no lock of the allocator's);
 * when the pool falls below `refillThreshold`, a work item refills it with
 * GFP_KERNEL from a clean task context after `refillDelayMs` (plus the
 * worker's wake-up latency). Pages whose grace period ended go back to the
 * pool when it is not full (as mempool_free() does), else to the allocator.
 *
 * Against it (Peter Zijlstra): RCU callers give no bound on concurrency, so a
 * burst can empty any pool before the worker runs, and the fallback remains
 * mandatory; and the pages sit idle (reservedPagesPeak/Mean).
 */
import { CTX_TASK, GFP_KERNEL, NIL, defineStrategy, z } from '../harness/strategy.ts';

const Params = z
  .object({
    poolPages: z.number().int().min(0).max(1 << 20).default(8).describe('Pages reserved per CPU.'),
    refillThreshold: z.number().int().min(0).default(4).describe('Queue a refill when a CPU\'s pool holds fewer pages than this.'),
    refillDelayMs: z.number().min(0).default(0).describe('Extra delay before the refill worker runs (on top of the worker wake-up latency), ms.'),
    recycle: z.boolean().default(true).describe('Give pages back to a non-full pool after their grace period (mempool_free), instead of free_page().'),
  })
  .strict();

export default defineStrategy({
  name: 'dedicated-pool',
  title: 'Per-CPU page pool for kvfree_rcu(), refilled by a worker',
  origin: 'Mel Gorman and Michal Hocko, replies of 2020-10-02 in the "[RFC-PATCH 2/4]" thread',
  description:
    'A reserve sized for the one critical user: popped locklessly under the krc raw lock, refilled with GFP_KERNEL from a ' +
    'worker in a clean context. It needs no GFP bit and no allocator change, and costs the allocator\'s fast path nothing; ' +
    'the price is memory held idle, and a burst larger than the pool fails until the worker catches up.',
  // Checked in every built-in scenario (test/sim/simulator.test.ts): the request pops the pool; only the worker allocates.
  claims: { noZoneLockInRequest: true },
  params: Params,
  setup({ core, ext }, p) {
    const alloc = core.alloc;
    const cpus = core.config.machine.cpus;
    const pool = ext.createReserve('per-CPU kvfree_rcu page pool');
    const refillPending = new Uint8Array(cpus);
    const refill = ext.addWorker('pool refill (GFP_KERNEL)', (cpu, _arg, time) => {
      alloc.beginOp(cpu, CTX_TASK, false, time);
      refillPending[cpu] = 0;
      while (pool.count(cpu) < p.poolPages) {
        const pfn = alloc.allocPages(GFP_KERNEL, 0);
        if (pfn === NIL) break;
        pool.push(cpu, pfn);
      }
    });
    // Fill every pool at boot, in task context.
    for (let cpu = 0; cpu < cpus; cpu++) {
      alloc.beginOp(cpu, CTX_TASK, false, 0);
      for (let i = 0; i < p.poolPages; i++) {
        const pfn = alloc.allocPages(GFP_KERNEL, 0);
        if (pfn === NIL) break;
        pool.push(cpu, pfn);
      }
    }
    const delayNs = p.refillDelayMs * 1e6;
    return {
      getPage: (cpu) => {
        ext.charge('pcpListOp');
        const pfn = pool.pop(cpu);
        if (pool.count(cpu) < p.refillThreshold && refillPending[cpu] === 0) {
          refillPending[cpu] = 1;
          ext.charge('queueWork');
          ext.schedule(refill, ext.now() + alloc.costs.workerWakeLatency + delayNs, cpu);
        }
        return pfn;
      },
      putPage: (cpu, pfn) => {
        if (p.recycle && pool.count(cpu) < p.poolPages) {
          ext.charge('pcpListOp');
          pool.push(cpu, pfn);
        } else {
          alloc.freePages(pfn, 0);
        }
      },
    };
  },
});
