/**
 * The kvfree_rcu() consumer, after kernel/rcu/tree.c of v5.10:
 *
 *  kvfree_call_rcu():  krc_this_cpu_lock() (local_irq_save + raw_spin_lock of
 *    the per-CPU krcp->lock), kvfree_call_rcu_add_ptr_to_bulk(): when there is
 *    no block or it is full (KVFREE_BULK_MAX_ENTR pointers), take a page from
 *    kvfree_rcu()'s own bnode cache (get_cached_bnode(), bnode-cache.ts); on
 *    5.12+ a headless caller then drops krcp->lock and allocates itself
 *    (add_ptr_to_bulk_krc_lock(), can_alloc); only then ask the strategy under
 *    test (in the thread's kernel: __get_free_page(GFP_NOWAIT | __GFP_NOWARN),
 *    not on PREEMPT_RT); no page: a two-argument call
 *    links the object through its rcu_head (krcp->head), a headless call
 *    unlocks and runs synchronize_rcu() inline, which may sleep.
 *    Then schedule_delayed_work(monitor, KFREE_DRAIN_JIFFIES) if not pending.
 *  kfree_rcu_monitor() (workqueue, task context): hand the blocks and the
 *    rcu_head list to a free kfree_rcu_cpu_work (KFREE_N_BATCHES = 2 per CPU)
 *    and queue_rcu_work(): after a grace period kfree_rcu_work() frees the
 *    objects and gives each block's page back: put_cached_bnode() while the
 *    cache is below rcu_min_cached_objs, else strategy.putPage (default
 *    free_page()). With both batches busy, the monitor tries again later.
 *
 * Objects themselves are slab memory and not modelled; blocks are real pages.
 */
import { NIL, type Core, type StrategyInstance } from '../core/index.ts';
import type { BnodeCache } from '../core/bnode-cache.ts';
import { CTX_TASK } from '../core/context.ts';
import { parseGfp } from '../core/gfp.ts';
import { kernelAtLeast } from '../core/profile.ts';
import { LogHistogram } from '../metrics/histogram.ts';

/** KFREE_N_BATCHES (kernel/rcu/tree.c, v5.10). */
const KFREE_N_BATCHES = 2;

export interface RcuParams {
  /** KVFREE_BULK_MAX_ENTR: pointers per block page. */
  readonly blockEntries: number;
  readonly gracePeriodNs: number;
  /** KFREE_DRAIN_JIFFIES in ns. */
  readonly drainDelayNs: number;
}

export class KvfreeRcu {
  // Counters read by the metrics.
  /** kvfree_rcu() calls (kvfreeCalls). */
  calls = 0;
  requests = 0;
  failures = 0;
  fallbackRcuHead = 0;
  fallbackSynchronizeRcu = 0;
  zoneLockInRequests = 0;
  /** Lock-rule violations (any kind) raised inside the page request itself. */
  violationsInRequests = 0;
  /** Of those, locks taken in NMI (nmiLock): the design's deadlock risk, apart from the caller's own NMI code. */
  nmiLocksInRequests = 0;
  readonly requestNs = new LogHistogram();
  /** Modelled ns of the page requests that got a page [0] and of those that got none [1] (a typed array: these sums hold fractions). */
  readonly requestNsByOutcome = new Float64Array(2);

  /** Zeroes the counters and the request-cost histogram (the end of a run's warm-up); blocks and caches are kept. */
  resetCounters(): void {
    this.calls = 0;
    this.requestNsByOutcome.fill(0);
    this.requests = 0;
    this.failures = 0;
    this.fallbackRcuHead = 0;
    this.fallbackSynchronizeRcu = 0;
    this.zoneLockInRequests = 0;
    this.violationsInRequests = 0;
    this.nmiLocksInRequests = 0;
    this.requestNs.reset();
  }

  private readonly curBlock: Int32Array;
  private readonly curRecords: Int32Array;
  /** Filled blocks waiting for the monitor, per CPU. */
  private readonly pending: number[][];
  private readonly headObjects: Float64Array;
  private readonly monitorTodo: Uint8Array;
  /** Blocks of batch b of cpu c: batches[c * KFREE_N_BATCHES + b]; null when the batch is free. */
  private readonly batches: (number[] | null)[];
  private readonly krcLock: Int32Array;
  private readonly callerRawLock: Int32Array;
  private readonly monitorKind: number;
  private readonly gpEndKind: number;
  /**
   * GFP of the 5.12+ headless path (add_ptr_to_bulk_krc_lock() with can_alloc,
   * 3e7ce7a187fc; flags from ee6ddf58475c), or -1 on a kernel without it.
   */
  private readonly headlessAllocGfp: number;

