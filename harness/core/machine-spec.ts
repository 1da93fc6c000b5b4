/**
 * MachineSpec: the machine the allocator core models, as plain data.
 *
 * One NUMA node. Zones are listed in zone_idx order and include empty ones:
 * an empty zone holds no frames but still counts for the watermark split
 * (__setup_per_zone_wmarks) and has a column in every lowmem_reserve[] array.
 */
import type { ZoneKind } from './watermarks.ts';

export interface MachineZoneSpec {
  kind: ZoneKind;
  /** zone_managed_pages(): pages the buddy allocator owns (present minus reserved). */
  managedPages: number;
  /**
   * Free blocks per order 0..MAX_PAGE_ORDER to start from (a /proc/buddyinfo row).
   * Absent: the core decides (e.g. all managed pages free).
   */
  initialFreeBlocks?: number[];
  /**
   * Pages on each CPU's pcplists of this zone at start: [cpu][pindex], pindex =
   * MIGRATE_PCPTYPES * order + migratetype as order_to_pindex() numbers the
   * lists (orders above the profile's pcp max order are ignored). The core takes
   * the blocks from the zone's allocated pages (or its free lists when nothing
   * is allocated). Absent: empty pcplists.
   */
  initialPcpLists?: number[][];
  /**
   * Free pages each migratetype's free lists must hold at start (index =
   * migratetype; /proc/buddyinfo has no split, /proc/pagetypeinfo has): the
   * core gives whole pageblocks holding free blocks that type, from the zone's
   * end down, until each has at least that many. Absent: every free block
   * movable (as memblock_free_all leaves them).
   */
  initialFreeByMigratetype?: number[];
  /** pcp->high of each CPU at start (zoneinfo's pageset `high`); absent: the profile's starting high. */
  initialPcpHigh?: number[];
}

export interface MachineSpec {
  /** CPUs of the node (and online CPUs: the model has one node). */
  cpus: number;
  /** vm.min_free_kbytes */
  minFreeKbytes: number;
  /** vm.watermark_scale_factor (default 10: the kswapd step is 0.1% of the zone) */
  watermarkScaleFactor: number;
  /** vm.lowmem_reserve_ratio, one value per zone of `zones`, same order. */
  lowmemReserveRatio: number[];
  zones: MachineZoneSpec[];
}

/**
 * vm.lowmem_reserve_ratio on x86-64 (zones DMA, DMA32, Normal, Movable, Device),
 * the same in 6.x and 5.9: sysctl_lowmem_reserve_ratio[] = { [ZONE_DMA] = 256,
 * [ZONE_DMA32] = 256, [ZONE_NORMAL] = 32, [ZONE_HIGHMEM] = 0, [ZONE_MOVABLE] = 0 }
 * in both (ZONE_DEVICE is left 0). On a 32-bit 5.9 machine (DMA, Normal, HighMem,
 * Movable) the same table gives 256 32 0 0. See LOWMEM_RESERVE_RATIO_DEFAULT for
 * the per-zone table.
 */
export const DEFAULT_LOWMEM_RESERVE_RATIO: readonly number[] = [256, 256, 32, 0, 0];
