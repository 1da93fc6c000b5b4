/**
 * The cost table: what each primitive the simulator charges costs, in virtual
 * nanoseconds, and where every number comes from (REFERENCE.md section 5).
 *
 * Conventions
 * - Reference machine: Jesper Brouer's i7-4790K (Haswell, 4.00 GHz, TSC at
 *   4 GHz). Figures published in cycles are turned into ns at 4 GHz; figures
 *   published in ns on another CPU are scaled by the ratio of a primitive
 *   measured on both machines (local_irq_save+restore), and say so.
 * - kind 'published': a measurement by a named author in a named place.
 *   kind 'derived': arithmetic on published numbers and/or other entries; the
 *   formula is in the source text and in COST_DERIVATIONS, and the test
 *   checks the stored ns against it.
 *   kind 'estimate': a documented guess; the source gives the reasoning.
 *   Every source text starts with its kind ("published: ", ...).
 * - Uncontended, cache-hot, !PREEMPT_RT costs with CONFIG_PREEMPT_COUNT=y
 *   unless an entry says otherwise. Contention is not in the table: the
 *   simulator models waiting in virtual time and adds lockHandoff when a lock
 *   moves between CPUs.
 *
 * Overrides: resolveCostTable() applies user overrides (--set cost.KEY=NS or
 * a scenario file). Derived entries that are a sum of other entries
 * (followsInputs) are recomputed from overridden inputs unless they are
 * overridden themselves; calibration/scaling derivations stay at their
 * defaults.
 */
import { InputError, describeFound } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';

export type CostKind = 'published' | 'derived' | 'estimate';

export interface CostEntry {
  readonly ns: number;
  readonly kind: CostKind;
  readonly source: string;
}

const KEYS = [
  'irqSaveRestore',
  'irqDisableEnable',
  'preemptDisableEnable',
  'pcpListOp',
  'pcpSpinTrylock',
  'spinLockUncontended',
  'rawSpinLockUncontended',
  'lockHandoff',
  'watermarkCheck',
  'gfpFlagCheck',
  'buddyOpPerOrder',
  'buddyListOp',
  'rmqueueBulkPerPage',
  'freePcppagesBulkPerPage',
  'prepNewPage',
  'clearPage',
  'kmallocFastPath',
  'kernelMapPagesX86',
  'kernelMapPagesPowerpc',
  'kasanAllocPages',
  'setPageOwner',
  'kswapdWake',
  'directReclaimPerPage',
  'drainPagesPerCpu',
  'queueWork',
  'workerWakeLatency',
  'kvfreeRcuStore',
  'rcuHeadLink',
  'krcLock',
] as const;

export type CostKey = (typeof KEYS)[number];
export const COST_KEYS: readonly CostKey[] = KEYS;

/** Resolved costs in ns: what the simulator's hot path reads. */
export type CostTable = Readonly<Record<CostKey, number>>;

/** Clock of the reference machine (i7-4790K), used to turn cycles into ns. */
export const REFERENCE_GHZ = 4;

/** Brouer's page_bench: order-0 alloc+free with local_irq_save pcplists (5.9 scheme), in cycles. */
const PAGE_BENCH_IRQSAVE_CYCLES = 163 + 29;
/** time_bench_sample.c, E5-2695: local_irq_save+restore, the scaling reference. */
const E5_2695_IRQSAVE_NS = 14.84;
/** time_bench_sample.c, E5-2695, CONFIG_PREEMPT_COUNT=y. */
const E5_2695_PREEMPT_NS = 4.291;
/** time_bench_sample.c, E5-2695, CONFIG_PREEMPT_COUNT=y: spin_lock+spin_unlock. */
const E5_2695_SPINLOCK_NS = 16.449;
/** Populated zones on a typical x86-64 node (DMA, DMA32, Normal). */
const TYPICAL_ZONES = 3;

