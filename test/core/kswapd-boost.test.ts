/**
 * kswapd's test (pgdat_balanced), watermark_boost and ZONE_RECLAIM_ACTIVE
 * (mm/vmscan.c, mm/page_alloc.c; see harness/core/kswapd.ts).
 */
import { describe, expect, it } from 'vitest';
import { CTX_TASK } from '../../harness/core/context.ts';
import { NIL } from '../../harness/core/frames.ts';
import { GFP_KERNEL } from '../../harness/core/gfp.ts';
import { checkInvariants } from '../../harness/core/invariants.ts';
import { SWAP_CLUSTER_MAX } from '../../harness/core/page-alloc.ts';
import { PAGEBLOCK_NR_PAGES } from '../../harness/core/profile.ts';
import { consumeBuddyTo, FakeReclaimer, smallCore } from '../helpers/core-fixture.ts';

describe('wakeup_kswapd() and balance_pgdat() use pgdat_balanced()', () => {
  it('does not wake kswapd when a lower eligible zone is above high + its lowmem reserve, though the top zone is below high', () => {
    const core = smallCore({ zones: [['DMA32', 16384], ['Normal', 16384]] });
    const a = core.alloc;
    const [dma32, normal] = [a.zones[0]!, a.zones[1]!];
    consumeBuddyTo(core, normal, normal.wmark[1]! - 10);
    expect(dma32.nrFree).toBeGreaterThan(dma32.wmark[2]! + dma32.lowmemReserve[1]!);
    a.beginOp(0, CTX_TASK, false, 0);
    a.wakeupKswapd(0, 1);
    expect(a.stats.kswapdWakes).toBe(0);
    expect(core.queue.length).toBe(0);
    // Once DMA32 is below high + reserve too, the node is not balanced: wake.
    consumeBuddyTo(core, dma32, dma32.wmark[2]! + dma32.lowmemReserve[1]!);
    a.wakeupKswapd(0, 1);
    expect(a.stats.kswapdWakes).toBe(1);
  });

  it('stops balance_pgdat() as soon as one eligible zone is balanced', () => {
    const core = smallCore({ zones: [['DMA32', 16384], ['Normal', 16384]] });
    const a = core.alloc;
    const [dma32, normal] = [a.zones[0]!, a.zones[1]!];
    consumeBuddyTo(core, normal, normal.wmark[1]! - 10);
    const heldDma32 = consumeBuddyTo(core, dma32, dma32.wmark[2]! + dma32.lowmemReserve[1]! - 40);
    const reclaimer = new FakeReclaimer(core, heldDma32.slice(0, 4000));
    a.reclaimer = reclaimer;
    a.beginOp(0, CTX_TASK, false, 0);
    a.wakeupKswapd(0, 1);
    expect(a.stats.kswapdWakes).toBe(1);
    // Reclaimed pages go to kswapd's pcplist first: hand them to the buddy as they come.
    while (core.queue.runNext()) a.drainAllPages();
    // Two clusters put DMA32 above high + reserve; the old test (every zone
    // above high) would have gone on while Normal stays below high.
    expect(a.stats.kswapdReclaimed).toBe(2 * SWAP_CLUSTER_MAX);
    expect(normal.nrFree).toBeLessThan(normal.wmark[2]!);
    expect(a.pgdatBalanced(0, 1)).toBe(true);
    expect(normal.kswapdPending).toBe(false);
  });
});

