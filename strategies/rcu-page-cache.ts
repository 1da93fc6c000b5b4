/**
 * rcu-page-cache: what was merged after the thread, commit 56292e8609e3
 * "rcu/tree: Defer kvfree_rcu() allocation to a clean context" (Uladzislau
 * Rezki, authored 2020-10-29, in v5.11 and backported to 5.10.4). The page
 * allocator is never called from kvfree_rcu()'s atomic context any more:
 *
 *  - kvfree_call_rcu_add_ptr_to_bulk() takes a block page only from the
 *    per-CPU cache krcp->bkvcache, under the raw krcp->lock:
 *    get_cached_bnode() is `if (!krcp->nr_bkv_objs) return NULL;
 *    nr_bkv_objs--; llist_del_first()`, a list op. The commit deleted the old
 *    fallback `__get_free_page(GFP_NOWAIT | __GFP_NOWARN)` (which was already
 *    skipped under CONFIG_PREEMPT_RT).
 *  - On a miss the request fails (the caller falls back to the rcu_head list,
 *    or, headless, to synchronize_rcu()) and kvfree_call_rcu() calls
 *    run_page_cache_worker(): unless krcp->work_in_progress was already set
 *    (atomic_xchg), hrtimer_start() an hrtimer with 0 delay ("required in
 *    order to avoid deadlocks with the scheduler"), whose callback
 *    schedule_page_work_fn() does queue_work(system_highpri_wq,
 *    &krcp->page_cache_work).
 *  - fill_page_cache_func(), in a kworker of this CPU, loops
 *    `for (i = 0; i < rcu_min_cached_objs; i++)`: __get_free_page(), then
 *    put_cached_bnode() under krcp->lock; a page the full cache refuses is
 *    freed and ends the loop; a failed allocation just goes on to the next i
 *    (the break on failure came with 093590c16b44, 2022). Then
 *    work_in_progress = 0.
 *  - kfree_rcu_work(), after the grace period: put_cached_bnode() the block's
 *    page under krcp->lock if nr_bkv_objs < rcu_min_cached_objs, else
 *    free_page(). In steady state this recycling, not the worker, feeds the
 *    cache.
 *
 * Verified against the commit text (tip-bot2 mail of 2020-12-13, Commit-ID
 * 56292e8609e39537297a7468dda4d87b9bd81d6a): it raised rcu_min_cached_objs
 * from 2 to 5 and removed the boot-time prefill from kfree_rcu_batch_init(),
 * so every CPU's cache starts empty (`prefill: false`). Its worker allocated
 * with GFP_KERNEL | __GFP_NOWARN; commit ee6ddf58475c "kvfree_rcu: Use same set
 * of GFP flags as does single-argument" (v5.13) changed that to
 * GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC | __GFP_NOWARN after an OOM
 * panic under rcuscale; that is the default here (`fillGfp`).
 *
 * Which part is whose: the cache (krcp->bkvcache) is kvfree_rcu()'s own on
 * every kernel since 53c72b590b3a (harness/core/bnode-cache.ts); this design
 * is what follows a miss (run_page_cache_worker(), no allocation under the
 * lock) together with its cache settings (rcu_min_cached_objs 5, no boot
 * prefill), applied to whatever kernel the scenario runs. On 5.10.y and
 * later that is the kernel's own path, so there it behaves as status-quo.
 * The v5.12 path where a headless caller drops krcp->lock and allocates is
 * kvfree_rcu()'s on 5.12+ kernels (harness/sim/kvfree-rcu.ts).
 *
 * Not modelled: the shrinker and backoff_page_cache_fill (later kernels).
 */
import { NIL, defineStrategy, parseGfp, z } from '../harness/strategy.ts';

const Params = z
  .object({
    rcuMinCachedObjs: z
      .number()
      .int()
      .min(0)
      .max(1 << 16)
      .default(5)
      .describe('rcu_min_cached_objs (module parameter): pages kept per CPU in krcp->bkvcache; 5 since 56292e8609e3, 2 before.'),
    fillGfp: z
      .string()
      .default('GFP_KERNEL|__GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN')
      .describe("GFP flags of fill_page_cache_func(): the default is v5.13's (ee6ddf58475c); 56292e8609e3 itself used 'GFP_KERNEL|__GFP_NOWARN'."),
    prefill: z
      .boolean()
      .default(false)
      .describe('Fill every cache at boot, as kfree_rcu_batch_init() did before 56292e8609e3 (with GFP_NOWAIT); the commit removed that, so the default starts empty.'),
  })
  .strict();

export default defineStrategy({
  name: 'rcu-page-cache',
  title: 'Per-CPU cache of rcu_min_cached_objs pages, refilled from an hrtimer-queued worker (merged, v5.11)',
  origin: 'Uladzislau Rezki, commit 56292e8609e3 "rcu/tree: Defer kvfree_rcu() allocation to a clean context" (v5.11, 5.10.4); GFP flags from ee6ddf58475c (v5.13)',
  description:
    'What the kernel merged: kvfree_rcu() never calls the page allocator under its raw lock. It pops a page from a per-CPU ' +
    'cache of rcu_min_cached_objs (5) pages, a list op under krcp->lock; on a miss the request falls back and an hrtimer ' +
    'queues a high-priority work item that refills the cache with GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC | ' +
    '__GFP_NOWARN in task context. Pages come back to the cache after their grace period. No GFP bit, no allocator change; ' +
    'the price is a few idle pages per CPU and a failed request each time the cache runs dry, until the worker has run.',
  later: true,
  // Checked in every built-in scenario (test/sim/simulator.test.ts): the request never calls the allocator.
  claims: { noZoneLockInRequest: true },
  params: Params,
  setup({ ext, bnodeCache }, p) {
    // Its cache settings replace the kernel's (5.9: 2 pages, prefilled at boot).
    bnodeCache.capacity = p.rcuMinCachedObjs;
    bnodeCache.prefill = p.prefill;
    const runPageCacheWorker = bnodeCache.startPageCacheWorker(ext, parseGfp(p.fillGfp, ext.gfp));
    return {
      // kvfree_call_rcu_add_ptr_to_bulk(): get_cached_bnode() missed (the
      // consumer's); `if (!bnode) return false;`, and kvfree_call_rcu() ->
      // run_page_cache_worker(). kfree_rcu_work()'s put_cached_bnode() is the consumer's too.
      getPage: (cpu) => {
        runPageCacheWorker(cpu);
        return NIL;
      },
    };
  },
});