export const COST_TABLE_SOURCES: Readonly<Record<CostKey, CostEntry>> = {
  irqSaveRestore: {
    ns: 9.443,
    kind: 'published',
    source:
      'published: Jesper Dangaard Brouer, time_bench on an i7-4790K @ 4.00GHz, quoted in his kernel commit ' +
      'fbd02630c6e3 "slub: initial bulk free implementation": "local_irq_{save,restore} : 37 cycles(tsc) - ' +
      '9.443 ns". The 5.9 pcplists are protected this way (rmqueue_pcplist, free_unref_page).',
  },
  irqDisableEnable: {
    ns: 1.821,
    kind: 'published',
    source:
      'published: Jesper Dangaard Brouer, same measurement (commit fbd02630c6e3 "slub: initial bulk free ' +
      'implementation", i7-4790K @ 4.00GHz): "local_irq_{disable,enable}: 7 cycles(tsc) - 1.821 ns".',
  },
  preemptDisableEnable: {
    ns: 2.73,
    kind: 'derived',
    source:
      "derived: Brouer's prototype-kernel kernel/lib/time_bench_sample.c records preempt_{disable,enable} = " +
      '4.291 ns with CONFIG_PREEMPT_COUNT=y on an E5-2695, where the same module measured ' +
      'local_irq_save+restore = 14.840 ns; scaled to the i7-4790K by irqSaveRestore: ' +
      '4.291 x irqSaveRestore / 14.840 = 4.291 x 9.443 / 14.840 = 2.730 ns. With PREEMPT_COUNT=n it is ~0 ' +
      "(0.327 ns, loop overhead, on Brouer's i7-2620M in prototype-kernel getting_started.rst); PREEMPT_RT, " +
      'the kernel the 2020 thread is about, has PREEMPT_COUNT. A scaling, fixed at this default when ' +
      'irqSaveRestore is overridden.',
  },
  pcpListOp: {
    ns: 10.557,
    kind: 'derived',
    source:
      "derived: calibrated so the modelled 5.9 order-0 alloc+free matches Brouer's page_bench. Jesper Brouer " +
      '(linux-mm, 30 Mar 2017, "Re: in_irq_or_nmi() and RFC patch", <20170330170708.084bd16c@redhat.com>) ' +
      'measured 163 cycles for alloc+free with pcplists under preempt_disable (commit 374ad05ab64d) and says ' +
      'that change "saved 29 cycles", so 192 cycles with local_irq_save (the 5.9 scheme) = 48.0 ns at 4 GHz. ' +
      'Assuming alloc = irqSaveRestore + watermarkCheck + pcpListOp + prepNewPage and free = irqSaveRestore + ' +
      'pcpListOp: pcpListOp = (48.0 - 2 x irqSaveRestore - watermarkCheck - prepNewPage) / 2 = ' +
      '(48.0 - 18.886 - 3 - 5) / 2 = 10.557 ns. It therefore also absorbs call overhead and the free-side ' +
      'checks (free_pcp_prepare, get_pfnblock_migratetype). Brouer ran that test on a Skylake board ' +
      '(MSI Z170A), not the i7-4790K. A calibration, fixed at this default when its inputs are overridden.',
  },
  pcpSpinTrylock: {
    ns: 13.197,
    kind: 'derived',
    source:
      'derived: spinLockUncontended + preemptDisableEnable = 10.467 + 2.730 = 13.197 ns. In 6.x ' +
      'mm/page_alloc.c pcp_spin_trylock() is pcpu_task_pin() (preempt_disable(); migrate_disable() on ' +
      'PREEMPT_RT) + this_cpu_ptr() + spin_trylock(&pcp->lock), and pcp_spin_unlock() is spin_unlock() + ' +
      'pcpu_task_unpin(); an uncontended trylock is the same single atomic RMW as spin_lock(). Follows ' +
      'overrides of its inputs.',
  },
  spinLockUncontended: {
    ns: 10.467,
    kind: 'derived',
    source:
      "derived: Brouer's prototype-kernel kernel/lib/time_bench_sample.c records spin_lock+spin_unlock of a " +
      'DEFINE_SPINLOCK (uncontended, same CPU) = 16.449 ns with CONFIG_PREEMPT_COUNT=y on an E5-2695 ' +
      '(13.946 ns with PREEMPT_COUNT=n), where local_irq_save+restore measured 14.840 ns; scaled to the ' +
      'i7-4790K by irqSaveRestore: 16.449 x irqSaveRestore / 14.840 = 16.449 x 9.443 / 14.840 = 10.467 ns. ' +
      'Cross-check: his getting_started.rst shows "spin_lock_unlock Per elem: 33 cycles(tsc)" on an i7-2620M ' +
      'with PREEMPT_COUNT=n, 8.25 ns at 4 GHz, + preemptDisableEnable 2.730 = 10.98 ns. A scaling, fixed at ' +
      'this default when irqSaveRestore is overridden.',
  },
  rawSpinLockUncontended: {
    ns: 10.467,
    kind: 'derived',
    source:
      'derived: = spinLockUncontended = 10.467 ns. On !PREEMPT_RT spin_lock() is raw_spin_lock(&lock->rlock) ' +
      '(include/linux/spinlock.h), the same code. On PREEMPT_RT spinlock_t becomes an rt_mutex and only this ' +
      'raw figure keeps meaning a spinning lock, so it stays at this default when spinLockUncontended is ' +
      'overridden (override both to change both).',
  },
  lockHandoff: {
    ns: 20,
    kind: 'estimate',
    source:
      "estimate: one cache-line transfer of the lock word from the previous holder's core, ~75 cycles = " +
      "18.75 ns at 4 GHz, rounded to 20 ns. Anchors, both as posted in the Intel developer forum thread " +
      '"Core-to-Core Communication Latency in Skylake/Kaby Lake": the Intel Core i7/Xeon 5500 performance ' +
      "analysis guide's ~75 cycles to read a line modified in another core, and an Intel MLC measurement of " +
      '40.3-42.3 ns L2-to-L2 modified intervention on a 10-core Xeon E5-2660 v4. A 4-core ring like the ' +
      "i7-4790K's is at the low end; raise it for big or multi-socket machines. The data the lock protects " +
      'bounces too: charge it per touched line if modelled. Sanity check: LLFree (Wrenger et al., USENIX ' +
      'ATC \'23) saw Linux 4 KiB allocations slow from 94 ns to 984 ns with 26 cores allocating, i.e. many ' +
      'handoffs plus queueing, not one.',
  },
  watermarkCheck: {
    ns: 3,
    kind: 'estimate',
    source:
      'estimate: zone_watermark_fast() for order 0 reads zone_page_state(NR_FREE_PAGES), subtracts free CMA ' +
      'pages when ALLOC_CMA is not set, and compares with mark + lowmem_reserve: ~12 instructions on cache-hot ' +
      'zone fields, ~12 cycles = 3 ns at 4 GHz. The order>0 __zone_watermark_ok() loop over free_area[] costs ' +
      'more.',
  },
  gfpFlagCheck: {
    ns: 0.25,
    kind: 'estimate',
    source:
      'estimate: testing one more gfp bit is a test+jcc on a register already holding gfp_mask; macro-fused ' +
      'and correctly predicted it costs about 1 cycle = 0.25 ns at 4 GHz (a misprediction costs roughly ' +
      '15-20 cycles, but a bit that is almost never set predicts well).',
  },
  buddyOpPerOrder: {
    ns: 15,
    kind: 'estimate',
    source:
      'estimate: one expand() step (list_add of the upper half to free_area[order], set_page_order, nr_free++) ' +
      'or one __free_one_page() merge step (buddy pfn, page_is_buddy() on the buddy struct page, ' +
      "del_page_from_free_list, combine). The buddy's struct page is usually not in L1/L2; Aaron Lu (LKML, " +
      'Feb 2018, "RFC: eliminate zone->lock contention for will-it-scale/page_fault1 on big server") found ' +
      'cache misses on struct page to be the most time-consuming part of the work under zone->lock. ' +
      '~40 cycles of L3 access + ~20 cycles of list and flag updates = 60 cycles = 15 ns at 4 GHz.',
  },
  buddyListOp: {
    ns: 10,
    kind: 'estimate',
    source:
      'estimate: list_del/list_add on free_area[order].free_list[migratetype] writes the neighbours\' struct ' +
      'page list pointers (often cold), plus set_page_order/rmv_page_order (page->private, PageBuddy) and ' +
      'nr_free: ~40 cycles = 10 ns at 4 GHz.',
  },
  rmqueueBulkPerPage: {
    ns: 15,
    kind: 'derived',
    source:
      'derived: buddyListOp + 5 ns = 10 + 5 = 15 ns. Per page rmqueue_bulk() does __rmqueue() -> ' +
      '__rmqueue_smallest() (one buddyListOp; splits are charged separately with buddyOpPerOrder), then ' +
      'check_pcp_refill() (page flag checks), set_pcppage_migratetype() and list_add_tail() onto the ' +
      'pcplist, estimated at ~20 cycles = 5 ns. zone->lock is charged separately. Follows overrides of ' +
      'buddyListOp.',
  },
  freePcppagesBulkPerPage: {
    ns: 18,
    kind: 'derived',
    source:
      'derived: buddyListOp + 8 ns = 10 + 8 = 18 ns. Per page free_pcppages_bulk() (5.9) picks the page off ' +
      'the pcplist (list_del, pcp->count--, bulkfree_pcp_prepare, prefetch_buddy: ~5 ns) before taking ' +
      'zone->lock, then __free_one_page() probes the buddy (page_is_buddy on a prefetched struct page, ' +
      '~3 ns) and inserts the page into the buddy free list (buddyListOp); merges are charged separately ' +
      'with buddyOpPerOrder. Only the __free_one_page part (buddyListOp + 3 ns) runs under zone->lock. ' +
      'Follows overrides of buddyListOp.',
  },
  clearPage: {
    ns: 100,
    kind: 'estimate',
    source:
      'estimate: from memory bandwidth. clear_page() (clear_page_erms, rep stosb, on x86-64) writes 4096 bytes. ' +
      'A page just taken off a pcplist is usually cache-warm (pcplists are LIFO); at the ~40 GB/s a 4 GHz core ' +
      'sustains for stores into L2 (one 32-byte store per cycle, about 30% lost to write-allocate and fill) that is ' +
      '4096 B / 40 GB/s = ~100 ns; a cold page written at DRAM speed (~10-12 GB/s per core) takes 350-400 ns. ' +
      'Charged per page when __GFP_ZERO is set or init_on_alloc is on (want_init_on_alloc(), post_alloc_hook() / ' +
      'prep_new_page()).',
  },
  kmallocFastPath: {
    ns: 5.3,
    kind: 'estimate',
    source:
      'estimate: from Jesper Dangaard Brouer\'s SLUB kmem_cache_alloc + kmem_cache_free fast path 42-43 cycles on an i7-4790K; ' +
      'half of that for the allocation, 21.25 cycles at 4 GHz = 5.3 ns. Used for the small kmalloc() of ' +
      "page_owner's add_stack_record_to_list() (6.9+); its slow path (a new slab, n->list_lock) is not modelled.",
  },
  prepNewPage: {
    ns: 5,
    kind: 'estimate',
    source:
      'estimate: with no debug option post_alloc_hook() is set_page_private(page, 0) + set_page_refcounted() ' +
      '(a plain atomic_set) + arch_alloc_page() (empty on x86) + static-key tests or empty stubs for ' +
      'debug_pagealloc, KASAN, page poisoning and page_owner; prep_new_page() adds the init_on_alloc test and, ' +
      'for order 0, nothing else: ~20 cycles = 5 ns at 4 GHz. Zeroing (__GFP_ZERO, init_on_alloc) is not ' +
      'charged here: see clearPage.',
  },
  kernelMapPagesX86: {
    ns: 800,
    kind: 'estimate',
    source:
      'estimate: __kernel_map_pages() (arch/x86/mm/pat/set_memory.c, formerly arch/x86/mm/pageattr.c) calls ' +
      '__set_pages_p() -> __change_page_attr_set_clr(): a 4-level lookup_address() walk of the direct map ' +
      '(4 KiB-mapped under debug_pagealloc) and a PTE update; cpa_lock is skipped when debug_pagealloc is on ' +
      '("if (!debug_pagealloc_enabled()) spin_lock(&cpa_lock)"), so no lock is taken. Then, with preemption ' +
      'disabled, __flush_tlb_all() flushes this CPU\'s whole TLB including global entries ("We should perform ' +
      'an IPI and flush all tlbs, but that can deadlock->flush only current cpu"). ~200 cycles for the walk ' +
      'and PTE update + ~600 cycles for the serialising flush + ~2400 cycles of TLB refills paid by the code ' +
      'that runs next = ~3200 cycles = 800 ns at 4 GHz. No published per-call figure was found; treat it as ' +
      'an order of magnitude.',
  },
  kernelMapPagesPowerpc: {
    ns: 500,
    kind: 'estimate',
    source:
      'estimate: on the powerpc hash MMU __kernel_map_pages() (arch/powerpc/mm/book3s64/hash_utils.c) runs ' +
      'under local_irq_save(); per page kernel_map_linear_page() inserts a bolted HPTE with ' +
      'hpte_insert_repeating() (bare metal: lock and write an HPTE slot in the hash group; under PowerVM or ' +
      'KVM: an H_ENTER hypercall) and records the slot under spin_lock(&linear_map_hash_lock), which is a ' +
      'spinlock_t ("static DEFINE_SPINLOCK(linear_map_hash_lock)" under CONFIG_DEBUG_PAGEALLOC): a sleeping ' +
      'lock on PREEMPT_RT, taken here with IRQs off. Cost: irqSaveRestore + spinLockUncontended (~20 ns) + ' +
      'an HPTE insert estimated at ~0.5 us under a hypervisor (hypercall round trip plus hash-group scan) ' +
      '= ~500 ns. No published figure was found.',
  },
  kasanAllocPages: {
    ns: 25,
    kind: 'estimate',
    source:
      'estimate: generic KASAN kasan_alloc_pages() -> kasan_unpoison_shadow(page_address(page), PAGE_SIZE): ' +
      'a memset of 4096 >> KASAN_SHADOW_SCALE_SHIFT (3) = 512 shadow bytes = 8 cache lines, usually not ' +
      'cache-resident: ~8 x 10 ns of L3/RFO traffic overlapped about 4-way + call overhead = ~25 ns. No lock ' +
      "is taken. KASAN's instrumentation slowdown of all other code is not included.",
  },
  setPageOwner: {
    ns: 1000,
    kind: 'estimate',
    source:
      'estimate: __set_page_owner() -> save_stack(): stack_trace_save() unwinds ~20 frames with the ORC ' +
      'unwinder, then stack_depot_save() hashes the entries (jhash2) and looks the hash up lock-free ' +
      '(smp_load_acquire on the bucket). Only a stack not seen before takes depot_lock, which in 5.9 ' +
      'lib/stackdepot.c is "static DEFINE_SPINLOCK(depot_lock)" taken with spin_lock_irqsave (later changed ' +
      'to a raw_spinlock_t), and may call alloc_pages() for a new depot slab. ~40 ns per unwound frame x 20 ' +
      '+ ~200 ns hashing and lookup = ~1 us. No published per-call figure was found.',
  },
  kswapdWake: {
    ns: 500,
    kind: 'estimate',
    source:
      'estimate: wakeup_kswapd() returns early when kswapd is not waiting (!waitqueue_active(&pgdat->' +
      'kswapd_wait), ~20 ns; charge watermarkCheck-sized costs for that case). Otherwise it checks whether the ' +
      'node is balanced and calls wake_up_interruptible(&pgdat->kswapd_wait) -> try_to_wake_up() of a ' +
      'thread on another CPU: the wait-queue lock (a spinlock_t, so a sleeping lock on PREEMPT_RT), the ' +
      'remote runqueue enqueue or wake-up IPI: ~2000 cycles = 500 ns at 4 GHz.',
  },
  directReclaimPerPage: {
    ns: 2000,
    kind: 'estimate',
    source:
      'estimate: amortised CPU cost of reclaiming one clean, unmapped page-cache page in direct reclaim ' +
      '(shrink_inactive_list/shrink_page_list): LRU isolation under the lruvec lock, trylock_page and ' +
      "page_referenced(), __remove_mapping() under the mapping's i_pages lock, freeing the page, plus " +
      'scanning of pages that are skipped or rotated: ~8000 cycles = 2 us at 4 GHz (about 500k pages/s or ' +
      '2 GB/s per CPU). Dirty, mapped or anonymous pages (writeback, unmapping with TLB flushes, swap I/O) ' +
      'cost one to several orders of magnitude more; override per scenario.',
  },
  drainPagesPerCpu: {
    ns: 48.329,
    kind: 'derived',
    source:
      'derived: 3 x (irqSaveRestore + 5 ns) + 5 ns = 3 x 14.443 + 5 = 48.329 ns. drain_local_pages(NULL) -> ' +
      'drain_pages() walks the populated zones (3 on a typical x86-64 node: DMA, DMA32, Normal); for each ' +
      "drain_pages_zone() does local_irq_save/restore and reads this CPU's pcp count (~5 ns, estimated), plus " +
      '~5 ns of call overhead. Per-page work (free_pcppages_bulk) and zone->lock are charged separately. In ' +
      '6.x pcp->lock replaces IRQs-off at about the same cost. Follows overrides of irqSaveRestore.',
  },
  queueWork: {
    ns: 300,
    kind: 'estimate',
    source:
      'estimate: queue_work_on(): local_irq_save, test_and_set_bit(WORK_STRUCT_PENDING) (an atomic RMW), ' +
      '__queue_work(): pool_workqueue lookup under RCU, raw_spin_lock(&pool->lock), insert_work() list_add, ' +
      'and wake_up_worker() -> wake_up_process() of an idle kworker (a try_to_wake_up, which dominates): ' +
      '~1200 cycles = 300 ns at 4 GHz. hrtimer_start() (lock the CPU clock base, rbtree insert, maybe ' +
      'reprogram the clock event device) is of the same order and uses the same figure.',
  },
  workerWakeLatency: {
    ns: 15000,
    kind: 'estimate',
    source:
      'estimate: from queue_work() to the kworker running on an idle CPU = wake-up IPI (~1 us) + idle exit + ' +
      'schedule() and context switch (~0.5 us). Idle exit: drivers/idle/intel_idle.c hsw_cstates lists ' +
      'exit_latency 2/10/33/133 us for C1/C1E/C3/C6 (worst-case table values); Richard Sites measured ' +
      '1.74 us (C1E), 3.75-4.0 us (C3) and 13.3-13.9 us (C6) on a Haswell Celeron G1840 (comment in ' +
      'dicksites/KUtrace postproc/rawtoevent.cc). With a C6 exit: 1 + 13.6 + 0.5 = ~15 us. A busy target ' +
      'CPU adds its scheduling delay on top.',
  },
  kvfreeRcuStore: {
    ns: 2,
    kind: 'estimate',
    source:
      "estimate: kvfree_rcu's bulk path stores the pointer as bnode->records[bnode->nr_records++] = ptr " +
      'after checking that the block has room: a load, compare, store and increment on a cache-hot block, ' +
      '~8 cycles = 2 ns at 4 GHz. krcp->lock is charged separately (krcLock).',
  },
  rcuHeadLink: {
    ns: 5,
    kind: 'estimate',
    source:
      'estimate: the fallback when no block is available links the object through its rcu_head: ' +
      "head->func = func; head->next = krcp->head; krcp->head = head. The freed object's rcu_head line is " +
      'often cold (an RFO partly hidden by the store buffer): ~20 cycles = 5 ns at 4 GHz.',
  },
  krcLock: {
    ns: 19.91,
    kind: 'derived',
    source:
      'derived: irqSaveRestore + rawSpinLockUncontended = 9.443 + 10.467 = 19.910 ns. krc_this_cpu_lock() in ' +
      'kernel/rcu/tree.c is local_irq_save() + this_cpu_ptr(&krc) + raw_spin_lock(&krcp->lock) (a ' +
      'raw_spinlock_t), and krc_this_cpu_unlock() is raw_spin_unlock_irqrestore(). Follows overrides of its ' +
      'inputs.',
  },
};

