import { describe, expect, it } from 'vitest';
import { CTX_TASK } from '../../harness/core/context.ts';
import { DEFAULT_COST_TABLE as C } from '../../harness/core/cost-table.ts';
import { NIL } from '../../harness/core/frames.ts';
import { GFP_KERNEL } from '../../harness/core/gfp.ts';
import { checkInvariants } from '../../harness/core/invariants.ts';
import { pcpHighAndBatch, zoneBatchsize } from '../../harness/core/pcp-sizing.ts';
import { setupPerZoneWmarks } from '../../harness/core/watermarks.ts';
import { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE } from '../../harness/core/zone.ts';
import { consumeBuddyTo, smallCore } from '../helpers/core-fixture.ts';

const MANAGED = 65536;

/** One CPU, one Normal zone of 256 MiB: zone_batchsize = 15 (64 / 4 = 16, rounddown_pow_of_two(24) - 1). */
function setup(profile: '5.9' | '7.2', cpus = 1) {
  const core = smallCore({ profile, cpus, zones: [['Normal', MANAGED]] });
  const a = core.alloc;
  a.beginOp(0, CTX_TASK, false, 0);
  return { core, a, pcp: a.pcp, zone: a.zones[0]!, f: a.frames };
}

/** Pfns on a pcplist, head (hot) to tail (cold). */
function pcpList(x: ReturnType<typeof setup>, idx: number, pindex: number): number[] {
  const out: number[] = [];
  for (let p = x.f.listFirst[x.pcp.list(idx, pindex)]!; p !== NIL; p = x.f.next[p]!) out.push(p);
  return out;
}

describe('pcp sizing as created', () => {
  it('5.9: batch = zone_batchsize, high = 6 * batch', () => {
    expect(zoneBatchsize(MANAGED)).toBe(15);
    const x = setup('5.9');
    expect(x.pcp.batch[0]).toBe(15);
    expect(x.pcp.high[0]).toBe(90);
  });

  it('6.x: high starts at high_min = low watermark / CPUs; high_max = managed / 8 / CPUs', () => {
    const x = setup('7.2', 2);
    const low = setupPerZoneWmarks([{ kind: 'Normal', managedPages: MANAGED }], 4004, 10)[0]!.low;
    expect(low).toBe(1251); // min 1001 + max(1001 / 4, 65536 * 10 / 10000)
    expect(x.zone.wmark[1]).toBe(low);
    for (const idx of [0, 1]) {
      expect(x.pcp.batch[idx]).toBe(15);
      expect(x.pcp.highMin[idx]).toBe(625);
      expect(x.pcp.highMax[idx]).toBe(4096);
      expect(x.pcp.high[idx]).toBe(625);
    }
    expect(pcpHighAndBatch('7.2', { managedPages: MANAGED, lowWmark: low }, 2)).toEqual({ batch: 15, high: 625, highMin: 625, highMax: 4096 });
  });
});

