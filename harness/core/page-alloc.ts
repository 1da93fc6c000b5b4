/**
 * The allocation and free paths of mm/page_alloc.c, over the frames, buddy and
 * pcplists of this model:
 *
 *   allocPages (__alloc_pages_nodemask / __alloc_pages)
 *     -> getPageFromFreelist at the low watermark (per zone of the zonelist:
 *        zone_watermark_fast, then rmqueue, then prep_new_page/post_alloc_hook)
 *     -> slowpath (__alloc_pages_slowpath): gfp_to_alloc_flags (min watermark,
 *        ALLOC_HIGH, ALLOC_HARDER), wake kswapd, retry, direct reclaim only with
 *        __GFP_DIRECT_RECLAIM (reclaim, drain_all_pages, retry), else fail.
 *   freePages (__free_pages)
 *     -> free_unref_page (pcp-able orders): onto the pcplist, and
 *        free_pcppages_bulk when count >= high; else __free_pages_ok -> buddy.
 *
 * Each step charges its cost-table entry into the shared meter and takes its
 * locks through the LockSet, which validates the context and accounts for
 * contention in virtual time. The caller (the simulator) sets the context with
 * beginOp() before each operation.
 *
 * Hot-path constants: the functions on the order-0 pcplist fast path
 * (allocPages, highestZoneidx, getPageFromFreelist, rmqueue, rmqueuePcplist,
 * freePages, freeUnrefPage; PerCpuPages.take/pindex; FrameTable.popHead/addHead;
 * gfpFlagsToMigratetype; LockSet.atomicContext)
 * write the few constants they need as literals with the name beside them, and
 * test "no page" as pfn < 0 (NIL is -1). V8 reads an ES-module constant through
 * the module context with a TDZ hole check at every use, which measured about
 * 15% of an order-0 alloc+free pair (npm run bench). test/core-page-alloc.test.ts
 * pins the literal values to the named constants.
 */
import type { Buddy } from './buddy.ts';
import { CTX_NMI } from './context.ts';
import type { HotCosts } from './hot-costs.ts';
import { FrameTable, NIL } from './frames.ts';
import {
  __GFP_ATOMIC,
  __GFP_DIRECT_RECLAIM,
  __GFP_DMA,
  __GFP_DMA32,
  __GFP_HIGH,
  __GFP_HIGHMEM,
  __GFP_KSWAPD_RECLAIM,
  __GFP_MOVABLE,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  gfpFlagsToMigratetype,
} from './gfp.ts';
import type { LockSet } from './locks.ts';
import type { Meter } from './meter.ts';
import { PCP_BATCH_SCALE_MAX, type PerCpuPages } from './pcp.ts';
import type { PostAllocHook } from './post-alloc-hook.ts';
import { kernelAtLeast, MAX_PAGE_ORDER, type KernelProfile } from './profile.ts';
import { MIGRATE_MOVABLE, MIGRATE_PCPTYPES, WMARK_HIGH, WMARK_LOW, WMARK_MIN, type Zone } from './zone.ts';

/** alloc_flags (mm/internal.h). ALLOC_WMARK_* index zone->_watermark. */
export const ALLOC_WMARK_MIN = WMARK_MIN;
export const ALLOC_WMARK_LOW = WMARK_LOW;
export const ALLOC_WMARK_HIGH = WMARK_HIGH;
export const ALLOC_NO_WATERMARKS = 0x04;
export const ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1;
/** 5.9 ALLOC_HARDER; 6.x ALLOC_NON_BLOCK (same bit, 0x10). */
export const ALLOC_HARDER = 0x10;
/** 5.9 ALLOC_HIGH; 6.x ALLOC_MIN_RESERVE (same bit, 0x20, == __GFP_HIGH). */
export const ALLOC_HIGH = 0x20;
/** 6.15 ALLOC_TRYLOCK: only trylocks, for alloc_pages_nolock(). */
export const ALLOC_TRYLOCK = 0x400;
/** ALLOC_KSWAPD == __GFP_KSWAPD_RECLAIM (0x800), "to save a branch". */
export const ALLOC_KSWAPD = 0x800;
/**
 * Not a kernel flag: a pcplist-only attempt (allocPagesPcplistOnly()). An
 * empty pcplist is not refilled (rmqueue_bulk() returns 0 at once, what the
 * posted ALLOC_NO_LOCKS did, without a GFP bit or a hook) and 6.x's
 * rmqueue_buddy() fallback is not tried: zone->lock is never taken. Above
 * every kernel ALLOC_* bit the model uses.
 */
export const ALLOC_PCPLIST_ONLY = 0x10000;

/** SWAP_CLUSTER_MAX (include/linux/swap.h): pages reclaimed per reclaim step. */
export const SWAP_CLUSTER_MAX = 32;
/** MAX_RECLAIM_RETRIES (mm/page_alloc.c). */
export const MAX_RECLAIM_RETRIES = 16;

/** PcpMissHook verdicts: go on and refill from the buddy (rmqueue_bulk under zone->lock)... */
export const PCP_MISS_REFILL = 0;
/** ...give up on this zone without taking its lock (the zonelist walk and slow path go on)... */
export const PCP_MISS_SKIP = 1;
/** ...or fail the whole allocation now: no lock taken, no slow path. */
export const PCP_MISS_FAIL = 2;

/**
 * What a strategy may hook into the allocation path: called by rmqueue_pcplist
 * when the pcplist it was asked for is empty, before rmqueue_bulk would take
 * zone->lock. Returns PCP_MISS_REFILL, PCP_MISS_SKIP or PCP_MISS_FAIL.
 */