/**
 * How each 'derived' entry is computed from other entries.
 * followsInputs: true for a sum of parts (recomputed when an input is
 * overridden); false for a calibration or cross-machine scaling, which stays at
 * its default.
 */
export interface CostDerivation {
  readonly inputs: readonly CostKey[];
  readonly followsInputs: boolean;
  readonly compute: (t: CostTable) => number;
}

export const COST_DERIVATIONS: Readonly<Partial<Record<CostKey, CostDerivation>>> = {
  preemptDisableEnable: {
    inputs: ['irqSaveRestore'],
    followsInputs: false,
    compute: (t) => (E5_2695_PREEMPT_NS * t.irqSaveRestore) / E5_2695_IRQSAVE_NS,
  },
  spinLockUncontended: {
    inputs: ['irqSaveRestore'],
    followsInputs: false,
    compute: (t) => (E5_2695_SPINLOCK_NS * t.irqSaveRestore) / E5_2695_IRQSAVE_NS,
  },
  rawSpinLockUncontended: {
    inputs: ['spinLockUncontended'],
    followsInputs: false,
    compute: (t) => t.spinLockUncontended,
  },
  pcpListOp: {
    inputs: ['irqSaveRestore', 'watermarkCheck', 'prepNewPage'],
    followsInputs: false,
    compute: (t) =>
      (PAGE_BENCH_IRQSAVE_CYCLES / REFERENCE_GHZ - 2 * t.irqSaveRestore - t.watermarkCheck - t.prepNewPage) / 2,
  },
  pcpSpinTrylock: {
    inputs: ['spinLockUncontended', 'preemptDisableEnable'],
    followsInputs: true,
    compute: (t) => t.spinLockUncontended + t.preemptDisableEnable,
  },
  rmqueueBulkPerPage: {
    inputs: ['buddyListOp'],
    followsInputs: true,
    compute: (t) => t.buddyListOp + 5,
  },
  freePcppagesBulkPerPage: {
    inputs: ['buddyListOp'],
    followsInputs: true,
    compute: (t) => t.buddyListOp + 8,
  },
  drainPagesPerCpu: {
    inputs: ['irqSaveRestore'],
    followsInputs: true,
    compute: (t) => TYPICAL_ZONES * (t.irqSaveRestore + 5) + 5,
  },
  krcLock: {
    inputs: ['irqSaveRestore', 'rawSpinLockUncontended'],
    followsInputs: true,
    compute: (t) => t.irqSaveRestore + t.rawSpinLockUncontended,
  },
};

