/**
 * One test per strategy showing the consequence the thread argued, in a small
 * deterministic setting: the core, the strategy, and kvfree_rcu()'s request
 * context (raw krcp->lock held, IRQs off).
 */
import { BnodeCache } from '../../harness/core/bnode-cache.ts';
import { describe, expect, it } from 'vitest';
import { CTX_TASK, GFP_ATOMIC, GFP_KERNEL, GFP_HIGHUSER_MOVABLE, NIL, WMARK_MIN, __GFP_DMA32, createCore } from '../../harness/core/index.ts';
import { DEFAULT_COST_TABLE } from '../../harness/core/cost-table.ts';
import { KvfreeRcu } from '../../harness/sim/kvfree-rcu.ts';
import dedicatedPool from '../../strategies/dedicated-pool.ts';
import gfpNoLocksBit from '../../strategies/gfp-no-locks-bit.ts';
import gfpZeroMask from '../../strategies/gfp-zero-mask.ts';
import locklessEntry from '../../strategies/lockless-entry.ts';
import statusQuo from '../../strategies/status-quo.ts';
import { drainCpu, setupStrategy, type Setup } from '../helpers/core.ts';

/** Allocates with GFP_ATOMIC (which may dip below min) until the zone is below its min watermark. */
function exhaustBelowMin(s: Setup): void {
  const a = s.core.alloc;
  const z = a.zones[0]!;
  a.beginOp(1, CTX_TASK, false, 0);
  while (z.nrFree >= z.wmark[WMARK_MIN]!) {
    if (a.allocPages(GFP_ATOMIC, 0) === NIL) break;
  }
  expect(z.nrFree).toBeLessThan(z.wmark[WMARK_MIN]!);
}

describe('status-quo', () => {
  it('takes zone->lock on a pcp miss under the raw lock: one "Invalid wait context" per zone->lock with lockdep', () => {
    const s = setupStrategy(statusQuo, {}, { lockdep: true });
    drainCpu(s.core);
    expect(s.request()).not.toBe(NIL);
    const locks = s.core.alloc.locks;
    expect(locks.invalidWaitContext).toBe(1);
    expect(locks.records[0]!.message).toMatch(/BUG: Invalid wait context: trying to lock &zone->lock/);
    expect(locks.records[0]!.message).toMatch(/krcp->lock/);
    // A pcp hit takes no lock: no new report.
    expect(s.request()).not.toBe(NIL);
    expect(locks.invalidWaitContext).toBe(1);
  });

  it('v5.9 on PREEMPT_RT never calls the allocator under the raw lock (`if (IS_ENABLED(CONFIG_PREEMPT_RT)) return false;`): NULL, no lock, no report', () => {
    const s = setupStrategy(statusQuo, {}, { lockdep: true, preemptRt: true });
    drainCpu(s.core);
    const a = s.core.alloc;
    const allocs = a.stats.allocs;
    expect(s.request()).toBe(NIL);
    expect(a.stats.allocs).toBe(allocs);
    expect(a.stats.zoneLockTaken).toBe(0);
    expect(a.locks.sleepInAtomic + a.locks.invalidWaitContext).toBe(0);
  });

  it("v5.9: kvfree_rcu()'s own bnode cache (rcu_min_cached_objs = 2, prefilled in kfree_rcu_batch_init()) serves first; the allocator only after a miss", () => {
    const s = setupStrategy(statusQuo, {}, { lockdep: true, bootFill: true });
    const a = s.core.alloc;
    expect(s.cache.capacity).toBe(2);
    expect(s.cache.reserve.count(0)).toBe(2);
    drainCpu(s.core);
    const allocs = a.stats.allocs;
    const p1 = s.request(0, 10);
    const p2 = s.request(0, 20);
    expect([p1, p2]).not.toContain(NIL);
    expect(a.stats.allocs).toBe(allocs);
    expect(a.locks.invalidWaitContext).toBe(0);
    // Third request: the cache is empty, __get_free_page(GFP_NOWAIT) meets an empty pcplist: zone->lock under the raw lock.
    expect(s.request(0, 30)).not.toBe(NIL);
    expect(a.stats.allocs).toBe(allocs + 1);
    expect(a.locks.invalidWaitContext).toBe(1);
    // kfree_rcu_work(): put_cached_bnode() refills the cache before anything is freed.
    s.putPage(0, p1, 40);
    expect(s.cache.reserve.count(0)).toBe(1);
  });

  it('5.10.y and later (56292e8609e3 backported): the request never allocates; a miss schedules the page-cache worker (cache of 5, no boot prefill)', () => {
    const s = setupStrategy(statusQuo, {}, { profile: '7.2', lockdep: true, preemptRt: true, bootFill: true });
    const a = s.core.alloc;
    expect(s.cache.capacity).toBe(5);
    expect(s.cache.reserve.pages).toBe(0);
    expect(s.request(0, 100)).toBe(NIL);
    expect(a.stats.allocs).toBe(0);
    expect(s.ext.describe().workers).toEqual(['fill_page_cache_func (system_highpri_wq)', 'schedule_page_work_fn (hrtimer, 0 delay)']);
    const q = s.core.queue;
    while (q.peekTime() <= 1_000_000) q.runNext();
    expect(s.cache.reserve.count(0)).toBe(5);
    expect(s.request(0, 2_000_000)).not.toBe(NIL);
    expect(a.locks.sleepInAtomic + a.locks.invalidWaitContext).toBe(0);
  });

  it('without lockdep and !RT nothing is reported, though the lock is taken', () => {
    const s = setupStrategy(statusQuo);
    drainCpu(s.core);
    s.request();
    expect(s.core.alloc.locks.invalidWaitContext).toBe(0);
    expect(s.core.alloc.stats.zoneLockTaken).toBeGreaterThan(0);
  });

  it('fails when the zone is below its watermark (GFP_NOWAIT stops at min)', () => {
    const s = setupStrategy(statusQuo);
    exhaustBelowMin(s);
    expect(s.request()).toBe(NIL);
  });
});

