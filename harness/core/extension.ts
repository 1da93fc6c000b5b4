/**
 * The extension points a strategy uses to change the core, and the record of
 * what it registered. A strategy's static properties (GFP bits consumed,
 * collisions, checks added to the fast path, entry points, reserves, workers)
 * are read from this record, never typed in by hand.
 */
import type { EventQueue } from './event-queue.ts';
import type { GfpRegistry } from './gfp.ts';
import type { FastPathCheck, PageAllocator, PcpMissHook } from './page-alloc.ts';
import { Reserve, ReserveTotals } from './reserve.ts';

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