const KEY_SET: ReadonlySet<string> = new Set<string>(COST_KEYS);

export function isCostKey(name: string): name is CostKey {
  return KEY_SET.has(name);
}

/** Derived keys that follow their inputs, inputs before dependents. */
const FOLLOWING_ORDER: readonly CostKey[] = topologicalOrder();

function topologicalOrder(): CostKey[] {
  const order: CostKey[] = [];
  const state = new Map<CostKey, 'visiting' | 'done'>();
  const visit = (key: CostKey): void => {
    const mark = state.get(key);
    if (mark === 'done') return;
    if (mark === 'visiting') throw new Error(`cost table: derivation cycle through ${key}`);
    state.set(key, 'visiting');
    const derivation = COST_DERIVATIONS[key];
    if (derivation) for (const input of derivation.inputs) visit(input);
    state.set(key, 'done');
    if (derivation?.followsInputs) order.push(key);
  };
  for (const key of COST_KEYS) visit(key);
  return order;
}

function defaultTable(): Record<CostKey, number> {
  const table = {} as Record<CostKey, number>;
  for (const key of COST_KEYS) table[key] = COST_TABLE_SOURCES[key].ns;
  return table;
}

/** The defaults as a resolved table. */
export const DEFAULT_COST_TABLE: CostTable = Object.freeze(defaultTable());

