/**
 * kvfree_rcu()'s per-CPU cache of block pages (krcp->bkvcache,
 * krcp->nr_bkv_objs), and the page-cache worker that later kernels refill it
 * with. Both are kernel/rcu/tree.c code around the page request, not the page
 * allocator's.
 *
 * Which part is whose (read from the sources):
 *  - The cache is kvfree_rcu()'s own, common to every page design on a kernel:
 *    commit 53c72b590b3a (v5.9) added it before the 2020 thread, and the
 *    thread's proposals replaced only what kvfree_call_rcu_add_ptr_to_bulk()
 *    does after get_cached_bnode() returned NULL. v5.9: rcu_min_cached_objs =
 *    2 pages per CPU, prefilled in kfree_rcu_batch_init() with
 *    __get_free_page(GFP_NOWAIT | __GFP_NOWARN), refilled by put_cached_bnode()
 *    in kfree_rcu_work() when a block's grace period has ended.
 *    56292e8609e3 (v5.11, in 5.10.y: WindRiver-Labs/linux-yocto-5.10
 *    kernel/rcu/tree.c) raised rcu_min_cached_objs to 5 and dropped the boot
 *    prefill; 6.1, 6.12 and 7.2 keep that (kvfree_rcu moved to
 *    mm/slab_common.c after 6.12, unchanged in this respect).
 *  - What follows a cache miss is the design's: v5.9's
 *    `if (IS_ENABLED(CONFIG_PREEMPT_RT)) return false;` then
 *    __get_free_page(GFP_NOWAIT | __GFP_NOWARN) (strategy status-quo on
 *    5.9), a proposal's lockless allocation, or from 56292e8609e3 on nothing
 *    but run_page_cache_worker() (status-quo on 5.10+, and rcu-page-cache on
 *    any kernel): startPageCacheWorker() below.
 *  - 5.12+ (3e7ce7a187fc, "kvfree_rcu: Allocate a page for a single
 *    argument"): a headless caller, which may sleep, drops krcp->lock and
 *    allocates with GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC |
 *    __GFP_NOWARN in add_ptr_to_bulk_krc_lock() before the miss counts: the
 *    consumer's (harness/sim/kvfree-rcu.ts), for every design on those kernels.
 *
 * Not modelled: the shrinker, backoff_page_cache_fill (6.x), SLUB sheaves'
 * kfree_rcu_sheaf() (6.18+: objects of caches with sheaves, not page blocks).
 */
import type { Core } from './core.ts';
import { CTX_HARDIRQ, CTX_SOFTIRQ, CTX_TASK } from './context.ts';
import type { Extensions } from './extension.ts';
import { NIL } from './frames.ts';
import { parseGfp, type GfpRegistry } from './gfp.ts';
import { kernelAtLeast } from './profile.ts';
import type { Reserve } from './reserve.ts';

/** GFP flags of fill_page_cache_func() in 5.10.y and later (ee6ddf58475c, v5.13, backported). */
export const FILL_PAGE_CACHE_GFP = 'GFP_KERNEL|__GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN';

export class BnodeCache {
  /** rcu_min_cached_objs: pages kept per CPU. A strategy may change it in setup() (rcu-page-cache does). */
  capacity: number;
  /** kfree_rcu_batch_init() fills every CPU's cache at boot (before 56292e8609e3). A strategy may change it in setup(). */
  prefill: boolean;
  readonly reserve: Reserve;
  /** The kernel's GFP layout (for the flags of the paths around the cache). */
  readonly gfpRegistry: GfpRegistry;

  constructor(
    private readonly core: Core,
    ext: Extensions,
  ) {
    this.gfpRegistry = ext.gfp;
    // 53c72b590b3a (v5.9): 2 pages, prefilled; 56292e8609e3 (5.10.y, v5.11+): 5, not prefilled.
    const since510 = kernelAtLeast(core.config.profile, 5, 10);
    this.capacity = since510 ? 5 : 2;
    this.prefill = !since510;
    this.reserve = ext.createReserve('krcp->bkvcache (kvfree_rcu block-page cache, rcu_min_cached_objs per CPU)', { consumer: true });
  }

  /** get_cached_bnode() under krcp->lock: a page, or NIL when this CPU's cache is empty. Charges the list op. */
  get(cpu: number): number {
    this.core.alloc.meter.ns += this.core.alloc.costs.pcpListOp;
    return this.reserve.pop(cpu);
  }

