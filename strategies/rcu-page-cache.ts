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
 * Not modelled: the shrinker and backoff_page_cache_fill (later kernels), and
 * the v5.12 path where a headless caller that may sleep drops krcp->lock and
 * allocates directly (add_ptr_to_bulk_krc_lock(..., can_alloc)): in this
 * harness the page request always runs under krcp->lock.
 */
import { z } from 'zod';
import { CTX_HARDIRQ, CTX_SOFTIRQ, CTX_TASK, NIL, defineStrategy, parseGfp } from '../harness/core/index.ts';

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
  params: Params,
  setup({ core, ext }, p) {
    const alloc = core.alloc;
    const locks = alloc.locks;
    const costs = alloc.costs;
    const cpus = core.config.machine.cpus;
    const N = p.rcuMinCachedObjs;
    const fillGfp = parseGfp(p.fillGfp, ext.gfp);
    const cache = ext.createReserve('krcp->bkvcache (rcu_min_cached_objs pages per CPU)');
    // krcp->work_in_progress.
    const workInProgress = new Uint8Array(cpus);
    // hrtimer_start() locks the CPU's hrtimer base (lock_hrtimer_base():
    // raw_spin_lock_irqsave(&base->cpu_base->lock)): harmless under a raw
    // lock or in hardirq, a deadlock hazard from NMI.
    const hrtimerBaseLock = new Int32Array(cpus);
    for (let c = 0; c < cpus; c++) hrtimerBaseLock[c] = locks.define(`&cpu_base->lock (hrtimer, cpu ${c})`, 'raw_spinlock_t');

    /** put_cached_bnode(), under krcp->lock (its cost charged here; the lock itself belongs to the consumer). */
    const putCachedBnode = (cpu: number, pfn: number): boolean => {
      alloc.meter.ns += costs.krcLock + costs.pcpListOp;
      if (cache.count(cpu) >= N) return false;
      cache.push(cpu, pfn);
      return true;
    };

    // fill_page_cache_func(): a kworker of system_highpri_wq on this CPU, task context.
    const fill = ext.addWorker('fill_page_cache_func (system_highpri_wq)', (cpu, _arg, time) => {
      alloc.beginOp(cpu, CTX_TASK, false, time);
      for (let i = 0; i < N; i++) {
        const pfn = alloc.allocPages(fillGfp, 0);
        if (pfn === NIL) continue;
        if (!putCachedBnode(cpu, pfn)) {
          alloc.freePages(pfn, 0);
          break;
        }
      }
      workInProgress[cpu] = 0;
    });

    // schedule_page_work_fn(): the hrtimer callback (hardirq; on PREEMPT_RT a
    // timer not marked HRTIMER_MODE_HARD expires in softirq context) queues the work.
    const hrtimer = ext.addWorker('schedule_page_work_fn (hrtimer, 0 delay)', (cpu, _arg, time) => {
      alloc.beginOp(cpu, core.config.preemptRt ? CTX_SOFTIRQ : CTX_HARDIRQ, true, time);
      alloc.meter.ns += costs.queueWork; // queue_work(system_highpri_wq, ...)
      ext.schedule(fill, alloc.meter.now() + costs.workerWakeLatency, cpu);
    }, 'hrtimer');

    /** run_page_cache_worker(), called under krcp->lock after a miss. */
    const runPageCacheWorker = (cpu: number): void => {
      const m = alloc.meter;
      m.ns += costs.gfpFlagCheck; // atomic_xchg(&krcp->work_in_progress, 1)
      if (workInProgress[cpu] !== 0) return;
      workInProgress[cpu] = 1;
      const lock = hrtimerBaseLock[cpu]!;
      m.ns += locks.acquire(lock, m.now()) + costs.queueWork; // hrtimer_init() + hrtimer_start(0, HRTIMER_MODE_REL)
      locks.release(lock, m.now());
      // A 0-delay hrtimer expires as soon as this CPU takes interrupts again.
      ext.schedule(hrtimer, m.now(), cpu);
    };

    if (p.prefill) {
      // kfree_rcu_batch_init() before 56292e8609e3: __get_free_page(GFP_NOWAIT | __GFP_NOWARN) x rcu_min_cached_objs.
      const bootGfp = parseGfp('GFP_NOWAIT|__GFP_NOWARN', ext.gfp);
      for (let cpu = 0; cpu < cpus; cpu++) {
        alloc.beginOp(cpu, CTX_TASK, false, 0);
        for (let i = 0; i < N; i++) {
          const pfn = alloc.allocPages(bootGfp, 0);
          if (pfn === NIL) break;
          cache.push(cpu, pfn);
        }
      }
    }

    return {
      // kvfree_call_rcu_add_ptr_to_bulk() -> get_cached_bnode(); on NULL,
      // kvfree_call_rcu() -> run_page_cache_worker().
      getPage: (cpu) => {
        alloc.meter.ns += costs.pcpListOp;
        const pfn = cache.pop(cpu);
        if (pfn === NIL) runPageCacheWorker(cpu);
        return pfn;
      },
      // kfree_rcu_work(): put_cached_bnode() under krcp->lock, else free_page().
      putPage: (cpu, pfn) => {
        if (!putCachedBnode(cpu, pfn)) alloc.freePages(pfn, 0);
      },
    };
  },
});
