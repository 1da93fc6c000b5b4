/**
 * Per-CPU pagesets (struct per_cpu_pages): per CPU and zone, one list per
 * migratetype (and, in 6.x, per order up to PAGE_ALLOC_COSTLY_ORDER: NR_PCP_LISTS),
 * with count/high/batch. Refilled by rmqueue_bulk() and drained by
 * free_pcppages_bulk(), both under zone->lock, as in mm/page_alloc.c.
 *
 * Protection of the lists themselves (IRQs off in 5.9, pcp->lock in 6.x) is the
 * caller's (page-alloc.ts), as rmqueue_pcplist()/free_unref_page() do it there.
 */
import type { Buddy } from './buddy.ts';
import { FrameTable, NIL } from './frames.ts';
import type { LockSet } from './locks.ts';
import type { Meter } from './meter.ts';
import { kernelAtLeast, type KernelProfile } from './profile.ts';
import { MIGRATE_PCPTYPES, WMARK_LOW, type Zone } from './zone.ts';
import { pcpHighAndBatch } from './pcp-sizing.ts';

/** CONFIG_PCP_BATCH_SCALE_MAX default (mm/Kconfig, v6.7+). */
export const PCP_BATCH_SCALE_MAX = 5;

export interface PcpCosts {
  readonly pcpListOp: number;
  readonly rmqueueBulkPerPage: number;
  readonly freePcppagesBulkPerPage: number;
  readonly spinLockUncontended: number;
}

export class PerCpuPages {
  /** Number of pcplists per (cpu, zone): MIGRATE_PCPTYPES * (pcpMaxOrder + 1). */
  readonly nrPcpLists: number;
  /** Indexed by pcp index = cpu * nrZones + zone.idx. count is in pages (1 << order per block). */
  readonly count: Int32Array;
  readonly high: Int32Array;
  readonly batch: Int32Array;
  readonly highMin: Int32Array;
  readonly highMax: Int32Array;
  /** 6.x: pcp->alloc_factor and pcp->free_count (batch scaling, v6.7+). */
  readonly allocFactor: Int32Array;
  readonly freeCount: Int32Array;
  /** 6.x: lock id of pcp->lock per pcp index; -1 in 5.9. */
  readonly lock: Int32Array;
  /** profile.pcpHighAutoTune: pcp->high moves between high_min and high_max (6.x). */
  private readonly autoTune: boolean;
  /** nr_pcp_high() caps pcp->high at 4 x batch while ZONE_RECLAIM_ACTIVE (v5.14+, commit c49c2c47dab6). */
  private readonly reclaimActiveCap: boolean;
  /** First list id; list of (pcpIdx, pindex) is listBase + pcpIdx * nrPcpLists + pindex. */
  readonly listBase: number;

  // Counters.
  refills = 0;
  refillPages = 0;
  drains = 0;
  drainPages = 0;

  constructor(
    readonly profile: KernelProfile,
    readonly cpus: number,
    readonly zones: readonly Zone[],
    private readonly frames: FrameTable,
    private readonly buddy: Buddy,
    private readonly locks: LockSet,
    private readonly meter: Meter,
    private readonly costs: PcpCosts,
  ) {
    const n = cpus * zones.length;
    this.nrPcpLists = MIGRATE_PCPTYPES * (profile.pcpMaxOrder + 1);
    this.autoTune = profile.pcpHighAutoTune;
    this.reclaimActiveCap = kernelAtLeast(profile.name, 5, 14);
    this.count = new Int32Array(n);
    this.high = new Int32Array(n);
    this.batch = new Int32Array(n);
    this.highMin = new Int32Array(n);
    this.highMax = new Int32Array(n);
    this.allocFactor = new Int32Array(n);
    this.freeCount = new Int32Array(n);
    this.lock = new Int32Array(n).fill(-1);
    this.listBase = frames.createLists(n * this.nrPcpLists);
    for (const zone of zones) {
      const s = pcpHighAndBatch(profile.name, { managedPages: zone.managedPages, lowWmark: zone.wmark[WMARK_LOW]! }, cpus);
      for (let cpu = 0; cpu < cpus; cpu++) {
        const i = cpu * zones.length + zone.idx;
        this.batch[i] = s.batch;
        this.high[i] = s.high;
        this.highMin[i] = s.highMin;
        this.highMax[i] = s.highMax;
        if (profile.pcpLocking !== 'irq-save') this.lock[i] = locks.define(`&pcp->lock (cpu ${cpu}, ${zone.name})`, 'spinlock_t');
      }
    }
  }

