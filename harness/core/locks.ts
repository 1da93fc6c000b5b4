/**
 * Locks and execution contexts, with a lockdep-style wait-context validator.
 *
 * Lock types and their wait types follow include/linux/lockdep_types.h and
 * Documentation/locking/locktypes.rst:
 *   raw_spinlock_t  LD_WAIT_SPIN   (spins on every kernel, PREEMPT_RT too)
 *   spinlock_t      LD_WAIT_CONFIG (an rt_mutex-based sleeping lock on PREEMPT_RT;
 *                                   lockdep treats it as LD_WAIT_SPIN unless
 *                                   CONFIG_PROVE_RAW_LOCK_NESTING)
 *   mutex           LD_WAIT_SLEEP
 *
 * check_wait_context() (kernel/locking/lockdep.c) starts from the context's own
 * wait type (task_wait_context: hardirq -> LD_WAIT_SPIN, softirq -> LD_WAIT_CONFIG,
 * task -> LD_WAIT_MAX), lowers it to the inner wait type of every lock held in the
 * same irq context, and reports "BUG: Invalid wait context" when the next lock's
 * wait type is above that. A trylock is never checked (`next->trylock`), and
 * IRQs-off alone does not lower the context: lockdep does not see it.
 *
 * Separately, might_sleep()-style checks: on PREEMPT_RT a spinlock_t (and on any
 * kernel a mutex) acquired in atomic context (a raw lock held, IRQs off, NMI, and
 * on a non-RT kernel hardirq or softirq) is a real bug ("BUG: sleeping function called from invalid context"),
 * counted as sleepInAtomic whether or not lockdep is on. Any lock other than a
 * trylock taken in NMI context can deadlock against the code it interrupted;
 * lockdep is off in NMI (__nmi_enter() calls lockdep_off(); lockdep_nmi()), so
 * those are counted apart, as nmiLock, and no wait-context report is made there.
 *
 * Nothing here throws: each violation is counted and the first few are kept
 * with a kernel-like message.
 *
 * Contention happens in virtual time: a lock remembers until when it is held;
 * an acquirer on another CPU waits until then (and pays a cache-line handoff).
 */
import { CONTEXT_NAMES, CTX_HARDIRQ, CTX_NMI, CTX_SOFTIRQ } from './context.ts';

export const LD_WAIT_FREE = 1;
export const LD_WAIT_SPIN = 2;
export const LD_WAIT_CONFIG = 3;
export const LD_WAIT_SLEEP = 4;
export const LD_WAIT_MAX = 5;

export type LockType = 'raw_spinlock_t' | 'spinlock_t' | 'mutex';
const LOCK_TYPE_CODE: Record<LockType, number> = { raw_spinlock_t: 0, spinlock_t: 1, mutex: 2 };
const TYPE_RAW = 0;
const TYPE_SPIN = 1;
const TYPE_MUTEX = 2;

export interface LockClassInfo {
  readonly id: number;
  readonly name: string;
  readonly type: LockType;
}

export interface ViolationRecord {
  readonly kind: 'invalidWaitContext' | 'sleepInAtomic' | 'nmiLock';
  readonly message: string;
  /** How many times this same (lock, context, held lock) combination happened. */
  count: number;
}

const MAX_HELD = 16;
const MAX_RECORDS = 64;

export interface LockConfig {
  /** CONFIG_PROVE_LOCKING + CONFIG_PROVE_RAW_LOCK_NESTING: spinlock_t is LD_WAIT_CONFIG. */
  readonly lockdep: boolean;
  readonly preemptRt: boolean;
  /** Cost of taking a lock last released by another CPU (cost table lockHandoff). */
  readonly handoffNs: number;
}

/**
 * The lock registry and the current CPU's execution context. The simulator runs
 * one operation at a time, so one context object serves: enterContext() at the
 * start of an operation, the allocator's acquire()/release() in between.
 */
export class LockSet {
  private readonly names: string[] = [];
  private readonly types: number[] = [];
  /** Virtual time interval [heldSince, heldUntil) of the lock's last hold, and by which CPU. */
  heldSince = new Float64Array(64);
  heldUntil = new Float64Array(64);
  holder = new Int32Array(64).fill(-1);
  private count = 0;

  // Counters, read by metrics.
  invalidWaitContext = 0;
  sleepInAtomic = 0;
  nmiLock = 0;
  /** Virtual ns spent waiting for locks held by other CPUs, and how often. */
  contendedNs = 0;
  contendedAcquisitions = 0;
  trylockFailures = 0;