describe('gfp-no-locks-bit', () => {
  it('as posted, an ordinary pcp hit costs one flag test more (prepare_alloc_pages() sets ALLOC_NO_LOCKS); checked-combination without a fast-path policy costs the same', () => {
    const cost = (def: typeof statusQuo | typeof gfpNoLocksBit, params: Record<string, unknown> = {}): number => {
      const s = setupStrategy(def, params);
      const a = s.core.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      a.freePages(a.allocPages(GFP_KERNEL, 0), 0); // warm the pcplist
      a.beginOp(0, CTX_TASK, false, 0);
      expect(a.allocPages(GFP_KERNEL, 0)).not.toBe(NIL);
      expect(a.lastPcpHit).toBe(true);
      return a.meter.ns;
    };
    const gfpFlagCheck = setupStrategy(statusQuo).core.alloc.costs.gfpFlagCheck;
    expect(cost(gfpNoLocksBit) - cost(statusQuo)).toBeCloseTo(gfpFlagCheck, 9);
    expect(cost(gfpNoLocksBit, { variant: 'checked-combination' })).toBe(cost(statusQuo));
  });

  it('as posted: after a Normal pcp miss the zonelist walk takes a DMA32 pcplist page, and no __GFP_NO_LOCKS allocation enters the slow path', () => {
    const core = createCore({
      profile: '5.9',
      costs: DEFAULT_COST_TABLE,
      lockdep: true,
      preemptRt: false,
      debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
      machine: { cpus: 2, minFreeKbytes: 1024, watermarkScaleFactor: 10, lowmemReserveRatio: [256, 32], zones: [{ kind: 'DMA32', managedPages: 8192 }, { kind: 'Normal', managedPages: 8192 }] },
    });
    const ext = core.extensionsFor('gfp-no-locks-bit');
    const inst = gfpNoLocksBit.setup({ core, ext, bnodeCache: new BnodeCache(core, ext) }, gfpNoLocksBit.params.parse({}) as never);
    const a = core.alloc;
    const [dma32, normal] = [a.zones[0]!, a.zones[1]!];
    drainCpu(core);
    // Put one page on CPU 0's DMA32 unmovable pcplist (a GFP_DMA32 alloc + free).
    a.beginOp(0, CTX_TASK, false, 0);
    const p = a.allocPages(GFP_KERNEL | __GFP_DMA32, 0);
    expect(a.zoneOf(p)).toBe(dma32);
    a.freePages(p, 0);
    const locked = a.stats.zoneLockTaken;
    a.beginOp(0, CTX_TASK, true, 0);
    const got = inst.getPage(0);
    expect(got).not.toBe(NIL);
    expect(a.zoneOf(got)).toBe(dma32);
    expect(a.stats.zoneLockTaken).toBe(locked);
    // Every pcplist empty now: NULL, and no slow path (kswapd not woken, no reclaim), even for a reclaiming caller.
    const slow = a.stats.slowpathEntries;
    a.beginOp(0, CTX_TASK, true, 0);
    expect(inst.getPage(0)).toBe(NIL);
    a.beginOp(0, CTX_TASK, false, 0);
    expect(a.allocPages(GFP_KERNEL | (ext.gfp.lookup('___GFP_NO_LOCKS') ?? 0), 0)).toBe(NIL);
    expect(a.stats.slowpathEntries).toBe(slow);
    expect(a.stats.zoneLockTaken).toBe(locked);
    expect(normal.nrFree).toBeGreaterThan(0);
    expect(ext.describe().slowPathChecks.join()).toMatch(/no slow path for __GFP_NO_LOCKS/);
  });

  it("as posted, __GFP_NO_LOCKS | __GFP_RECLAIM takes no lock: invalidGfpCombination measures only the checked-combination variant", () => {
    const s = setupStrategy(gfpNoLocksBit, { requestGfp: 'GFP_KERNEL' });
    drainCpu(s.core);
    const before = s.core.alloc.stats.zoneLockTaken;
    expect(s.request()).toBe(NIL);
    expect(s.core.alloc.stats.zoneLockTaken).toBe(before);
    expect(s.ext.counters.invalidGfpCombination).toBe(0);
    expect(() => setupStrategy(gfpNoLocksBit, { combinationPolicy: 'fast-path' })).toThrow(/checked-combination/);
  });

  it('returns NULL after a pcp miss without taking zone->lock or reporting anything (lockdep; PREEMPT_RT 5.9 is in the pa_lock test below)', () => {
    const s = setupStrategy(gfpNoLocksBit, {}, { lockdep: true });
    drainCpu(s.core);
    const before = s.core.alloc.stats.zoneLockTaken;
    expect(s.request()).toBe(NIL);
    expect(s.core.alloc.stats.zoneLockTaken).toBe(before);
    expect(s.core.alloc.locks.invalidWaitContext).toBe(0);
    expect(s.core.alloc.locks.sleepInAtomic).toBe(0);
  });

  it('reports the bit: as posted ___GFP_NOLOCKDEP moves and __GFP_BITS_SHIFT grows; kept in place it collides under lockdep', () => {
    const posted = setupStrategy(gfpNoLocksBit, {}, { lockdep: true }).ext.describe();
    expect(posted.gfpBits).toEqual([{ name: '___GFP_NO_LOCKS', value: '0x800000' }]);
    expect(posted.gfpCollisions).toEqual([]);
    expect(posted.gfpRelocations.join()).toMatch(/NOLOCKDEP moved from 0x800000 to 0x1000000/);
    expect(posted.gfpBitsShift).toBe(25);
    const kept = setupStrategy(gfpNoLocksBit, { moveNolockdep: false }, { lockdep: true }).ext.describe();
    expect(kept.gfpCollisions.join()).toMatch(/NO_LOCKS.*collides with ___GFP_NOLOCKDEP/);
    const noLockdep = setupStrategy(gfpNoLocksBit, { moveNolockdep: false }, { lockdep: false }).ext.describe();
    expect(noLockdep.gfpCollisions).toEqual([]);
    expect(noLockdep.gfpBitsLeft).toBeLessThan(setupStrategy(statusQuo, {}, { lockdep: false }).ext.describe().gfpBitsLeft);
  });

  it("checked-combination, policy 'none' lets __GFP_NO_LOCKS | __GFP_RECLAIM through, and it takes locks (counted)", () => {
    const s = setupStrategy(gfpNoLocksBit, { variant: 'checked-combination', requestGfp: 'GFP_KERNEL' });
    drainCpu(s.core);
    const a = s.core.alloc;
    a.beginOp(0, CTX_TASK, false, 0);
    s.inst.getPage(0);
    expect(s.ext.counters.invalidGfpCombination).toBe(1);
  });

  it("checked-combination, policy 'fast-path' charges every allocation one flag test and rejects the combination", () => {
    const s = setupStrategy(gfpNoLocksBit, { variant: 'checked-combination', requestGfp: 'GFP_KERNEL', combinationPolicy: 'fast-path' });
    const plain = setupStrategy(statusQuo);
    for (const x of [s, plain]) {
      const a = x.core.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      a.freePages(a.allocPages(GFP_KERNEL, 0), 0); // warm the pcplist
      a.beginOp(0, CTX_TASK, false, 0);
      a.allocPages(GFP_KERNEL, 0); // a pcp hit
    }
    expect(s.core.alloc.meter.ns - plain.core.alloc.meter.ns).toBeCloseTo(s.core.alloc.costs.gfpFlagCheck, 9);
    expect(s.ext.describe().fastPathChecks.length).toBe(1);
    expect(s.request()).toBe(NIL);
    expect(s.ext.counters.invalidGfpCombination).toBe(0);
  });

  it("checked-combination, policy 'slow-path' leaves the fast path alone and rejects the combination on a miss", () => {
    const s = setupStrategy(gfpNoLocksBit, { variant: 'checked-combination', requestGfp: 'GFP_KERNEL', combinationPolicy: 'slow-path' });
    expect(s.ext.describe().fastPathChecks).toEqual([]);
    drainCpu(s.core);
    const before = s.core.alloc.stats.zoneLockTaken;
    expect(s.request()).toBe(NIL);
    expect(s.core.alloc.stats.zoneLockTaken).toBe(before);
  });
});

