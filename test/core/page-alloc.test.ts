import { describe, expect, it } from 'vitest';
import type { Core } from '../../harness/core/core.ts';
import { CTX_TASK } from '../../harness/core/context.ts';
import { LOC_ALLOCATED, NIL } from '../../harness/core/frames.ts';
import { __GFP_DMA, __GFP_HIGH, __GFP_NOMEMALLOC, GFP_KERNEL } from '../../harness/core/gfp.ts';
import { checkInvariants } from '../../harness/core/invariants.ts';
import { ALLOC_HARDER, ALLOC_HIGH, ALLOC_WMARK_MIN, SWAP_CLUSTER_MAX } from '../../harness/core/page-alloc.ts';
import type { ProfileName } from '../../harness/core/profile.ts';
import { consumeBuddyTo, FakeReclaimer, pcpPages, smallCore } from '../helpers/core-fixture.ts';

// One Normal zone of 16384 pages with min_free_kbytes 4004: pages_min = 1001,
// low = 1001 + max(1001 / 4, 16384 * 10 / 10000) = 1251, high = 1501;
// zone_batchsize = rounddown_pow_of_two(4 + 2) - 1 = 3.
const MIN = 1001;

function gfpOf(core: Core, name: string, extra = 0): number {
  return core.gfp.value(name) | extra;
}

/** A fresh core whose only zone has exactly `nrFree` pages on its free lists (pcplists empty). */
function zoneAt(profile: ProfileName, nrFree: number) {
  const core = smallCore({ profile });
  const zone = core.alloc.zones[0]!;
  const held = consumeBuddyTo(core, zone, nrFree);
  core.alloc.beginOp(0, CTX_TASK, false, 0);
  return { core, a: core.alloc, zone, held };
}

/** Whether an order-0 allocation of `gfp` (a mask name, plus extra bits) succeeds with the zone at `nrFree`. */
function succeedsAt(profile: ProfileName, nrFree: number, name: string, extra = 0): boolean {
  const x = zoneAt(profile, nrFree);
  return x.a.allocPages(gfpOf(x.core, name, extra), 0) !== NIL;
}

