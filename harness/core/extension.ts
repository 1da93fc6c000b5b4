/**
 * The extension points a strategy uses to change the core, and the record of
 * what it registered. A strategy's static properties (GFP bits consumed,
 * collisions, checks added to the fast path, entry points, reserves, workers)
 * are read from this record, never typed in by hand.
 */
import type { CostKey } from './cost-table.ts';
import type { EventQueue } from './event-queue.ts';
import type { GfpRegistry } from './gfp.ts';
import type { LockType } from './locks.ts';
import type { FastPathCheck, PageAllocator, PcpMissHook } from './page-alloc.ts';
import { Reserve, ReserveTotals } from './reserve.ts';
import { StrategyLock } from './strategy-lock.ts';

export type WorkerHandler = (cpu: number, arg: number, time: number) => void;

export interface StaticProperties {
  readonly gfpBits: { name: string; value: string }[];
  readonly gfpCollisions: string[];
  readonly gfpRelocations: string[];
  /** __GFP_BITS_SHIFT after the strategy's changes. */
  readonly gfpBitsShift: number;
  readonly gfpBitsUsed: number;
  readonly gfpBitsLeft: number;
  readonly gfpBitsTotal: number;
  readonly fastPathChecks: string[];
  readonly slowPathChecks: string[];
  readonly pcpMissChecks: string[];
  readonly entryPoints: string[];
  readonly reserves: string[];
  readonly workers: string[];
}

export class Extensions {
  private readonly fastPath: string[] = [];
  private readonly slowPath: string[] = [];
  private readonly pcpMiss: string[] = [];
  private readonly entries: string[] = [];
  private readonly workerNames: string[] = [];
  readonly reserves: Reserve[] = [];
  private readonly strategyReserves: string[] = [];
  /** Reserves created and the pages they hold together, kept up to date by the reserves. */
  readonly reserveTotals = new ReserveTotals();
  /** Counters a strategy reports through (metrics of the same names). */
  readonly counters = { watermarkBreaches: 0, migratetypeMixing: 0, invalidGfpCombination: 0 };

  constructor(
    private readonly owner: string,
    private readonly alloc: PageAllocator,
    private readonly queue: EventQueue,
    readonly gfp: GfpRegistry,
  ) {}

  /** Adds a new ___GFP_ bit; a collision is recorded, not refused (see GfpRegistry). Returns the value. */
  registerGfpBit(name: string, value: number): number {
    this.gfp.register(name, value, this.owner);
    return value;
  }

  /**
   * Adds a check run by rmqueue_pcplist() when the pcplist is empty, before
   * rmqueue_bulk() takes zone->lock (PCP_MISS_REFILL / _SKIP / _FAIL). An
   * ordinary pcp hit never runs it, so it costs the fast path nothing; its
   * own cost (one gfp test) is charged on the miss.
   */
  addPcpMissCheck(name: string, hook: PcpMissHook): void {
    if (this.alloc.pcpMissHook !== null) throw new Error(`${this.owner}: only one pcp-miss check can be installed (already have ${this.pcpMiss.join(', ')})`);
    const alloc = this.alloc;
    const ns = alloc.costs.gfpFlagCheck;
    alloc.pcpMissHook = (gfp, order, mt, zone) => {
      alloc.meter.ns += ns;
      return hook(gfp, order, mt, zone);
    };
    this.pcpMiss.push(name);
  }

  /**
   * A check every allocation runs at the top of __alloc_pages(), charged
   * costs.gfpFlagCheck each time; returning true rejects the allocation.
   */
  addFastPathCheck(name: string, check: FastPathCheck): void {
    if (this.alloc.fastPathCheck !== null) throw new Error(`${this.owner}: only one fast-path check can be installed`);
    this.alloc.fastPathNs += this.alloc.costs.gfpFlagCheck;
    this.alloc.fastPathCheck = check;
    this.fastPath.push(name);
  }

  /** A check only allocations entering __alloc_pages_slowpath pay. */
  addSlowPathCheck(name: string): void {
    this.alloc.slowPathNs += this.alloc.costs.gfpFlagCheck;
    this.slowPath.push(name);
  }

  /**
   * __alloc_pages() returns NULL without entering the slow path for any
   * allocation with a bit of `gfpMask` (no kswapd wake-up, no reclaim); the
   * test is paid only by allocations whose first freelist pass failed.
   */
  bypassSlowpathFor(name: string, gfpMask: number): void {
    this.alloc.noSlowpathGfp |= gfpMask;
    this.slowPath.push(name);
  }

  /** Records a new allocator entry point (e.g. __rcu_alloc_page_lockless). */
  addEntryPoint(name: string): void {
    this.entries.push(name);
  }

  /**
   * A per-CPU reserve of pages held by the strategy. `consumer: true`: held by
   * kvfree_rcu() itself on this kernel (its bnode cache), the same for every
   * design: counted in the reserved-pages metrics and checked like the
   * strategy's, but not listed among the strategy's static properties.
   */
  createReserve(name: string, opts: { consumer?: boolean } = {}): Reserve {
    const r = new Reserve(name, this.alloc.pcp.cpus, this.alloc.frames, this.reserveTotals);
    this.reserves.push(r);
    if (!opts.consumer) this.strategyReserves.push(name);
    return r;
  }

