/**
 * The simulator's hot loop: feeds a run's events, batch by batch, to the
 * allocator core and kvfree_rcu(), runs deferred work (the core's event queue)
 * in time order between them, and keeps the run's counters. simulator.ts
 * builds one per run and turns its counters into metrics.
 *
 * Why a class of its own, called once per batch: V8 optimises a function that
 * is called often as a whole and keeps that code for the next run, where a
 * loop inside a function called once per run is compiled on the stack (OSR)
 * every time its code is thrown away. The per-run set-up and the metrics
 * (strategy objects of every shape) live in runOne, so their type changes no
 * longer discard the loop's optimised code: measured over the default matrix's
 * first runs, runOne's loop was recompiled about 20 times in 56 runs.
 */
import { CTX_HARDIRQ, CTX_NMI } from '../core/context.ts';
import type { EventQueue } from '../core/event-queue.ts';
import { __GFP_MOVABLE, __GFP_RECLAIMABLE } from '../core/gfp.ts';
import { NIL, type PageAllocator } from '../core/index.ts';
import { checkInvariants } from '../core/invariants.ts';
import type { Reserve, ReserveTotals } from '../core/reserve.ts';
import { FLAG_HARDIRQ_NO_THREAD, FLAG_IRQS_OFF, FLAG_LEGACY_GFP0, FLAG_RAW_LOCK_HELD, FLAG_UNRECLAIMABLE, OP_ALLOC, OP_FREE, OP_KVFREE_RCU, type EventBatch } from '../workload/events.ts';
import type { KvfreeRcu } from './kvfree-rcu.ts';
import type { SlotTable } from './slots.ts';
import type { TimelineRecorder } from './timeline.ts';

/**
 * Deferred work run at one virtual instant before the run is declared stuck:
 * a handler that keeps re-queueing itself at the same time never lets virtual
 * time advance.
 */
export const STUCK_INSTANT_LIMIT = 1_000_000;

const CHECK_WALL_EVERY = 1 << 16;
const OP_NAMES: Record<number, string> = { [OP_ALLOC]: 'allocation', [OP_FREE]: 'free', [OP_KVFREE_RCU]: 'kvfree_rcu() call' };

export interface EventLoopSetup {
  readonly alloc: PageAllocator;
  readonly queue: EventQueue;
  readonly slots: SlotTable;
  readonly krc: KvfreeRcu;
  /** The strategy's reserves (for the invariant checks). */
  readonly reserves: readonly Reserve[];
  /** Their count and pages together, integrated over time (Extensions.reserveTotals). */
  readonly reserveTotals: ReserveTotals;
  readonly cpus: number;
  /** The run's end (virtual ns): events at or after it are not run. */
  readonly endNs: number;
  /**
   * The end of the warm-up (virtual ns; 0: a cold start). When virtual time
   * reaches it, the deferred work due before it runs, then onWarmupEnd(), which
   * reads the warm-up's counters and resets them (with resetCounters()).
   */
  readonly warmupEndNs: number;
  readonly onWarmupEnd: (t: number) => void;
  /** Check the core's invariants every this many events (0: never). */
  readonly checkEvery: number;
  /** Wall-time limit (ms, 0: none), counted from wall0. */
  readonly wallLimitMs: number;
  readonly wall0: number;
  /** Limit of one operation's modelled cost (virtual ns, 0: none). */
  readonly opLimitNs: number;
  /** [0]: the current virtual time, published for a pool that watches a stuck run. */
  readonly progress: Float64Array;
  /** The raw_spinlock_t a FLAG_RAW_LOCK_HELD caller holds, per CPU. */
  readonly callerRawLock: Int32Array;
  /** Sampled at `timelineStepNs` intervals of virtual time (none when null). */
  readonly timeline: TimelineRecorder | null;
  readonly timelineStepNs: number;
  /** Throws the run's failure (RunFailure) with `msg` at virtual time `t`. */
  readonly fail: (msg: string, t: number) => never;
}

export class EventLoop {
  // Counters, read by runOne when the run ends.
  ordinaryAllocs = 0;
  ordinaryFailures = 0;
  legacyGfp0Failures = 0;
  order0Allocs = 0;
  order0Hits = 0;
  fastPathNsSum = 0.5; // a double field from the start (see below)
  /** Reserved pages integrated over virtual time (page x ns). */
  reservedArea = 0.5;
  /**
   * Virtual ns during which some populated zone had fewer free pages than its
   * low (min) watermark, _watermark[] without the boost: sampled at each
   * workload event, held until the next one.
   */
  belowLowNs = 0.5;
  belowMinNs = 0.5;
  minFree: number;
  /** Workload events run. */
  events = 0;
  /** The virtual time of the last event taken (where a failure is reported). */
  t = 0.5;