  // Current context.
  cpu = 0;
  ctx = 0;
  irqsOff = 0;
  /**
   * The current hardirq comes from a handler that is never threaded (a
   * timer, an IPI, IRQF_NO_THREAD): LD_WAIT_SPIN even on !RT. Cleared by
   * enterContext(); the simulator sets it from the event's
   * FLAG_HARDIRQ_NO_THREAD.
   */
  hardirqNoThread = 0;
  private readonly held = new Int32Array(MAX_HELD);
  private depth = 0;

  readonly records: ViolationRecord[] = [];
  private readonly recordKeys = new Map<number, ViolationRecord>();
  /** The last record counted and its key: a violation usually repeats the one before. */
  private lastKey = Number.NaN;
  private lastRecord: ViolationRecord | null = null;

  /**
   * Zeroes the counters and forgets the violation records (the end of a run's
   * warm-up): what is counted after this is the measured part. Locks held and
   * their timing are kept.
   */
  resetCounters(): void {
    this.invalidWaitContext = 0;
    this.sleepInAtomic = 0;
    this.nmiLock = 0;
    this.contendedNs = 0;
    this.contendedAcquisitions = 0;
    this.trylockFailures = 0;
    this.records.length = 0;
    this.recordKeys.clear();
    this.lastKey = Number.NaN;
    this.lastRecord = null;
  }

  constructor(readonly config: LockConfig) {}

  /** Registers a lock instance and returns its id. */
  define(name: string, type: LockType): number {
    const id = this.count++;
    if (id >= this.heldUntil.length) {
      const hu = new Float64Array(this.heldUntil.length * 2);
      hu.set(this.heldUntil);
      this.heldUntil = hu;
      const hs = new Float64Array(this.heldSince.length * 2);
      hs.set(this.heldSince);
      this.heldSince = hs;
      const h = new Int32Array(this.holder.length * 2).fill(-1);
      h.set(this.holder);
      this.holder = h;
    }
    this.names.push(name);
    this.types.push(LOCK_TYPE_CODE[type]);
    return id;
  }

  info(id: number): LockClassInfo {
    const t = this.types[id]!;
    return { id, name: this.names[id]!, type: t === TYPE_RAW ? 'raw_spinlock_t' : t === TYPE_SPIN ? 'spinlock_t' : 'mutex' };
  }

  get lockCount(): number {
    return this.count;
  }

  /** Starts an operation on `cpu` in context `ctx` (CTX_*), with IRQs off if `irqsOff`. Drops any held locks. */
  enterContext(cpu: number, ctx: number, irqsOff: boolean): void {
    this.cpu = cpu;
    this.ctx = ctx;
    this.irqsOff = irqsOff ? 1 : 0;
    this.hardirqNoThread = 0;
    this.depth = 0;
  }

  /**
   * True when sleeping is not allowed here: a raw lock or (non-RT) spinlock
   * held, IRQs off, NMI, hardirq, or softirq context. Serving a softirq sets
   * SOFTIRQ_OFFSET in preempt_count, so in_atomic() is true there; on
   * PREEMPT_RT softirqs run in task context (preemptible), so not there.
   * CTX_HARDIRQ is a real hard interrupt (in_hardirq()) on every kernel: a
   * handler that PREEMPT_RT force-threads runs in task context, and a
   * scenario models it as such.
   */
  inAtomic(): boolean {
    return this.irqsOff > 0 || this.atomicContext() || (this.depth > 0 && this.atomicLockHeld());
  }

  /** The context alone forbids sleeping: NMI, hardirq, and softirq on a non-RT kernel. */
  private atomicContext(): boolean {
    // Literals: this runs on every __GFP_DIRECT_RECLAIM allocation (see "Hot-path constants" in page-alloc.ts).
    const ctx = this.ctx;
    return ctx === 3 /* CTX_NMI */ || ctx === 2 /* CTX_HARDIRQ */ || (ctx === 1 /* CTX_SOFTIRQ */ && !this.config.preemptRt);
  }

  /** A raw_spinlock_t, or on a non-RT kernel a spinlock_t, is held. */
  private atomicLockHeld(): boolean {
    for (let i = 0; i < this.depth; i++) {
      const t = this.types[this.held[i]!]!;
      if (t === TYPE_RAW || (t === TYPE_SPIN && !this.config.preemptRt)) return true;
    }
    return false;
  }