  /**
   * Deferred work: returns a handle for schedule(). The handler runs later in
   * virtual time, in a clean context the caller sets up with alloc.beginOp().
   * A 'workqueue' item (the default) is a kworker task on the CPU it is
   * scheduled on: it competes with the workload for that CPU, so it starts
   * only once the CPU is free (a kthread flooding the CPU keeps it waiting
   * until it yields; the model's tasks are not preempted), and its own cost
   * keeps the CPU busy. An 'hrtimer' callback interrupts at its time.
   */
  addWorker(name: string, handler: WorkerHandler, kind: 'workqueue' | 'hrtimer' = 'workqueue'): number {
    this.workerNames.push(name);
    return this.queue.register(`${this.owner}:${name}`, handler, kind === 'workqueue');
  }

  /** Runs worker `kind` on `cpu` at virtual time `time`. */
  schedule(kind: number, time: number, cpu: number, arg = 0): void {
    this.queue.push(time, kind, cpu, arg);
  }

  /**
   * A lock of the strategy's own, of kernel type `type` (see core/locks.ts and
   * strategy-lock.ts): taken and released through the handle, validated
   * (lockdep wait context, sleeping in atomic context, NMI) and charged as the
   * core's own locks are, and contended in virtual time between CPUs.
   * `perCpu: true` defines one instance per CPU ("name (cpu N)"); each call
   * then takes the instance of the CPU the current operation runs on.
   * Define locks in setup(); the caller may rely on each call giving a new lock.
   */
  defineLock(name: string, type: LockType, opts: { perCpu?: boolean } = {}): StrategyLock {
    if (type !== 'raw_spinlock_t' && type !== 'spinlock_t' && type !== 'mutex') {
      throw new Error(`${this.owner}: defineLock('${name}'): the type must be raw_spinlock_t, spinlock_t or mutex, not ${JSON.stringify(type)}`);
    }
    const a = this.alloc;
    const perCpu = opts.perCpu === true;
    const ids = new Int32Array(perCpu ? a.pcp.cpus : 1);
    for (let c = 0; c < ids.length; c++) ids[c] = a.locks.define(perCpu ? `${name} (cpu ${c})` : name, type);
    return new StrategyLock(name, type, perCpu, ids, a.locks, a.meter, a.costs);
  }

  /**
   * A pcplist-only allocation of 2^order pages (PageAllocator.allocPagesPcplistOnly()):
   * a page from this CPU's pcplist of the first zone of the gfp's zonelist
   * that passes its low watermark and has one, or NIL. Never refills a
   * pcplist, never takes zone->lock, never enters the slow path; charged as
   * the allocator's own steps are. Call it from getPage() or a worker (the
   * operation's CPU and context are the current ones).
   */
  allocPcplistOnly(gfp: number, order = 0): number {
    return this.alloc.allocPagesPcplistOnly(gfp, order);
  }

  /**
   * Charges `times` x a cost-table entry (by name, e.g. 'pcpListOp', as the
   * scenario resolved it, overrides included), or `times` x `ns` virtual ns,
   * to the current operation: the CPU's clock advances by it and any lock
   * held meanwhile stays held that much longer. What a strategy's own code
   * costs must be charged this way, or it is free.
   */
  charge(cost: CostKey | number, times = 1): void {
    const costs = this.alloc.costs;
    const known = typeof cost === 'number' || Object.prototype.hasOwnProperty.call(costs, cost);
    const ns = typeof cost === 'number' ? cost : known ? costs[cost] : Number.NaN;
    if (!known || !Number.isFinite(ns) || ns < 0 || !Number.isFinite(times) || times < 0) {
      throw new Error(`${this.owner}: charge(${JSON.stringify(cost)}, ${times}): ${known ? 'a cost is a finite number of ns >= 0, charged a finite number >= 0 of times' : 'no such cost-table entry'}`);
    }
    this.alloc.meter.ns += ns * times;
  }

  /** The current virtual time (ns) inside the operation: its start plus what has been charged so far. */
  now(): number {
    return this.alloc.meter.now();
  }

  describe(): StaticProperties {
    const g = this.gfp;
    return {
      gfpBits: g.registered().map((r) => ({ name: r.name, value: `0x${r.value.toString(16)}` })),
      gfpCollisions: g.collisions().map((c) => `${c.name} (0x${c.value.toString(16)}) collides with ${c.collidesWith}`),
      gfpRelocations: g.relocations().map((r) => `${r.name} moved from 0x${r.from.toString(16)} to 0x${r.to.toString(16)}`),
      gfpBitsShift: g.bitsShift,
      gfpBitsUsed: g.bitsUsed,
      gfpBitsLeft: g.bitsLeft,
      gfpBitsTotal: g.bitsTotal,
      fastPathChecks: [...this.fastPath],
      slowPathChecks: [...this.slowPath],
      pcpMissChecks: [...this.pcpMiss],
      entryPoints: [...this.entries],
      reserves: [...this.strategyReserves],
      workers: [...this.workerNames],
    };
  }
}