export type PcpMissHook = (gfp: number, order: number, migratetype: number, zone: Zone) => number;

/**
 * A check run at the top of __alloc_pages() for every allocation (what a flag
 * sanity check in prepare_alloc_pages would cost): true rejects the allocation.
 */
export type FastPathCheck = (gfp: number, order: number) => boolean;

/** Gives memory back under reclaim: frees up to `nrPages` reclaimable pages through freePages(). */
export interface Reclaimer {
  reclaim(nrPages: number): number;
}

/** Counters the metrics read. All are plain numbers, updated in place. */
export class AllocStats {
  allocs = 0;
  allocFailures = 0;
  pcpHits = 0;
  pcpMisses = 0;
  pcpTrylockFailures = 0;
  slowpathEntries = 0;
  kswapdWakes = 0;
  kswapdRuns = 0;
  kswapdReclaimed = 0;
  directReclaims = 0;
  directReclaimed = 0;
  drainAllPages = 0;
  watermarkFailures = 0;
  frees = 0;
  badFrees = 0;
  pcpMissHookFailures = 0;
  fastPathRejects = 0;
  /** zone->lock acquisitions (including trylocks that succeeded). */
  zoneLockTaken = 0;

  /** Zeroes every counter (the end of a run's warm-up). */
  reset(): void {
    for (const k of Object.keys(this) as (keyof AllocStats)[]) if (typeof this[k] === 'number') (this as unknown as Record<string, number>)[k] = 0;
  }
}

export interface PageAllocatorParts {
  readonly profile: KernelProfile;
  readonly frames: FrameTable;
  readonly zones: readonly Zone[];
  readonly buddy: Buddy;
  readonly pcp: PerCpuPages;
  readonly locks: LockSet;
  readonly meter: Meter;
  readonly costs: HotCosts;
  readonly postAllocHook: PostAllocHook;
  /** Lock id of pgdat->kswapd_wait's wait-queue lock (spinlock_t), taken by wakeup_kswapd. */
  readonly kswapdWaitLock: number;
}

export class PageAllocator {
  readonly profile: KernelProfile;
  readonly frames: FrameTable;
  readonly zones: readonly Zone[];
  readonly buddy: Buddy;
  readonly pcp: PerCpuPages;
  readonly locks: LockSet;
  readonly meter: Meter;
  readonly costs: HotCosts;
  readonly postAllocHook: PostAllocHook;
  readonly stats = new AllocStats();
  private readonly kswapdWaitLock: number;
  private readonly nrZones: number;
  private readonly pcpMaxOrder: number;
  private readonly irqProtected: boolean;
  /**
   * v6.0-6.1 pcp_spin_trylock_irqsave() on !PREEMPT_RT: IRQs are off while
   * pcp->lock is held (on RT, spin_trylock_irqsave of a spinlock_t leaves them on).
   */
  private readonly pcpIrqsave: boolean;
  /**
   * How this kernel protects a pcplist access: 0 local_irq_save() (5.9/5.10),
   * 1 local_lock_irqsave(&pa_lock.l) (the 5.9/5.10 -rt patch set on
   * PREEMPT_RT: profile.rtPaLock), 2 pcp_spin_trylock() (6.x). Decided once
   * per core, so the pcp fast path tests one small integer, as before.
   */
  private readonly pcpProtect: number;
  /** pa_lock's lock id per CPU (-1 each when pcpProtect !== 1). */
  private readonly paLock: Int32Array;
  private readonly autoTune: boolean;
  /** v5.14-6.6 pcp->free_factor (nr_pcp_free / nr_pcp_high with free_high). */
  private readonly freeFactor: boolean;
  private readonly hooksActive: boolean;
  /** Zone index per 1024-frame block, to find a freed page's zone. */
  private readonly zoneOfBlock: Int8Array;
  private readonly gfpZoneTable: Int8Array;

  // Extension points (see extension.ts); fastPathNs is charged on every allocation.
  pcpMissHook: PcpMissHook | null = null;
  fastPathCheck: FastPathCheck | null = null;
  fastPathNs = 0;
  slowPathNs = 0;
  /**
   * GFP bits for which __alloc_pages() returns NULL instead of entering the
   * slow path (the posted __GFP_NO_LOCKS patch: "Bypass slow path if
   * __GFP_NO_LOCKS" in __alloc_pages_nodemask()); 0: none. The test is charged
   * gfpFlagCheck when the first get_page_from_freelist() pass has failed.
   */
  noSlowpathGfp = 0;
  reclaimer: Reclaimer | null = null;
  /** Called when kswapd should run (the simulator schedules it in virtual time). */
  onKswapdWake: (() => void) | null = null;
  /** pgdat->kswapd_highest_zoneidx: the highest zone a waker asked for since kswapd last read it (-1: none). */
  kswapdHighestZoneidx = -1;
  /**
   * pgdat->kswapd_failures: balance_pgdat() passes in a row that reclaimed
   * nothing; reset by any reclaim that frees pages (shrink_node(), v5.9 and
   * v6.x). At MAX_RECLAIM_RETRIES the node is "hopeless" and wakeup_kswapd()
   * leaves it to direct reclaim.
   */
  kswapdFailures = 0;
  /** rmqueue() wakes kswapd for a boosted watermark only with ALLOC_KSWAPD (by v6.5; not in v5.9-v6.0). */
  private readonly boostWakeNeedsKswapdFlag: boolean;