  /**
   * put_cached_bnode() under krcp->lock (taken here, as kfree_rcu_work() and
   * fill_page_cache_func() do): false when the cache is full, and the caller
   * frees the page.
   */
  put(cpu: number, pfn: number): boolean {
    const a = this.core.alloc;
    a.meter.ns += a.costs.krcLock + a.costs.pcpListOp;
    if (this.reserve.count(cpu) >= this.capacity) return false;
    this.reserve.push(cpu, pfn);
    return true;
  }

  /**
   * kfree_rcu_batch_init() before 56292e8609e3: rcu_min_cached_objs x
   * __get_free_page(GFP_NOWAIT | __GFP_NOWARN) per CPU, at boot (t = 0, task
   * context, all on the boot CPU 0), when `prefill` is set. Called once, after the strategy's setup().
   */
  fillAtBoot(): void {
    if (!this.prefill) return;
    const a = this.core.alloc;
    const gfp = parseGfp('GFP_NOWAIT|__GFP_NOWARN', this.gfpRegistry);
    // rcu_init() -> kfree_rcu_batch_init() runs once, on the boot CPU: every
    // CPU's cache is filled from CPU 0's pcplists, the others stay cold.
    a.beginOp(0, CTX_TASK, false, 0);
    for (let cpu = 0; cpu < this.reserve.cpus; cpu++) {
      for (let i = 0; i < this.capacity; i++) {
        const pfn = a.allocPages(gfp, 0);
        if (pfn === NIL) break;
        this.reserve.push(cpu, pfn);
      }
    }
  }

  /**
   * 56292e8609e3's refill path, registered as the strategy's workers; returns
   * run_page_cache_worker(cpu), to be called under krcp->lock after a miss:
   *  - run_page_cache_worker(): unless krcp->work_in_progress was set
   *    (atomic_xchg), hrtimer_init() + hrtimer_start(0, HRTIMER_MODE_REL),
   *    which locks the CPU's hrtimer base (lock_hrtimer_base():
   *    raw_spin_lock_irqsave(&base->cpu_base->lock): harmless under a raw lock
   *    or in hardirq, a deadlock hazard from NMI);
   *  - schedule_page_work_fn(), the hrtimer callback (hardirq, not
   *    HRTIMER_MODE_HARD; on PREEMPT_RT such a timer expires in softirq):
   *    queue_work(system_highpri_wq, &krcp->page_cache_work);
   *  - fill_page_cache_func(), a kworker of this CPU in task context:
   *    `for (i = 0; i < rcu_min_cached_objs; i++)` __get_free_page(fillGfp)
   *    and put_cached_bnode(); a page the full cache refuses is freed and ends
   *    the loop, a failed allocation goes on to the next i (5.10.y); then
   *    work_in_progress = 0.
   */
  startPageCacheWorker(ext: Extensions, fillGfp: number): (cpu: number) => void {
    const core = this.core;
    const alloc = core.alloc;
    const locks = alloc.locks;
    const costs = alloc.costs;
    const cpus = this.reserve.cpus;
    const workInProgress = new Uint8Array(cpus);
    const hrtimerBaseLock = new Int32Array(cpus);
    for (let c = 0; c < cpus; c++) hrtimerBaseLock[c] = locks.define(`&cpu_base->lock (hrtimer, cpu ${c})`, 'raw_spinlock_t');

    const fill = ext.addWorker('fill_page_cache_func (system_highpri_wq)', (cpu, _arg, time) => {
      alloc.beginOp(cpu, CTX_TASK, false, time);
      for (let i = 0; i < this.capacity; i++) {
        const pfn = alloc.allocPages(fillGfp, 0);
        if (pfn === NIL) continue;
        if (!this.put(cpu, pfn)) {
          alloc.freePages(pfn, 0);
          break;
        }
      }
      workInProgress[cpu] = 0;
    });
    const hrtimer = ext.addWorker('schedule_page_work_fn (hrtimer, 0 delay)', (cpu, _arg, time) => {
      alloc.beginOp(cpu, core.config.preemptRt ? CTX_SOFTIRQ : CTX_HARDIRQ, true, time);
      alloc.meter.ns += costs.queueWork; // queue_work(system_highpri_wq, ...)
      ext.schedule(fill, alloc.meter.now() + costs.workerWakeLatency, cpu);
    }, 'hrtimer');
    return (cpu: number): void => {
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
  }
}