  /**
   * Validates taking lock `id` in the current context (no state change).
   * Called by acquire(); exposed for paths that model a lock without timing it.
   */
  validate(id: number, trylock: boolean): void {
    const t = this.types[id]!;
    if (this.ctx === CTX_NMI && !trylock) {
      this.nmiLock++;
      if (!this.repeated(2, id)) this.record(2, id, 'nmiLock', `BUG: ${this.names[id]} (${this.typeName(t)}) taken in NMI context: may deadlock against the code the NMI interrupted (lockdep is off in NMI, see lockdep_nmi())`);
    }
    if (trylock) {
      // On PREEMPT_RT spin_trylock() is rt_spin_trylock(): an rt_mutex whose owner
      // must be a task, so it is not allowed from hardirq or NMI (the reason
      // alloc_pages_nolock() refuses those contexts on RT).
      if (t === TYPE_SPIN && this.config.preemptRt && (this.ctx === CTX_HARDIRQ || this.ctx === CTX_NMI)) {
        this.sleepInAtomic++;
        if (!this.repeated(1, id)) this.record(1, id, 'sleepInAtomic', `BUG: ${this.names[id]} (spinlock_t, an rt_mutex on PREEMPT_RT) trylocked in ${this.describeContext()}`);
      }
    } else if (t !== TYPE_RAW && this.inAtomicForSleep(t)) {
      this.sleepInAtomic++;
      if (!this.repeated(1, id)) this.record(1, id, 'sleepInAtomic', `BUG: sleeping function called from invalid context: ${this.names[id]} (${this.typeName(t)}${t === TYPE_SPIN ? ', an rt_mutex on PREEMPT_RT' : ''}) in ${this.describeContext()}`);
    }
    // __nmi_enter() calls lockdep_off(): lockdep checks nothing in NMI, so no
    // wait-context report there (the nmiLock count above stays).
    if (this.config.lockdep && !trylock && this.ctx !== CTX_NMI) {
      const next = this.waitInner(t);
      const curr = this.currInner();
      if (next > curr) {
        this.invalidWaitContext++;
        if (!this.repeated(0, id)) this.record(0, id, 'invalidWaitContext', `BUG: Invalid wait context: trying to lock ${this.names[id]} {${next}:${next}}, context-{${curr}:${curr}}, ${this.describeContext()}`);
      }
    }
  }

  /**
   * Takes lock `id` at virtual time `now` on the current CPU. Returns the virtual
   * ns the caller spent waiting (0 when free or held by this CPU's own
   * interrupted code, which a real kernel would deadlock on; see trylock()).
   */
  acquire(id: number, now: number): number {
    this.validate(id, false);
    let waited = 0;
    const until = this.heldUntil[id]!;
    if (until > now && this.heldSince[id]! <= now && this.holder[id] !== this.cpu) {
      waited = until - now + this.config.handoffNs;
      this.contendedNs += waited;
      this.contendedAcquisitions++;
    }
    this.push(id);
    this.holder[id] = this.cpu;
    this.heldSince[id] = now + waited;
    return waited;
  }

  /**
   * spin_trylock at virtual time `now`: fails (returns false, takes nothing)
   * when the lock is held then, by another CPU or by the code this context
   * interrupted on the same CPU.
   */
  trylock(id: number, now: number): boolean {
    if (this.heldUntil[id]! > now && this.heldSince[id]! <= now) {
      this.trylockFailures++;
      return false;
    }
    this.validate(id, true);
    this.push(id);
    this.holder[id] = this.cpu;
    this.heldSince[id] = now;
    return true;
  }

  /** Releases lock `id` at virtual time `now`: it stays held, for others, until then. */
  release(id: number, now: number): void {
    this.heldUntil[id] = now;
    for (let i = this.depth - 1; i >= 0; i--) {
      if (this.held[i] === id) {
        for (let j = i; j < this.depth - 1; j++) this.held[j] = this.held[j + 1]!;
        this.depth--;
        return;
      }
    }
  }

  /** local_irq_save / local_irq_restore nesting. */
  irqSave(): void {
    this.irqsOff++;
  }
  irqRestore(): void {
    this.irqsOff--;
  }

  /** might_sleep(): counts a sleep in atomic context (e.g. synchronize_rcu() inline). */
  mightSleep(what: string): boolean {
    if (!this.inAtomic()) return false;
    this.sleepInAtomic++;
    if (!this.repeated(3, 0)) this.record(3, 0, 'sleepInAtomic', `BUG: sleeping function called from invalid context: ${what} in ${this.describeContext()}`);
    return true;
  }

  heldDepth(): number {
    return this.depth;
  }

  private push(id: number): void {
    if (this.depth < MAX_HELD) this.held[this.depth++] = id;
  }

