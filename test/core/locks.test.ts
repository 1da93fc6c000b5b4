import { describe, expect, it } from 'vitest';
import { CTX_HARDIRQ, CTX_NMI, CTX_SOFTIRQ, CTX_TASK } from '../../harness/core/context.ts';
import { LockSet } from '../../harness/core/locks.ts';

const HANDOFF = 20;

function lockSet(o: { lockdep?: boolean; preemptRt?: boolean } = {}) {
  const s = new LockSet({ lockdep: o.lockdep ?? false, preemptRt: o.preemptRt ?? false, handoffNs: HANDOFF });
  const raw = s.define('krcp->lock', 'raw_spinlock_t');
  const spin = s.define('&zone->lock', 'spinlock_t');
  const mutex = s.define('&pool->mutex', 'mutex');
  const raw2 = s.define('&rq->__lock', 'raw_spinlock_t');
  return { s, raw, spin, mutex, raw2 };
}

describe('lock validator: wait contexts (check_wait_context, CONFIG_PROVE_RAW_LOCK_NESTING)', () => {
  it('reports a spinlock_t taken under a raw_spinlock_t with lockdep, with a kernel-like message', () => {
    const { s, raw, spin } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_TASK, false);
    s.acquire(raw, 0);
    s.acquire(spin, 10);
    expect(s.invalidWaitContext).toBe(1);
    expect(s.records).toHaveLength(1);
    const r = s.records[0]!;
    expect(r.kind).toBe('invalidWaitContext');
    // lockdep prints {inner:outer} wait types: LD_WAIT_CONFIG = 3 over an LD_WAIT_SPIN = 2 context.
    expect(r.message).toBe('BUG: Invalid wait context: trying to lock &zone->lock {3:3}, context-{2:2}, cpu 0, task context, held: krcp->lock');
    expect(s.sleepInAtomic).toBe(0); // not PREEMPT_RT: spinlock_t still spins
  });

  it('reports nothing for the same nesting without lockdep', () => {
    const { s, raw, spin } = lockSet({ lockdep: false });
    s.enterContext(0, CTX_TASK, false);
    s.acquire(raw, 0);
    s.acquire(spin, 10);
    expect(s.invalidWaitContext).toBe(0);
    expect(s.records).toEqual([]);
  });

  it('never checks a trylock', () => {
    const { s, raw, spin } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_TASK, false);
    s.acquire(raw, 0);
    expect(s.trylock(spin, 10)).toBe(true);
    expect(s.invalidWaitContext).toBe(0);
    expect(s.heldDepth()).toBe(2);
  });

  it('allows the documented nesting order: mutex, then spinlock_t, then raw_spinlock_t', () => {
    const { s, raw, spin, mutex, raw2 } = lockSet({ lockdep: true, preemptRt: true });
    s.enterContext(0, CTX_TASK, false);
    s.acquire(mutex, 0);
    s.acquire(spin, 1);
    s.acquire(raw, 2);
    s.acquire(raw2, 3);
    expect(s.invalidWaitContext).toBe(0);
    expect(s.sleepInAtomic).toBe(0);
  });

  it('lowers the context by every lock held, not only the innermost', () => {
    const { s, raw, spin } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_TASK, false);
    s.acquire(raw, 0);
    s.acquire(spin, 1); // reported
    s.release(spin, 2);
    s.acquire(spin, 3); // still under raw: same combination, counted, one record
    expect(s.invalidWaitContext).toBe(2);
    expect(s.records).toHaveLength(1);
    expect(s.records[0]!.count).toBe(2);
    s.release(raw, 4);
    s.release(spin, 5);
    s.acquire(spin, 6); // nothing held: fine
    expect(s.invalidWaitContext).toBe(2);
  });

  it('uses the irq context: a threadable hardirq is LD_WAIT_CONFIG on !RT (irq_config), LD_WAIT_SPIN on RT; softirq LD_WAIT_CONFIG', () => {
    const { s, spin, mutex } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_HARDIRQ, true);
    s.acquire(spin, 0);
    expect(s.invalidWaitContext).toBe(0);
    s.release(spin, 1);
    s.acquire(mutex, 2);
    expect(s.invalidWaitContext).toBe(1);
    expect(s.records[0]!.message).toContain('hardirq context, IRQs off');
    s.enterContext(0, CTX_SOFTIRQ, false);
    s.acquire(spin, 10);
    expect(s.invalidWaitContext).toBe(1);
    s.release(spin, 11);
    s.acquire(mutex, 12);
    expect(s.invalidWaitContext).toBe(2);
    const rt = lockSet({ lockdep: true, preemptRt: true });
    rt.s.enterContext(0, CTX_HARDIRQ, false);
    rt.s.acquire(rt.spin, 0);
    expect(rt.s.invalidWaitContext).toBe(1);
    // A force-threaded handler on RT is a task: no report.
    rt.s.enterContext(0, CTX_TASK, false);
    rt.s.acquire(rt.spin, 10);
    expect(rt.s.invalidWaitContext).toBe(1);
  });

  it('a hardirq of a never-threaded handler (timer, IPI, IRQF_NO_THREAD) is LD_WAIT_SPIN even on !RT', () => {
    const { s, spin, raw } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_HARDIRQ, true);
    s.hardirqNoThread = 1;
    s.acquire(raw, 0); // a raw lock is fine there
    s.release(raw, 1);
    s.acquire(spin, 2);
    expect(s.invalidWaitContext).toBe(1);
    expect(s.records[0]!.message).toBe('BUG: Invalid wait context: trying to lock &zone->lock {3:3}, context-{2:2}, cpu 0, hardirq context, IRQs off, held: none');
    // enterContext() starts the next operation as a threadable handler again.
    s.enterContext(0, CTX_HARDIRQ, true);
    s.acquire(spin, 10);
    expect(s.invalidWaitContext).toBe(1);
  });

  it('lockdep is off in NMI (__nmi_enter() calls lockdep_off()): no wait-context report, the NMI lock is still counted', () => {
    const { s, spin, raw, mutex } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_NMI, true);
    s.acquire(raw, 0);
    s.acquire(spin, 1);
    s.acquire(mutex, 2);
    expect(s.invalidWaitContext).toBe(0);
    expect(s.nmiLock).toBe(3);
    expect(s.records.every((r) => r.kind !== 'invalidWaitContext')).toBe(true);
  });

  it('does not see IRQs off (lockdep does not lower the wait context for it)', () => {
    const { s, spin } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_TASK, true);
    s.acquire(spin, 0);
    expect(s.invalidWaitContext).toBe(0);
  });
});