  private lastT = 0.5;
  private tlNext = 0.5;
  /** Time of the last watermark sample, and what it found (1: below low, 2: below min too). */
  private wmT = 0.5;
  private wmState = 0;
  /** warmupEndNs until the warm-up has ended, then Infinity. */
  private warmEnd = 0.5;
  private checkLeft: number;
  /** CPU busy until (virtual ns): a task/softirq event waits for its CPU. */
  private readonly busy: Float64Array;
  /** Deferred work: how many items ([1]) ran at the instant [0]. */
  private readonly stuck = new Float64Array([-1, 0]);

  constructor(private readonly s: EventLoopSetup) {
    // Fields that hold fractional ns start as doubles and are reset here: a
    // field that starts as a small integer and later holds a fraction changes
    // the object's shape, and V8 throws away code that relied on the first.
    this.fastPathNsSum = 0;
    this.reservedArea = 0;
    this.belowLowNs = 0;
    this.belowMinNs = 0;
    this.wmT = 0;
    // The populated zones' below-low / below-min counts, kept by the buddy
    // allocator as nrFree changes (no scan of the zones per event).
    s.alloc.buddy.watchWatermarks();
    this.t = 0;
    this.lastT = 0;
    this.tlNext = s.warmupEndNs;
    this.warmEnd = s.warmupEndNs > 0 ? s.warmupEndNs : Infinity;
    this.minFree = s.alloc.totalFree();
    this.checkLeft = s.checkEvery;
    this.busy = new Float64Array(s.cpus);
  }