  constructor(
    private readonly core: Core,
    private readonly strategy: StrategyInstance,
    private readonly cache: BnodeCache,
    private readonly params: RcuParams,
  ) {
    this.headlessAllocGfp = kernelAtLeast(core.config.profile, 5, 12) ? parseGfp('GFP_KERNEL|__GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN', cache.gfpRegistry) : -1;
    const cpus = core.config.machine.cpus;
    this.curBlock = new Int32Array(cpus).fill(NIL);
    this.curRecords = new Int32Array(cpus);
    this.pending = Array.from({ length: cpus }, () => []);
    this.headObjects = new Float64Array(cpus);
    this.monitorTodo = new Uint8Array(cpus);
    this.batches = new Array<number[] | null>(cpus * KFREE_N_BATCHES).fill(null);
    this.krcLock = new Int32Array(cpus);
    this.callerRawLock = new Int32Array(cpus);
    const locks = core.alloc.locks;
    for (let c = 0; c < cpus; c++) {
      this.krcLock[c] = locks.define(`krcp->lock (cpu ${c})`, 'raw_spinlock_t');
      this.callerRawLock[c] = locks.define(`caller's raw_spinlock_t (cpu ${c})`, 'raw_spinlock_t');
    }
    this.monitorKind = core.queue.register('kfree_rcu_monitor', (cpu, _a, t) => this.monitor(cpu, t));
    this.gpEndKind = core.queue.register('kfree_rcu_work', (cpu, b, t) => this.kfreeRcuWork(cpu, b, t));
  }

  /**
   * One kvfree_rcu() call on `cpu` with event `flags`. The caller has begun the
   * operation (alloc.beginOp with the call's cpu, context, irqs-off flag and
   * time): the time travels in the meter, not as an argument, because a
   * fractional double passed to a call V8 does not inline is boxed on the heap,
   * once per call (about 6 MB of garbage per steady run).
   */
  call(cpu: number, flags: number): void {
    const a = this.core.alloc;
    const m = a.meter;
    const locks = a.locks;
    const costs = a.costs;
    // Flag and NIL values as literals (FLAG_RAW_LOCK_HELD = 2, FLAG_HEADLESS = 1,
    // NIL = -1): a module binding is reloaded on every use.
    // test/core-page-alloc.test.ts pins them with the core's hot-path literals.
    this.calls++;
    const callerLock = flags & 2 ? this.callerRawLock[cpu]! : -1;
    if (callerLock >= 0) m.ns += locks.acquire(callerLock, m.now()) + costs.rawSpinLockUncontended;
    // krc_this_cpu_lock(): local_irq_save() + raw_spin_lock(&krcp->lock).
    locks.irqSave();
    const krc = this.krcLock[cpu]!;
    m.ns += locks.acquire(krc, m.now()) + costs.krcLock;
    let success = true;
    const headless = (flags & 1) !== 0;
    if (this.curBlock[cpu] === -1 || this.curRecords[cpu]! >= this.params.blockEntries) {
      this.requests++;
      let zl = a.stats.zoneLockTaken;
      let nmi0 = locks.nmiLock;
      let v0 = locks.invalidWaitContext + locks.sleepInAtomic + nmi0;
      let ns0 = m.ns;
      let pfn = this.cache.get(cpu);
      if (pfn === -1 && headless && this.headlessAllocGfp >= 0) {
        // 5.12+ add_ptr_to_bulk_krc_lock(..., can_alloc): krc_this_cpu_unlock(),
        // __get_free_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC |
        // __GFP_NOWARN), raw_spin_lock_irqsave(&krcp->lock). Done with the lock
        // dropped, so it is not part of the request's locked section: its
        // locks, reports and time are kept out of the request's metrics.
        const zlD = a.stats.zoneLockTaken;
        const nmiD = locks.nmiLock;
        const vD = locks.invalidWaitContext + locks.sleepInAtomic + nmiD;
        const nsD = m.ns;
        locks.release(krc, m.now());
        locks.irqRestore();
        pfn = a.allocPages(this.headlessAllocGfp, 0);
        locks.irqSave();
        m.ns += locks.acquire(krc, m.now()) + costs.krcLock;
        zl += a.stats.zoneLockTaken - zlD;
        nmi0 += locks.nmiLock - nmiD;
        v0 += locks.invalidWaitContext + locks.sleepInAtomic + locks.nmiLock - vD;
        ns0 += m.ns - nsD;
      }
      if (pfn === -1) pfn = this.strategy.getPage(cpu);
      const requestNs = m.ns - ns0;
      this.requestNs.record(requestNs);
      this.requestNsByOutcome[pfn === -1 ? 1 : 0]! += requestNs;
      this.zoneLockInRequests += a.stats.zoneLockTaken - zl;
      this.violationsInRequests += locks.invalidWaitContext + locks.sleepInAtomic + locks.nmiLock - v0;
      this.nmiLocksInRequests += locks.nmiLock - nmi0;
      if (pfn === -1) {
        this.failures++;
        success = false;
      } else {
        const old = this.curBlock[cpu]!;
        if (old !== -1) this.pending[cpu]!.push(old);
        this.curBlock[cpu] = pfn;
        this.curRecords[cpu] = 0;
      }
    }
    if (success) {
      this.curRecords[cpu]!++;
      m.ns += costs.kvfreeRcuStore;
    } else if (!headless) {
      this.headObjects[cpu]!++;
      this.fallbackRcuHead++;
      m.ns += costs.rcuHeadLink;
      success = true;
    }
    if (success && this.monitorTodo[cpu] === 0) {
      this.monitorTodo[cpu] = 1;
      m.ns += costs.queueWork;
      this.core.queue.push(m.now() + this.params.drainDelayNs, this.monitorKind, cpu, 0);
    }
    locks.release(krc, m.now());
    locks.irqRestore();
    if (!success) {
      // Inline kvfree() after synchronize_rcu(): "We can do it from
      // might_sleep() context only".
      this.fallbackSynchronizeRcu++;
      locks.mightSleep('synchronize_rcu() in headless kvfree_rcu()');
    }
    if (callerLock >= 0) locks.release(callerLock, m.now());
  }