describe('gfp-zero-mask', () => {
  it('a legacy __get_free_page(0) caller that misses the pcplist now fails; under status-quo it succeeds', () => {
    for (const [def, expectNil] of [[statusQuo, false], [gfpZeroMask, true]] as const) {
      const s = setupStrategy(def);
      drainCpu(s.core);
      const a = s.core.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      expect(a.allocPages(0, 0) === NIL).toBe(expectNil);
    }
  });

  it('consumes no GFP bit and adds nothing to the fast path', () => {
    const p = setupStrategy(gfpZeroMask).ext.describe();
    expect(p.gfpBits).toEqual([]);
    expect(p.fastPathChecks).toEqual([]);
    expect(p.pcpMissChecks.length).toBe(1);
  });
});

describe('lockless-entry', () => {
  it('takes a page of another migratetype when the unmovable list is empty (counted as mixing), with no zone->lock', () => {
    const s = setupStrategy(locklessEntry, {}, { lockdep: true });
    const a = s.core.alloc;
    drainCpu(s.core);
    a.beginOp(0, CTX_TASK, false, 0);
    a.freePages(a.allocPages(GFP_HIGHUSER_MOVABLE, 0), 0); // one page on the movable pcplist
    const zl = a.stats.zoneLockTaken;
    expect(s.request()).not.toBe(NIL);
    expect(s.ext.counters.migratetypeMixing).toBe(1);
    expect(a.stats.zoneLockTaken).toBe(zl);
    expect(a.locks.invalidWaitContext).toBe(0);
    drainCpu(s.core);
    const zl2 = a.stats.zoneLockTaken;
    expect(s.request()).toBe(NIL); // every pcplist empty: NULL, still no lock
    expect(a.stats.zoneLockTaken).toBe(zl2);
  });

  it('ignores the watermark: below min it still hands out pcp pages (counted as breaches)', () => {
    const s = setupStrategy(locklessEntry);
    exhaustBelowMin(s);
    const a = s.core.alloc;
    a.beginOp(0, CTX_TASK, false, 0);
    const p = a.allocPages(GFP_ATOMIC, 0);
    if (p !== NIL) a.freePages(p, 0);
    expect(s.request()).not.toBe(NIL);
    expect(s.ext.counters.watermarkBreaches).toBe(1);
    const sq = setupStrategy(statusQuo);
    exhaustBelowMin(sq);
    expect(sq.request()).toBe(NIL);
  });

  it("under DEBUG_PAGEALLOC it refuses as the RFC did, or with 'allow' the powerpc hook's spinlock_t shows up", () => {
    const refuse = setupStrategy(locklessEntry, {}, { debugPagealloc: true, arch: 'powerpc', lockdep: true });
    expect(refuse.request()).toBe(NIL);
    const allow = setupStrategy(locklessEntry, { debugPagealloc: 'allow' }, { debugPagealloc: true, arch: 'powerpc', lockdep: true });
    const a = allow.core.alloc;
    a.beginOp(0, CTX_TASK, false, 0);
    a.freePages(a.allocPages(GFP_KERNEL, 0), 0);
    expect(allow.request()).not.toBe(NIL);
    expect(a.locks.invalidWaitContext).toBe(1);
    expect(a.locks.records[0]!.message).toMatch(/linear_map_hash_lock/);
    expect(allow.ext.describe().entryPoints).toEqual(['__rcu_alloc_page_lockless()']);
  });
});

