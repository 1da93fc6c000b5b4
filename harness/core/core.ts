/**
 * Builds the allocator core for one run: frames laid out per zone, watermarks
 * and lowmem reserves as the kernel computes them, pcplists sized for the
 * profile, the buddy free lists filled (all free, or as a captured
 * /proc/buddyinfo says), locks, debug hooks, kswapd and the deferred-work queue.
 */
import { Buddy } from './buddy.ts';
import type { CostTable } from './cost-table.ts';
import { EventQueue } from './event-queue.ts';
import { Extensions } from './extension.ts';
import { FrameTable, LOC_ALLOCATED, LOC_TAIL } from './frames.ts';
import { GfpRegistry, gfpLayout } from './gfp.ts';
import { HotCosts } from './hot-costs.ts';
import { Kswapd } from './kswapd.ts';
import { LockSet } from './locks.ts';
import { Meter } from './meter.ts';
import { PageAllocator } from './page-alloc.ts';
import { PerCpuPages } from './pcp.ts';
import { PostAllocHook, type DebugConfig } from './post-alloc-hook.ts';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS, PAGEBLOCK_ORDER, PROFILES, type ProfileName } from './profile.ts';
import { setupPerZoneLowmemReserve, setupPerZoneWmarks } from './watermarks.ts';
import { MIGRATE_MOVABLE, MIGRATE_PCPTYPES, MIGRATE_TYPES, Zone } from './zone.ts';
import type { MachineSpec } from './machine-spec.ts';

export interface CoreConfig {
  readonly profile: ProfileName;
  readonly machine: MachineSpec;
  readonly costs: CostTable;
  /** CONFIG_PROVE_LOCKING + CONFIG_PROVE_RAW_LOCK_NESTING. */
  readonly lockdep: boolean;
  readonly preemptRt: boolean;
  readonly debug: DebugConfig;
}

export interface Core {
  readonly config: CoreConfig;
  readonly alloc: PageAllocator;
  readonly queue: EventQueue;
  readonly kswapd: Kswapd;
  readonly gfp: GfpRegistry;
  /** Pages marked allocated at start (a buddyinfo import leaves the rest of memory in use). */
  readonly initialAllocatedPages: number;
  /** Extension points for one strategy; call once per run. */
  extensionsFor(owner: string): Extensions;
  /**
   * Done with this core: its frame table is kept for the next core of the same
   * size on this thread (see spareFrames). Nothing may use the core afterwards.
   */
  release(): void;
}

const MAX_ORDER_NR_PAGES = 1 << MAX_PAGE_ORDER;

/**
 * The frame table of the last released core on this thread (module state is
 * per worker thread). A compare runs every strategy on the same machine one
 * after the other, so the next core usually has the same size and resets this
 * one instead of faulting in new arrays. One table at most: memory stays that
 * of the largest machine run.
 */
let spareFrames: FrameTable | null = null;

function frameTableFor(nrFrames: number): FrameTable {
  const spare = spareFrames;
  spareFrames = null;
  if (spare !== null && spare.nrFrames === nrFrames) {
    spare.reset();
    return spare;
  }
  return new FrameTable(nrFrames);
}