  private inAtomicForSleep(t: number): boolean {
    if (t === TYPE_SPIN && !this.config.preemptRt) return false;
    return this.inAtomic();
  }

  private waitInner(t: number): number {
    if (t === TYPE_RAW) return LD_WAIT_SPIN;
    if (t === TYPE_SPIN) return this.config.lockdep ? LD_WAIT_CONFIG : LD_WAIT_SPIN;
    return LD_WAIT_SLEEP;
  }

  /**
   * task_wait_context() lowered by the locks held (check_wait_context).
   * Hardirq (task_wait_context(), kernel/locking/lockdep.c v5.9+): a device
   * handler that forced IRQ threading would thread is marked
   * hardirq_threaded (lockdep_hardirq_threaded() in
   * __handle_irq_event_percpu()), an hrtimer not marked HRTIMER_MODE_HARD sets
   * irq_config (__lockdep_hrtimer_enter()): LD_WAIT_CONFIG on a non-RT
   * kernel. Handlers that are never threaded (the tick and HARD hrtimers,
   * IPIs, IRQF_NO_THREAD / IRQF_PERCPU: hardirqNoThread) are LD_WAIT_SPIN on
   * every kernel. On PREEMPT_RT the handlers left in hardirq are the ones
   * that cannot be threaded (a threaded one is modelled as task context), so
   * LD_WAIT_SPIN. Softirqs are always LD_WAIT_CONFIG; NMI LD_WAIT_SPIN.
   */
  private currInner(): number {
    let curr: number;
    if (this.ctx === CTX_NMI) curr = LD_WAIT_SPIN;
    else if (this.ctx === CTX_HARDIRQ) curr = this.config.preemptRt || this.hardirqNoThread !== 0 ? LD_WAIT_SPIN : LD_WAIT_CONFIG;
    else if (this.ctx === CTX_SOFTIRQ) curr = LD_WAIT_CONFIG;
    else curr = LD_WAIT_MAX;
    for (let i = 0; i < this.depth; i++) {
      const w = this.waitInner(this.types[this.held[i]!]!);
      if (w < curr) curr = w;
    }
    return curr;
  }

  private typeName(t: number): string {
    return t === TYPE_RAW ? 'raw_spinlock_t' : t === TYPE_SPIN ? 'spinlock_t' : 'mutex';
  }

  private describeContext(): string {
    const heldNames: string[] = [];
    for (let i = 0; i < this.depth; i++) heldNames.push(this.names[this.held[i]!]!);
    return `cpu ${this.cpu}, ${CONTEXT_NAMES[this.ctx] ?? 'task'} context${this.irqsOff > 0 ? ', IRQs off' : ''}, held: ${heldNames.length ? heldNames.join(', ') : 'none'}`;
  }

  /**
   * The record key of a violation: (kind, lock, context, IRQs off, innermost
   * held lock). A small integer (a V8 Smi: a Map lookup and the compare below
   * allocate nothing) while lock ids stay under 4096, which every built-in
   * machine does; a negative double otherwise.
   */
  private recordKey(kind: number, id: number): number {
    const top = this.depth > 0 ? this.held[this.depth - 1]! : -1;
    const low = (kind * 8 + this.ctx) * 2 + (this.irqsOff > 0 ? 1 : 0);
    if (id < 4096 && top < 4095) return ((top + 1) * 64 + low) * 4096 + id;
    return -(((top + 1) * 64 + low) * 1e6 + id + 1);
  }

  /**
   * Counts a violation already recorded (or past MAX_RECORDS) and returns true;
   * false for a new one, which the caller then records with its message. The
   * message is built only then: a violation raised on every event (a lock
   * taken in every NMI) would otherwise build a string, or a closure, each time.
   */
  private repeated(kind: number, id: number): boolean {
    const key = this.recordKey(kind, id);
    if (key === this.lastKey) {
      this.lastRecord!.count++;
      return true;
    }
    const rec = this.recordKeys.get(key);
    if (rec !== undefined) {
      rec.count++;
      this.lastKey = key;
      this.lastRecord = rec;
      return true;
    }
    return this.records.length >= MAX_RECORDS;
  }

  /** Keeps the first message of a distinct violation (repeated() returned false). */
  private record(kind: number, id: number, name: ViolationRecord['kind'], message: string): void {
    const key = this.recordKey(kind, id);
    const r: ViolationRecord = { kind: name, message, count: 1 };
    this.records.push(r);
    this.recordKeys.set(key, r);
    this.lastKey = key;
    this.lastRecord = r;
  }
}