  /** order_to_pindex(). (MIGRATE_PCPTYPES as a literal: see "Hot-path constants" in page-alloc.ts.) */
  pindex(mt: number, order: number): number {
    return 3 /* MIGRATE_PCPTYPES */ * order + mt;
  }

  list(pcpIdx: number, pindex: number): number {
    return this.listBase + pcpIdx * this.nrPcpLists + pindex;
  }

  /** True if list id `l` is a pcplist. */
  isPcpList(l: number): boolean {
    return l >= this.listBase && l < this.listBase + this.count.length * this.nrPcpLists;
  }

  /**
   * __rmqueue_pcplist without the refill: take the first block of the list, or NIL.
   * The caller protects the list (IRQs off / pcp->lock).
   */
  take(pcpIdx: number, pindex: number, order: number): number {
    const pfn = this.frames.popHead(this.list(pcpIdx, pindex));
    if (pfn < 0) return NIL;
    this.frames.list[pfn] = -2; // LOC_ALLOCATED
    this.count[pcpIdx]! -= 1 << order;
    this.meter.ns += this.costs.pcpListOp;
    return pfn;
  }

  /** free_unref_page_commit's list_add: a freed block goes first on its list. */
  put(pcpIdx: number, pindex: number, pfn: number, order: number): void {
    this.frames.order[pfn] = order;
    this.frames.addHead(this.list(pcpIdx, pindex), pfn);
    this.count[pcpIdx]! += 1 << order;
    this.meter.ns += this.costs.pcpListOp;
  }

  /**
   * rmqueue_bulk(): under zone->lock, move up to `count` blocks of `order` from
   * the buddy (__rmqueue, with fallback) to the tail of the pcplist. No watermark
   * check here: the caller checked before. Returns the number of blocks moved,
   * or -1 when `trylock` is set and zone->lock is busy (spin_trylock_irqsave
   * under ALLOC_TRYLOCK, v6.15).
   */
  rmqueueBulk(zone: Zone, pcpIdx: number, order: number, count: number, mt: number, trylock = false): number {
    const l = this.list(pcpIdx, this.pindex(mt, order));
    if (trylock) {
      if (!this.locks.trylock(zone.lock, this.meter.now())) return -1;
      this.meter.ns += this.costs.spinLockUncontended;
    } else {
      this.meter.ns += this.locks.acquire(zone.lock, this.meter.now()) + this.costs.spinLockUncontended;
    }
    let i = 0;
    for (; i < count; i++) {
      const pfn = this.buddy.rmqueue(zone, order, mt);
      if (pfn === NIL) break;
      this.frames.addTail(l, pfn);
      this.meter.ns += this.costs.rmqueueBulkPerPage;
    }
    this.locks.release(zone.lock, this.meter.now());
    this.count[pcpIdx]! += i << order;
    this.refills++;
    this.refillPages += i << order;
    return i;
  }

