import { describe, expect, it } from 'vitest';
import { CTX_TASK } from '../../harness/core/context.ts';
import { DEFAULT_COST_TABLE as C } from '../../harness/core/cost-table.ts';
import { NIL } from '../../harness/core/frames.ts';
import { GFP_KERNEL, __GFP_NOMEMALLOC, __GFP_NOWARN, __GFP_ZERO } from '../../harness/core/gfp.ts';
import type { ProfileName } from '../../harness/core/profile.ts';
import { debianInitOnAlloc, type DebugConfig } from '../../harness/core/post-alloc-hook.ts';
import { smallCore } from '../helpers/core-fixture.ts';

/** 5.9 pcp hit: local_irq_save/restore, zone_watermark_fast, list_del, prep_new_page. */
const HIT_59 = C.irqSaveRestore + C.watermarkCheck + C.pcpListOp + C.prepNewPage;

/**
 * A core with debug hooks, its pcplist warmed (one miss, outside any raw lock),
 * and `alloc(order, underKrc)`: GFP_ATOMIC with IRQs off, optionally under a
 * raw_spinlock_t as kvfree_rcu() holds it. Returns the pfn and the ns charged.
 */
function hooked(debug: Partial<DebugConfig>, o: { profile?: ProfileName; lockdep?: boolean; preemptRt?: boolean } = {}) {
  const core = smallCore({ profile: o.profile ?? '5.9', lockdep: o.lockdep ?? true, preemptRt: o.preemptRt ?? false, debug });
  const a = core.alloc;
  const krc = a.locks.define('krcp->lock', 'raw_spinlock_t');
  a.beginOp(0, CTX_TASK, false, 0);
  a.freePages(a.allocPages(GFP_KERNEL, 0), 0);
  const base = { invalid: a.locks.invalidWaitContext, sleep: a.locks.sleepInAtomic, hookLocks: a.postAllocHook.hookLocksTaken };
  let t = 1e6;
  const alloc = (order: number, underKrc: boolean) => {
    a.beginOp(0, CTX_TASK, true, (t += 1e5));
    if (underKrc) a.locks.acquire(krc, a.meter.now());
    const before = a.meter.ns;
    const pfn = a.allocPages(core.gfp.value('GFP_ATOMIC'), order);
    const ns = a.meter.ns - before;
    if (underKrc) a.locks.release(krc, a.meter.now());
    expect(pfn).not.toBe(NIL);
    return { pfn, ns, hit: a.lastPcpHit };
  };
  return { core, a, alloc, base };
}