describe('dedicated-pool', () => {
  it('holds poolPages per CPU, empties under a burst, and is refilled by its worker later in virtual time', () => {
    const s = setupStrategy(dedicatedPool, { poolPages: 4, refillThreshold: 2 }, { cpus: 2 });
    const pool = s.ext.reserves.find((r) => r !== s.cache.reserve)!;
    expect(pool.pages).toBe(8);
    expect(pool.peakPages).toBe(8);
    const got = [0, 1, 2, 3, 4].map(() => s.request(0, 1000));
    expect(got.slice(0, 4).every((p) => p !== NIL)).toBe(true);
    expect(got[4]).toBe(NIL);
    expect(pool.count(0)).toBe(0);
    // The refill worker runs after the worker wake-up latency.
    const q = s.core.queue;
    expect(q.length).toBe(1);
    expect(q.peekTime()).toBeGreaterThan(1000);
    q.runNext();
    expect(pool.count(0)).toBe(4);
    expect(s.ext.describe().workers.length).toBe(1);
  });

  it('takes no allocator lock in the request path, even with lockdep on PREEMPT_RT', () => {
    const s = setupStrategy(dedicatedPool, {}, { lockdep: true, preemptRt: true });
    const zl = s.core.alloc.stats.zoneLockTaken;
    for (let i = 0; i < 8; i++) expect(s.request(0, 10)).not.toBe(NIL);
    expect(s.core.alloc.stats.zoneLockTaken).toBe(zl);
    expect(s.core.alloc.locks.invalidWaitContext + s.core.alloc.locks.sleepInAtomic).toBe(0);
  });
});