  /**
   * free_pcppages_bulk(): give `count` pages back to the buddy under zone->lock,
   * taking blocks from the cold tails of the lists.
   * v5.9/5.10 (profile.pcpDrainRoundRobin): round-robin over the migratetypes
   * starting after MIGRATE_UNMOVABLE (`migratetype = 0`, incremented before
   * use), `batch_free` pages a visit, growing with each empty list passed.
   * These kernels have no hint, so `pindexHint` is ignored there.
   * v5.13+: starting with list `pindexHint` ("Ensure requested pindex is drained
   * first"), each list is emptied before the next.
   * Blocks go back to the buddy with the pcplist's migratetype
   * (get_pcppage_migratetype, up to 6.1: profile.pcpDrainUsesListMigratetype)
   * or with their pageblock's (get_pfnblock_migratetype, 6.12+).
   */
  freePcppagesBulk(zone: Zone, pcpIdx: number, count: number, pindexHint: number): void {
    if (count <= 0 || this.count[pcpIdx]! <= 0) return;
    const f = this.frames;
    const n = this.nrPcpLists;
    const base = this.list(pcpIdx, 0);
    const v59 = this.profile.pcpDrainRoundRobin;
    const listMtOnly = this.profile.pcpDrainUsesListMigratetype;
    this.meter.ns += this.locks.acquire(zone.lock, this.meter.now()) + this.costs.spinLockUncontended;
    let pindex = v59 ? 0 : pindexHint - 1;
    let batchFree = 0;
    let freed = 0;
    const migratePcptypes = MIGRATE_PCPTYPES; // a local: V8 reloads module bindings in loops
    while (count > 0 && this.count[pcpIdx]! > 0) {
      let l: number;
      do {
        batchFree++;
        if (++pindex >= n) pindex = 0;
        l = base + pindex;
      } while (f.listLen[l] === 0);
      // v5.9: "This is the only non-empty list. Free them all." 6.x: always.
      if (!v59 || batchFree === n) batchFree = count;
      const order = (pindex / migratePcptypes) | 0;
      const listMt = pindex - order * migratePcptypes;
      do {
        const pfn = f.popTail(l);
        this.count[pcpIdx]! -= 1 << order;
        count -= 1 << order;
        freed += 1 << order;
        const mt = listMtOnly ? listMt : this.buddy.migratetypeOf(pfn);
        this.buddy.freeOneBlock(zone, pfn, order, mt);
        this.meter.ns += this.costs.freePcppagesBulkPerPage;
      } while (count > 0 && --batchFree > 0 && f.listLen[l]! > 0);
    }
    this.locks.release(zone.lock, this.meter.now());
    this.drains++;
    this.drainPages += freed;
  }

  /** drain_pages_zone(): empty one CPU's pcplists of a zone (6.x passes pindex 0). */
  drainZone(cpu: number, zone: Zone): void {
    const i = cpu * this.zones.length + zone.idx;
    if (this.count[i]! > 0) this.freePcppagesBulk(zone, i, this.count[i]!, 0);
  }

  /**
   * How many blocks rmqueue_bulk() should fetch on a miss: pcp->batch in 5.9;
   * nr_pcp_alloc() in 6.x (high grows by batch towards high_max unless the zone
   * is below its high watermark, and order-0 batches double while allocation
   * continues without frees: pcp->alloc_factor).
   */
  nrPcpAlloc(pcpIdx: number, zone: Zone, order: number): number {
    const baseBatch = this.batch[pcpIdx]!;
    if (!this.autoTune) {
      // 5.13-6.6 __rmqueue_pcplist(): "Scale batch relative to order if batch
      // implies free pages can be stored on the PCP" (order is 0 in 5.9/5.10).
      return baseBatch > 1 ? Math.max(baseBatch >> order, 2) : baseBatch;
    }
    const highMin = this.highMin[pcpIdx]!;
    const highMax = this.highMax[pcpIdx]!;
    let high = clamp(this.high[pcpIdx]!, highMin, highMax);
    this.high[pcpIdx] = high;
    if (high < baseBatch) return 1;
    let batch = order ? baseBatch : baseBatch << this.allocFactor[pcpIdx]!;
    if (highMin !== highMax && !zone.belowHigh) {
      high = Math.min(high + batch, highMax);
      this.high[pcpIdx] = high;
    }
    if (!order) {
      const maxNrAlloc = Math.max(high - this.count[pcpIdx]! - baseBatch, baseBatch);
      if (batch <= maxNrAlloc && this.allocFactor[pcpIdx]! < PCP_BATCH_SCALE_MAX) this.allocFactor[pcpIdx]!++;
      batch = Math.min(batch, maxNrAlloc);
    }
    if (batch > 1) batch = Math.max(batch >> order, 2);
    return batch;
  }

  /**
   * The count at which a free triggers free_pcppages_bulk: pcp->high in 5.9;
   * nr_pcp_high() in 6.x (shrinks towards high_min while the zone is below its
   * high watermark, grows to hold a batch of consecutive frees otherwise).
   */
  nrPcpHigh(pcpIdx: number, zone: Zone): number {
    if (this.autoTune) return this.nrPcpHighAutoTuned(pcpIdx, zone);
    const high = this.high[pcpIdx]!;
    // 5.14-6.6 nr_pcp_high(): "If reclaim is active, limit the number of pages
    // that can be stored on pcp lists": min(batch << 2, high).
    if (zone.reclaimActive && this.reclaimActiveCap) return Math.min(this.batch[pcpIdx]! << 2, high);
    return high;
  }

