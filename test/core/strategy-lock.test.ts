/**
 * A strategy's own lock (Extensions.defineLock, core/strategy-lock.ts): the
 * same validation, cost and contention as the core's locks, taken where a
 * strategy takes it (under kvfree_rcu()'s raw krcp->lock, IRQs off).
 */
import { describe, expect, it } from 'vitest';
import { CTX_HARDIRQ, CTX_TASK, NIL, defineStrategy, type LockType, type StrategyLock } from '../../harness/core/index.ts';
import { DEFAULT_COST_TABLE } from '../../harness/core/cost-table.ts';
import { z } from 'zod';
import { setupStrategy, type SmallCoreOptions } from '../helpers/core.ts';

/** A strategy whose getPage() takes its own lock of `type` and fails (NIL). */
function withLock(type: LockType, o: SmallCoreOptions & { perCpu?: boolean; irqsave?: boolean } = {}) {
  let lock: StrategyLock | undefined;
  /** Virtual ns the last getPage() spent on its lock. */
  const spent = { ns: 0 };
  const s = defineStrategy({
    name: 'lock-taker',
    title: 'takes a lock',
    origin: 'test/core/strategy-lock.test.ts',
    description: 'Takes its own lock in getPage() and returns no page, to watch the validator and the meter.',
    params: z.object({}).strict(),
    setup({ ext }) {
      const l = ext.defineLock('&demo->lock', type, { perCpu: o.perCpu ?? false });
      lock = l;
      return {
        getPage() {
          const before = ext.now();
          if (o.irqsave) {
            l.lockIrqsave();
            l.unlockIrqrestore();
          } else {
            l.lock();
            l.unlock();
          }
          spent.ns = ext.now() - before;
          return NIL;
        },
      };
    },
  });
  const setup = setupStrategy(s, {}, o);
  return { ...setup, lock: lock!, spent };
}