/**
 * Resolve user overrides against the defaults.
 *
 * Keys are cost keys, with or without a leading "cost." (as typed in
 * `--set cost.pcpListOp=20`). Values are numbers of ns >= 0, or strings that
 * read as one (command-line values arrive as text). An unknown key or a bad
 * value throws InputError with `origin` as its file. Derived entries that
 * follow their inputs are recomputed unless overridden themselves.
 */
export function resolveCostTable(
  overrides: Readonly<Record<string, unknown>> = {},
  origin = '--set',
): CostTable {
  const table = defaultTable();
  const overridden = new Set<CostKey>();

  for (const [rawName, value] of Object.entries(overrides)) {
    const name = rawName.startsWith('cost.') ? rawName.slice('cost.'.length) : rawName;
    if (!isCostKey(name)) {
      const suggestion = closestName(name, COST_KEYS);
      throw new InputError({
        file: origin,
        where: `cost.${name}`,
        expected: suggestion
          ? `one of the cost keys (did you mean ${suggestion}?)`
          : `one of the cost keys (${COST_KEYS.join(', ')})`,
        found: describeFound(name),
      });
    }
    table[name] = parseNs(value, origin, name);
    overridden.add(name);
  }

  // Re-derive only where an input actually changed, so an untouched entry keeps
  // its stored (rounded) default exactly.
  const changed = new Set<CostKey>([...overridden].filter((key) => table[key] !== COST_TABLE_SOURCES[key].ns));
  for (const key of FOLLOWING_ORDER) {
    const derivation = COST_DERIVATIONS[key];
    if (!derivation || overridden.has(key)) continue;
    if (!derivation.inputs.some((input) => changed.has(input))) continue;
    table[key] = derivation.compute(table);
    if (table[key] !== COST_TABLE_SOURCES[key].ns) changed.add(key);
  }
  return Object.freeze(table);
}