describe('watermark_boost', () => {
  /** A 16384-page zone whose free memory is only scattered movable order-0 pages (so a fallback steals below pageblock order). */
  function fragmented() {
    const core = smallCore({ zones: [['Normal', 16384]] });
    const a = core.alloc;
    const zone = a.zones[0]!;
    const held = consumeBuddyTo(core, zone, 0);
    a.beginOp(0, CTX_TASK, false, 0);
    const kept: number[] = [];
    for (const p of held) {
      if (p % 2 === 0) a.freePages(p, 0);
      else kept.push(p);
    }
    a.drainAllPages();
    return { core, a, zone, kept };
  }

  it('a fallback steal boosts the watermark by a pageblock, and rmqueue() wakes kswapd on its way out although the zone is far above high', () => {
    const { core, a, zone } = fragmented();
    expect(zone.nrFree).toBe(8192);
    expect(zone.nrFree).toBeGreaterThan(zone.wmark[2]! * 4);
    const wakes = a.stats.kswapdWakes;
    const pfn = a.allocPages(GFP_KERNEL, 0); // MIGRATE_UNMOVABLE: only movable blocks are free
    expect(pfn).not.toBe(NIL);
    expect(a.buddy.fallbackAllocs).toBeGreaterThan(0);
    expect(zone.watermarkBoost).toBe(PAGEBLOCK_NR_PAGES);
    expect(zone.boostedWatermark).toBe(false); // cleared by rmqueue() when it woke kswapd
    expect(a.stats.kswapdWakes).toBe(wakes + 1);
    expect(a.stats.slowpathEntries).toBe(0);
    expect(core.queue.length).toBe(1);
  });

  it('under a raw spinlock the boost wake-up takes pgdat->kswapd_wait (a spinlock_t): one more invalid wait context inside the request', () => {
    const core = smallCore({ zones: [['Normal', 16384]], lockdep: true });
    const a = core.alloc;
    const zone = a.zones[0]!;
    const held = consumeBuddyTo(core, zone, 0);
    a.beginOp(0, CTX_TASK, false, 0);
    for (const p of held) if (p % 2 === 0) a.freePages(p, 0);
    a.drainAllPages();
    const raw = a.locks.define('krcp->lock (test)', 'raw_spinlock_t');
    a.beginOp(0, CTX_TASK, true, 1e6);
    a.locks.acquire(raw, 1e6);
    expect(a.allocPages(GFP_KERNEL & ~0x400 /* GFP_NOWAIT-like: no direct reclaim */, 0)).not.toBe(NIL);
    a.locks.release(raw, a.meter.now());
    expect(a.stats.kswapdWakes).toBe(1);
    expect(a.locks.records.some((r) => r.message.includes('kswapd_wait'))).toBe(true);
  });

  it('caps the boost at max(pageblock, high x 15000 / 10000)', () => {
    const { core, zone } = fragmented();
    const cap = Math.max(PAGEBLOCK_NR_PAGES, Math.floor((zone.wmark[2]! * 15000) / 10000));
    for (let i = 0; i < 20; i++) core.alloc.buddy.boostWatermark(zone);
    expect(zone.watermarkBoost).toBe(cap);
  });

  it('adds the boost to the watermark checks', () => {
    const core = smallCore({ zones: [['Normal', 16384]] });
    const a = core.alloc;
    const zone = a.zones[0]!;
    consumeBuddyTo(core, zone, zone.wmark[1]! + 100);
    a.beginOp(0, CTX_TASK, false, 0);
    expect(a.allocPages(GFP_KERNEL, 0)).not.toBe(NIL);
    expect(a.stats.slowpathEntries).toBe(0);
    zone.watermarkBoost = 512;
    a.drainAllPages();
    a.allocPages(GFP_KERNEL, 0);
    expect(a.stats.slowpathEntries).toBe(1);
  });

  it('kswapd reclaims the boost, then takes it back (balance_pgdat out:)', () => {
    const core = smallCore({ zones: [['Normal', 16384]] });
    const a = core.alloc;
    const zone = a.zones[0]!;
    const held = consumeBuddyTo(core, zone, zone.wmark[2]! + 10);
    a.reclaimer = new FakeReclaimer(core, held.slice(0, 2000));
    zone.watermarkBoost = 512;
    a.beginOp(0, CTX_TASK, false, 0);
    a.wakeupKswapd(0, 0);
    // Balanced without the boost, but boosted: kswapd is woken all the same.
    expect(a.stats.kswapdWakes).toBe(1);
    while (core.queue.runNext()) a.drainAllPages();
    expect(a.stats.kswapdReclaimed).toBeGreaterThanOrEqual(512);
    expect(a.stats.kswapdReclaimed % SWAP_CLUSTER_MAX).toBe(0);
    expect(zone.watermarkBoost).toBe(0);
    expect(zone.reclaimActive).toBe(false);
    expect(checkInvariants(a)).toEqual([]);
  });
});

describe('ZONE_RECLAIM_ACTIVE caps nr_pcp_high() at 4 x batch while kswapd reclaims', () => {
  for (const profile of ['6.1', '7.2'] as const) {
    it(`${profile}: high drops to 4 x batch while reclaim is active`, () => {
      const core = smallCore({ profile, zones: [['Normal', 65536]] });
      const a = core.alloc;
      const zone = a.zones[0]!;
      const pcp = a.pcp;
      const normalHigh = pcp.nrPcpHigh(0, zone);
      expect(normalHigh).toBeGreaterThan(pcp.batch[0]! << 2);
      zone.reclaimActive = true;
      expect(pcp.nrPcpHigh(0, zone)).toBeLessThanOrEqual(pcp.batch[0]! << 2);
    });
  }

  it('kswapd sets ZONE_RECLAIM_ACTIVE during a pass and clears it at the end', () => {
    const core = smallCore({ profile: '7.2', zones: [['Normal', 16384]] });
    const a = core.alloc;
    const zone = a.zones[0]!;
    const held = consumeBuddyTo(core, zone, zone.wmark[1]! - 10);
    a.reclaimer = new FakeReclaimer(core, held.slice(0, 4000));
    a.beginOp(0, CTX_TASK, false, 0);
    a.wakeupKswapd(0, 0);
    core.queue.runNext();
    expect(zone.reclaimActive).toBe(true);
    while (core.queue.runNext()) a.drainAllPages();
    expect(zone.reclaimActive).toBe(false);
  });
});
