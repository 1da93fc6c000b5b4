/**
 * The event stream a workload feeds the simulator: struct-of-arrays batches,
 * reused from call to call, so generating and consuming events allocates nothing.
 *
 * The stream is the same for every strategy (it depends only on the scenario and
 * the seed): that is what makes a comparison fair, and `workloadHash` proves it.
 * Events are in non-decreasing `time` order across all CPUs.
 */

/** An ordinary page allocation (`alloc_pages(gfp, order)`); the page is held in `slot` until an OP_FREE of that slot. */
export const OP_ALLOC = 1;
/** Free the page held in `slot` (`__free_pages`); a slot whose allocation failed frees nothing. */
export const OP_FREE = 2;
/** One kvfree_rcu() call on `cpu`; FLAG_HEADLESS marks the one-argument (headless) form. */
export const OP_KVFREE_RCU = 3;

/** Calling context of an event (what in_task()/in_softirq()/in_hardirq()/in_nmi() would say). */
export { CONTEXT_NAMES, CTX_HARDIRQ, CTX_NMI, CTX_SOFTIRQ, CTX_TASK, type ContextName } from '../core/context.ts';

/** kvfree_rcu(ptr) without an rcu_head: the headless, single-argument form. */
export const FLAG_HEADLESS = 1 << 0;
/** The caller already holds a raw_spinlock_t (e.g. a tracing or scheduler path). */
export const FLAG_RAW_LOCK_HELD = 1 << 1;
/** The caller runs with IRQs disabled. */
export const FLAG_IRQS_OFF = 1 << 2;
/** An ordinary allocation made by a legacy gfp == 0 caller (`__get_free_page(0)`). */
export const FLAG_LEGACY_GFP0 = 1 << 3;
/**
 * A hardirq event from a handler that is never threaded: a timer (tick,
 * HRTIMER_MODE_HARD hrtimer), an IPI, an IRQF_NO_THREAD / IRQF_PERCPU handler.
 * Lockdep gives it LD_WAIT_SPIN even on !RT; a device handler that forced
 * threading would thread runs at LD_WAIT_CONFIG on !RT (see LockSet.currInner).
 */
export const FLAG_HARDIRQ_NO_THREAD = 1 << 4;
/**
 * An allocation reclaim cannot take back (anonymous memory on a machine
 * without swap, mlocked or pinned pages): never on the reclaim LRU, whatever
 * its migratetype. Set on the fill allocations of a pressure phase with
 * `reclaimable: false`.
 */
export const FLAG_UNRECLAIMABLE = 1 << 5;

export class EventBatch {
  length = 0;
  readonly time: Float64Array; // virtual ns
  readonly cpu: Uint16Array;
  readonly op: Uint8Array;
  readonly ctx: Uint8Array;
  readonly flags: Uint8Array;
  readonly order: Uint8Array;
  readonly migratetype: Uint8Array;
  readonly gfp: Uint32Array;
  readonly slot: Int32Array;

  /** A batch of `capacity` events with arrays of its own; with `viewOf`, a view of that batch's events from `from` (see view()). */
  constructor(
    readonly capacity = 4096,
    viewOf?: { readonly batch: EventBatch; readonly from: number },
  ) {
    if (viewOf !== undefined) {
      const { batch: b, from } = viewOf;
      const end = from + capacity;
      this.time = b.time.subarray(from, end);
      this.cpu = b.cpu.subarray(from, end);
      this.op = b.op.subarray(from, end);
      this.ctx = b.ctx.subarray(from, end);
      this.flags = b.flags.subarray(from, end);
      this.order = b.order.subarray(from, end);
      this.migratetype = b.migratetype.subarray(from, end);
      this.gfp = b.gfp.subarray(from, end);
      this.slot = b.slot.subarray(from, end);
      this.length = capacity;
      return;
    }
    this.time = new Float64Array(capacity);
    this.cpu = new Uint16Array(capacity);
    this.op = new Uint8Array(capacity);
    this.ctx = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.order = new Uint8Array(capacity);
    this.migratetype = new Uint8Array(capacity);
    this.gfp = new Uint32Array(capacity);
    this.slot = new Int32Array(capacity);
  }

  /**
   * Events [from, from + n) of `src` as a batch of length n that shares src's
   * memory (TypedArray.subarray): no copy, and writes go to src.
   */
  static view(src: EventBatch, from: number, n: number): EventBatch {
    return new EventBatch(n, { batch: src, from });
  }
}

/**
 * Copies events [from, from + n) of `src` to `dst` from index `to` (both must
 * have room; lengths are the caller's): one TypedArray.set per field, no work
 * per event.
 */
export function copyEvents(src: EventBatch, from: number, dst: EventBatch, to: number, n: number): void {
  const end = from + n;
  dst.time.set(src.time.subarray(from, end), to);
  dst.cpu.set(src.cpu.subarray(from, end), to);
  dst.op.set(src.op.subarray(from, end), to);
  dst.ctx.set(src.ctx.subarray(from, end), to);
  dst.flags.set(src.flags.subarray(from, end), to);
  dst.order.set(src.order.subarray(from, end), to);
  dst.migratetype.set(src.migratetype.subarray(from, end), to);
  dst.gfp.set(src.gfp.subarray(from, end), to);
  dst.slot.set(src.slot.subarray(from, end), to);
}

/**
 * A source of events. `next` fills `batch` from index 0 and sets batch.length;
 * it returns the number of events written, 0 once the stream has ended.
 * `maxSlots` bounds every slot id the source will ever emit (ids are reused).
 */
export interface WorkloadSource {
  readonly cpus: number;
  readonly maxSlots: number;
  next(batch: EventBatch): number;
}