function parseNs(value: unknown, origin: string, key: CostKey): number {
  let ns: number | undefined;
  if (typeof value === 'number') ns = value;
  else if (typeof value === 'string' && value.trim() !== '') ns = Number(value.trim());
  if (ns === undefined || !Number.isFinite(ns) || ns < 0) {
    throw new InputError({
      file: origin,
      where: `cost.${key}`,
      expected: 'a finite number of nanoseconds >= 0',
      found: describeFound(value),
    });
  }
  return ns;
}

export interface CostTableRow {
  key: CostKey;
  ns: number;
  defaultNs: number;
  kind: string;
  source: string;
  overridden: boolean;
}

/**
 * One row per key, in COST_KEYS order, for reports. `overridden` is true when
 * the value differs from the default and is not explained by re-deriving the
 * entry from overridden inputs; a re-derived entry keeps overridden = false and
 * its source gains a note naming the changed inputs.
 */
export function describeCostTable(table: CostTable): CostTableRow[] {
  return COST_KEYS.map((key) => {
    const entry = COST_TABLE_SOURCES[key];
    const ns = table[key];
    const derivation = COST_DERIVATIONS[key];
    let source = entry.source;
    let overridden = ns !== entry.ns;
    if (overridden && derivation?.followsInputs) {
      const changedInputs = derivation.inputs.filter((input) => table[input] !== COST_TABLE_SOURCES[input].ns);
      if (changedInputs.length > 0 && Math.abs(derivation.compute(table) - ns) < 1e-9) {
        overridden = false;
        source = `${source} [re-derived from overridden ${changedInputs.join(', ')}]`;
      }
    }
    return { key, ns, defaultNs: entry.ns, kind: entry.kind, source, overridden };
  });
}