/** Creates a core. Cost: O(frames) typed-array fills; a 64 GiB machine takes well under a second. */
export function createCore(config: CoreConfig): Core {
  const profile = PROFILES[config.profile];
  const m = config.machine;
  const costs = new HotCosts(config.costs);
  const wmarks = setupPerZoneWmarks(m.zones, m.minFreeKbytes, m.watermarkScaleFactor, config.profile);
  const reserves = setupPerZoneLowmemReserve(m.zones, m.lowmemReserveRatio, config.profile);

  // Layout: each zone starts MAX_ORDER-aligned after the previous one.
  const starts: number[] = [];
  let end = 0;
  for (const z of m.zones) {
    starts.push(end);
    end += Math.ceil(z.managedPages / MAX_ORDER_NR_PAGES) * MAX_ORDER_NR_PAGES;
  }
  const nrZones = m.zones.length;
  const frames = frameTableFor(Math.max(end, 1));
  const buddyListBase = frames.createLists(nrZones * NR_PAGE_ORDERS * MIGRATE_TYPES);
  const locks = new LockSet({ lockdep: config.lockdep, preemptRt: config.preemptRt, handoffNs: costs.lockHandoff });
  const zones = m.zones.map((spec, i) => {
    const lock = locks.define(`&zone->lock (${spec.kind})`, 'spinlock_t');
    const zone = new Zone(i, spec.kind, starts[i]!, spec.managedPages, buddyListBase + i * NR_PAGE_ORDERS * MIGRATE_TYPES, lock, nrZones);
    const w = wmarks[i]!;
    zone.wmark[0] = w.min;
    zone.wmark[1] = w.low;
    zone.wmark[2] = w.high;
    zone.wmarkPromo = w.promo;
    const r = reserves[i]!;
    for (let j = 0; j < nrZones; j++) zone.lowmemReserve[j] = r[j] ?? 0;
    return zone;
  });
  const meter = new Meter();
  const buddy = new Buddy(frames, zones, meter, costs);
  const pcp = new PerCpuPages(profile, m.cpus, zones, frames, buddy, locks, meter, costs);
  const postAllocHook = new PostAllocHook(config.debug, config.profile, locks, meter, costs);
  const kswapdWaitLock = locks.define('&pgdat->kswapd_wait', 'spinlock_t');
  const alloc = new PageAllocator({ profile, frames, zones, buddy, pcp, locks, meter, costs, postAllocHook, kswapdWaitLock });

  let initialAllocated = 0;
  for (let i = 0; i < nrZones; i++) {
    const spec = m.zones[i]!;
    initialAllocated += spec.initialFreeBlocks ? fillFromBuddyinfo(buddy, zones[i]!, spec.initialFreeBlocks) : fillAllFree(buddy, zones[i]!);
    if (spec.initialFreeByMigratetype) claimPageblocks(buddy, zones[i]!, spec.initialFreeByMigratetype);
    if (spec.initialPcpLists) initialAllocated -= fillPcplists(pcp, buddy, zones[i]!, spec.initialPcpLists);
    if (spec.initialPcpHigh) {
      for (let cpu = 0; cpu < Math.min(m.cpus, spec.initialPcpHigh.length); cpu++) pcp.high[cpu * nrZones + i] = spec.initialPcpHigh[cpu]!;
    }
  }
  meter.begin(0);
  const queue = new EventQueue();
  const kswapd = new Kswapd(alloc, queue);
  const gfp = new GfpRegistry(gfpLayout(config.profile, { lockdep: config.lockdep, kasanHwTags: false }));
  let used = false;
  let released = false;
  return {
    config,
    alloc,
    queue,
    kswapd,
    gfp,
    initialAllocatedPages: initialAllocated,
    extensionsFor(owner: string): Extensions {
      if (used) throw new Error('extensionsFor() may be called once per core');
      used = true;
      return new Extensions(owner, alloc, queue, gfp);
    },
    release(): void {
      if (released) return;
      released = true;
      spareFrames = frames;
    },
  };
}

/** memblock_free_all(): the whole zone free, in MAX_ORDER blocks and a decreasing tail. */
function fillAllFree(buddy: Buddy, zone: Zone): number {
  const f = buddy.frames;
  let p = zone.startPfn;
  const end = zone.endPfn;
  while (p < end) {
    let o = MAX_PAGE_ORDER;
    while (p + (1 << o) > end) o--;
    f.order[p] = o;
    f.addHead(buddy.freeList(zone, o, MIGRATE_MOVABLE), p);
    p += 1 << o;
  }
  zone.nrFree = zone.managedPages;
  zone.minFreeSeen = zone.nrFree;
  return 0;
}

/**
 * MachineZoneSpec.initialFreeByMigratetype: for each migratetype other than
 * movable that wants free pages, claim pageblocks holding free blocks, from the
 * zone's end down (where fillFromBuddyinfo leaves the small blocks of mixed
 * pageblocks), until its lists hold at least what is wanted.
 */
function claimPageblocks(buddy: Buddy, zone: Zone, want: readonly number[]): void {
  const f = buddy.frames;
  for (let mt = 0; mt < Math.min(want.length, MIGRATE_PCPTYPES); mt++) {
    if (mt === MIGRATE_MOVABLE) continue;
    let need = want[mt]!;
    for (let p = zone.endPfn - 1; p >= zone.startPfn && need > 0; p--) {
      if (!buddy.isBuddyList(f.list[p]!) || buddy.migratetypeOf(p) !== MIGRATE_MOVABLE) continue;
      need -= buddy.claimPageblock(zone, p, mt);
      p = Math.max((p >> PAGEBLOCK_ORDER) << PAGEBLOCK_ORDER, zone.startPfn);
    }
  }
}