  /**
   * Runs events [0, b.length) of `b` in order. Returns false once an event at
   * or after the run's end was reached (the rest is not run), true otherwise.
   */
  run(b: EventBatch): boolean {
    const s = this.s;
    const alloc = s.alloc;
    const queue = s.queue;
    const slots = s.slots;
    const krc = s.krc;
    const reserves = s.reserves;
    const reserveTotals = s.reserveTotals;
    const busy = this.busy;
    const progress = s.progress;
    const callerRawLock = s.callerRawLock;
    const endNs = s.endNs;
    const checkEvery = s.checkEvery;
    const wallLimit = s.wallLimitMs;
    const opLimitNs = s.opLimitNs;
    const zones = alloc.zones;
    const nrZones = zones.length;
    // Imported constants as locals: V8 reloads (and TDZ-checks) a module
    // binding on every use in the loop.
    const ctxHardirq = CTX_HARDIRQ;
    const ctxNmi = CTX_NMI;
    const opAlloc = OP_ALLOC;
    const opFree = OP_FREE;
    const opKvfreeRcu = OP_KVFREE_RCU;
    const flagIrqsOff = FLAG_IRQS_OFF;
    const flagRawLockHeld = FLAG_RAW_LOCK_HELD;
    const flagLegacyGfp0 = FLAG_LEGACY_GFP0;
    const flagHardirqNoThread = FLAG_HARDIRQ_NO_THREAD;
    const flagUnreclaimable = FLAG_UNRECLAIMABLE;
    const buddy = alloc.buddy;
    let belowLowNs = this.belowLowNs;
    let belowMinNs = this.belowMinNs;
    let wmT = this.wmT;
    let wmState = this.wmState;
    const nil = NIL;
    const reclaimableGfp = __GFP_MOVABLE | __GFP_RECLAIMABLE;
    const wallCheckMask = CHECK_WALL_EVERY - 1;
    const timeline = s.timeline;
    const timelineStepNs = s.timelineStepNs;
    // Counters as locals for the batch (registers, not field stores per
    // event), stored back when it ends, however it ends; a timeline sample
    // gets ordinaryFailures as an argument.
    let ordinaryAllocs = this.ordinaryAllocs;
    let ordinaryFailures = this.ordinaryFailures;
    let legacyGfp0Failures = this.legacyGfp0Failures;
    let order0Allocs = this.order0Allocs;
    let order0Hits = this.order0Hits;
    let fastPathNsSum = this.fastPathNsSum;
    let reservedArea = this.reservedArea;
    let lastT = this.lastT;
    let tlNext = this.tlNext;
    let minFree = this.minFree;
    let events = this.events;
    let checkLeft = this.checkLeft;
    let t = this.t;
    let warmEnd = this.warmEnd;
    let more = true;
    const n = b.length;
    const { time, cpu: cpuOf, op: opOf, ctx: ctxOf, flags: flagsOf, order: orderOf, gfp: gfpOf, slot: slotOf } = b;
    try {
      for (let i = 0; i < n; i++) {
        t = time[i]!;
        if (t >= endNs) {
          more = false;
          break;
        }
        progress[0] = t;
        if (t >= warmEnd) {
          // The warm-up ends: hand its counters over, then count afresh
          // (once per run, so the locals go through the fields).
          this.ordinaryAllocs = ordinaryAllocs;
          this.ordinaryFailures = ordinaryFailures;
          this.legacyGfp0Failures = legacyGfp0Failures;
          this.order0Allocs = order0Allocs;
          this.order0Hits = order0Hits;
          this.fastPathNsSum = fastPathNsSum;
          this.reservedArea = reservedArea;
          this.lastT = lastT;
          this.minFree = minFree;
          this.events = events;
          this.belowLowNs = belowLowNs;
          this.belowMinNs = belowMinNs;
          this.wmT = wmT;
          this.wmState = wmState;
          this.endWarmup();
          belowLowNs = 0;
          belowMinNs = 0;
          wmT = this.wmT;
          ordinaryAllocs = 0;
          ordinaryFailures = 0;
          legacyGfp0Failures = 0;
          order0Allocs = 0;
          order0Hits = 0;
          fastPathNsSum = 0;
          reservedArea = 0;
          lastT = this.lastT;
          minFree = this.minFree;
          warmEnd = Infinity;
        }
        while (queue.peekTime() <= t) this.runDeferred();
        // Below low / min: the state found at the last event held until now.
        if (wmState !== 0) {
          belowLowNs += t - wmT;
          if (wmState === 2) belowMinNs += t - wmT;
        }
        wmT = t;
        wmState = buddy.zonesBelowMin > 0 ? 2 : buddy.zonesBelowLow > 0 ? 1 : 0;
        // A strategy may create a reserve at any time: checked per event.
        if (reserveTotals.reserves > 0) {
          reservedArea += reserveTotals.pages * (t - lastT);
          lastT = t;
        }
        if (timeline !== null && t >= tlNext) {
          timeline.sample(t, ordinaryFailures);
          tlNext += timelineStepNs;
        }
        const cpu = cpuOf[i]!;
        const ctx = ctxOf[i]!;
        const flags = flagsOf[i]!;
        const irq = ctx === ctxHardirq || ctx === ctxNmi;
        const start = irq || busy[cpu]! < t ? t : busy[cpu]!;
        const op = opOf[i]!;
        // One call site: a double passed to a call V8 does not inline is boxed
        // on the heap, and every extra site in this loop spends inlining budget.
        alloc.beginOp(cpu, ctx, (flags & flagIrqsOff) !== 0, start);
        // A hardirq of a never-threaded handler (timer, IPI): LD_WAIT_SPIN even on !RT.
        if (flags & flagHardirqNoThread) alloc.locks.hardirqNoThread = 1;
        if (op === opAlloc) {
          const gfp = gfpOf[i]!;
          const order = orderOf[i]!;
          const rawLock = (flags & flagRawLockHeld) !== 0;
          if (rawLock) alloc.meter.ns += alloc.locks.acquire(callerRawLock[cpu]!, start);
          const pfn = alloc.allocPages(gfp, order);
          if (rawLock) alloc.locks.release(callerRawLock[cpu]!, alloc.meter.now());
          ordinaryAllocs++;
          if (order === 0) {
            order0Allocs++;
            if (alloc.lastPcpHit) order0Hits++;
            fastPathNsSum += alloc.meter.ns;
          }
          if (pfn === nil) {
            ordinaryFailures++;
            if (flags & flagLegacyGfp0) legacyGfp0Failures++;
          } else {
            // alloc.totalFree(), inlined.
            let free = 0;
            for (let z = 0; z < nrZones; z++) free += zones[z]!.nrFree;
            if (free < minFree) minFree = free;
          }
          slots.set(slotOf[i]!, pfn, order, (gfp & reclaimableGfp) !== 0 && (flags & flagUnreclaimable) === 0);
        } else if (op === opFree) {
          slots.free(slotOf[i]!);
        } else if (op === opKvfreeRcu) {
          krc.call(cpu, flags);
        }
        if (opLimitNs > 0 && alloc.meter.ns > opLimitNs) {
          s.fail(`virtual-time limit: one ${OP_NAMES[op] ?? 'operation'} on cpu ${cpu} cost ${(alloc.meter.ns / 1e6).toFixed(3)} ms of modelled time (limit ${opLimitNs / 1e6} ms)`, t);
        }
        const end = start + alloc.meter.ns;
        busy[cpu] = irq ? Math.max(busy[cpu]!, t) + alloc.meter.ns : end;
        events++;
        // A countdown, not events % checkEvery: an integer division per event is measurable.
        if (checkEvery > 0 && --checkLeft === 0) {
          checkLeft = checkEvery;
          const errs = checkInvariants(alloc, reserves, 5);
          if (errs.length > 0) s.fail(`core invariant broken after event ${events}: ${errs.join('; ')}`, t);
        }
        if (wallLimit > 0 && (events & wallCheckMask) === 0 && performance.now() - s.wall0 > wallLimit) {
          s.fail(`wall-time limit of ${wallLimit} ms reached`, t);
        }
      }
    } finally {
      this.ordinaryAllocs = ordinaryAllocs;
      this.ordinaryFailures = ordinaryFailures;
      this.legacyGfp0Failures = legacyGfp0Failures;
      this.order0Allocs = order0Allocs;
      this.order0Hits = order0Hits;
      this.fastPathNsSum = fastPathNsSum;
      this.reservedArea = reservedArea;
      this.lastT = lastT;
      this.tlNext = tlNext;
      this.minFree = minFree;
      this.events = events;
      this.checkLeft = checkLeft;
      this.t = t;
      this.belowLowNs = belowLowNs;
      this.belowMinNs = belowMinNs;
      this.wmT = wmT;
      this.wmState = wmState;
    }
    return more;
  }