describe('sleeping in atomic context', () => {
  it('PREEMPT_RT: a spinlock_t with a raw lock held sleeps in atomic context, lockdep or not', () => {
    for (const lockdep of [false, true]) {
      const { s, raw, spin } = lockSet({ lockdep, preemptRt: true });
      s.enterContext(0, CTX_TASK, false);
      s.acquire(raw, 0);
      s.acquire(spin, 1);
      expect(s.sleepInAtomic).toBe(1);
      expect(s.invalidWaitContext).toBe(lockdep ? 1 : 0);
      const r = s.records.find((x) => x.kind === 'sleepInAtomic')!;
      expect(r.message).toBe('BUG: sleeping function called from invalid context: &zone->lock (spinlock_t, an rt_mutex on PREEMPT_RT) in cpu 0, task context, held: krcp->lock');
    }
  });

  it('PREEMPT_RT: a spinlock_t with IRQs off, in hardirq or in NMI sleeps in atomic context; a threaded handler (task) may take it', () => {
    const { s, spin } = lockSet({ preemptRt: true });
    s.enterContext(0, CTX_TASK, true);
    s.acquire(spin, 0);
    expect(s.sleepInAtomic).toBe(1);
    s.enterContext(0, CTX_NMI, false);
    s.acquire(spin, 5);
    expect(s.sleepInAtomic).toBe(2);
    // A real hardirq is atomic on RT too.
    s.enterContext(0, CTX_HARDIRQ, false);
    s.acquire(spin, 10);
    expect(s.sleepInAtomic).toBe(3);
    // The rt_mutex trylock is refused from hardirq (why alloc_pages_nolock() refuses it on RT).
    s.enterContext(0, CTX_HARDIRQ, false);
    expect(s.trylock(spin, 20)).toBe(true);
    expect(s.sleepInAtomic).toBe(4);
    // A task with IRQs on (e.g. a force-threaded handler), or a trylock from a task with IRQs off, is fine.
    s.enterContext(0, CTX_TASK, false);
    s.acquire(spin, 30);
    s.enterContext(0, CTX_TASK, true);
    expect(s.trylock(spin, 40)).toBe(true);
    expect(s.sleepInAtomic).toBe(4);
  });

  it('serving a softirq is atomic on a non-RT kernel (in_atomic()), not on PREEMPT_RT', () => {
    const { s, mutex } = lockSet();
    s.enterContext(0, CTX_SOFTIRQ, false);
    expect(s.inAtomic()).toBe(true);
    expect(s.mightSleep('synchronize_rcu() in headless kvfree_rcu()')).toBe(true);
    s.acquire(mutex, 0);
    expect(s.sleepInAtomic).toBe(2);
    expect(s.records[0]!.message).toBe('BUG: sleeping function called from invalid context: synchronize_rcu() in headless kvfree_rcu() in cpu 0, softirq context, held: none');
    const rt = lockSet({ preemptRt: true });
    rt.s.enterContext(0, CTX_SOFTIRQ, false);
    expect(rt.s.inAtomic()).toBe(false);
    expect(rt.s.mightSleep('synchronize_rcu()')).toBe(false);
    rt.s.acquire(rt.spin, 0);
    expect(rt.s.sleepInAtomic).toBe(0);
  });

  it('not PREEMPT_RT: spinlock_t spins, so only a mutex in atomic context counts', () => {
    const { s, raw, spin, mutex } = lockSet();
    s.enterContext(0, CTX_TASK, true);
    s.acquire(spin, 0);
    expect(s.sleepInAtomic).toBe(0);
    s.enterContext(0, CTX_TASK, false);
    s.acquire(raw, 10);
    s.acquire(spin, 11);
    expect(s.sleepInAtomic).toBe(0);
    s.acquire(mutex, 12);
    expect(s.sleepInAtomic).toBe(1);
  });

  it('inAtomic(): raw lock, non-RT spinlock, IRQs off, hardirq, NMI', () => {
    const { s, raw, spin } = lockSet();
    s.enterContext(0, CTX_TASK, false);
    expect(s.inAtomic()).toBe(false);
    s.acquire(spin, 0);
    expect(s.inAtomic()).toBe(true);
    s.release(spin, 1);
    expect(s.inAtomic()).toBe(false);
    s.acquire(raw, 2);
    expect(s.inAtomic()).toBe(true);
    s.enterContext(0, CTX_TASK, true);
    expect(s.inAtomic()).toBe(true);
    s.enterContext(0, CTX_NMI, false);
    expect(s.inAtomic()).toBe(true);
    const rt = lockSet({ preemptRt: true });
    rt.s.enterContext(0, CTX_TASK, false);
    rt.s.acquire(rt.spin, 0);
    expect(rt.s.inAtomic()).toBe(false); // a sleeping lock on RT
    expect(rt.s.mightSleep('synchronize_rcu()')).toBe(false);
    rt.s.acquire(rt.raw, 1);
    expect(rt.s.mightSleep('synchronize_rcu()')).toBe(true);
    expect(rt.s.sleepInAtomic).toBe(1);
    expect(rt.s.records.at(-1)!.message).toContain('synchronize_rcu() in cpu 0, task context');
  });

  it('counts any lock but a trylock taken in NMI context as nmiLock', () => {
    const { s, raw, spin } = lockSet();
    s.enterContext(0, CTX_NMI, false);
    s.acquire(raw, 0);
    expect(s.nmiLock).toBe(1);
    expect(s.trylock(spin, 1)).toBe(true);
    expect(s.nmiLock).toBe(1);
    expect(s.records[0]!.kind).toBe('nmiLock');
  });
});