/**
 * Fills each CPU's pcplists of `zone` as MachineZoneSpec.initialPcpLists says
 * ([cpu][pindex] pages), and gives each block's pageblock the list's
 * migratetype (each migratetype's blocks from pageblocks of their own). Blocks come from the zone's allocated frames, an
 * aligned run of order-0 pages in use turned into one block, highest pfn first
 * (pcp pages are neither in NR_FREE_PAGES nor in /proc/buddyinfo), else from
 * the buddy when the zone has no such run. Returns how many allocated frames
 * it used.
 */
function fillPcplists(pcp: PerCpuPages, buddy: Buddy, zone: Zone, lists: readonly (readonly number[])[]): number {
  const f = buddy.frames;
  let cursor = zone.endPfn;
  let fromAllocated = 0;
  const takeAllocated = (order: number): number => {
    const size = 1 << order;
    for (;;) {
      const p = Math.floor((cursor - size - zone.startPfn) / size) * size + zone.startPfn;
      if (p < zone.startPfn) return -1;
      cursor = p;
      let ok = true;
      for (let q = p; q < p + size && ok; q++) ok = f.list[q] === LOC_ALLOCATED && f.order[q] === 0;
      if (ok) {
        for (let q = p + 1; q < p + size; q++) f.list[q] = LOC_TAIL;
        fromAllocated += size;
        return p;
      }
    }
  };
  // One migratetype after the other, each from pageblocks of its own.
  for (let mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
    cursor = Math.max(zone.startPfn, ((cursor - zone.startPfn) >> PAGEBLOCK_ORDER << PAGEBLOCK_ORDER) + zone.startPfn);
    for (let cpu = 0; cpu < Math.min(lists.length, pcp.cpus); cpu++) {
      const idx = cpu * pcp.zones.length + zone.idx;
      const perList = lists[cpu]!;
      for (let pindex = mt; pindex < Math.min(perList.length, pcp.nrPcpLists); pindex += MIGRATE_PCPTYPES) {
        const order = Math.floor(pindex / MIGRATE_PCPTYPES);
        for (let k = 0; k < perList[pindex]! >> order; k++) {
          let pfn = takeAllocated(order);
          if (pfn < 0) pfn = buddy.rmqueueSmallest(zone, order, mt);
          if (pfn < 0) return fromAllocated;
          // A page on a migratetype's pcplist sits in a pageblock of that type (the free
          // path puts it back by get_pfnblock_migratetype): give its pageblock the type.
          buddy.pageblockMt[pfn >> PAGEBLOCK_ORDER] = mt;
          pcp.put(idx, pindex, pfn, order);
        }
      }
    }
  }
  return fromAllocated;
}

/**
 * Lays out the free blocks a /proc/buddyinfo line gives (count per order),
 * largest first, each followed by an allocated buddy of the same size while
 * room allows (so blocks stay unmerged and the per-order counts match); the
 * rest of the zone is allocated (order-0 pages in use by the system). Blocks
 * are freed through __free_one_page, so any that must merge do.
 */
function fillFromBuddyinfo(buddy: Buddy, zone: Zone, counts: readonly number[]): number {
  const f = buddy.frames;
  const start = zone.startPfn;
  const end = zone.endPfn;
  for (let p = start; p < end; p++) {
    f.list[p] = LOC_ALLOCATED;
    f.order[p] = 0;
  }
  let need = 0;
  for (let o = 0; o <= MAX_PAGE_ORDER; o++) need += (counts[o] ?? 0) << o;
  let p = start;
  let freed = 0;
  for (let o = MAX_PAGE_ORDER; o >= 0; o--) {
    const n = counts[o] ?? 0;
    for (let k = 0; k < n; k++) {
      p = Math.ceil((p - start) / (1 << o)) * (1 << o) + start;
      if (p + (1 << o) > end) return end - start - freed;
      for (let q = p; q < p + (1 << o); q++) f.list[q] = LOC_TAIL;
      f.list[p] = LOC_ALLOCATED;
      buddy.freeOneBlock(zone, p, o, MIGRATE_MOVABLE);
      freed += 1 << o;
      need -= 1 << o;
      p += 1 << o;
      // Keep the buddy allocated when the rest still fits.
      if (o < MAX_PAGE_ORDER && end - p - (1 << o) >= need) p += 1 << o;
    }
  }
  zone.minFreeSeen = zone.nrFree;
  return end - start - freed;
}