  /**
   * The end of the warm-up: runs the deferred work due before it, integrates
   * the reserves up to it, lets the run read the warm-up's figures
   * (onWarmupEnd), and zeroes the loop's counters. Events stays a count of the
   * whole run.
   */
  private endWarmup(): void {
    const s = this.s;
    const w = this.warmEnd;
    this.warmEnd = Infinity;
    while (s.queue.peekTime() < w) this.runDeferred();
    if (s.reserveTotals.reserves > 0) this.reservedArea += s.reserveTotals.pages * (w - this.lastT);
    this.lastT = w;
    this.closeWatermarkSpan(w);
    s.onWarmupEnd(w);
    this.belowLowNs = 0;
    this.belowMinNs = 0;
    this.ordinaryAllocs = 0;
    this.ordinaryFailures = 0;
    this.legacyGfp0Failures = 0;
    this.order0Allocs = 0;
    this.order0Hits = 0;
    this.fastPathNsSum = 0;
    this.reservedArea = 0;
    this.minFree = s.alloc.totalFree();
  }

  /**
   * After the last event: runs the deferred work due before the run's end,
   * and integrates the reserves up to it.
   */
  finish(): void {
    const s = this.s;
    if (this.warmEnd < Infinity) this.endWarmup();
    this.closeWatermarkSpan(s.endNs);
    while (s.queue.peekTime() < s.endNs) this.runDeferred();
    if (s.reserveTotals.reserves > 0) this.reservedArea += s.reserveTotals.pages * (s.endNs - this.lastT);
  }

  /** Counts the last watermark sample's state up to `t` (the end of the warm-up or of the run). */
  private closeWatermarkSpan(t: number): void {
    if (t <= this.wmT) return;
    if (this.wmState !== 0) this.belowLowNs += t - this.wmT;
    if (this.wmState === 2) this.belowMinNs += t - this.wmT;
    this.wmT = t;
  }

  /** Runs the next item of deferred work, watching for a stuck instant and the wall-time limit. */
  private runDeferred(): void {
    const s = this.s;
    const queue = s.queue;
    const stuck = this.stuck;
    const at = queue.peekTime();
    s.progress[0] = at;
    if (at === stuck[0]) {
      if (++stuck[1]! > STUCK_INSTANT_LIMIT) {
        s.fail(`virtual time does not advance: deferred work "${queue.handlerName(queue.lastKind)}" ran ${STUCK_INSTANT_LIMIT.toLocaleString('en-US')} items at one instant (a handler re-queueing itself at the same time?)`, at);
      }
    } else {
      stuck[0] = at;
      stuck[1] = 0;
    }
    // A kworker's item waits for its CPU: a task or softirq operation the
    // CPU is running (or has queued) goes first; the item then runs and
    // keeps the CPU busy for its own cost.
    if (!queue.runTopOn(this.busy, s.alloc.meter)) return;
    if (s.wallLimitMs > 0 && (queue.popped & (CHECK_WALL_EVERY - 1)) === 0 && performance.now() - s.wall0 > s.wallLimitMs) {
      s.fail(`wall-time limit of ${s.wallLimitMs} ms reached in deferred work "${queue.handlerName(queue.lastKind)}"`, queue.peekTime());
    }
  }
}
