/**
 * The buddy allocator: per zone, free_area[order].free_list[migratetype] for
 * orders 0..MAX_PAGE_ORDER, split on allocation (expand), merge on free
 * (__free_one_page), and fallback stealing between migratetypes
 * (__rmqueue_fallback / steal_suitable_fallback), after mm/page_alloc.c of v5.9.
 *
 * Callers hold zone->lock (the allocator takes it and charges it); this file only
 * moves frames and charges the per-step costs.
 */
import { FrameTable, LOC_ALLOCATED, LOC_TAIL, NIL } from './frames.ts';
import type { Meter } from './meter.ts';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS, PAGEBLOCK_NR_PAGES, PAGEBLOCK_ORDER } from './profile.ts';
import { MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_TYPES, MIGRATE_UNMOVABLE, type Zone } from './zone.ts';

/** fallbacks[] of v5.9: where each migratetype steals from, in order. */
const FALLBACKS: readonly (readonly number[])[] = [
  [MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE], // MIGRATE_UNMOVABLE
  [MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE], // MIGRATE_MOVABLE
  [MIGRATE_UNMOVABLE, MIGRATE_MOVABLE], // MIGRATE_RECLAIMABLE
];

export interface BuddyCosts {
  readonly buddyOpPerOrder: number;
  readonly buddyListOp: number;
}

export class Buddy {
  /** Migratetype of each pageblock (get_pageblock_migratetype), indexed by pfn >> PAGEBLOCK_ORDER. */
  readonly pageblockMt: Uint8Array;
  /** Fallback allocations (a page taken from another migratetype's free list) and pageblocks converted. */
  fallbackAllocs = 0;
  pageblocksStolen = 0;
  /** boost_watermark() calls that raised a zone's watermark_boost. */
  watermarkBoosts = 0;
  /**
   * The caller's alloc_flags has ALLOC_KSWAPD (== __GFP_KSWAPD_RECLAIM): set by
   * the allocator before it calls rmqueue(); steal_suitable_fallback() sets
   * ZONE_BOOSTED_WATERMARK only then.
   */
  allocKswapd = false;
  /** vm.watermark_boost_factor (mm/page_alloc.c, default 15000; 0 disables boosting). */
  watermarkBoostFactor = 15000;
  /**
   * Zones whose nrFree is below their watchLow / watchMin (watchWatermarks()),
   * kept up to date where nrFree changes (rmqueueSmallest, freeOneBlock), so a
   * caller that samples the state per event reads two counters instead of
   * scanning the zones.
   */
  zonesBelowLow = 0;
  zonesBelowMin = 0;
  /** Buddy free lists of all zones (ids 0 .. nrBuddyLists-1): isBuddyList's bound, computed once. */
  private readonly nrBuddyLists: number;

  constructor(
    readonly frames: FrameTable,
    readonly zones: readonly Zone[],
    private readonly meter: Meter,
    private readonly costs: BuddyCosts,
  ) {
    this.pageblockMt = new Uint8Array(Math.ceil(frames.nrFrames / PAGEBLOCK_NR_PAGES)).fill(MIGRATE_MOVABLE);
    this.nrBuddyLists = zones.length * NR_PAGE_ORDERS * MIGRATE_TYPES;
  }

  /**
   * Starts counting the populated zones below their low and min watermarks
   * (_watermark[WMARK_LOW] / [WMARK_MIN], without the boost) in zonesBelowLow /
   * zonesBelowMin; an empty zone is never counted. The counts hold from here on
   * as long as nrFree changes only through this class (it does after the
   * core's set-up). Call again after a watermark changes.
   */
  watchWatermarks(): void {
    let low = 0;
    let min = 0;
    for (const z of this.zones) {
      z.watchLow = z.managedPages > 0 ? z.wmark[1 /* WMARK_LOW */]! : 0;
      z.watchMin = z.managedPages > 0 ? z.wmark[0 /* WMARK_MIN */]! : 0;
      if (z.nrFree < z.watchLow) low++;
      if (z.nrFree < z.watchMin) min++;
    }
    this.zonesBelowLow = low;
    this.zonesBelowMin = min;
  }

  /** The list id of zone's free_area[order].free_list[mt]. */
  freeList(zone: Zone, order: number, mt: number): number {
    return zone.buddyListBase + order * MIGRATE_TYPES + mt;
  }

  /** True if list id `l` is a buddy free list (of any zone). */
  isBuddyList(l: number): boolean {
    return l >= 0 && l < this.nrBuddyLists;
  }