/**
 * The range each entry may plausibly take, low <= default <= high, and why:
 * the spread of its sources (other machines, other kernels, other
 * measurements of the same path) or, for an estimate, how far the reasoning
 * could be off. `--cost-range` runs the matrix at corners of these ranges and
 * says whether a conclusion flips (harness/analysis/cost-range.ts).
 *
 * The pcp fast path: the default pair (alloc + free, 5.9 local_irq_save
 * scheme) is 48.0 ns, Brouer's 192 cycles at 4 GHz. Other published figures
 * for the same pair run from 116 cycles = 29 ns (page_bench01, 2023, newer
 * kernel and CPU) through 176-185 cycles = 44-46 ns (2017) to 141 ns on the
 * E5-2695 of time_bench_sample.c, 89.7 ns scaled to the reference machine by
 * irqSaveRestore (141 x 9.443 / 14.84), and about 112 ns per operation on a
 * 2.2 GHz Xeon Gold 5320 (luhsra/llfree-bench, Linux 6.0, repeat). The
 * default stays on the one measurement of the 5.9 scheme itself on a desktop
 * CPU like the reference machine; pcpListOp's range spans pairs of about
 * 35 ns to 90 ns (pcpListOp = (pair - 2 x 9.443 - 3 - 5) / 2: 4 to 32 ns).
 */
export interface CostRange {
  readonly low: number;
  readonly high: number;
  readonly why: string;
}

