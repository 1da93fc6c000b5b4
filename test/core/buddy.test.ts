import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_TABLE as C } from '../../harness/core/cost-table.ts';
import { LOC_ALLOCATED, LOC_TAIL, NIL } from '../../harness/core/frames.ts';
import { checkInvariants } from '../../harness/core/invariants.ts';
import { MAX_PAGE_ORDER, PAGEBLOCK_ORDER } from '../../harness/core/profile.ts';
import { MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, type Zone } from '../../harness/core/zone.ts';
import { consumeBuddyTo, smallCore } from '../helpers/core-fixture.ts';

/** One zone, whole MAX_ORDER blocks, everything free and MIGRATE_MOVABLE (memblock_free_all). */
function zoneOf(pages: number) {
  const core = smallCore({ zones: [['Normal', pages]] });
  const a = core.alloc;
  const zone = a.zones[0]!;
  return { core, a, f: a.frames, buddy: a.buddy, zone };
}

/** Blocks on free_area[order].free_list[mt], head to tail. */
function freeList(x: ReturnType<typeof zoneOf>, order: number, mt: number): number[] {
  const out: number[] = [];
  const l = x.buddy.freeList(x.zone, order, mt);
  for (let p = x.f.listFirst[l]!; p !== NIL; p = x.f.next[p]!) out.push(p);
  return out;
}