describe('PREEMPT_RT before 6.x: the -rt patch set puts pcplists under pa_lock (local_lock_irqsave(&pa_lock.l), mm/page_alloc.c of 5.10-rt)', () => {
  it('lockless-entry, gfp-no-locks-bit and gfp-zero-mask take the sleeping pa_lock under the raw krcp->lock on every request, a pcp hit too', () => {
    for (const def of [locklessEntry, gfpNoLocksBit, gfpZeroMask]) {
      const s = setupStrategy(def, {}, { lockdep: true, preemptRt: true });
      const a = s.core.alloc;
      // Warm CPU 0's pcplists so the request is a plain pcp hit.
      a.beginOp(0, CTX_TASK, false, 0);
      a.freePages(a.allocPages(GFP_KERNEL, 0), 0);
      const sleep0 = a.locks.sleepInAtomic;
      const wait0 = a.locks.invalidWaitContext;
      const zl0 = a.stats.zoneLockTaken;
      expect(s.request()).not.toBe(NIL);
      expect(a.locks.sleepInAtomic - sleep0).toBe(1);
      expect(a.locks.invalidWaitContext - wait0).toBe(1);
      expect(a.locks.records.some((r) => r.kind === 'sleepInAtomic' && /pa_lock \(local_lock_t, cpu 0\).*held: krcp->lock/.test(r.message))).toBe(true);
      expect(a.stats.zoneLockTaken).toBe(zl0);
    }
  });

  it('not on !RT (local_irq_save()), and not on a 6.x PREEMPT_RT kernel (pcp->lock, trylocked)', () => {
    for (const o of [{ preemptRt: false }, { preemptRt: true, profile: '7.2' as const }]) {
      const s = setupStrategy(locklessEntry, {}, { lockdep: true, ...o });
      const a = s.core.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      a.freePages(a.allocPages(GFP_KERNEL, 0), 0);
      expect(s.request()).not.toBe(NIL);
      expect(a.locks.sleepInAtomic + a.locks.invalidWaitContext).toBe(0);
    }
  });
});