describe('post_alloc_hook debug hooks: declared locks and costs', () => {
  it('without debug options: prep_new_page only', () => {
    const x = hooked({});
    expect(x.a.postAllocHook.active).toBe(false);
    const r = x.alloc(0, true);
    expect(r.hit).toBe(true);
    expect(r.ns).toBeCloseTo(HIT_59, 9);
  });

  it('x86-64 debug_pagealloc: __kernel_map_pages costs per page and takes no lock', () => {
    const x = hooked({ debugPagealloc: true, arch: 'x86_64' });
    expect(x.a.postAllocHook.hooks).toEqual([{ name: 'debug_pagealloc', kernelFunction: '__kernel_map_pages (x86-64 CPA)', costNs: C.kernelMapPagesX86, lock: null, lockType: null }]);
    const r = x.alloc(0, true);
    expect(r.hit).toBe(true);
    expect(r.ns).toBeCloseTo(HIT_59 + C.kernelMapPagesX86, 9);
    expect(x.a.locks.invalidWaitContext).toBe(x.base.invalid);
    expect(x.a.postAllocHook.hookLocksTaken).toBe(0);
  });

  it('powerpc debug_pagealloc: linear_map_hash_lock (spinlock_t) under local_irq_save, once per page', () => {
    const x = hooked({ debugPagealloc: true, arch: 'powerpc' });
    expect(x.a.postAllocHook.hooks[0]).toMatchObject({ lock: 'linear_map_hash_lock', lockType: 'spinlock_t' });
    // Outside any raw lock the nesting is valid.
    const free = x.alloc(0, false);
    expect(free.hit).toBe(true);
    expect(free.ns).toBeCloseTo(HIT_59 + C.irqSaveRestore + C.spinLockUncontended + C.kernelMapPagesPowerpc, 9);
    expect(x.a.locks.invalidWaitContext).toBe(x.base.invalid);
    // Under kvfree_rcu's raw krcp->lock, the "lockless" pcp hit still takes a spinlock_t.
    const r = x.alloc(0, true);
    expect(r.hit).toBe(true);
    expect(x.a.locks.invalidWaitContext).toBe(x.base.invalid + 1);
    expect(x.a.locks.records.at(-1)!.message).toMatch(/^BUG: Invalid wait context: trying to lock linear_map_hash_lock .*held: krcp->lock/);
    expect(x.a.postAllocHook.hookLocksTaken).toBe(x.base.hookLocks + 2);
    // An order-2 block maps 4 pages: 4 acquisitions.
    x.alloc(2, false);
    expect(x.a.postAllocHook.hookLocksTaken).toBe(x.base.hookLocks + 6);
  });

  it('powerpc debug_pagealloc without lockdep reports nothing on a non-RT kernel', () => {
    const x = hooked({ debugPagealloc: true, arch: 'powerpc' }, { lockdep: false });
    x.alloc(0, true);
    expect(x.a.locks.invalidWaitContext).toBe(0);
    expect(x.a.locks.sleepInAtomic).toBe(0);
  });

  it('powerpc debug_pagealloc on PREEMPT_RT sleeps in atomic context (spinlock_t with IRQs off)', () => {
    const x = hooked({ debugPagealloc: true, arch: 'powerpc' }, { lockdep: false, preemptRt: true });
    const before = x.a.locks.sleepInAtomic;
    expect(before).toBeGreaterThan(0); // already in the warm-up: the hook disables IRQs itself
    x.a.beginOp(0, CTX_TASK, false, 5e6);
    x.a.allocPages(GFP_KERNEL, 0);
    expect(x.a.locks.sleepInAtomic).toBe(before + 1);
    expect(x.a.locks.records.find((r) => r.kind === 'sleepInAtomic')!.message).toContain('linear_map_hash_lock');
  });

  it('page_owner: the stack depot lock every pageOwnerNewStackPeriod-th call', () => {
    const x = hooked({ pageOwner: true, pageOwnerNewStackPeriod: 4 }, { lockdep: false });
    // The warm-up was call 1.
    for (let i = 0; i < 7; i++) {
      x.a.beginOp(0, CTX_TASK, false, 1e7 + i * 1e5);
      x.a.allocPages(GFP_KERNEL, 0);
    }
    expect(x.a.postAllocHook.hookLocksTaken).toBe(2); // calls 4 and 8
    // Cost of a call that takes the lock: set_page_owner + the depot lock under irqsave.
    x.a.beginOp(0, CTX_TASK, false, 2e7);
    for (let i = 0; i < 3; i++) x.a.allocPages(GFP_KERNEL, 0); // calls 9, 10, 11
    x.a.beginOp(0, CTX_TASK, false, 3e7);
    const before = x.a.meter.ns;
    const pfn = x.a.allocPages(GFP_KERNEL, 0); // call 12
    const hit = x.a.lastPcpHit;
    const ns = x.a.meter.ns - before;
    expect(x.a.postAllocHook.hookLocksTaken).toBe(3);
    expect(hit).toBe(true);
    expect(ns).toBeCloseTo(HIT_59 + C.setPageOwner + C.spinLockUncontended + C.irqSaveRestore, 9);
    expect(pfn).not.toBe(NIL);
  });

  it('page_owner under a raw lock: 5.9 depot_lock (spinlock_t) is an invalid wait context, 6.x pool_lock (raw) is not', () => {
    const old = hooked({ pageOwner: true, pageOwnerNewStackPeriod: 1 }, { profile: '5.9' });
    expect(old.a.postAllocHook.hooks[0]).toMatchObject({ lock: 'depot_lock', lockType: 'spinlock_t' });
    old.alloc(0, true);
    expect(old.a.locks.invalidWaitContext).toBe(old.base.invalid + 1);
    expect(old.a.locks.records.at(-1)!.message).toContain('trying to lock depot_lock');
    const now = hooked({ pageOwner: true, pageOwnerNewStackPeriod: 1 }, { profile: '7.2' });
    expect(now.a.postAllocHook.hooks[0]).toMatchObject({ lock: 'pool_lock', lockType: 'raw_spinlock_t' });
    now.alloc(0, true);
    // pool_lock itself is raw; what 6.x reports is 6.9+'s stack_list_lock (next test).
    expect(now.a.locks.records.some((r) => r.kind === 'invalidWaitContext' && /pool_lock/.test(r.message))).toBe(false);
  });

  it('page_owner 6.9+: a new stack record is kmalloc()ed and linked under stack_list_lock (spinlock_t), skipped when !gfpflags_allow_spinning() (6.15+)', () => {
    const x = hooked({ pageOwner: true, pageOwnerNewStackPeriod: 1 }, { profile: '7.2' });
    expect(x.a.postAllocHook.hooks[1]).toMatchObject({ lock: 'stack_list_lock', lockType: 'spinlock_t' });
    // GFP_ATOMIC has __GFP_KSWAPD_RECLAIM: the spinlock_t is taken, under kvfree_rcu()'s raw lock an invalid wait context.
    const locks0 = x.a.postAllocHook.hookLocksTaken;
    x.alloc(0, true);
    expect(x.a.postAllocHook.hookLocksTaken - locks0).toBe(2); // pool_lock + stack_list_lock
    expect(x.a.locks.invalidWaitContext).toBe(x.base.invalid + 1);
    expect(x.a.locks.records.at(-1)!.message).toContain('trying to lock stack_list_lock');
    // alloc_pages_nolock()'s gfp has no __GFP_RECLAIM bit: add_stack_record_to_list() returns at once.
    const l1 = x.a.postAllocHook.hookLocksTaken;
    const inv1 = x.a.locks.invalidWaitContext;
    x.a.beginOp(0, CTX_TASK, true, 5e7);
    x.a.postAllocHook.run(0, __GFP_NOWARN | __GFP_ZERO | __GFP_NOMEMALLOC);
    expect(x.a.postAllocHook.hookLocksTaken - l1).toBe(1); // pool_lock only
    expect(x.a.locks.invalidWaitContext).toBe(inv1);
    // 5.9 has no stack list.
    expect(hooked({ pageOwner: true }, { profile: '5.9' }).a.postAllocHook.hooks.map((h) => h.lock)).toEqual(['depot_lock']);
  });

  it('zeroing: clear_page() per page when __GFP_ZERO is set or init_on_alloc is on (want_init_on_alloc())', () => {
    const off = hooked({});
    off.a.beginOp(0, CTX_TASK, false, 1e7);
    let before = off.a.meter.ns;
    off.a.allocPages(GFP_KERNEL | __GFP_ZERO, 0);
    expect(off.a.lastPcpHit).toBe(true);
    expect(off.a.meter.ns - before).toBeCloseTo(HIT_59 + C.clearPage, 9);
    expect(off.alloc(0, false).ns).toBeCloseTo(HIT_59, 9); // GFP_ATOMIC, no __GFP_ZERO
    const on = hooked({ initOnAlloc: true });
    expect(on.a.postAllocHook.hooks.map((h) => h.name)).toEqual(['init_on_alloc']);
    expect(on.alloc(0, false).ns).toBeCloseTo(HIT_59 + C.clearPage, 9);
    // An order-1 block is two pages to clear.
    on.a.beginOp(0, CTX_TASK, false, 2e7);
    before = on.a.meter.ns;
    on.a.postAllocHook.run(1, 0);
    expect(on.a.meter.ns - before).toBeCloseTo(C.prepNewPage + 2 * C.clearPage, 9);
    // Debian ships CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y: a scenario that does not say gets it.
    expect(debianInitOnAlloc('5.9')).toBe(true);
    expect(debianInitOnAlloc('7.2')).toBe(true);
  });

  it('KASAN: kasan_alloc_pages costs per page, no lock', () => {
    const x = hooked({ kasan: true });
    const r = x.alloc(0, true);
    expect(r.hit).toBe(true);
    expect(r.ns).toBeCloseTo(HIT_59 + C.kasanAllocPages, 9);
    expect(x.a.locks.invalidWaitContext).toBe(x.base.invalid);
  });
});