describe('contention in virtual time', () => {
  it('makes an acquirer wait until the holder on another CPU releases, plus a cache-line handoff', () => {
    const { s, spin } = lockSet();
    s.enterContext(1, CTX_TASK, false);
    expect(s.acquire(spin, 0)).toBe(0);
    s.release(spin, 1000);
    s.enterContext(0, CTX_TASK, false);
    expect(s.acquire(spin, 500)).toBe(500 + HANDOFF);
    expect(s.contendedNs).toBe(520);
    expect(s.contendedAcquisitions).toBe(1);
    s.release(spin, 1600);
  });

  it('does not wait before the holder took the lock, at or after its release, or for its own CPU', () => {
    const { s, spin } = lockSet();
    s.enterContext(1, CTX_TASK, false);
    s.acquire(spin, 200);
    s.release(spin, 1000);
    s.enterContext(0, CTX_TASK, false);
    expect(s.acquire(spin, 100)).toBe(0);
    s.release(spin, 150);
    const t = lockSet();
    t.s.enterContext(1, CTX_TASK, false);
    t.s.acquire(t.spin, 0);
    t.s.release(t.spin, 1000);
    t.s.enterContext(0, CTX_TASK, false);
    expect(t.s.acquire(t.spin, 1000)).toBe(0);
    t.s.release(t.spin, 1010);
    t.s.enterContext(0, CTX_TASK, false);
    expect(t.s.acquire(t.spin, 1005)).toBe(0); // last held by CPU 0 itself
    expect(t.s.contendedAcquisitions).toBe(0);
  });

  it('a trylock fails inside the holder interval, takes nothing, and succeeds at its end', () => {
    const { s, spin } = lockSet();
    s.enterContext(1, CTX_TASK, false);
    s.acquire(spin, 0);
    s.release(spin, 1000);
    s.enterContext(0, CTX_TASK, false);
    expect(s.trylock(spin, 500)).toBe(false);
    expect(s.trylockFailures).toBe(1);
    expect(s.heldDepth()).toBe(0);
    expect(s.trylock(spin, 0)).toBe(false); // the holder took it at 0
    expect(s.trylock(spin, 1000)).toBe(true);
    expect(s.heldDepth()).toBe(1);
    expect(s.contendedAcquisitions).toBe(0);
  });

  it('the waiter holds the lock from the end of its wait: a third CPU waits for it in turn', () => {
    const { s, spin } = lockSet();
    s.enterContext(1, CTX_TASK, false);
    s.acquire(spin, 0);
    s.release(spin, 1000);
    s.enterContext(0, CTX_TASK, false);
    const waited = s.acquire(spin, 500); // holds from 1020
    s.release(spin, 500 + waited + 100); // to 1120
    s.enterContext(2, CTX_TASK, false);
    expect(s.acquire(spin, 1100)).toBe(20 + HANDOFF);
  });
});