describe("kvfree_rcu()'s own 5.12+ headless path (add_ptr_to_bulk_krc_lock(), can_alloc)", () => {
  it('a headless caller that may sleep gets a page with krcp->lock dropped on 6.x, none on 5.9; no lock counted inside the request', () => {
    for (const profile of ['5.9', '7.2'] as const) {
      const core = createCore({
        profile,
        costs: DEFAULT_COST_TABLE,
        lockdep: true,
        preemptRt: true,
        debug: { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 },
        machine: { cpus: 2, minFreeKbytes: 1024, watermarkScaleFactor: 10, lowmemReserveRatio: [32], zones: [{ kind: 'Normal', managedPages: 16384 }] },
      });
      const ext = core.extensionsFor('never');
      const cache = new BnodeCache(core, ext);
      const krc = new KvfreeRcu(core, { getPage: () => NIL }, cache, { blockEntries: 510, gracePeriodNs: 1e6, drainDelayNs: 1e6 });
      drainCpu(core);
      const a = core.alloc;
      const allocs = a.stats.allocs;
      a.beginOp(0, CTX_TASK, false, 1000);
      krc.call(0, 1 /* FLAG_HEADLESS */);
      expect(krc.requests).toBe(1);
      if (profile === '7.2') {
        expect(krc.failures).toBe(0);
        expect(a.stats.allocs).toBe(allocs + 1);
        expect(a.stats.zoneLockTaken).toBeGreaterThan(0); // the refill, with the raw lock dropped
        expect(krc.zoneLockInRequests).toBe(0);
        expect(a.locks.sleepInAtomic + a.locks.invalidWaitContext).toBe(0);
      } else {
        expect(krc.failures).toBe(1);
        expect(krc.fallbackSynchronizeRcu).toBe(1);
        expect(a.stats.allocs).toBe(allocs);
      }
    }
  });
});