describe('ext.defineLock(): a strategy lock validated as the core validates its own', () => {
  it('a spinlock_t under the krc raw lock on PREEMPT_RT with lockdep: an invalid wait context and a sleep in atomic context, with kernel-like messages', () => {
    const { core, request } = withLock('spinlock_t', { preemptRt: true, lockdep: true });
    request(0);
    const locks = core.alloc.locks;
    expect(locks.invalidWaitContext).toBe(1);
    expect(locks.sleepInAtomic).toBe(1);
    expect(locks.records.map((r) => r.message)).toEqual([
      'BUG: sleeping function called from invalid context: &demo->lock (spinlock_t, an rt_mutex on PREEMPT_RT) in cpu 0, task context, IRQs off, held: krcp->lock',
      'BUG: Invalid wait context: trying to lock &demo->lock {3:3}, context-{2:2}, cpu 0, task context, IRQs off, held: krcp->lock',
    ]);
  });

  it('the same spinlock_t on a non-RT kernel without lockdep: no report (it spins there)', () => {
    const { core, request } = withLock('spinlock_t');
    request(0);
    expect(core.alloc.locks.invalidWaitContext + core.alloc.locks.sleepInAtomic).toBe(0);
  });

  it('a raw_spinlock_t under the krc raw lock: no report, on PREEMPT_RT with lockdep too', () => {
    const { core, request } = withLock('raw_spinlock_t', { preemptRt: true, lockdep: true });
    request(0);
    expect(core.alloc.locks.records).toEqual([]);
  });

  it('a mutex under the krc raw lock sleeps in atomic context on any kernel', () => {
    const { core, request } = withLock('mutex');
    request(0);
    expect(core.alloc.locks.sleepInAtomic).toBe(1);
    expect(core.alloc.locks.records[0]!.message).toMatch(/^BUG: sleeping function called from invalid context: &demo->lock \(mutex\) in cpu 0/);
  });

  it('charges the cost-table entry of its type: rawSpinLockUncontended, spinLockUncontended (mutex too); irqsave adds irqSaveRestore', () => {
    const ns = (type: LockType, irqsave = false, preemptRt = false) => {
      const { request, spent } = withLock(type, { irqsave, preemptRt });
      request(0, 1000);
      return spent.ns;
    };
    const t = DEFAULT_COST_TABLE;
    expect(ns('raw_spinlock_t')).toBeCloseTo(t.rawSpinLockUncontended, 9);
    expect(ns('spinlock_t')).toBeCloseTo(t.spinLockUncontended, 9);
    expect(ns('mutex')).toBeCloseTo(t.spinLockUncontended, 9);
    expect(ns('raw_spinlock_t', true)).toBeCloseTo(t.irqSaveRestore + t.rawSpinLockUncontended, 9);
    expect(ns('spinlock_t', true)).toBeCloseTo(t.irqSaveRestore + t.spinLockUncontended, 9);
    // PREEMPT_RT spin_lock_irqsave() is `flags = 0; spin_lock()`: no IRQs off, no cost for it.
    expect(ns('spinlock_t', true, true)).toBeCloseTo(t.spinLockUncontended, 9);
    expect(ns('raw_spinlock_t', true, true)).toBeCloseTo(t.irqSaveRestore + t.rawSpinLockUncontended, 9);
  });

  it('lockIrqsave(): IRQs off while held for a raw lock; a spinlock_t on PREEMPT_RT leaves them as they were; a mutex refuses', () => {
    for (const [type, preemptRt, off] of [['raw_spinlock_t', true, 1], ['spinlock_t', false, 1], ['spinlock_t', true, 0]] as const) {
      const { core, lock } = withLock(type, { preemptRt });
      const a = core.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      lock.lockIrqsave();
      expect(a.locks.irqsOff, `${type} preemptRt=${preemptRt}`).toBe(off);
      lock.unlockIrqrestore();
      expect(a.locks.irqsOff).toBe(0);
    }
    const { core, lock } = withLock('mutex');
    core.alloc.beginOp(0, CTX_TASK, false, 0);
    expect(() => lock.lockIrqsave()).toThrow(/a mutex has no _irqsave variant/);
  });

  it('contends in virtual time: another CPU waits until the holder releases, plus lockHandoff', () => {
    const { core, lock } = withLock('spinlock_t', { cpus: 2 });
    const a = core.alloc;
    a.beginOp(1, CTX_TASK, false, 0);
    lock.lock();
    a.meter.ns += 500; // held for 500 ns of work
    lock.unlock();
    const releasedAt = a.meter.now();
    a.beginOp(0, CTX_TASK, false, 100);
    const waited = lock.lock();
    expect(waited).toBeCloseTo(releasedAt - 100 + DEFAULT_COST_TABLE.lockHandoff, 9);
    expect(a.meter.ns).toBeCloseTo(waited + DEFAULT_COST_TABLE.spinLockUncontended, 9);
    lock.unlock();
  });

  it('perCpu: one instance per CPU, named after it; CPUs do not contend, and trylock fails only on a lock held at that instant', () => {
    const { core, lock } = withLock('raw_spinlock_t', { cpus: 2, perCpu: true });
    const a = core.alloc;
    a.beginOp(1, CTX_TASK, false, 0);
    lock.lock();
    a.meter.ns += 500;
    lock.unlock();
    a.beginOp(0, CTX_TASK, false, 100);
    expect(lock.lock()).toBe(0);
    lock.unlock();
    expect(a.locks.info(lock.id()).name).toBe('&demo->lock (cpu 0)');
    // CPU 1's instance is held from 0 to ~510: a hardirq on CPU 1 at 200 finds it held.
    a.beginOp(1, CTX_HARDIRQ, true, 200);
    expect(lock.trylock()).toBe(false);
    expect(a.meter.ns).toBe(DEFAULT_COST_TABLE.rawSpinLockUncontended); // the attempt is paid
    a.beginOp(1, CTX_HARDIRQ, true, 1000);
    expect(lock.trylock()).toBe(true);
    lock.unlock();
  });

  it('refuses a lock type the kernel model does not know', () => {
    const s = defineStrategy({
      name: 'bad-lock',
      title: 'bad lock type',
      origin: 'test/core/strategy-lock.test.ts',
      description: 'Asks for a rwlock_t, which the lock model does not have, and must be refused at setup.',
      params: z.object({}).strict(),
      setup({ ext }) {
        ext.defineLock('&x->lock', 'rwlock_t' as LockType);
        return { getPage: () => NIL };
      },
    });
    expect(() => setupStrategy(s)).toThrow(/the type must be raw_spinlock_t, spinlock_t or mutex, not "rwlock_t"/);
  });
});