export const COST_RANGES: Readonly<Record<CostKey, CostRange>> = {
  irqSaveRestore: { low: 6, high: 14.84, why: 'newer cores save/restore flags in fewer cycles; 14.84 ns unscaled on the E5-2695 (time_bench_sample.c)' },
  irqDisableEnable: { low: 1, high: 3, why: '4-12 cycles across x86 generations' },
  preemptDisableEnable: { low: 0.327, high: 4.291, why: 'PREEMPT_COUNT=n (0.327 ns, getting_started.rst) to the E5-2695 figure unscaled' },
  pcpListOp: { low: 4, high: 32, why: 'alloc+free pair of 35 ns (page_bench01 2023, 116-117 cycles + call overhead) to 90 ns (time_bench_sample.c 141 ns scaled to the reference machine)' },
  pcpSpinTrylock: { low: 8.6, high: 20.7, why: 'its inputs at their ends: 8.25 + 0.327 to 16.449 + 4.291 ns' },
  spinLockUncontended: { low: 8.25, high: 16.449, why: '33 cycles on an i7-2620M (getting_started.rst) to 16.449 ns unscaled on the E5-2695' },
  rawSpinLockUncontended: { low: 8.25, high: 16.449, why: 'the same code as spinLockUncontended on !PREEMPT_RT' },
  lockHandoff: { low: 10, high: 45, why: 'a line moved between neighbouring cores of a small ring to the 40-42 ns MLC L2-to-L2 modified intervention on a 10-core Xeon E5-2660 v4' },
  watermarkCheck: { low: 1.5, high: 8, why: 'an estimate of ~12 instructions: half to more than twice (a cache miss on the zone counters)' },
  gfpFlagCheck: { low: 0.25, high: 5, why: 'a predicted test+jcc to a mispredicted branch (15-20 cycles)' },
  buddyOpPerOrder: { low: 5, high: 40, why: 'struct page hot in L2 to an L3/remote miss per step (Aaron Lu, 2018: struct page misses dominate under zone->lock)' },
  buddyListOp: { low: 4, high: 25, why: 'hot neighbours to cold struct pages' },
  rmqueueBulkPerPage: { low: 8, high: 40, why: 'its parts hot to cold; llfree-bench measured 94 ns per order-0 bulk allocation on one core of a Xeon Gold 5320 (whole path, Linux 6.0)' },
  freePcppagesBulkPerPage: { low: 10, high: 45, why: 'its parts hot to cold; llfree-bench measured 90 ns per order-0 free on one core (whole path)' },
  clearPage: { low: 100, high: 400, why: 'a cache-warm page off a LIFO pcplist stored at ~40 GB/s to a cold page written at DRAM speed (10-12 GB/s per core)' },
  kmallocFastPath: { low: 2.6, high: 10, why: 'half of a 21-43 cycle SLUB alloc+free fast path to a cold per-CPU slab' },
  prepNewPage: { low: 2, high: 15, why: 'an estimate of ~20 cycles: the static-key tests hot, to a cold struct page' },
  kernelMapPagesX86: { low: 200, high: 3000, why: 'no published figure: the walk alone to a flush with heavy TLB refill' },
  kernelMapPagesPowerpc: { low: 100, high: 5000, why: 'no published figure: bare-metal HPTE insert to a slow hypercall' },
  kasanAllocPages: { low: 10, high: 100, why: '512 shadow bytes cache-resident to all missing' },
  setPageOwner: { low: 300, high: 3000, why: 'a shallow stack to a deep one with a cold depot' },
  kswapdWake: { low: 200, high: 2000, why: 'a local wake-up to a remote one with an IPI and idle exit on the target' },
  directReclaimPerPage: { low: 500, high: 20000, why: 'clean page cache in bulk to mapped/dirty pages (one order of magnitude more)' },
  drainPagesPerCpu: { low: 30, high: 80, why: 'its inputs at their ends' },
  queueWork: { low: 100, high: 1000, why: 'an idle worker already running to a remote try_to_wake_up' },
  workerWakeLatency: { low: 1000, high: 50000, why: 'a CPU in C1 (1.74 us exit measured on Haswell) to deep C-states on servers (133 us worst-case table value for C6 on hsw, which is rare)' },
  kvfreeRcuStore: { low: 1, high: 5, why: 'a hot block to a cold one' },
  rcuHeadLink: { low: 2, high: 25, why: "the object's rcu_head line hot to a full miss" },
  krcLock: { low: 14.25, high: 31.3, why: 'its inputs at their ends: 6 + 8.25 to 14.84 + 16.449 ns' },
};

/** The overrides that put every entry at its low or high end, or a mix (`pick(key)` true: high). */
export function costCorner(pick: (key: CostKey) => boolean): Record<string, number> {
  const o: Record<string, number> = {};
  for (const k of COST_KEYS) o[k] = pick(k) ? COST_RANGES[k].high : COST_RANGES[k].low;
  return o;
}