  /** free_area[order].nr_free: blocks of this order on any migratetype's list. */
  nrFreeBlocks(zone: Zone, order: number): number {
    const l = this.freeList(zone, order, 0);
    let n = 0;
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) n += this.frames.listLen[l + mt]!;
    return n;
  }

  /**
   * __rmqueue_smallest: the first block of the smallest order >= `order` on
   * `mt`'s lists, split down to `order` (expand). Returns the pfn or NIL.
   * nrFree is decremented by 1 << order.
   */
  rmqueueSmallest(zone: Zone, order: number, mt: number): number {
    const f = this.frames;
    // Module constants as locals: V8 reloads a module binding on every use in a loop.
    const maxOrder = MAX_PAGE_ORDER;
    const migrateTypes = MIGRATE_TYPES;
    for (let o = order; o <= maxOrder; o++) {
      const l = zone.buddyListBase + o * migrateTypes + mt;
      const pfn = f.listFirst[l]!;
      if (pfn < 0) continue; // NIL
      f.del(pfn);
      this.meter.ns += this.costs.buddyListOp;
      this.expand(zone, pfn, order, o, mt);
      f.list[pfn] = -2; // LOC_ALLOCATED
      f.order[pfn] = order;
      const free = zone.nrFree - (1 << order);
      zone.nrFree = free;
      if (free < zone.minFreeSeen) zone.minFreeSeen = free;
      // Crossing down through the watched watermarks (min <= low).
      if (free < zone.watchLow) {
        const was = free + (1 << order);
        if (was >= zone.watchLow) this.zonesBelowLow++;
        if (free < zone.watchMin && was >= zone.watchMin) this.zonesBelowMin++;
      }
      return pfn;
    }
    return NIL;
  }

  /**
   * __rmqueue: rmqueueSmallest, then __rmqueue_fallback and a retry.
   * Returns the pfn of an order-`order` block or NIL when the zone has none.
   */
  rmqueue(zone: Zone, order: number, mt: number): number {
    let pfn = this.rmqueueSmallest(zone, order, mt);
    if (pfn === NIL && this.rmqueueFallback(zone, order, mt)) pfn = this.rmqueueSmallest(zone, order, mt);
    return pfn;
  }

  /**
   * expand(): split a block of order `high` at `pfn` down to `low`, putting the
   * upper halves back on `mt`'s free lists.
   */
  private expand(zone: Zone, pfn: number, low: number, high: number, mt: number): void {
    const f = this.frames;
    let size = 1 << high;
    while (high > low) {
      high--;
      size >>= 1;
      const half = pfn + size;
      f.order[half] = high;
      f.addHead(zone.buddyListBase + high * MIGRATE_TYPES + mt, half);
      this.meter.ns += this.costs.buddyOpPerOrder;
    }
  }

  /**
   * __rmqueue_fallback (v5.9): find the largest free block on a fallback
   * migratetype's list and steal it (whole pageblock when can_steal_fallback
   * says so). Returns true if a block was moved to `startMt`'s lists.
   */
  private rmqueueFallback(zone: Zone, order: number, startMt: number): boolean {
    const f = this.frames;
    const fallbacks = FALLBACKS[startMt]!;
    let foundOrder = -1;
    let foundMt = -1;
    let canSteal = false;
    for (let o = MAX_PAGE_ORDER; o >= order; o--) {
      for (const fmt of fallbacks) {
        if (f.listLen[this.freeList(zone, o, fmt)]! > 0) {
          foundOrder = o;
          foundMt = fmt;
          break;
        }
      }
      if (foundOrder >= 0) break;
    }
    if (foundOrder < 0) return false;
    canSteal = this.canStealFallback(foundOrder, startMt);
    // "We cannot steal all free pages from the pageblock and the requested
    // migratetype is movable": steal the smallest available block instead.
    if (!canSteal && startMt === MIGRATE_MOVABLE && foundOrder > order) {
      for (let o = order; o <= MAX_PAGE_ORDER; o++) {
        let hit = -1;
        for (const fmt of fallbacks) {
          if (f.listLen[this.freeList(zone, o, fmt)]! > 0) {
            hit = fmt;
            break;
          }
        }
        if (hit >= 0) {
          foundOrder = o;
          foundMt = hit;
          break;
        }
      }
    }
    const pfn = f.listFirst[this.freeList(zone, foundOrder, foundMt)]!;
    this.fallbackAllocs++;
    this.stealSuitableFallback(zone, pfn, foundOrder, startMt, canSteal);
    return true;
  }

  /** can_steal_fallback(): large blocks, and unmovable/reclaimable requests, steal whole pageblocks. */
  private canStealFallback(order: number, startMt: number): boolean {
    if (order >= PAGEBLOCK_ORDER) return true;
    // pageblock_order / 2 is C integer division: 9 / 2 = 4.
    return order >= PAGEBLOCK_ORDER >> 1 || startMt === MIGRATE_RECLAIMABLE || startMt === MIGRATE_UNMOVABLE;
  }

  /**
   * steal_suitable_fallback() (v5.9): a block of pageblock order or more changes
   * its pageblocks' type; otherwise, if whole-block stealing is allowed, every
   * free block of the pageblock moves (move_freepages_block) and the pageblock
   * changes type when at least half of it is free or alike; else only this block
   * moves.
   */
  private stealSuitableFallback(zone: Zone, pfn: number, order: number, startMt: number, wholeBlock: boolean): void {
    const f = this.frames;
    if (order >= PAGEBLOCK_ORDER) {
      const first = pfn >> PAGEBLOCK_ORDER;
      const n = 1 << (order - PAGEBLOCK_ORDER);
      for (let i = 0; i < n; i++) this.pageblockMt[first + i] = startMt;
      this.pageblocksStolen += n;
      this.moveToFreeList(zone, pfn, order, startMt);
      return;
    }
    // "Boost watermarks to increase reclaim pressure to reduce the likelihood
    // of future fallbacks. Wake kswapd now as the node may be balanced overall
    // and kswapd will not wake naturally." (v5.0+; v6.14+ in try_to_claim_block()).
    if (this.boostWatermark(zone) && this.allocKswapd) zone.boostedWatermark = true;
    if (!wholeBlock) {
      this.moveToFreeList(zone, pfn, order, startMt);
      return;
    }
    const oldMt = this.pageblockMt[pfn >> PAGEBLOCK_ORDER]!;
    const blockStart = (pfn >> PAGEBLOCK_ORDER) << PAGEBLOCK_ORDER;
    const blockEnd = Math.min(blockStart + PAGEBLOCK_NR_PAGES, zone.endPfn);
    let freePages = 0;
    let movablePages = 0;
    for (let p = Math.max(blockStart, zone.startPfn); p < blockEnd; ) {
      const l = f.list[p]!;
      const o = f.order[p]!;
      if (this.isBuddyList(l)) {
        this.moveToFreeList(zone, p, o, startMt);
        freePages += 1 << o;
        p += 1 << o;
      } else if (l === LOC_ALLOCATED) {
        if (f.allocMigratetype[p] === MIGRATE_MOVABLE) movablePages += 1 << o;
        p += 1 << o;
      } else {
        p++;
      }
    }
    this.meter.ns += this.costs.buddyListOp * 4;
    let alike = 0;
    if (startMt === MIGRATE_MOVABLE) alike = movablePages;
    else if (oldMt === MIGRATE_MOVABLE) alike = PAGEBLOCK_NR_PAGES - (freePages + movablePages);
    if (freePages + alike >= PAGEBLOCK_NR_PAGES >> 1) {
      this.pageblockMt[pfn >> PAGEBLOCK_ORDER] = startMt;
      this.pageblocksStolen++;
    }
  }

  /**
   * Gives the pageblock containing `pfn` the migratetype `mt` and moves the free
   * blocks that start in it to `mt`'s lists (set_pageblock_migratetype +
   * move_freepages_block; a block larger than a pageblock takes its whole range,
   * as change_pageblock_range does). For setting up a start state. Returns the
   * free pages moved.
   */
  claimPageblock(zone: Zone, pfn: number, mt: number): number {
    const f = this.frames;
    const blockStart = Math.max((pfn >> PAGEBLOCK_ORDER) << PAGEBLOCK_ORDER, zone.startPfn);
    const blockEnd = Math.min(((pfn >> PAGEBLOCK_ORDER) + 1) << PAGEBLOCK_ORDER, zone.endPfn);
    let moved = 0;
    this.pageblockMt[pfn >> PAGEBLOCK_ORDER] = mt;
    for (let p = blockStart; p < blockEnd; ) {
      const l = f.list[p]!;
      const o = f.order[p]!;
      if (this.isBuddyList(l)) {
        this.moveToFreeList(zone, p, o, mt);
        for (let b = p >> PAGEBLOCK_ORDER; b < (p + (1 << o)) >> PAGEBLOCK_ORDER; b++) this.pageblockMt[b] = mt;
        moved += 1 << o;
        p += 1 << o;
      } else {
        p++;
      }
    }
    return moved;
  }

  /**
   * boost_watermark() (mm/page_alloc.c, v5.0 to v6.18): raise the zone's
   * watermark_boost by a pageblock, up to max(pageblock, high x
   * watermark_boost_factor / 10000); not in zones smaller than four pageblocks.
   * Returns whether it boosted.
   */
  boostWatermark(zone: Zone): boolean {
    if (this.watermarkBoostFactor === 0) return false;
    if (PAGEBLOCK_NR_PAGES * 4 > zone.managedPages) return false;
    // mult_frac(zone->_watermark[WMARK_HIGH], watermark_boost_factor, 10000)
    let maxBoost = Math.floor((zone.wmark[2 /* WMARK_HIGH */]! * this.watermarkBoostFactor) / 10000);
    if (maxBoost === 0) return false;
    maxBoost = Math.max(PAGEBLOCK_NR_PAGES, maxBoost);
    zone.watermarkBoost = Math.min(zone.watermarkBoost + PAGEBLOCK_NR_PAGES, maxBoost);
    this.watermarkBoosts++;
    return true;
  }

  private moveToFreeList(zone: Zone, pfn: number, order: number, mt: number): void {
    const f = this.frames;
    f.del(pfn);
    f.addHead(zone.buddyListBase + order * MIGRATE_TYPES + mt, pfn);
    this.meter.ns += this.costs.buddyListOp;
  }

  /**
   * __free_one_page (v5.9): merge the freed block with its buddy while the buddy
   * is a free block of the same order in this zone, then put the result on
   * `mt`'s list: at the tail when the next-higher buddy is free too
   * (buddy_merge_likely), so it has a chance to merge soon. nrFree grows by
   * 1 << order.
   */
  freeOneBlock(zone: Zone, pfn: number, order: number, mt: number): void {
    const f = this.frames;
    // Module constants as locals: V8 reloads a module binding on every use in a loop.
    const maxOrder = MAX_PAGE_ORDER;
    const locTail = LOC_TAIL;
    const nrBuddyLists = this.nrBuddyLists;
    const list = f.list;
    const orderOf = f.order;
    const was = zone.nrFree;
    const free = was + (1 << order);
    zone.nrFree = free;
    // Crossing up through the watched watermarks (min <= low).
    if (was < zone.watchLow) {
      if (free >= zone.watchLow) this.zonesBelowLow--;
      if (was < zone.watchMin && free >= zone.watchMin) this.zonesBelowMin--;
    }
    const start = zone.startPfn;
    const end = zone.endPfn;
    while (order < maxOrder) {
      const buddy = pfn ^ (1 << order);
      if (buddy < start || buddy + (1 << order) > end) break;
      const bl = list[buddy]!;
      // !isBuddyList(bl)
      if (bl < 0 || bl >= nrBuddyLists || orderOf[buddy] !== order) break;
      f.del(buddy);
      list[buddy] = locTail;
      list[pfn] = locTail;
      this.meter.ns += this.costs.buddyOpPerOrder;
      pfn &= buddy;
      order++;
    }
    orderOf[pfn] = order;
    const l = zone.buddyListBase + order * MIGRATE_TYPES + mt;
    if (order < maxOrder - 1 && this.buddyMergeLikely(zone, pfn, order)) f.addTail(l, pfn);
    else f.addHead(l, pfn);
    this.meter.ns += this.costs.buddyListOp;
  }

  /** buddy_merge_likely(): is the buddy of the next-higher order block free? */
  private buddyMergeLikely(zone: Zone, pfn: number, order: number): boolean {
    const combined = pfn & ~(1 << order);
    const higherBuddy = combined ^ (1 << (order + 1));
    if (higherBuddy < zone.startPfn || higherBuddy + (1 << (order + 1)) > zone.endPfn) return false;
    const f = this.frames;
    return this.isBuddyList(f.list[higherBuddy]!) && f.order[higherBuddy] === order + 1;
  }

  /** get_pfnblock_migratetype(). */
  migratetypeOf(pfn: number): number {
    return this.pageblockMt[pfn >> PAGEBLOCK_ORDER]!;
  }
}