describe('watermarks (zone_watermark_fast / __zone_watermark_ok) on the allocation path', () => {
  it('has the watermarks __setup_per_zone_wmarks gives', () => {
    const x = zoneAt('5.9', 16384);
    expect([...x.zone.wmark]).toEqual([1001, 1251, 1501]);
  });

  for (const profile of ['5.9', '7.2'] as const) {
    it(`${profile}: GFP_NOWAIT succeeds above min and fails at min`, () => {
      expect(succeedsAt(profile, MIN + 1, 'GFP_NOWAIT')).toBe(true);
      expect(succeedsAt(profile, MIN, 'GFP_NOWAIT')).toBe(false);
    });

    it(`${profile}: GFP_ATOMIC goes down to 37.5% of min: min - min/2, then - (min - min/2)/4`, () => {
      // 1001 - 500 = 501; 501 - 125 = 376 (5.9 ALLOC_HIGH + ALLOC_HARDER; 6.x ALLOC_MIN_RESERVE + ALLOC_NON_BLOCK)
      expect(succeedsAt(profile, 377, 'GFP_ATOMIC')).toBe(true);
      expect(succeedsAt(profile, 376, 'GFP_ATOMIC')).toBe(false);
    });

    it(`${profile}: __GFP_HIGH alone goes down to 50% of min`, () => {
      expect(succeedsAt(profile, 502, 'GFP_NOWAIT', __GFP_HIGH)).toBe(true);
      // 6.x: GFP_NOWAIT has no __GFP_DIRECT_RECLAIM, so ALLOC_NON_BLOCK deepens it to 376.
      expect(succeedsAt(profile, 501, 'GFP_NOWAIT', __GFP_HIGH)).toBe(profile === '7.2');
      expect(succeedsAt(profile, 502, 'GFP_KERNEL', __GFP_HIGH)).toBe(true);
      expect(succeedsAt(profile, 501, 'GFP_KERNEL', __GFP_HIGH)).toBe(false);
    });

    it(`${profile}: __GFP_NOMEMALLOC takes away the extra quarter`, () => {
      expect(succeedsAt(profile, 502, 'GFP_ATOMIC', __GFP_NOMEMALLOC)).toBe(true);
      expect(succeedsAt(profile, 501, 'GFP_ATOMIC', __GFP_NOMEMALLOC)).toBe(false);
    });
  }

  it('gfp_to_alloc_flags: 5.9 from __GFP_HIGH and __GFP_ATOMIC, 6.x from __GFP_HIGH and !__GFP_DIRECT_RECLAIM', () => {
    const old = smallCore({ profile: '5.9' });
    expect(old.alloc.gfpToAllocFlags(gfpOf(old, 'GFP_ATOMIC')) & (ALLOC_HIGH | ALLOC_HARDER | 3)).toBe(ALLOC_HIGH | ALLOC_HARDER | ALLOC_WMARK_MIN);
    expect(old.alloc.gfpToAllocFlags(gfpOf(old, 'GFP_NOWAIT')) & (ALLOC_HIGH | ALLOC_HARDER)).toBe(0);
    const now = smallCore({ profile: '7.2' });
    expect(now.alloc.gfpToAllocFlags(gfpOf(now, 'GFP_ATOMIC')) & (ALLOC_HIGH | ALLOC_HARDER)).toBe(ALLOC_HIGH | ALLOC_HARDER);
    expect(now.alloc.gfpToAllocFlags(gfpOf(now, 'GFP_NOWAIT')) & (ALLOC_HIGH | ALLOC_HARDER)).toBe(ALLOC_HARDER);
    expect(now.alloc.gfpToAllocFlags(gfpOf(now, 'GFP_KERNEL')) & (ALLOC_HIGH | ALLOC_HARDER)).toBe(0);
  });

  it('checks the watermark even when the pcplist has pages (zone_watermark_fast runs before rmqueue)', () => {
    const x = zoneAt('5.9', 2000);
    const p = x.a.allocPages(GFP_KERNEL, 0); // refill: 3 pages, one handed out
    expect(x.a.pcp.count[0]).toBe(2);
    consumeBuddyTo(x.core, x.zone, MIN);
    expect(x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT'), 0)).toBe(NIL);
    expect(x.a.pcp.count[0]).toBe(2);
    expect(x.a.stats.watermarkFailures).toBeGreaterThan(0);
    x.a.freePages(p, 0);
  });

  it('for order > 0 also needs a free block of at least that order', () => {
    const core = smallCore({ zones: [['Normal', 1024]], minFreeKbytes: 128 });
    const a = core.alloc;
    const zone = a.zones[0]!;
    const pages = consumeBuddyTo(core, zone, 0);
    for (const p of pages) if (p % 2 === 0) a.freePages(p, 0);
    a.drainAllPages();
    expect(zone.nrFree).toBe(512); // every other page: no two free buddies
    expect(a.buddy.nrFreeBlocks(zone, 0)).toBe(512);
    expect(a.zoneWatermarkOk(zone, 0, zone.wmark[0]!, 0, 0)).toBe(true);
    expect(a.zoneWatermarkOk(zone, 1, zone.wmark[0]!, 0, 0)).toBe(false);
    a.beginOp(0, CTX_TASK, false, 0);
    expect(a.allocPages(gfpOf(core, 'GFP_NOWAIT'), 1)).toBe(NIL);
    expect(checkInvariants(a)).toEqual([]);
  });
});

describe('lowmem reserve (lowmem_reserve[highest_zoneidx]) on the zonelist walk', () => {
  function twoZones() {
    const core = smallCore({ zones: [['DMA', 1024], ['Normal', 16384]] });
    const a = core.alloc;
    const [dma, normal] = [a.zones[0]!, a.zones[1]!];
    // DMA's protection against Normal allocations: 16384 / sysctl_lowmem_reserve_ratio[DMA] (256).
    expect(dma.lowmemReserve[1]).toBe(64);
    expect(dma.lowmemReserve[0]).toBe(0);
    consumeBuddyTo(core, normal, 0);
    a.beginOp(0, CTX_TASK, false, 0);
    return { core, a, dma, normal };
  }

  it('keeps min + reserve pages of DMA from a GFP_NOWAIT allocation that may use Normal', () => {
    const x = twoZones();
    const min = x.dma.wmark[0]!;
    consumeBuddyTo(x.core, x.dma, min + 64);
    expect(x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT'), 0)).toBe(NIL);
    // The same state serves a __GFP_DMA allocation, for which DMA is the highest zone.
    expect(x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT', __GFP_DMA), 0)).not.toBe(NIL);
    expect(x.a.lastZone).toBe(0);
  });

  it('falls back to DMA once it is above min + reserve', () => {
    const x = twoZones();
    consumeBuddyTo(x.core, x.dma, x.dma.wmark[0]! + 65);
    expect(x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT'), 0)).not.toBe(NIL);
    expect(x.a.lastZone).toBe(0);
  });
});

describe('slow path: kswapd wake, direct reclaim only with __GFP_DIRECT_RECLAIM', () => {
  it('wakes kswapd once when an allocation falls below low, and kswapd reclaims to high later in virtual time', () => {
    const x = zoneAt('5.9', 1100);
    const reclaimer = new FakeReclaimer(x.core, x.held.slice(0, 1000));
    x.a.reclaimer = reclaimer;
    expect(x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT'), 0)).not.toBe(NIL);
    expect(x.a.stats.slowpathEntries).toBe(1);
    expect(x.a.stats.kswapdWakes).toBe(1);
    expect(x.zone.kswapdPending).toBe(true);
    expect(x.core.queue.length).toBe(1);
    expect(x.a.stats.directReclaims).toBe(0);
    expect(reclaimer.calls).toEqual([]);
    // Still below low: slow path again, but kswapd is already awake.
    x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT'), 0);
    expect(x.a.stats.slowpathEntries).toBe(2);
    expect(x.a.stats.kswapdWakes).toBe(1);
    // Run the deferred work: kswapd reclaims SWAP_CLUSTER_MAX at a time until above high.
    expect(x.core.queue.peekTime()).toBeGreaterThan(0);
    while (x.core.queue.runNext());
    expect(x.a.stats.kswapdRuns).toBeGreaterThan(1);
    expect(reclaimer.calls.every((n) => n === SWAP_CLUSTER_MAX)).toBe(true);
    expect(x.a.stats.kswapdReclaimed).toBe(reclaimer.calls.length * SWAP_CLUSTER_MAX);
    expect(x.zone.nrFree).toBeGreaterThan(x.zone.wmark[2]!);
    expect(x.zone.kswapdPending).toBe(false);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('does not wake kswapd without __GFP_KSWAPD_RECLAIM', () => {
    const x = zoneAt('5.9', 1100);
    expect(x.a.allocPages(0, 0)).not.toBe(NIL);
    expect(x.a.stats.slowpathEntries).toBe(1);
    expect(x.a.stats.kswapdWakes).toBe(0);
    expect(x.core.queue.length).toBe(0);
  });

  it('GFP_NOWAIT at min fails without reclaiming; GFP_KERNEL reclaims and succeeds', () => {
    const x = zoneAt('5.9', MIN);
    const reclaimer = new FakeReclaimer(x.core, x.held.slice(0, 100));
    x.a.reclaimer = reclaimer;
    expect(x.a.allocPages(gfpOf(x.core, 'GFP_NOWAIT'), 0)).toBe(NIL);
    expect(x.a.stats.directReclaims).toBe(0);
    expect(reclaimer.calls).toEqual([]);
    expect(x.a.stats.allocFailures).toBe(1);
    const p = x.a.allocPages(GFP_KERNEL, 0);
    expect(p).not.toBe(NIL);
    expect(x.a.stats.directReclaims).toBe(1);
    expect(reclaimer.calls).toEqual([SWAP_CLUSTER_MAX]);
    expect(x.a.stats.directReclaimed).toBe(SWAP_CLUSTER_MAX);
    expect(x.a.stats.allocFailures).toBe(1);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('asks reclaim for SWAP_CLUSTER_MAX pages whatever the order (try_to_free_pages: .nr_to_reclaim = SWAP_CLUSTER_MAX)', () => {
    const x = zoneAt('5.9', MIN);
    const reclaimer = new FakeReclaimer(x.core, x.held.slice(0, 400));
    x.a.reclaimer = reclaimer;
    expect(x.a.allocPages(GFP_KERNEL, 2)).not.toBe(NIL);
    expect(reclaimer.calls[0]).toBe(SWAP_CLUSTER_MAX);
    expect(reclaimer.calls.every((n) => n === SWAP_CLUSTER_MAX)).toBe(true);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('drains every CPU pcplist when reclaim frees nothing, then retries', () => {
    const core = smallCore({ profile: '5.9', cpus: 2 });
    const a = core.alloc;
    const zone = a.zones[0]!;
    const pinned = consumeBuddyTo(core, zone, 16384 - 17);
    a.beginOp(1, CTX_TASK, false, 0);
    for (const p of pinned) a.freePages(p, 0); // 17 pages < high (18): they stay on CPU 1's pcplist
    expect(a.pcp.count[1]).toBe(17);
    consumeBuddyTo(core, zone, MIN - 10);
    a.reclaimer = new FakeReclaimer(core, []);
    a.beginOp(0, CTX_TASK, false, 1000);
    expect(a.allocPages(GFP_KERNEL, 0)).not.toBe(NIL);
    expect(a.stats.directReclaims).toBe(1);
    expect(a.stats.drainAllPages).toBe(1);
    expect(a.pcp.count[1]).toBe(0);
  });

  it('fails after reclaim and drain when nothing comes back', () => {
    const x = zoneAt('5.9', MIN);
    expect(x.a.allocPages(GFP_KERNEL, 0)).toBe(NIL);
    expect(x.a.stats.directReclaims).toBe(1);
    expect(x.a.stats.drainAllPages).toBe(1);
    expect(x.a.stats.allocFailures).toBe(1);
  });

  it('counts a blocking allocation in atomic context as sleeping in atomic (might_sleep_if)', () => {
    const x = zoneAt('5.9', 16384);
    x.a.beginOp(0, CTX_TASK, true, 0);
    x.a.allocPages(GFP_KERNEL, 0);
    expect(x.a.locks.sleepInAtomic).toBe(1);
    expect(x.a.locks.records[0]!.message).toContain('__alloc_pages(__GFP_DIRECT_RECLAIM)');
    x.a.beginOp(0, CTX_TASK, true, 100);
    x.a.allocPages(gfpOf(x.core, 'GFP_ATOMIC'), 0);
    expect(x.a.locks.sleepInAtomic).toBe(1);
  });
});

describe('locks taken on the allocation path under a raw_spinlock_t (the kvfree_rcu situation)', () => {
  function underKrcLock(profile: ProfileName, lockdep: boolean) {
    const core = smallCore({ profile, lockdep });
    const a = core.alloc;
    const krc = a.locks.define('krcp->lock', 'raw_spinlock_t');
    let t = 0;
    const run = (gfp: number, order: number): number => {
      a.beginOp(0, CTX_TASK, true, (t += 10_000));
      a.locks.acquire(krc, a.meter.now());
      const p = a.allocPages(gfp, order);
      a.locks.release(krc, a.meter.now());
      return p;
    };
    return { core, a, run };
  }

  it('5.9 with lockdep: a pcp hit takes no lock; a pcp miss takes zone->lock: BUG: Invalid wait context', () => {
    const x = underKrcLock('5.9', true);
    const atomic = gfpOf(x.core, 'GFP_ATOMIC');
    x.run(atomic, 0); // miss: rmqueue_bulk under zone->lock
    expect(x.a.locks.invalidWaitContext).toBe(1);
    expect(x.a.locks.records[0]!.message).toMatch(/^BUG: Invalid wait context: trying to lock &zone->lock \(Normal\)/);
    expect(x.a.locks.records[0]!.message).toContain('krcp->lock');
    x.run(atomic, 0); // hit
    x.run(atomic, 0); // hit
    expect(x.a.locks.invalidWaitContext).toBe(1);
    x.run(atomic, 1); // order 1: the buddy, under zone->lock
    expect(x.a.locks.invalidWaitContext).toBe(2);
  });

  it('without lockdep nothing is reported on a non-RT kernel', () => {
    const x = underKrcLock('5.9', false);
    x.run(gfpOf(x.core, 'GFP_ATOMIC'), 0);
    x.run(gfpOf(x.core, 'GFP_ATOMIC'), 1);
    expect(x.a.locks.invalidWaitContext).toBe(0);
    expect(x.a.locks.sleepInAtomic).toBe(0);
  });

  it('6.x: pcp->lock is a trylock (never reported), zone->lock on a miss is', () => {
    const x = underKrcLock('7.2', true);
    x.run(gfpOf(x.core, 'GFP_ATOMIC'), 0);
    expect(x.a.locks.invalidWaitContext).toBe(1);
    x.run(gfpOf(x.core, 'GFP_ATOMIC'), 0);
    expect(x.a.locks.invalidWaitContext).toBe(1);
  });
});

describe('__free_pages', () => {
  function snapshot(core: Core) {
    const a = core.alloc;
    return {
      list: Array.from(a.frames.list),
      nrFree: a.zones.map((z) => z.nrFree),
      pcp: Array.from(a.pcp.count),
      ns: a.meter.ns,
      frees: a.stats.frees,
      zoneLockTaken: a.stats.zoneLockTaken,
    };
  }

  it('counts frees of blocks that are not allocated as badFrees and changes nothing', () => {
    const core = smallCore({ profile: '5.9' });
    const a = core.alloc;
    a.beginOp(0, CTX_TASK, false, 0);
    const p = a.allocPages(GFP_KERNEL, 0);
    const q = a.allocPages(GFP_KERNEL, 2);
    const onPcp = p + 1; // refilled with p, still on the pcplist
    expect(a.frames.list[onPcp]).not.toBe(LOC_ALLOCATED);
    a.freePages(p, 0);
    const before = snapshot(core);
    a.freePages(p, 0); // double free (p is on the pcplist now)
    a.freePages(onPcp, 0);
    a.freePages(0, 0); // a free page on a buddy list
    a.freePages(q + 1, 0); // a tail page of an allocated block
    a.freePages(NIL, 0);
    a.freePages(1 << 20, 0); // beyond the last frame
    expect(a.stats.badFrees).toBe(6);
    expect(snapshot(core)).toEqual(before);
    expect(checkInvariants(a)).toEqual([]);
  });

  it('counts a free with the wrong order as a bad free: it would free its buddy too', () => {
    const core = smallCore({ profile: '5.9' });
    const a = core.alloc;
    a.beginOp(0, CTX_TASK, false, 0);
    const p = a.allocPages(GFP_KERNEL, 0);
    const q = a.allocPages(GFP_KERNEL, 2);
    const before = snapshot(core);
    a.freePages(p, 1);
    a.freePages(q, 3);
    a.freePages(q, 0);
    expect(a.stats.badFrees).toBe(3);
    expect(snapshot(core)).toEqual(before);
    expect(checkInvariants(a)).toEqual([]);
    a.freePages(q, 2);
    a.freePages(p, 0);
    expect(a.stats.badFrees).toBe(3);
    expect(a.zones[0]!.nrFree + pcpPages(core)).toBe(16384);
  });
});

describe('hot-path literals (see "Hot-path constants" in harness/core/page-alloc.ts)', () => {
  it('match the named constants they stand for', async () => {
    const frames = await import('../../harness/core/frames.ts');
    const gfp = await import('../../harness/core/gfp.ts');
    const zone = await import('../../harness/core/zone.ts');
    const pa = await import('../../harness/core/page-alloc.ts');
    expect(frames.NIL).toBe(-1);
    expect(frames.LOC_ALLOCATED).toBe(-2);
    expect(frames.LOC_TAIL).toBe(-3);
    expect(gfp.GFP_ZONEMASK).toBe(0xf);
    expect(gfp.GFP_MOVABLE_MASK).toBe(0x18);
    expect(gfp.GFP_MOVABLE_SHIFT).toBe(3);
    const ctx = await import('../../harness/core/context.ts');
    expect([ctx.CTX_SOFTIRQ, ctx.CTX_HARDIRQ, ctx.CTX_NMI]).toEqual([1, 2, 3]);
    expect(gfp.__GFP_DIRECT_RECLAIM).toBe(0x400);
    expect(gfp.__GFP_ZERO).toBe(0x100);
    expect(zone.MIGRATE_PCPTYPES).toBe(3);
    expect(zone.MIGRATE_MOVABLE).toBe(1);
    expect(zone.WMARK_HIGH).toBe(2);
    expect(pa.ALLOC_WMARK_LOW).toBe(1);
    expect(pa.ALLOC_WMARK_MASK).toBe(3);
    expect(pa.ALLOC_NO_WATERMARKS).toBe(0x04);
    // KvfreeRcu.call() (harness/sim/kvfree-rcu.ts) tests the event flags as literals too.
    const events = await import('../../harness/workload/events.ts');
    expect([events.FLAG_HEADLESS, events.FLAG_RAW_LOCK_HELD, events.FLAG_IRQS_OFF]).toEqual([1, 2, 4]);
  });
});