  /** CPU of the current operation. */
  cpu = 0;
  /** The pcp-miss hook's verdict in the current rmqueue() attempt (-1: not asked). */
  private pcpMissVerdict = -1;
  /** Set by the pcp-miss hook: fail this allocation without the slow path. */
  private failNow = false;
  /** Zone index of the last successful allocation (for metrics). */
  lastZone = -1;
  /** Whether the last order-0 allocation was served from a pcplist without a refill. */
  lastPcpHit = false;

  constructor(parts: PageAllocatorParts) {
    this.profile = parts.profile;
    this.frames = parts.frames;
    this.zones = parts.zones;
    this.buddy = parts.buddy;
    this.pcp = parts.pcp;
    this.locks = parts.locks;
    this.meter = parts.meter;
    this.costs = parts.costs;
    this.postAllocHook = parts.postAllocHook;
    this.kswapdWaitLock = parts.kswapdWaitLock;
    this.nrZones = parts.zones.length;
    this.pcpMaxOrder = parts.profile.pcpMaxOrder;
    this.irqProtected = parts.profile.pcpLocking === 'irq-save';
    this.pcpIrqsave = parts.profile.pcpLocking === 'pcp-spin-trylock-irqsave' && !parts.locks.config.preemptRt;
    const paLockOn = this.irqProtected && parts.profile.rtPaLock && parts.locks.config.preemptRt;
    this.pcpProtect = !this.irqProtected ? 2 : paLockOn ? 1 : 0;
    this.paLock = new Int32Array(parts.pcp.cpus).fill(-1);
    // -rt mm/page_alloc.c (5.10-rt): `static DEFINE_PER_CPU(struct pa_lock, pa_lock)`,
    // a local_lock_t: on PREEMPT_RT a per-CPU spinlock_t (rt_mutex based, may sleep).
    if (paLockOn) for (let c = 0; c < parts.pcp.cpus; c++) this.paLock[c] = parts.locks.define(`pa_lock (local_lock_t, cpu ${c})`, 'spinlock_t');
    this.autoTune = parts.profile.pcpHighAutoTune;
    this.freeFactor = parts.profile.pcpFreeFactor;
    this.boostWakeNeedsKswapdFlag = kernelAtLeast(parts.profile.name, 6, 5);
    this.hooksActive = parts.postAllocHook.active;
    this.zoneOfBlock = new Int8Array(Math.ceil(parts.frames.nrFrames / 1024)).fill(-1);
    for (const z of parts.zones) {
      for (let b = z.startPfn >> 10; b < Math.ceil(z.endPfn / 1024); b++) this.zoneOfBlock[b] = z.idx;
    }
    this.gfpZoneTable = this.buildGfpZoneTable();
  }

  /** Starts an operation on `cpu` in context `ctx` at virtual time `time`. */
  beginOp(cpu: number, ctx: number, irqsOff: boolean, time: number): void {
    this.cpu = cpu;
    this.meter.begin(time);
    this.locks.enterContext(cpu, ctx, irqsOff);
  }

  zoneOf(pfn: number): Zone {
    return this.zones[this.zoneOfBlock[pfn >> 10]!]!;
  }

  /**
   * gfp_zone(): the highest zone index this gfp may use; the zonelist is that
   * zone and every lower one, highest first. Table-driven: indexed by the
   * GFP_ZONEMASK bits (__GFP_DMA, __GFP_HIGHMEM, __GFP_DMA32, __GFP_MOVABLE).
   */
  highestZoneidx(gfp: number): number {
    return this.gfpZoneTable[gfp & 0xf /* GFP_ZONEMASK */]!;
  }

  private buildGfpZoneTable(): Int8Array {
    const t = new Int8Array(16);
    const find = (want: string): number => {
      let best = 0;
      for (const z of this.zones) {
        if (z.kind === want) return z.idx;
        if (z.kind === 'DMA' || z.kind === 'DMA32' || z.kind === 'Normal') best = z.idx;
        if (want === 'Movable' && z.kind === 'HighMem') best = z.idx;
      }
      return best;
    };
    for (let g = 0; g < 16; g++) {
      let want = 'Normal';
      if (g & __GFP_DMA) want = 'DMA';
      else if (g & __GFP_DMA32) want = 'DMA32';
      else if ((g & (__GFP_MOVABLE | __GFP_HIGHMEM)) === (__GFP_MOVABLE | __GFP_HIGHMEM)) want = 'Movable';
      else if (g & __GFP_HIGHMEM) want = 'HighMem';
      t[g] = find(want);
    }
    return t;
  }

  /**
   * __alloc_pages(): returns the pfn of an order-`order` block, or NIL. The
   * caller's context was set by beginOp(). Costs go into the meter.
   */
  allocPages(gfp: number, order: number): number {
    const m = this.meter;
    m.ns += this.fastPathNs;
    if (this.fastPathCheck !== null && this.fastPathCheck(gfp, order)) {
      this.stats.allocs++;
      this.stats.allocFailures++;
      this.stats.fastPathRejects++;
      return NIL;
    }
    // prepare_alloc_pages(): might_sleep_if(gfp_mask & __GFP_DIRECT_RECLAIM).
    if (gfp & 0x400 /* __GFP_DIRECT_RECLAIM */ && this.locks.inAtomic()) this.locks.mightSleep('__alloc_pages(__GFP_DIRECT_RECLAIM)');
    this.failNow = false;
    this.lastPcpHit = false;
    const highest = this.highestZoneidx(gfp);
    // __GFP_MOVABLE|__GFP_RECLAIMABLE is a VM_WARN_ON in gfp_migratetype() and
    // lands on MIGRATE_HIGHATOMIC, which has no pcplist here: treat it as movable.
    let mt: number = gfpFlagsToMigratetype(gfp);
    if (mt >= 3 /* MIGRATE_PCPTYPES */) mt = 1 /* MIGRATE_MOVABLE */;
    this.stats.allocs++;
    // alloc_flags_nofragment(): ALLOC_KSWAPD is __GFP_KSWAPD_RECLAIM "to save a branch" (5.9 and 6.x).
    let pfn = this.getPageFromFreelist(gfp, order, 1 /* ALLOC_WMARK_LOW */ | (gfp & 0x800) /* ALLOC_KSWAPD */, highest, mt);
    if (pfn < 0 && !this.failNow) {
      if (this.noSlowpathGfp !== 0) m.ns += this.costs.gfpFlagCheck;
      if ((gfp & this.noSlowpathGfp) === 0) pfn = this.slowpath(gfp, order, highest, mt);
    }
    if (pfn < 0) this.stats.allocFailures++;
    else this.frames.allocMigratetype[pfn] = mt;
    return pfn;
  }

