/**
 * status-quo: each kernel's own kvfree_rcu() page path after a miss of its
 * bnode cache (the cache itself is kvfree_rcu()'s, common to every design:
 * harness/core/bnode-cache.ts), read from that kernel's kernel/rcu/tree.c:
 *
 *  - 5.9 (the thread's kernel), kvfree_call_rcu_add_ptr_to_bulk(): after
 *    get_cached_bnode() returned NULL,
 *    `if (IS_ENABLED(CONFIG_PREEMPT_RT)) return false;` (so on PREEMPT_RT the
 *    allocator is never called under the raw krcp->lock: the request fails
 *    and the caller falls back), else __get_free_page(GFP_NOWAIT |
 *    __GFP_NOWARN) under the raw lock with IRQs off: a pcp hit takes no lock,
 *    a pcp miss refills through rmqueue_bulk() under zone->lock (a
 *    spinlock_t: lockdep "Invalid wait context"), and a zone below its low
 *    watermark sends the request to the slow path, which wakes kswapd and
 *    fails below min.
 *  - 5.10.y (Debian 11: 56292e8609e3 "rcu/tree: Defer kvfree_rcu() allocation
 *    to a clean context" is in the 5.10 stable tree, checked in
 *    WindRiver-Labs/linux-yocto-5.10 kernel/rcu/tree.c), 6.1, 6.12, 7.2: no
 *    allocation at all after the miss; kvfree_call_rcu() calls
 *    run_page_cache_worker(), whose hrtimer-queued work refills the cache with
 *    GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC | __GFP_NOWARN in task
 *    context (the same mechanism as strategy rcu-page-cache). From 5.12 a
 *    headless caller first drops the lock and allocates with those flags
 *    itself (add_ptr_to_bulk_krc_lock(), can_alloc): kvfree_rcu()'s own code
 *    on those kernels, harness/sim/kvfree-rcu.ts.
 */
import { FILL_PAGE_CACHE_GFP, GFP_NOWAIT, NIL, __GFP_NOWARN, defineStrategy, kernelAtLeast, parseGfp, z } from '../harness/strategy.ts';

export default defineStrategy({
  name: 'status-quo',
  title: "The kernel's own kvfree_rcu() page path: 5.9 __get_free_page(GFP_NOWAIT) under the krc raw lock (not on RT); 5.10+ the deferred page cache",
  origin: 'kernel/rcu/tree.c, kvfree_call_rcu_add_ptr_to_bulk() (v5.9, 53c72b590b3a), and 56292e8609e3 in 5.10.y and later',
  description:
    "The baseline: what each kernel's own kvfree_rcu() does when its per-CPU bnode cache is empty. On 5.9 it takes a page from " +
    'the ordinary allocator while holding a raw_spinlock_t with IRQs off: most requests hit the pcplist and take no lock, but a ' +
    'miss takes zone->lock (lockdep: "BUG: Invalid wait context"), and below the watermark the request fails; with ' +
    'CONFIG_PREEMPT_RT it does not call the allocator at all and the caller falls back. From 5.10.y (56292e8609e3) the request ' +
    'never allocates: a miss falls back and schedules the refill worker, and from 5.12 a headless caller allocates with the lock dropped.',
  params: z.object({}).strict(),
  setup({ core, ext, bnodeCache }) {
    const alloc = core.alloc;
    if (kernelAtLeast(core.config.profile, 5, 10)) {
      // 56292e8609e3: `if (!bnode) return false;` then run_page_cache_worker(krcp).
      const runPageCacheWorker = bnodeCache.startPageCacheWorker(ext, parseGfp(FILL_PAGE_CACHE_GFP, ext.gfp));
      return {
        getPage: (cpu) => {
          runPageCacheWorker(cpu);
          return NIL;
        },
      };
    }
    // v5.9: `if (IS_ENABLED(CONFIG_PREEMPT_RT)) return false;` (compiled out: costs nothing).
    if (core.config.preemptRt) return { getPage: () => NIL };
    const gfp = GFP_NOWAIT | __GFP_NOWARN;
    return {
      getPage: () => alloc.allocPages(gfp, 0),
    };
  },
});
