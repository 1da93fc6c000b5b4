/**
 * A lock of a strategy's own (Extensions.defineLock()): registered in the
 * core's LockSet like zone->lock or krcp->lock, so taking it is validated
 * (lockdep wait context, sleeping in atomic context, NMI: see locks.ts),
 * contended in virtual time against other CPUs, and charged from the cost
 * table as the core charges its own locks:
 *
 *   raw_spinlock_t  rawSpinLockUncontended (raw_spin_lock + raw_spin_unlock)
 *   spinlock_t      spinLockUncontended (spin_lock + spin_unlock; the same entry
 *                   as zone->lock in rmqueue_bulk() and free_one_page())
 *   mutex           spinLockUncontended: mutex_lock()'s fast path
 *                   (__mutex_trylock_fast(), kernel/locking/mutex.c) and
 *                   mutex_unlock()'s (__mutex_unlock_fast()) are one
 *                   atomic_long_try_cmpxchg each, the same atomic pair as an
 *                   uncontended spin_lock + spin_unlock. A contended mutex is
 *                   a wait in virtual time, as for a spinner: the model does
 *                   not run another task on the CPU meanwhile.
 *
 * plus lockHandoff and the wait when another CPU held the lock (LockSet.acquire).
 * The `*Irqsave` variants add local_irq_save()/restore() (irqSaveRestore, and
 * IRQs are off while held) except for a spinlock_t on PREEMPT_RT, where
 * spin_lock_irqsave() is `flags = 0; spin_lock(lock);` and leaves IRQs on
 * (include/linux/spinlock_rt.h, v5.15+), as the core's pcp lock does there.
 */
import type { HotCosts } from './hot-costs.ts';
import type { LockSet, LockType } from './locks.ts';
import type { Meter } from './meter.ts';

export class StrategyLock {
  private readonly takeNs: number;
  /** IRQs really go off in lockIrqsave() (not for a spinlock_t on PREEMPT_RT). */
  private readonly irqsOffWhenSaved: boolean;

  /**
   * `ids`: one lock id (a single lock) or one per CPU (a per-CPU lock: each
   * call takes the instance of the CPU the current operation runs on).
   */
  constructor(
    readonly name: string,
    readonly type: LockType,
    readonly perCpu: boolean,
    private readonly ids: Int32Array,
    private readonly locks: LockSet,
    private readonly meter: Meter,
    private readonly costs: HotCosts,
  ) {
    this.takeNs = type === 'raw_spinlock_t' ? costs.rawSpinLockUncontended : costs.spinLockUncontended;
    this.irqsOffWhenSaved = !(type === 'spinlock_t' && locks.config.preemptRt);
  }

  /** The LockSet id this operation's CPU takes (the lock's, or its CPU's instance). */
  id(): number {
    return this.perCpu ? this.ids[this.locks.cpu]! : this.ids[0]!;
  }

  /**
   * raw_spin_lock() / spin_lock() / mutex_lock() on the current CPU, in the
   * context the operation began in. Validated; charged the lock's cost plus
   * any wait. Returns the virtual ns spent waiting for another CPU (0 when free).
   */
  lock(): number {
    const m = this.meter;
    const waited = this.locks.acquire(this.id(), m.now());
    m.ns += waited + this.takeNs;
    return waited;
  }

  /** Releases the lock at the current virtual time (others may take it from then on). */
  unlock(): void {
    this.locks.release(this.id(), this.meter.now());
  }

  /**
   * raw_spin_trylock() / spin_trylock() / mutex_trylock(): true and held, or
   * false (nothing taken) when it is held at this instant of virtual time, by
   * another CPU or by the code this context interrupted. Never waits; a
   * trylock is not checked for wait context (lockdep), but a spinlock_t
   * trylocked in hardirq or NMI on PREEMPT_RT is counted (see LockSet.validate).
   * The attempt is charged the lock's cost either way (the atomic is paid
   * whether it succeeds, as for the core's pcp_spin_trylock()).
   */
  trylock(): boolean {
    const m = this.meter;
    m.ns += this.takeNs;
    return this.locks.trylock(this.id(), m.now());
  }

  /**
   * raw_spin_lock_irqsave() / spin_lock_irqsave(): local_irq_save() then the
   * lock (on PREEMPT_RT a spinlock_t leaves IRQs on). Returns the ns waited.
   * Not for a mutex (there is no mutex_lock_irqsave()): throws.
   */
  lockIrqsave(): number {
    if (this.type === 'mutex') throw new Error(`${this.name}: a mutex has no _irqsave variant`);
    if (this.irqsOffWhenSaved) {
      this.meter.ns += this.costs.irqSaveRestore;
      this.locks.irqSave();
    }
    return this.lock();
  }

  /** raw_spin_unlock_irqrestore() / spin_unlock_irqrestore(): undoes lockIrqsave(). */
  unlockIrqrestore(): void {
    this.unlock();
    if (this.irqsOffWhenSaved) this.locks.irqRestore();
  }
}