  /**
   * gfp_to_alloc_flags(): the slow path's alloc_flags. 5.9: __GFP_HIGH gives
   * ALLOC_HIGH, __GFP_ATOMIC without __GFP_NOMEMALLOC gives ALLOC_HARDER.
   * 6.x: __GFP_HIGH gives ALLOC_MIN_RESERVE, !__GFP_DIRECT_RECLAIM without
   * __GFP_NOMEMALLOC gives ALLOC_NON_BLOCK (which only deepens MIN_RESERVE).
   */
  gfpToAllocFlags(gfp: number): number {
    let flags = ALLOC_WMARK_MIN | (gfp & __GFP_HIGH) | (gfp & __GFP_KSWAPD_RECLAIM);
    if (this.profile.hasGfpAtomic) {
      if (gfp & __GFP_ATOMIC && !(gfp & __GFP_NOMEMALLOC)) flags |= ALLOC_HARDER;
    } else if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC)) {
      flags |= ALLOC_HARDER;
    }
    return flags;
  }

  /**
   * __zone_watermark_ok(): is `zone` above `mark` (lowered for ALLOC_HIGH /
   * ALLOC_HARDER) plus the lowmem reserve for `highest`, and for order > 0 has
   * it a free block of at least that order? GFP_ATOMIC ends at 37.5% of min.
   */
  zoneWatermarkOk(zone: Zone, order: number, mark: number, highest: number, allocFlags: number): boolean {
    const freePages = zone.nrFree - ((1 << order) - 1);
    let min = mark;
    if (this.profile.hasGfpAtomic) {
      if (allocFlags & ALLOC_HIGH) min -= min >> 1;
      if (allocFlags & ALLOC_HARDER) min -= min >> 2;
    } else if (allocFlags & ALLOC_HIGH) {
      min -= min >> 1;
      if (allocFlags & ALLOC_HARDER) min -= min >> 2;
    }
    // nr_reserved_highatomic is 0: MIGRATE_HIGHATOMIC is not modelled.
    if (freePages <= min + zone.lowmemReserve[highest]!) return false;
    if (order === 0) return true;
    for (let o = order; o <= MAX_PAGE_ORDER; o++) {
      if (this.buddy.nrFreeBlocks(zone, o) > 0) return true;
    }
    return false;
  }

  /**
   * get_page_from_freelist(): walk the zonelist from `highest` down; the first
   * zone that passes its watermark and has a page gives it.
   */
  private getPageFromFreelist(gfp: number, order: number, allocFlags: number, highest: number, mt: number): number {
    const m = this.meter;
    const wm = allocFlags & 3 /* ALLOC_WMARK_MASK */;
    for (let i = highest; i >= 0; i--) {
      const zone = this.zones[i]!;
      if (zone.managedPages === 0) continue;
      m.ns += this.costs.watermarkCheck;
      if (!(allocFlags & 0x04 /* ALLOC_NO_WATERMARKS */)) {
        // wmark_pages(): _watermark[] + watermark_boost.
        const mark = zone.wmark[wm]! + zone.watermarkBoost;
        // zone_watermark_fast(): order-0 shortcut, then the full check.
        if (!(order === 0 && zone.nrFree > mark + zone.lowmemReserve[highest]!) && !this.zoneWatermarkOk(zone, order, mark, highest, allocFlags) && !this.boostIgnored(zone, gfp, order, wm, highest, allocFlags)) {
          this.stats.watermarkFailures++;
          continue;
        }
      }
      // 6.x: ZONE_BELOW_HIGH (high_wmark_pages(), boost included) feeds pcp->high auto-tuning.
      if (this.autoTune) zone.belowHigh = zone.nrFree <= zone.wmark[2 /* WMARK_HIGH */]! + zone.watermarkBoost;
      const pfn = this.rmqueue(zone, gfp, order, mt, allocFlags);
      if (this.failNow) return NIL;
      if (pfn >= 0) {
        if (this.hooksActive) this.postAllocHook.run(order, gfp);
        else {
          m.ns += this.costs.prepNewPage;
          // want_init_on_alloc(): __GFP_ZERO (init_on_alloc makes hooksActive).
          if (gfp & 0x100 /* __GFP_ZERO */) m.ns += this.costs.clearPage * (1 << order);
        }
        this.lastZone = i;
        return pfn;
      }
    }
    return NIL;
  }

  /**
   * The exception in zone_watermark_fast() (commit f80b08fc4453, v5.7): an
   * order-0 __GFP_ATOMIC (6.3+: ALLOC_MIN_RESERVE) allocation checking the min
   * watermark ignores the boost, "so that kswapd is woken up when below the low
   * watermark". True when that check without the boost passes.
   */
  private boostIgnored(zone: Zone, gfp: number, order: number, wm: number, highest: number, allocFlags: number): boolean {
    if (order !== 0 || zone.watermarkBoost === 0 || wm !== 0 /* WMARK_MIN */) return false;
    if (this.profile.hasGfpAtomic ? !(gfp & __GFP_ATOMIC) : !(allocFlags & ALLOC_HIGH)) return false;
    return this.zoneWatermarkOk(zone, order, zone.wmark[0]!, highest, allocFlags);
  }

  /**
   * rmqueue(): pcp-able orders through rmqueue_pcplist; in 6.x a failed
   * pcp_spin_trylock or an empty refill falls back to rmqueue_buddy. Other
   * orders take zone->lock (spin_lock_irqsave) and __rmqueue.
   */
  private rmqueue(zone: Zone, gfp: number, order: number, mt: number, allocFlags: number): number {
    this.buddy.allocKswapd = (allocFlags & 0x800) /* ALLOC_KSWAPD */ !== 0;
    const pfn = this.rmqueueZone(zone, gfp, order, mt, allocFlags);
    // rmqueue()'s out: label: "Separate test+clear to avoid unnecessary
    // atomics", then wakeup_kswapd(zone, 0, 0, zone_idx(zone)). v5.9-v6.0 test
    // the bit alone; by v6.5 only with ALLOC_KSWAPD (so alloc_pages_nolock()'s
    // ALLOC_TRYLOCK never wakes kswapd).
    if (zone.boostedWatermark && (this.boostWakeNeedsKswapdFlag ? (allocFlags & 0x800) !== 0 : true)) {
      zone.boostedWatermark = false;
      this.wakeupKswapd(0, zone.idx);
    }
    return pfn;
  }

  private rmqueueZone(zone: Zone, gfp: number, order: number, mt: number, allocFlags: number): number {
    if (order <= this.pcpMaxOrder) {
      this.pcpMissVerdict = -1;
      const pfn = this.rmqueuePcplist(zone, gfp, order, mt, allocFlags);
      if (pfn >= 0 || this.irqProtected || this.failNow || allocFlags & ALLOC_PCPLIST_ONLY) return pfn;
      // 6.x: the pcplist gave nothing (trylock failed, or empty and not
      // refilled): rmqueue_buddy() would take zone->lock, so a strategy's
      // pcp-miss check gets its say first (once per attempt).
      if (this.pcpMissVerdict === -1 && this.pcpMissHook !== null) this.pcpMissVerdict = this.pcpMissHook(gfp, order, mt, zone);
      if (this.pcpMissVerdict === PCP_MISS_FAIL) {
        this.failNow = true;
        return NIL;
      }
      if (this.pcpMissVerdict === PCP_MISS_SKIP) return NIL;
    }
    return this.rmqueueBuddy(zone, order, mt, allocFlags);
  }

  /**
   * local_lock_irqsave(&pa_lock.l) of the -rt patch set when pcpProtect is 1
   * (on PREEMPT_RT a spinlock_t: no IRQs off, a sleeping lock that the lock
   * validator checks), else local_irq_save(). Returns what paUnlock() needs.
   * Exposed for entry points that touch pcplists themselves (lockless-entry).
   */
  paLockIrqsave(): number {
    const m = this.meter;
    if (this.pcpProtect === 1) {
      const lock = this.paLock[this.cpu]!;
      m.ns += this.locks.acquire(lock, m.now()) + this.costs.spinLockUncontended;
      return lock;
    }
    m.ns += this.costs.irqSaveRestore;
    this.locks.irqSave();
    return -1;
  }

  /** Undoes paLockIrqsave() with its return value. */
  paUnlockIrqrestore(lock: number): void {
    if (lock >= 0) this.locks.release(lock, this.meter.now());
    else this.locks.irqRestore();
  }

  /**
   * rmqueue_buddy() / the order > 0 part of v5.9 rmqueue(): __rmqueue under
   * zone->lock (-rt 5.10: local_lock_irqsave(&pa_lock.l) then spin_lock(&zone->lock)).
   */
  rmqueueBuddy(zone: Zone, order: number, mt: number, allocFlags: number): number {
    const m = this.meter;
    let pa = -1;
    if (this.pcpProtect === 1) {
      pa = this.paLock[this.cpu]!;
      m.ns += this.locks.acquire(pa, m.now()) + this.costs.spinLockUncontended;
    } else {
      m.ns += this.costs.irqSaveRestore;
    }
    if (allocFlags & ALLOC_TRYLOCK) {
      if (!this.locks.trylock(zone.lock, m.now())) {
        if (pa >= 0) this.locks.release(pa, m.now());
        return NIL;
      }
    } else {
      m.ns += this.locks.acquire(zone.lock, m.now());
    }
    this.stats.zoneLockTaken++;
    m.ns += this.costs.spinLockUncontended;
    const pfn = this.buddy.rmqueue(zone, order, mt);
    this.locks.release(zone.lock, m.now());
    if (pa >= 0) this.locks.release(pa, m.now());
    return pfn;
  }

  /**
   * rmqueue_pcplist(): take the first block of this CPU's pcplist for (mt,
   * order), under local_irq_save() (5.9/5.10), pcp_spin_trylock_irqsave()
   * (6.1) or pcp_spin_trylock() (6.2+); an empty list goes to
   * rmqueuePcplistRefill().
   */
  private rmqueuePcplist(zone: Zone, gfp: number, order: number, mt: number, allocFlags: number): number {
    const m = this.meter;
    const pcp = this.pcp;
    const idx = this.cpu * this.nrZones + zone.idx;
    const pindex = pcp.pindex(mt, order);
    let lock = -1;
    const prot = this.pcpProtect;
    if (prot === 0) {
      m.ns += this.costs.irqSaveRestore;
    } else if (prot === 1) {
      // -rt rmqueue_pcplist(): local_lock_irqsave(&pa_lock.l, flags).
      lock = this.paLock[this.cpu]!;
      m.ns += this.locks.acquire(lock, m.now()) + this.costs.spinLockUncontended;
    } else {
      lock = this.pcpSpinTrylock(idx);
      if (lock < 0) {
        this.stats.pcpTrylockFailures++;
        return NIL;
      }
      // 6.1: "On allocation, reduce the number of pages that are batch freed"
      // (pcp->free_factor >>= 1); 6.7+: pcp->free_count >>= 1. One array serves both.
      pcp.freeCount[idx]! >>= 1;
    }
    let pfn = pcp.take(idx, pindex, order);
    if (pfn >= 0) {
      this.stats.pcpHits++;
      this.lastPcpHit = true;
    } else {
      pfn = this.rmqueuePcplistRefill(zone, gfp, order, mt, allocFlags, idx, pindex);
    }
    if (lock >= 0) this.pcpSpinUnlock(lock);
    return pfn;
  }

  /**
   * The list_empty() branch of __rmqueue_pcplist(): the strategy's pcp-miss
   * hook may skip the zone or fail the allocation, else rmqueue_bulk() refills
   * the list under zone->lock and the first block is taken.
   */
  private rmqueuePcplistRefill(zone: Zone, gfp: number, order: number, mt: number, allocFlags: number, idx: number, pindex: number): number {
    const pcp = this.pcp;
    this.stats.pcpMisses++;
    if (allocFlags & ALLOC_PCPLIST_ONLY) return NIL;
    const verdict = this.pcpMissHook === null ? PCP_MISS_REFILL : this.pcpMissHook(gfp, order, mt, zone);
    this.pcpMissVerdict = verdict;
    if (verdict !== PCP_MISS_REFILL) {
      if (verdict === PCP_MISS_FAIL) this.failNow = true;
      this.stats.pcpMissHookFailures++;
      return NIL;
    }
    if (pcp.rmqueueBulk(zone, idx, order, pcp.nrPcpAlloc(idx, zone, order), mt, (allocFlags & ALLOC_TRYLOCK) !== 0) < 0) return NIL;
    this.stats.zoneLockTaken++;
    return pcp.take(idx, pindex, order);
  }

  /**
   * pcp_spin_trylock() (6.2+) or pcp_spin_trylock_irqsave() (6.0-6.1): charges the
   * attempt; returns pcp->lock's id, or -1 when it is held.
   * 6.1 on !PREEMPT_RT: spin_trylock_irqsave() disables IRQs while the lock is
   * held (charged as irqSaveRestore, and the hold runs with IRQs off), so a
   * hardirq on the same CPU cannot arrive inside the hold: the simulator runs
   * an interrupt at its own time, so a hardirq that lands in this CPU's own
   * hold is taken as having come just after it (its trylock succeeds, as under
   * 5.9's local_irq_save()); only another CPU (a drain) or an NMI finds the lock held.
   */
  private pcpSpinTrylock(idx: number): number {
    const locks = this.locks;
    const lock = this.pcp.lock[idx]!;
    const m = this.meter;
    m.ns += this.costs.pcpSpinTrylock;
    if (this.pcpIrqsave) {
      m.ns += this.costs.irqSaveRestore;
      const now = m.now();
      if (locks.holder[lock] === this.cpu && locks.ctx !== CTX_NMI && locks.heldUntil[lock]! > now && locks.heldSince[lock]! <= now) {
        locks.heldUntil[lock] = now; // the interrupted hold ended before this interrupt was taken
      }
      if (!locks.trylock(lock, now)) return -1;
      locks.irqSave();
      return lock;
    }
    return locks.trylock(lock, m.now()) ? lock : -1;
  }

  /** pcp_spin_unlock() / pcp_spin_unlock_irqrestore(). */
  private pcpSpinUnlock(lock: number): void {
    this.locks.release(lock, this.meter.now());
    if (this.pcpIrqsave) this.locks.irqRestore();
  }

  /** __alloc_pages_slowpath(), reduced to the steps that matter here (see file comment). */
  private slowpath(gfp: number, order: number, highest: number, mt: number): number {
    const m = this.meter;
    this.stats.slowpathEntries++;
    m.ns += this.slowPathNs;
    const allocFlags = this.gfpToAllocFlags(gfp);
    // wake_all_kswapds(): wakeup_kswapd(zone, gfp_mask, order, highest_zoneidx) (one node).
    if (allocFlags & ALLOC_KSWAPD) this.wakeupKswapd(order, highest);
    let pfn = this.getPageFromFreelist(gfp, order, allocFlags, highest, mt);
    if (pfn !== NIL || this.failNow) return pfn;
    if (!(gfp & __GFP_DIRECT_RECLAIM)) return NIL;
    let drained = false;
    for (let retries = 0; retries < MAX_RECLAIM_RETRIES; retries++) {
      // __alloc_pages_direct_reclaim: __perform_reclaim, then retry; on failure
      // drain_all_pages() once and retry. try_to_free_pages() (mm/vmscan.c,
      // v5.9 and v6.x) asks for .nr_to_reclaim = SWAP_CLUSTER_MAX whatever the
      // order (the order only steers compaction), so 32 pages per attempt.
      this.stats.directReclaims++;
      const got = this.reclaimer ? this.reclaimer.reclaim(SWAP_CLUSTER_MAX) : 0;
      this.stats.directReclaimed += got;
      if (got > 0) this.kswapdFailures = 0;
      m.ns += got * this.costs.directReclaimPerPage;
      pfn = this.getPageFromFreelist(gfp, order, allocFlags, highest, mt);
      if (pfn !== NIL) return pfn;
      if (!drained) {
        this.drainAllPages();
        drained = true;
        pfn = this.getPageFromFreelist(gfp, order, allocFlags, highest, mt);
        if (pfn !== NIL) return pfn;
      }
      // __GFP_NORETRY: one direct reclaim (and drain) attempt, then fail.
      if (got === 0 || gfp & __GFP_NORETRY) break;
    }
    // The OOM killer is not modelled: the allocation fails.
    return NIL;
  }

  /**
   * wakeup_kswapd() (mm/vmscan.c, v5.9 and v6.x): records the highest zone
   * asked for (pgdat->kswapd_highest_zoneidx); if kswapd sleeps
   * (waitqueue_active) and the node is not balanced, or is but a watermark is
   * boosted, wakes it, which takes the kswapd_wait wait-queue lock (a
   * spinlock_t); the simulator runs kswapd later in virtual time.
   */
  wakeupKswapd(order: number, highest: number): void {
    const m = this.meter;
    if (this.kswapdHighestZoneidx < highest) this.kswapdHighestZoneidx = highest;
    if (this.zones[0]!.kswapdPending) return;
    if (this.kswapdFailures >= MAX_RECLAIM_RETRIES) return;
    if (this.pgdatBalanced(order, highest) && !this.pgdatWatermarkBoosted(highest)) return;
    for (const z of this.zones) z.kswapdPending = true;
    this.stats.kswapdWakes++;
    m.ns += this.locks.acquire(this.kswapdWaitLock, m.now()) + this.costs.kswapdWake;
    this.locks.release(this.kswapdWaitLock, m.now());
    if (this.onKswapdWake) this.onKswapdWake();
  }

  /**
   * pgdat_balanced() (mm/vmscan.c, v5.9 to v6.18): true when any managed zone
   * up to `highest`, checked bottom-up, passes zone_watermark_ok_safe() at its
   * high watermark plus its boost (high_wmark_pages()) and its lowmem_reserve
   * for `highest`; true too when no zone there is managed.
   */
  pgdatBalanced(order: number, highest: number): boolean {
    let any = false;
    for (let i = 0; i <= highest; i++) {
      const z = this.zones[i]!;
      if (z.managedPages === 0) continue;
      any = true;
      if (this.zoneWatermarkOk(z, order, z.wmark[2 /* WMARK_HIGH */]! + z.watermarkBoost, highest, 0)) return true;
    }
    return !any;
  }

  /** pgdat_watermark_boosted(): a managed zone up to `highest` has a watermark boost. */
  pgdatWatermarkBoosted(highest: number): boolean {
    for (let i = highest; i >= 0; i--) {
      const z = this.zones[i]!;
      if (z.managedPages > 0 && z.watermarkBoost > 0) return true;
    }
    return false;
  }

  /** drain_all_pages(NULL): every CPU's pcplists of every zone back to the buddy. */
  drainAllPages(): void {
    this.stats.drainAllPages++;
    const m = this.meter;
    const pcp = this.pcp;
    for (let cpu = 0; cpu < pcp.cpus; cpu++) {
      for (const zone of this.zones) {
        const idx = cpu * this.nrZones + zone.idx;
        if (pcp.count[idx] === 0) continue;
        m.ns += this.costs.drainPagesPerCpu;
        // -rt drain_pages_zone(): that CPU's pa_lock; 6.x: its pcp->lock.
        const lock = this.pcpProtect === 1 ? this.paLock[cpu]! : pcp.lock[idx]!;
        if (lock >= 0) m.ns += this.locks.acquire(lock, m.now());
        pcp.drainZone(cpu, zone);
        if (lock >= 0) this.locks.release(lock, m.now());
      }
    }
  }

  /**
   * __free_pages(): order <= pcp max order goes to free_unref_page (the pcplist,
   * draining a batch when count >= high; in 6.x a failed pcp_spin_trylock frees
   * straight to the buddy, free_one_page); larger orders go to the buddy under
   * zone->lock. Freeing a block that is not allocated (not the head of an
   * allocated block of this order) is counted and ignored.
   */
  freePages(pfn: number, order: number): void {
    const f = this.frames;
    if (f.list[pfn] !== -2 /* LOC_ALLOCATED */ || f.order[pfn] !== order) {
      this.stats.badFrees++;
      return;
    }
    this.stats.frees++;
    const zone = this.zoneOf(pfn);
    const mt = this.buddy.migratetypeOf(pfn);
    if (order <= this.pcpMaxOrder && mt < 3 /* MIGRATE_PCPTYPES */) this.freeUnrefPage(zone, pfn, order, mt);
    else this.freeOneBlock(zone, pfn, order, mt);
  }

  /**
   * free_unref_page() and free_unref_page_commit(): onto this CPU's pcplist
   * (under local_irq_save() in 5.9/5.10, pcp_spin_trylock_irqsave() in 6.1,
   * pcp_spin_trylock() in 6.2+; a failed trylock frees to the buddy instead),
   * then free_pcppages_bulk() when count reaches high.
   */
  private freeUnrefPage(zone: Zone, pfn: number, order: number, mt: number): void {
    const m = this.meter;
    const pcp = this.pcp;
    const idx = this.cpu * this.nrZones + zone.idx;
    let lock = -1;
    const prot = this.pcpProtect;
    if (prot === 0) {
      m.ns += this.costs.irqSaveRestore;
    } else if (prot === 1) {
      // -rt free_unref_page(): local_lock_irqsave(&pa_lock.l, flags).
      lock = this.paLock[this.cpu]!;
      m.ns += this.locks.acquire(lock, m.now()) + this.costs.spinLockUncontended;
    } else {
      lock = this.pcpSpinTrylock(idx);
      if (lock < 0) {
        this.freeOneBlock(zone, pfn, order, mt);
        return;
      }
      if (this.autoTune) {
        pcp.allocFactor[idx]! >>= 1;
        if (pcp.freeCount[idx]! < pcp.batch[idx]! << PCP_BATCH_SCALE_MAX) pcp.freeCount[idx]! += 1 << order;
      }
    }
    const pindex = pcp.pindex(mt, order);
    pcp.put(idx, pindex, pfn, order);
    if (this.freeFactor) {
      // 6.1 free_unref_page_commit(): free_high = (pcp->free_factor && order &&
      // order <= PAGE_ALLOC_COSTLY_ORDER); high = nr_pcp_high(pcp, zone, free_high).
      const freeHigh = pcp.freeCount[idx]! > 0 && order > 0 && order <= 3 /* PAGE_ALLOC_COSTLY_ORDER */;
      const high = freeHigh ? 0 : pcp.high[idx]!;
      if (pcp.count[idx]! >= high) {
        this.stats.zoneLockTaken++;
        pcp.freePcppagesBulk(zone, idx, pcp.nrPcpFreeFactor(idx, high, freeHigh), pindex);
      }
    } else {
      const high = pcp.nrPcpHigh(idx, zone);
      if (pcp.count[idx]! >= high) {
        this.stats.zoneLockTaken++;
        pcp.freePcppagesBulk(zone, idx, pcp.nrPcpFree(idx, high), pindex);
      }
    }
    if (lock >= 0) {
      if (prot === 1) this.locks.release(lock, m.now());
      else this.pcpSpinUnlock(lock);
    }
  }

  /** free_one_page(): the buddy under zone->lock (-rt __free_pages_ok(): under pa_lock too). */
  private freeOneBlock(zone: Zone, pfn: number, order: number, mt: number): void {
    const m = this.meter;
    const pa = this.pcpProtect === 1 ? this.paLock[this.cpu]! : -1;
    if (pa >= 0) m.ns += this.locks.acquire(pa, m.now()) + this.costs.spinLockUncontended;
    else m.ns += this.costs.irqSaveRestore;
    m.ns += this.locks.acquire(zone.lock, m.now()) + this.costs.spinLockUncontended;
    this.stats.zoneLockTaken++;
    this.buddy.freeOneBlock(zone, pfn, order, mt);
    this.locks.release(zone.lock, m.now());
    if (pa >= 0) this.locks.release(pa, m.now());
  }

  /**
   * get_page_from_freelist() alone, with caller-chosen alloc_flags and no slow
   * path: what an entry point such as alloc_pages_nolock() (alloc_flags =
   * ALLOC_TRYLOCK, so the min watermark and trylocks only) builds on. Returns
   * a pfn or NIL; counts as an allocation in the stats.
   */
  allocPagesNoSlowpath(gfp: number, order: number, allocFlags: number): number {
    this.failNow = false;
    this.lastPcpHit = false;
    let mt: number = gfpFlagsToMigratetype(gfp);
    if (mt >= MIGRATE_PCPTYPES) mt = MIGRATE_MOVABLE;
    this.stats.allocs++;
    const pfn = this.getPageFromFreelist(gfp, order, allocFlags, this.highestZoneidx(gfp), mt);
    if (pfn === NIL) this.stats.allocFailures++;
    else this.frames.allocMigratetype[pfn] = mt;
    return pfn;
  }

  /**
   * A pcplist-only attempt: the first get_page_from_freelist() pass of
   * __alloc_pages() (low watermark, ALLOC_KSWAPD from the gfp), in which an
   * empty pcplist is not refilled and no other source is tried
   * (ALLOC_PCPLIST_ONLY), and no slow path. Returns a page from this CPU's
   * pcplist of the first zone of the zonelist that passes its watermark and
   * has one (the gfp's migratetype), or NIL; NIL at once for an order above
   * the pcplists'. Never takes zone->lock. It does take what the kernel takes
   * around a pcplist: local_irq_save() (5.9/5.10), pa_lock (-rt), pcp->lock
   * by trylock (6.x, NIL when held); and rmqueue()'s wake-up of kswapd for a
   * boosted watermark, prep_new_page() and post_alloc_hook()'s debug hooks as
   * any allocation. Counts as an allocation in the stats; a strategy's
   * fast-path and pcp-miss checks are not run (they belong to __alloc_pages()
   * and to the refill this attempt never makes).
   */
  allocPagesPcplistOnly(gfp: number, order: number): number {
    if (order > this.pcpMaxOrder) {
      this.stats.allocs++;
      this.stats.allocFailures++;
      return NIL;
    }
    return this.allocPagesNoSlowpath(gfp, order, ALLOC_WMARK_LOW | (gfp & __GFP_KSWAPD_RECLAIM) | ALLOC_PCPLIST_ONLY);
  }

  /** Free pages of all zones (NR_FREE_PAGES summed). */
  totalFree(): number {
    let n = 0;
    for (const z of this.zones) n += z.nrFree;
    return n;
  }
}