describe('buddy: initial free lists', () => {
  it('puts a zone of whole MAX_ORDER blocks on the order-10 movable list', () => {
    const x = zoneOf(4096);
    expect(x.buddy.nrFreeBlocks(x.zone, MAX_PAGE_ORDER)).toBe(4);
    expect(freeList(x, MAX_PAGE_ORDER, MIGRATE_MOVABLE).sort((p, q) => p - q)).toEqual([0, 1024, 2048, 3072]);
    expect(x.zone.nrFree).toBe(4096);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('breaks a ragged zone end into naturally aligned blocks of decreasing order', () => {
    // 1500 = 1024 + 256 + 128 + 64 + 16 + 8 + 4
    const x = zoneOf(1500);
    const blocks: [number, number][] = [];
    for (let o = 0; o <= MAX_PAGE_ORDER; o++) for (const p of freeList(x, o, MIGRATE_MOVABLE)) blocks.push([p, o]);
    blocks.sort((p, q) => p[0] - q[0]);
    expect(blocks).toEqual([
      [0, 10],
      [1024, 8],
      [1280, 7],
      [1408, 6],
      [1472, 4],
      [1488, 3],
      [1496, 2],
    ]);
    expect(checkInvariants(x.a)).toEqual([]);
  });
});

describe('buddy: split (expand) on allocation', () => {
  it('splits the first order-10 block down to order 0, upper halves back on the lists', () => {
    const x = zoneOf(4096);
    const ns0 = x.a.meter.ns;
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE);
    // list_add() at boot leaves the last block (3072) first on the list.
    expect(pfn).toBe(3072);
    expect(x.f.list[pfn]).toBe(LOC_ALLOCATED);
    expect(x.f.order[pfn]).toBe(0);
    // expand(): &page[size] at order high-1, for high = 10 .. 1.
    for (let o = 0; o < MAX_PAGE_ORDER; o++) {
      expect(freeList(x, o, MIGRATE_MOVABLE)).toEqual([3072 + (1 << o)]);
      expect(x.f.order[3072 + (1 << o)]).toBe(o);
    }
    expect(x.buddy.nrFreeBlocks(x.zone, MAX_PAGE_ORDER)).toBe(3);
    expect(x.zone.nrFree).toBe(4095);
    // One list removal plus one split step per order.
    expect(x.a.meter.ns - ns0).toBeCloseTo(C.buddyListOp + 10 * C.buddyOpPerOrder, 9);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('takes the smallest order that fits: an order-2 request uses the free order-2 block', () => {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(0);
    // Free now: 1 (o0), 2 (o1), 4 (o2), 8 (o3) ... 512 (o9)
    const ns0 = x.a.meter.ns;
    expect(x.buddy.rmqueue(x.zone, 2, MIGRATE_MOVABLE)).toBe(4);
    expect(x.a.meter.ns - ns0).toBeCloseTo(C.buddyListOp, 9);
    expect(x.buddy.rmqueue(x.zone, 2, MIGRATE_MOVABLE)).toBe(8); // the order-3 block at 8, split once
    expect(freeList(x, 2, MIGRATE_MOVABLE)).toEqual([12]);
    expect(x.f.order[8]).toBe(2);
    expect(x.zone.nrFree).toBe(1024 - 1 - 4 - 4);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('returns NIL and changes nothing when no block of that order or above is free', () => {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 10, MIGRATE_MOVABLE)).toBe(0);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(NIL);
    expect(x.zone.nrFree).toBe(0);
    expect(x.buddy.fallbackAllocs).toBe(0);
  });
});

describe('buddy: merge (__free_one_page) by buddy index pfn ^ (1 << order)', () => {
  it('merges a freed page with every free buddy back up to order 10', () => {
    const x = zoneOf(4096);
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE);
    const ns0 = x.a.meter.ns;
    x.buddy.freeOneBlock(x.zone, pfn, 0, MIGRATE_MOVABLE);
    expect(x.a.meter.ns - ns0).toBeCloseTo(10 * C.buddyOpPerOrder + C.buddyListOp, 9);
    expect(x.buddy.nrFreeBlocks(x.zone, MAX_PAGE_ORDER)).toBe(4);
    for (let o = 0; o < MAX_PAGE_ORDER; o++) expect(x.buddy.nrFreeBlocks(x.zone, o)).toBe(0);
    expect(x.zone.nrFree).toBe(4096);
    for (let p = 3073; p < 4096; p++) expect(x.f.list[p]).toBe(LOC_TAIL);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('does not merge while the buddy is allocated, and merges once it is freed', () => {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(0);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(1);
    x.buddy.freeOneBlock(x.zone, 1, 0, MIGRATE_MOVABLE); // buddy 0 is allocated
    expect(freeList(x, 0, MIGRATE_MOVABLE)).toEqual([1]);
    expect(x.buddy.nrFreeBlocks(x.zone, 1)).toBe(1); // the order-1 block at 2
    x.buddy.freeOneBlock(x.zone, 0, 0, MIGRATE_MOVABLE); // 0^1 = 1, then 0^2 = 2, 0^4 = 4 ...
    expect(freeList(x, MAX_PAGE_ORDER, MIGRATE_MOVABLE)).toEqual([0]);
    expect(x.zone.nrFree).toBe(1024);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('does not merge with a buddy that is free but split to a lower order', () => {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 1, MIGRATE_MOVABLE)).toBe(0); // 0-1 allocated, 2 (o1) free
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(2); // 2 allocated, 3 (o0) free
    x.buddy.freeOneBlock(x.zone, 0, 1, MIGRATE_MOVABLE);
    // Buddy of (0, order 1) is 2, which is allocated: 0 stays an order-1 block.
    expect(freeList(x, 1, MIGRATE_MOVABLE)).toEqual([0]);
    expect(freeList(x, 0, MIGRATE_MOVABLE)).toEqual([3]);
    x.buddy.freeOneBlock(x.zone, 2, 0, MIGRATE_MOVABLE); // 2+3 -> (2, o1), + (0, o1) -> (0, o2) ...
    expect(freeList(x, MAX_PAGE_ORDER, MIGRATE_MOVABLE)).toEqual([0]);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('never merges past the end of a zone that is not a whole number of MAX_ORDER blocks', () => {
    const x = zoneOf(1500);
    const got: [number, number][] = [];
    for (let o = MAX_PAGE_ORDER; o >= 0; o--) {
      for (;;) {
        const p = x.buddy.rmqueue(x.zone, o, MIGRATE_MOVABLE);
        if (p === NIL) break;
        got.push([p, o]);
      }
    }
    expect(x.zone.nrFree).toBe(0);
    for (const [p, o] of got) x.buddy.freeOneBlock(x.zone, p, o, MIGRATE_MOVABLE);
    expect(x.zone.nrFree).toBe(1500);
    expect(x.buddy.nrFreeBlocks(x.zone, 10)).toBe(1);
    expect(x.buddy.nrFreeBlocks(x.zone, 8)).toBe(1);
    expect(x.buddy.nrFreeBlocks(x.zone, 9)).toBe(0); // (1024, o8) + (1280, o8) would pass the end at 1500
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('adds the block at the tail when the next-higher buddy is free (buddy_merge_likely), else at the head', () => {
    const x = zoneOf(1024);
    for (let p = 0; p < 8; p++) expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(p);
    // 8 (o3), 16 (o4) ... are free; 0..7 allocated.
    x.buddy.freeOneBlock(x.zone, 5, 0, MIGRATE_MOVABLE); // buddy 4 busy; 4^2 = 6 busy: head
    x.buddy.freeOneBlock(x.zone, 7, 0, MIGRATE_MOVABLE); // buddy 6 busy; 6^2 = 4 busy: head
    x.buddy.freeOneBlock(x.zone, 3, 0, MIGRATE_MOVABLE); // buddy 2 busy; 2^2 = 0 busy: head
    expect(freeList(x, 0, MIGRATE_MOVABLE)).toEqual([3, 7, 5]);
    x.buddy.freeOneBlock(x.zone, 2, 0, MIGRATE_MOVABLE); // merges with 3 into (2, o1); 0 busy; 0^4 = 4 busy: head
    expect(freeList(x, 1, MIGRATE_MOVABLE)).toEqual([2]);
    expect(freeList(x, 0, MIGRATE_MOVABLE)).toEqual([7, 5]);
    x.buddy.freeOneBlock(x.zone, 1, 0, MIGRATE_MOVABLE); // buddy 0 busy, but (0, o1)'s buddy (2, o1) is free: tail
    expect(freeList(x, 0, MIGRATE_MOVABLE)).toEqual([7, 5, 1]);
    expect(checkInvariants(x.a)).toEqual([]);
  });
});

describe('buddy: fallback between migratetypes (__rmqueue_fallback, steal_suitable_fallback)', () => {
  it('an unmovable request with only movable memory steals a whole MAX_ORDER block and its pageblocks', () => {
    const x = zoneOf(2048);
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE);
    expect(pfn).toBe(1024); // the first block of the order-10 movable list
    expect(x.buddy.fallbackAllocs).toBe(1);
    // order >= pageblock_order: change_pageblock_range() over 1 << (10 - 9) pageblocks.
    expect(x.buddy.pageblocksStolen).toBe(2);
    expect(x.buddy.migratetypeOf(1024)).toBe(MIGRATE_UNMOVABLE);
    expect(x.buddy.migratetypeOf(1024 + 512)).toBe(MIGRATE_UNMOVABLE);
    expect(x.buddy.migratetypeOf(0)).toBe(MIGRATE_MOVABLE);
    // The rest of the stolen block is on the unmovable lists now.
    for (let o = 0; o < MAX_PAGE_ORDER; o++) expect(freeList(x, o, MIGRATE_UNMOVABLE)).toEqual([1024 + (1 << o)]);
    // A second unmovable request is served from the unmovable lists, no fallback.
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE)).toBe(1025);
    expect(x.buddy.fallbackAllocs).toBe(1);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('falls back in fallbacks[] order: reclaimable steals from unmovable before movable', () => {
    const x = zoneOf(2048);
    x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE); // block 1024 becomes unmovable
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_RECLAIMABLE);
    // Largest order first: order 10 exists only on the movable list (block 0), so it wins
    // over the unmovable order-9 block: "find the largest available free page".
    expect(pfn).toBe(0);
    expect(x.buddy.migratetypeOf(0)).toBe(MIGRATE_RECLAIMABLE);
    const y = zoneOf(1024);
    y.buddy.rmqueue(y.zone, 0, MIGRATE_UNMOVABLE); // the only block becomes unmovable
    const q = y.buddy.rmqueue(y.zone, 0, MIGRATE_RECLAIMABLE);
    expect(q).toBe(512); // order 9 on the unmovable list: fallbacks[RECLAIMABLE] = {UNMOVABLE, MOVABLE}
    expect(y.buddy.migratetypeOf(512)).toBe(MIGRATE_RECLAIMABLE);
    expect(y.buddy.fallbackAllocs).toBe(2);
  });

  it('claims the pageblock for an unmovable request when at least half of it is free or alike', () => {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(0);
    expect(x.buddy.rmqueue(x.zone, 9, MIGRATE_MOVABLE)).toBe(512);
    // Pageblock 0 (pfns 0-511): 511 pages free in blocks of order 0..8, page 0 in use.
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE);
    expect(x.buddy.fallbackAllocs).toBe(1);
    expect(x.buddy.pageblocksStolen).toBe(1);
    expect(x.buddy.migratetypeOf(0)).toBe(MIGRATE_UNMOVABLE);
    expect(x.buddy.migratetypeOf(512)).toBe(MIGRATE_MOVABLE);
    // move_freepages_block() moved every free block of the pageblock.
    for (let o = 0; o <= 8; o++) expect(freeList(x, o, MIGRATE_MOVABLE)).toEqual([]);
    expect(pfn).toBe(1);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('moves the free blocks but keeps the pageblock type when too few pages are free or alike', () => {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE)).toBe(0);
    for (const [o, p] of [[9, 512], [8, 256], [7, 128], [6, 64]] as const) expect(x.buddy.rmqueue(x.zone, o, MIGRATE_MOVABLE)).toBe(p);
    // As the page allocator records it: the blocks in use in pageblock 0 are movable.
    for (const p of [0, 64, 128, 256]) x.f.allocMigratetype[p] = MIGRATE_MOVABLE;
    // Free in pageblock 0: 1, 2, 4, 8, 16, 32 (63 pages); in use and movable: 449 pages.
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE);
    expect(pfn).toBe(1);
    expect(x.buddy.fallbackAllocs).toBe(1);
    // free (63) + alike (512 - 63 - 449 = 0) < 256: no claim.
    expect(x.buddy.pageblocksStolen).toBe(0);
    expect(x.buddy.migratetypeOf(0)).toBe(MIGRATE_MOVABLE);
    for (let o = 1; o <= 5; o++) expect(freeList(x, o, MIGRATE_UNMOVABLE)).toEqual([1 << o]);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  /** A 1024-page zone turned unmovable, with only the unmovable blocks of orders 0..maxOrder free. */
  function unmovableRemnant(maxOrder: number) {
    const x = zoneOf(1024);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE)).toBe(0);
    expect(x.buddy.pageblocksStolen).toBe(2);
    for (let o = 9; o > maxOrder; o--) expect(x.buddy.rmqueue(x.zone, o, MIGRATE_UNMOVABLE)).toBe(1 << o);
    return x;
  }

  it('a movable request steals the whole pageblock from an order >= pageblock_order / 2 (= 4) block', () => {
    // can_steal_fallback(): order >= pageblock_order / 2 in C integer division: 9 / 2 = 4.
    expect(Math.trunc(PAGEBLOCK_ORDER / 2)).toBe(4);
    const x = unmovableRemnant(4);
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE);
    expect(x.buddy.fallbackAllocs).toBe(2);
    // Largest fallback block is (16, o4): can steal, so move_freepages_block() moves
    // every free block of pageblock 0 to the movable lists, then __rmqueue_smallest
    // takes the order-0 one.
    expect(pfn).toBe(1);
    for (let o = 1; o <= 4; o++) {
      expect(freeList(x, o, MIGRATE_MOVABLE)).toEqual([1 << o]);
      expect(freeList(x, o, MIGRATE_UNMOVABLE)).toEqual([]);
    }
    // 31 free + 0 movable pages < 256: the pageblock stays unmovable.
    expect(x.buddy.migratetypeOf(0)).toBe(MIGRATE_UNMOVABLE);
    expect(x.buddy.pageblocksStolen).toBe(2);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('a movable request that cannot steal takes the smallest fallback block only (find_smallest)', () => {
    const x = unmovableRemnant(3);
    const pfn = x.buddy.rmqueue(x.zone, 0, MIGRATE_MOVABLE);
    expect(pfn).toBe(1);
    expect(x.buddy.fallbackAllocs).toBe(2);
    for (let o = 1; o <= 3; o++) {
      expect(freeList(x, o, MIGRATE_UNMOVABLE)).toEqual([1 << o]);
      expect(freeList(x, o, MIGRATE_MOVABLE)).toEqual([]);
    }
    expect(x.buddy.pageblocksStolen).toBe(2);
    expect(checkInvariants(x.a)).toEqual([]);
  });

  it('counts nothing when no migratetype has a block of the order', () => {
    const x = zoneOf(1024);
    x.buddy.rmqueue(x.zone, 10, MIGRATE_MOVABLE);
    expect(x.buddy.rmqueue(x.zone, 0, MIGRATE_UNMOVABLE)).toBe(NIL);
    expect(x.buddy.fallbackAllocs).toBe(0);
    expect(x.buddy.pageblocksStolen).toBe(0);
  });
});

describe('watchWatermarks: zones below low / min, counted where nrFree changes', () => {
  it('counts a zone when nrFree goes below low and below min, and stops when it comes back, through blocks of any order', () => {
    // Two zones; an empty Movable zone (6.x caps its min at 32 pages) is never counted.
    const core = smallCore({ profile: '6.12', zones: [['DMA32', 16384], ['Normal', 16384], ['Movable', 0]] });
    const buddy = core.alloc.buddy;
    const [dma32, normal] = core.alloc.zones as [Zone, Zone];
    buddy.watchWatermarks();
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([0, 0]);
    const low = normal.wmark[1]!;
    const min = normal.wmark[0]!;
    expect(min).toBeGreaterThan(0);
    expect(low).toBeGreaterThan(min);
    // Exactly at low is not below it; one page less is.
    const atLow = consumeBuddyTo(core, normal, low);
    expect(buddy.zonesBelowLow).toBe(0);
    const one = consumeBuddyTo(core, normal, low - 1);
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([1, 0]);
    const toMin = consumeBuddyTo(core, normal, min - 1);
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([1, 1]);
    // The other zone below min too, in one order-9 step from above low.
    expect(dma32.wmark[1]! - dma32.wmark[0]!).toBeLessThan(512);
    const dmaAtLow = consumeBuddyTo(core, dma32, dma32.wmark[1]!);
    const big = buddy.rmqueue(dma32, 9, MIGRATE_MOVABLE);
    expect(big).not.toBe(NIL);
    expect(dma32.nrFree).toBeLessThan(dma32.wmark[0]!);
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([2, 2]);
    expect(checkInvariants(core.alloc)).toEqual([]);
    // Freeing the order-9 block lifts DMA32 above low in one step.
    buddy.freeOneBlock(dma32, big, 9, MIGRATE_MOVABLE);
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([1, 1]);
    // Normal back to min exactly: no longer below min, still below low.
    const back = [...toMin].reverse();
    while (normal.nrFree < min) buddy.freeOneBlock(normal, back.shift()!, 0, MIGRATE_MOVABLE);
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([1, 0]);
    for (const pfn of [...back, ...one, ...atLow]) buddy.freeOneBlock(normal, pfn, 0, MIGRATE_MOVABLE);
    for (const pfn of dmaAtLow) buddy.freeOneBlock(dma32, pfn, 0, MIGRATE_MOVABLE);
    expect([buddy.zonesBelowLow, buddy.zonesBelowMin]).toEqual([0, 0]);
    expect(checkInvariants(core.alloc)).toEqual([]);
  });

  it('the invariant check notices a count that no longer matches the zones', () => {
    const core = smallCore();
    core.alloc.buddy.watchWatermarks();
    core.alloc.buddy.zonesBelowLow = 1;
    expect(checkInvariants(core.alloc).join('\n')).toMatch(/zonesBelowLow 1 but 0 zones/);
  });
});
