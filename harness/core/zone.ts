/**
 * struct zone: a range of frames with its own free lists, watermarks, lowmem
 * reserve and zone->lock. The model keeps managed pages only (holes and
 * memblock-reserved pages are not frames), laid out at a MAX_ORDER-aligned
 * start so buddy arithmetic (pfn ^ (1 << order)) never leaves the zone's block.
 */
import type { ZoneKind } from './watermarks.ts';

export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
/** MIGRATE_PCPTYPES: the migratetypes with a pcplist. MIGRATE_HIGHATOMIC, CMA and ISOLATE are not modelled. */
export const MIGRATE_PCPTYPES = 3;
export const MIGRATE_TYPES = 3;
export const MIGRATETYPE_NAMES = ['Unmovable', 'Movable', 'Reclaimable'] as const;

/** Watermark indices (enum zone_watermarks). */
export const WMARK_MIN = 0;
export const WMARK_LOW = 1;
export const WMARK_HIGH = 2;

export class Zone {
  /** NR_FREE_PAGES: pages on the buddy free lists (pcplists and reserves are not counted, as in the kernel). */
  nrFree = 0;
  /** _watermark[WMARK_MIN/LOW/HIGH] (+ promo, 6.x). */
  readonly wmark = new Int32Array(3);
  wmarkPromo = 0;
  /** lowmem_reserve[highest_zoneidx] ("protection" in /proc/zoneinfo). */
  lowmemReserve: Int32Array;
  /** ZONE_BELOW_HIGH (6.x pcp high auto-tuning) and kswapd state. */
  belowHigh = false;
  kswapdPending = false;
  /**
   * zone->watermark_boost (v5.0+): raised by boost_watermark() on a fallback
   * steal, added to every watermark check (wmark_pages(z, i) = _watermark[i] +
   * watermark_boost), taken back by balance_pgdat() when kswapd has reclaimed it.
   */
  watermarkBoost = 0;
  /** ZONE_BOOSTED_WATERMARK: rmqueue() wakes kswapd on its way out and clears it. */
  boostedWatermark = false;
  /** ZONE_RECLAIM_ACTIVE (v5.14+): set by balance_pgdat() while kswapd reclaims; nr_pcp_high() caps pcp->high. */
  reclaimActive = false;
  /** Lowest nrFree seen, for reports. */
  minFreeSeen: number;
  /**
   * The low and min watermarks the simulator's below-low / below-min clock
   * counts this zone against (Buddy.watchWatermarks(): _watermark[] without
   * the boost, for a populated zone); 0 while unwatched, so never below.
   */
  watchLow = 0;
  watchMin = 0;
  /** First frame after the zone (startPfn + managedPages). */
  readonly endPfn: number;

  constructor(
    readonly idx: number,
    readonly kind: ZoneKind,
    /** First frame of the zone in the model's frame table. */
    readonly startPfn: number,
    readonly managedPages: number,
    /** First list id of this zone's free_area[order].free_list[migratetype] lists. */
    readonly buddyListBase: number,
    /** Lock id of zone->lock (spinlock_t). */
    readonly lock: number,
    nrZones: number,
  ) {
    this.lowmemReserve = new Int32Array(nrZones);
    this.minFreeSeen = Number.MAX_SAFE_INTEGER;
    this.endPfn = startPfn + managedPages;
  }

  get name(): string {
    return this.kind;
  }
}