  /** nr_pcp_high() of 6.x. */
  private nrPcpHighAutoTuned(pcpIdx: number, zone: Zone): number {
    const highMin = this.highMin[pcpIdx]!;
    const highMax = this.highMax[pcpIdx]!;
    let high = clamp(this.high[pcpIdx]!, highMin, highMax);
    this.high[pcpIdx] = high;
    if (high === 0) return 0;
    // v6.7+ nr_pcp_high() (mm/page_alloc.c): while kswapd reclaims
    // (ZONE_RECLAIM_ACTIVE) pcp->high decays and at most 4 x batch stay.
    if (zone.reclaimActive) {
      const batch = this.batch[pcpIdx]!;
      this.high[pcpIdx] = Math.max(high - Math.max(this.freeCount[pcpIdx]!, batch), highMin);
      return Math.min(batch << 2, this.high[pcpIdx]!);
    }
    if (highMin === highMax) return high;
    const batch = this.batch[pcpIdx]!;
    if (zone.belowHigh) {
      const freeCount = Math.max(this.freeCount[pcpIdx]!, batch);
      this.high[pcpIdx] = Math.max(high - freeCount, highMin);
      high = Math.max(this.count[pcpIdx]!, highMin);
    } else if (this.count[pcpIdx]! >= high) {
      const needHigh = this.freeCount[pcpIdx]! + batch;
      if (this.high[pcpIdx]! < needHigh) this.high[pcpIdx] = clamp(needHigh, highMin, highMax);
    }
    return high;
  }

  /**
   * decay_pcp_high() (v6.7+, mm/page_alloc.c), which vmstat's
   * refresh_cpu_vm_stats() calls for each populated zone of the CPU about once
   * a second (sysctl_stat_interval) while the CPU's counters change: pcp->high
   * drops by 1/8 towards high_min (by at most what keeps batch <<
   * PCP_BATCH_SCALE_MAX pages above count), and pages above the new high go
   * back to the buddy through free_pcppages_bulk (pindex 0 first), under
   * pcp->lock. A no-op without auto-tuning (pcp->high fixed before v6.7).
   * Returns whether there is more to do (the kernel's `todo`).
   */
  decayPcpHigh(zone: Zone, pcpIdx: number): boolean {
    if (!this.autoTune) return false;
    let todo = false;
    const highMin = this.highMin[pcpIdx]!;
    const batch = this.batch[pcpIdx]!;
    const count = this.count[pcpIdx]!;
    const high = this.high[pcpIdx]!;
    if (high > highMin) {
      this.high[pcpIdx] = Math.max(count - (batch << PCP_BATCH_SCALE_MAX), high - (high >> 3), highMin);
      if (this.high[pcpIdx]! > highMin) todo = true;
    }
    const toDrain = count - this.high[pcpIdx]!;
    if (toDrain > 0) {
      const lock = this.lock[pcpIdx]!;
      if (lock >= 0) this.meter.ns += this.locks.acquire(lock, this.meter.now());
      this.freePcppagesBulk(zone, pcpIdx, toDrain, 0);
      if (lock >= 0) this.locks.release(lock, this.meter.now());
      todo = true;
    }
    return todo;
  }

  /**
   * nr_pcp_free() of v5.14-6.6 (6.1): with free_high everything; a disabled pcp
   * (high < batch) 1; else batch << free_factor, free_factor growing while below
   * high - batch, clamped to [batch, high - batch].
   */
  nrPcpFreeFactor(pcpIdx: number, high: number, freeHigh: boolean): number {
    if (freeHigh) return this.count[pcpIdx]!;
    let batch = this.batch[pcpIdx]!;
    if (high < batch) return 1;
    const minNrFree = batch;
    const maxNrFree = high - batch;
    batch <<= this.freeCount[pcpIdx]!;
    if (batch < maxNrFree) this.freeCount[pcpIdx]!++;
    return clamp(batch, minNrFree, maxNrFree);
  }

  /** How many pages free_pcppages_bulk gives back: batch in 5.9/5.10; nr_pcp_free() in 6.7+. */
  nrPcpFree(pcpIdx: number, high: number): number {
    const batch = this.batch[pcpIdx]!;
    if (!this.profile.pcpHighAutoTune) return batch;
    if (high < batch) return 1;
    return clamp(this.freeCount[pcpIdx]!, batch, high - batch);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