describe('lock registry', () => {
  it('grows past its initial capacity and describes each lock', () => {
    const s = new LockSet({ lockdep: false, preemptRt: false, handoffNs: HANDOFF });
    const ids: number[] = [];
    for (let i = 0; i < 200; i++) ids.push(s.define(`lock ${i}`, i % 2 ? 'spinlock_t' : 'raw_spinlock_t'));
    expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(s.lockCount).toBe(200);
    expect(s.info(199)).toEqual({ id: 199, name: 'lock 199', type: 'spinlock_t' });
    expect(s.info(198).type).toBe('raw_spinlock_t');
    s.enterContext(1, CTX_TASK, false);
    s.acquire(199, 0);
    s.release(199, 100);
    s.enterContext(0, CTX_TASK, false);
    expect(s.acquire(199, 50)).toBe(50 + HANDOFF);
  });

  it('releases out of order and drops held locks at the start of an operation', () => {
    const { s, raw, spin, raw2 } = lockSet({ lockdep: true });
    s.enterContext(0, CTX_TASK, false);
    s.acquire(spin, 0);
    s.acquire(raw, 1);
    s.acquire(raw2, 2);
    s.release(raw, 3);
    expect(s.heldDepth()).toBe(2);
    s.release(spin, 4);
    s.release(raw2, 5);
    expect(s.heldDepth()).toBe(0);
    s.acquire(raw, 6);
    s.enterContext(0, CTX_TASK, false);
    expect(s.heldDepth()).toBe(0);
    s.acquire(spin, 7);
    expect(s.invalidWaitContext).toBe(0);
  });
});