describe('pcp refill (rmqueue_bulk) and fast path, 5.9', () => {
  it('refills an empty pcplist with exactly pcp->batch pages, in physical order, under zone->lock', () => {
    const x = setup('5.9');
    const first = x.a.allocPages(GFP_KERNEL, 0);
    expect(x.pcp.refills).toBe(1);
    expect(x.pcp.refillPages).toBe(15);
    expect(x.a.stats.pcpMisses).toBe(1);
    expect(x.a.stats.zoneLockTaken).toBe(1);
    expect(x.zone.nrFree).toBe(MANAGED - 15);
    expect(x.pcp.count[0]).toBe(14);
    // "Split buddy pages returned by expand() are received here in physical page order."
    const rest: number[] = [];
    for (let i = 0; i < 14; i++) rest.push(x.a.allocPages(GFP_KERNEL, 0));
    expect(rest).toEqual(Array.from({ length: 14 }, (_, i) => first + 1 + i));
    expect(x.pcp.refills).toBe(1);
    expect(x.a.stats.pcpHits).toBe(14);
    expect(x.pcp.count[0]).toBe(0);
    // The (batch + 1)th allocation misses again.
    x.a.allocPages(GFP_KERNEL, 0);
    expect(x.pcp.refills).toBe(2);
    expect(x.pcp.refillPages).toBe(30);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('charges 28 ns for a pcp hit and 20 ns for a free that does not drain (48 ns a pair)', () => {
    const x = setup('5.9');
    x.a.freePages(x.a.allocPages(GFP_KERNEL, 0), 0); // warm: one refill
    x.a.beginOp(0, CTX_TASK, false, 1000);
    const pfn = x.a.allocPages(GFP_KERNEL, 0);
    expect(x.a.lastPcpHit).toBe(true);
    // local_irq_save/restore + zone_watermark_fast + list_del + prep_new_page
    expect(x.a.meter.ns).toBeCloseTo(C.irqSaveRestore + C.watermarkCheck + C.pcpListOp + C.prepNewPage, 9);
    expect(x.a.meter.ns).toBeCloseTo(28, 9);
    x.a.beginOp(0, CTX_TASK, false, 2000);
    x.a.freePages(pfn, 0);
    expect(x.a.meter.ns).toBeCloseTo(C.irqSaveRestore + C.pcpListOp, 9);
    expect(x.a.meter.ns).toBeCloseTo(20, 9);
  });

  it('charges a miss for zone->lock, each page moved and the buddy work under it', () => {
    const x = setup('5.9');
    x.a.allocPages(GFP_KERNEL, 0);
    // __rmqueue_fallback moves the first order-10 block to the unmovable list (1 list op),
    // then 15 x __rmqueue_smallest: 15 list removals and 10 + 1 + 2 + 1 + 3 + 1 + 2 + 1 = 21
    // split steps (the order-10 block, then the order-1, 2, 1, 3, 1, 2, 1 remainders).
    const buddyNs = 16 * C.buddyListOp + 21 * C.buddyOpPerOrder;
    const expected = C.irqSaveRestore + C.watermarkCheck + C.spinLockUncontended + 15 * C.rmqueueBulkPerPage + buddyNs + C.pcpListOp + C.prepNewPage;
    expect(x.a.meter.ns).toBeCloseTo(expected, 9);
    expect(x.a.buddy.fallbackAllocs).toBe(1);
  });

  it('takes order > 0 straight from the buddy under zone->lock, leaving the pcplists alone', () => {
    const x = setup('5.9');
    const pfn = x.a.allocPages(GFP_KERNEL, 1);
    expect(pfn % 2).toBe(0);
    expect(x.f.order[pfn]).toBe(1);
    expect(x.a.stats.zoneLockTaken).toBe(1);
    expect(x.pcp.refills).toBe(0);
    expect(x.pcp.count[0]).toBe(0);
    expect(x.zone.nrFree).toBe(MANAGED - 2);
    x.a.freePages(pfn, 1);
    expect(x.a.stats.zoneLockTaken).toBe(2);
    expect(x.pcp.count[0]).toBe(0);
    expect(x.zone.nrFree).toBe(MANAGED);
  });
});

describe('pcp drain (free_pcppages_bulk), 5.9', () => {
  it('frees pcp->batch pages back to the buddy each time count reaches high', () => {
    const x = setup('5.9');
    const pages: number[] = [];
    for (let i = 0; i < 200; i++) pages.push(x.a.allocPages(GFP_KERNEL, 0));
    expect(x.pcp.refills).toBe(14); // ceil(200 / 15)
    expect(x.pcp.count[0]).toBe(10);
    let firstDrainAt = -1;
    for (let i = 0; i < pages.length; i++) {
      x.a.freePages(pages[i]!, 0);
      if (firstDrainAt < 0 && x.pcp.drains > 0) firstDrainAt = i + 1;
      expect(x.pcp.count[0]).toBeLessThan(90);
    }
    expect(firstDrainAt).toBe(80); // 10 + 80 = 90 = high
    expect(x.pcp.drains).toBe(9);
    expect(x.pcp.drainPages).toBe(9 * 15);
    expect(x.pcp.count[0]).toBe(210 - 135);
    expect(x.zone.nrFree).toBe(MANAGED - 210 + 135);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('drains round-robin from the cold ends, starting after MIGRATE_UNMOVABLE, batch_free growing over empty lists', () => {
    const x = setup('5.9');
    const pages = consumeBuddyTo(x.core, x.zone, MANAGED - 20);
    for (let i = 0; i < 10; i++) x.pcp.put(0, MIGRATE_UNMOVABLE, pages[i]!, 0);
    for (let i = 10; i < 20; i++) x.pcp.put(0, MIGRATE_MOVABLE, pages[i]!, 0);
    // v5.9: migratetype starts at 0 and is incremented before use: Movable first
    // (1 page), Reclaimable empty, Unmovable with batch_free 2 (2 pages), Movable
    // (1), then Unmovable again (1). The hint (what was just freed) does not matter.
    x.pcp.freePcppagesBulk(x.zone, 0, 5, MIGRATE_MOVABLE);
    expect(pcpList(x, 0, MIGRATE_UNMOVABLE)).toEqual(pages.slice(3, 10).reverse());
    expect(pcpList(x, 0, MIGRATE_MOVABLE)).toEqual(pages.slice(12, 20).reverse());
    expect(x.pcp.count[0]).toBe(15);
    expect(x.zone.nrFree).toBe(MANAGED - 15);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('drain_all_pages empties every CPU pcplist', () => {
    const x = setup('5.9', 3);
    for (let cpu = 0; cpu < 3; cpu++) {
      x.a.beginOp(cpu, CTX_TASK, false, cpu * 1000);
      for (let i = 0; i < 7; i++) x.a.allocPages(GFP_KERNEL, 0);
    }
    expect([...x.pcp.count]).toEqual([8, 8, 8]);
    x.a.drainAllPages();
    expect([...x.pcp.count]).toEqual([0, 0, 0]);
    expect(x.zone.nrFree).toBe(MANAGED - 21);
    expect(checkInvariants(x.a)).toEqual([]);
  });
});

describe('pcp, 6.x: per-order lists, nr_pcp_alloc, nr_pcp_high, pcp->lock', () => {
  it('doubles the refill batch while allocation goes on without frees (alloc_factor, up to batch << 5)', () => {
    const x = setup('7.2');
    expect(x.pcp.high[0]).toBe(1251);
    const refills: number[] = [];
    let last = 0;
    for (let i = 0; i < 946; i++) {
      expect(x.a.allocPages(GFP_KERNEL, 0)).not.toBe(NIL);
      if (x.pcp.refillPages !== last) {
        refills.push(x.pcp.refillPages - last);
        last = x.pcp.refillPages;
      }
    }
    expect(refills).toEqual([15, 30, 60, 120, 240, 480, 480]);
    expect(x.pcp.allocFactor[0]).toBe(5);
    // high grew by each batch (zone above its high watermark): 1251 + 1425
    expect(x.pcp.high[0]).toBe(2676);
    // A free halves alloc_factor.
    x.a.freePages(x.a.allocPages(GFP_KERNEL, 0), 0);
    expect(x.pcp.allocFactor[0]).toBe(2);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('keeps orders 1..3 on pcplists: an order-3 miss fetches max(batch >> 3, 2) blocks', () => {
    const x = setup('7.2');
    const pfn = x.a.allocPages(GFP_KERNEL, 3);
    expect(pfn % 8).toBe(0);
    expect(x.f.order[pfn]).toBe(3);
    expect(x.pcp.refillPages).toBe(16);
    expect(x.pcp.count[0]).toBe(8);
    expect(pcpList(x, 0, x.pcp.pindex(MIGRATE_UNMOVABLE, 3))).toHaveLength(1);
    x.a.freePages(pfn, 3);
    expect(x.pcp.count[0]).toBe(16);
    // Order 4 is above PAGE_ALLOC_COSTLY_ORDER: the buddy, under zone->lock.
    const locks = x.a.stats.zoneLockTaken;
    const big = x.a.allocPages(GFP_KERNEL, 4);
    expect(x.f.order[big]).toBe(4);
    expect(x.a.stats.zoneLockTaken).toBe(locks + 1);
    expect(x.pcp.count[0]).toBe(16);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('drains nr_pcp_free() pages when count reaches high, with free_count capped at batch << 5', () => {
    const x = setup('7.2');
    const pages = consumeBuddyTo(x.core, x.zone, MANAGED - 5000);
    for (const p of pages) x.a.freePages(p, 0);
    // free_count stops at 15 << CONFIG_PCP_BATCH_SCALE_MAX = 480, so need_high
    // (free_count + batch = 495) never raises high above 1251, and each drain
    // frees clamp(free_count, batch, high - batch) = 480 pages: at 1251 frees,
    // then every 480.
    expect(x.pcp.freeCount[0]).toBe(480);
    expect(x.pcp.high[0]).toBe(1251);
    expect(x.pcp.drains).toBe(8);
    expect(x.pcp.drainPages).toBe(8 * 480);
    expect(x.pcp.count[0]).toBe(5000 - 3840);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('drains the list of the page just freed first, each list whole before the next', () => {
    const x = setup('7.2');
    const pages = consumeBuddyTo(x.core, x.zone, MANAGED - 20);
    for (let i = 0; i < 10; i++) x.pcp.put(0, MIGRATE_UNMOVABLE, pages[i]!, 0);
    for (let i = 10; i < 20; i++) x.pcp.put(0, MIGRATE_MOVABLE, pages[i]!, 0);
    x.pcp.freePcppagesBulk(x.zone, 0, 5, MIGRATE_MOVABLE);
    expect(pcpList(x, 0, MIGRATE_UNMOVABLE)).toEqual(pages.slice(0, 10).reverse());
    expect(pcpList(x, 0, MIGRATE_MOVABLE)).toEqual(pages.slice(15, 20).reverse());
    x.pcp.freePcppagesBulk(x.zone, 0, 8, MIGRATE_MOVABLE);
    expect(pcpList(x, 0, MIGRATE_MOVABLE)).toEqual([]);
    expect(pcpList(x, 0, MIGRATE_UNMOVABLE)).toEqual(pages.slice(3, 10).reverse());
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('falls back to the buddy when pcp_spin_trylock fails, for allocation and for free', () => {
    const x = setup('7.2', 2);
    const lock = x.pcp.lock[0]!; // CPU 0's pcp->lock for the Normal zone
    expect(lock).toBeGreaterThanOrEqual(0);
    // CPU 1 holds it (a remote drain) from t=0 to t=1000.
    x.a.beginOp(1, CTX_TASK, false, 0);
    x.a.locks.acquire(lock, 0);
    x.a.locks.release(lock, 1000);
    x.a.beginOp(0, CTX_TASK, false, 500);
    const pfn = x.a.allocPages(GFP_KERNEL, 0);
    expect(pfn).not.toBe(NIL);
    expect(x.a.stats.pcpTrylockFailures).toBe(1);
    expect(x.a.stats.pcpHits + x.a.stats.pcpMisses).toBe(0);
    expect(x.a.stats.zoneLockTaken).toBe(1);
    expect(x.pcp.count[0]).toBe(0);
    expect(x.zone.nrFree).toBe(MANAGED - 1);
    x.a.beginOp(0, CTX_TASK, false, 600);
    x.a.freePages(pfn, 0); // free_one_page() instead of the pcplist
    expect(x.pcp.count[0]).toBe(0);
    expect(x.zone.nrFree).toBe(MANAGED);
    expect(x.a.locks.trylockFailures).toBe(2);
    // After t=1000 the lock is free again.
    x.a.beginOp(0, CTX_TASK, false, 1000);
    x.a.allocPages(GFP_KERNEL, 0);
    expect(x.a.stats.pcpMisses).toBe(1);
    expect(x.pcp.count[0]).toBe(14);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('charges pcp_spin_trylock instead of local_irq_save on the fast path', () => {
    const x = setup('7.2');
    x.a.freePages(x.a.allocPages(GFP_KERNEL, 0), 0);
    x.a.beginOp(0, CTX_TASK, false, 1000);
    const pfn = x.a.allocPages(GFP_KERNEL, 0);
    expect(x.a.meter.ns).toBeCloseTo(C.pcpSpinTrylock + C.watermarkCheck + C.pcpListOp + C.prepNewPage, 9);
    x.a.beginOp(0, CTX_TASK, false, 2000);
    x.a.freePages(pfn, 0);
    expect(x.a.meter.ns).toBeCloseTo(C.pcpSpinTrylock + C.pcpListOp, 9);
  });
});