  /** kfree_rcu_monitor(): detach this CPU's blocks and rcu_head list into a free batch. */
  private monitor(cpu: number, time: number): void {
    const a = this.core.alloc;
    a.beginOp(cpu, CTX_TASK, false, time);
    const m = a.meter;
    const krc = this.krcLock[cpu]!;
    a.locks.irqSave();
    m.ns += a.locks.acquire(krc, m.now()) + a.costs.krcLock;
    let slot = -1;
    for (let b = 0; b < KFREE_N_BATCHES; b++) {
      if (this.batches[cpu * KFREE_N_BATCHES + b] === null) {
        slot = b;
        break;
      }
    }
    if (slot < 0) {
      // Both channels busy: try again after another KFREE_DRAIN_JIFFIES.
      this.core.queue.push(m.now() + this.params.drainDelayNs, this.monitorKind, cpu, 0);
    } else {
      const blocks = this.pending[cpu]!;
      this.pending[cpu] = [];
      const cur = this.curBlock[cpu]!;
      if (cur !== NIL && this.curRecords[cpu]! > 0) {
        blocks.push(cur);
        this.curBlock[cpu] = NIL;
        this.curRecords[cpu] = 0;
      }
      this.headObjects[cpu] = 0;
      this.batches[cpu * KFREE_N_BATCHES + slot] = blocks;
      this.monitorTodo[cpu] = 0;
      // queue_rcu_work(): kfree_rcu_work() runs after a grace period.
      this.core.queue.push(m.now() + this.params.gracePeriodNs, this.gpEndKind, cpu, slot);
    }
    a.locks.release(krc, m.now());
    a.locks.irqRestore();
  }

  /** kfree_rcu_work(): after the grace period, give the batch's block pages back. */
  private kfreeRcuWork(cpu: number, slot: number, time: number): void {
    const a = this.core.alloc;
    a.beginOp(cpu, CTX_TASK, false, time);
    const i = cpu * KFREE_N_BATCHES + slot;
    const blocks = this.batches[i];
    this.batches[i] = null;
    if (!blocks) return;
    for (const pfn of blocks) {
      // put_cached_bnode() under krcp->lock, else the strategy's putPage / free_page().
      if (this.cache.put(cpu, pfn)) continue;
      if (this.strategy.putPage) this.strategy.putPage(cpu, pfn);
      else a.freePages(pfn, 0);
    }
  }

  /** Pages currently held as blocks (current, pending and in-flight batches). */
  blockPages(): number {
    let n = 0;
    for (let c = 0; c < this.curBlock.length; c++) {
      if (this.curBlock[c] !== NIL) n++;
      n += this.pending[c]!.length;
    }
    for (const b of this.batches) if (b) n += b.length;
    return n;
  }
}
