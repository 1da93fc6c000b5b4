/**
 * vm.min_free_kbytes from first principles, as a booting kernel sets it.
 *
 * 1. init_per_zone_wmark_min() (calculate_min_free_kbytes() in 6.x), an initcall:
 *      lowmem_kbytes   = nr_free_buffer_pages() * (PAGE_SIZE >> 10)
 *      min_free_kbytes = clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144)
 *    then setup_per_zone_wmarks(). nr_free_buffer_pages() sums, over the zones
 *    GFP_USER may use (up to ZONE_NORMAL), managed - high watermark; the
 *    watermarks are still 0 at this first call. (mm/page_alloc.c, read in
 *    linux-yocto-5.10; the 262144 clamp since v5.7, 65536 before.)
 * 2. With THP, khugepaged's set_recommended_min_free_kbytes() (hugepage_init(),
 *    a later initcall) raises it, unless hugepage_init() found less than 512 MiB
 *    of RAM (totalram_pages() < 512 MiB: "disable transparent hugepages on
 *    smaller systems", khugepaged never starts; seen on 5.10 at 512 MiB), to
 *      recommended = pageblock_nr_pages * nr_zones * 2
 *                  + pageblock_nr_pages * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES
 *    (nr_zones: populated zones up to ZONE_NORMAL), capped at 5% of lowmem,
 *    min(recommended, nr_free_buffer_pages() / 20), where nr_free_buffer_pages()
 *    now subtracts the high watermarks that step 1 set; in KiB, and only if
 *    above step 1's value (mm/khugepaged.c).
 *
 * Debian's non-RT kernels have THP (so 2 populated zones give 45056, 3 give
 * 67584); its RT kernels do not.
 *
 * Pure functions. The zones' managed pages are those at the time of the
 * initcalls: a booted machine frees its initrd and __init memory later, so a
 * capture's final "managed" is a few MiB above what the kernel saw then
 * (bootFreedPages below).
 */
import { PAGEBLOCK_NR_PAGES, PAGE_SIZE_KB, PROFILES, type ProfileName } from '../core/profile.ts';
import { setupPerZoneWmarks, type ZoneKind } from '../core/watermarks.ts';

/** MIGRATE_PCPTYPES (include/linux/mmzone.h). */
const MIGRATE_PCPTYPES = 3;
/** init_per_zone_wmark_min()'s lower clamp. */
export const MIN_FREE_KBYTES_FLOOR = 128;

export interface MinFreeZone {
  readonly kind: ZoneKind;
  readonly managedPages: number;
}

export interface MinFreeOptions {
  /** CONFIG_TRANSPARENT_HUGEPAGE with khugepaged started (Debian: on for non-RT kernels, off for RT). */
  thp: boolean;
  /** vm.watermark_scale_factor at boot (10 unless given on the command line). */
  watermarkScaleFactor?: number;
  /**
   * Pages of the lowmem zones freed after the initcalls ran (initrd, __init
   * sections), to be subtracted from the final managed counts. Default 0.
   */
  bootFreedPages?: number;
}

export interface MinFreeBreakdown {
  /** nr_free_buffer_pages() at init_per_zone_wmark_min() (watermarks 0). */
  lowmemPages: number;
  /** int_sqrt(lowmem_kbytes * 16), clamped. */
  calculated: number;
  /** khugepaged's recommendation in KiB before the 5% cap; 0 without THP. */
  recommended: number;
  /** 5% of nr_free_buffer_pages() at khugepaged time, in KiB; 0 without THP. */
  lowmemCap: number;
  /** THP was built in but hugepage_init() turned it off: less than 512 MiB of RAM. */
  thpOffSmallRam: boolean;
  /** The resulting vm.min_free_kbytes. */
  minFreeKbytes: number;
}

/** int_sqrt(x) (lib/math/int_sqrt.c): floor(sqrt(x)) for x >= 0, exact for safe integers. */
export function intSqrt(x: number): number {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`int_sqrt needs a non-negative integer, got ${x}`);
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

/** Zones GFP_USER may allocate from: gfp_zone(GFP_USER) is ZONE_NORMAL. */
function isBufferZone(kind: ZoneKind): boolean {
  return kind === 'DMA' || kind === 'DMA32' || kind === 'Normal';
}

/**
 * The min_free_kbytes a kernel of `profile` sets at boot on a machine with these
 * zones (all zones of the node, in zone_idx order, empty ones included).
 * Callers may rely on: an integer in [128, profile's max] without THP; with THP
 * at least that; the breakdown of how it came about.
 */
export function bootMinFreeKbytes(zones: readonly MinFreeZone[], profile: ProfileName, opts: MinFreeOptions): MinFreeBreakdown {
  let freed = opts.bootFreedPages ?? 0;
  // The freed pages come off the highest populated lowmem zone (where the initrd sits).
  const managed = zones.map((z) => z.managedPages);
  for (let i = zones.length - 1; i >= 0 && freed > 0; i--) {
    const z = zones[i];
    if (!z || !isBufferZone(z.kind) || (managed[i] ?? 0) === 0) continue;
    const take = Math.min(freed, managed[i] ?? 0);
    managed[i] = (managed[i] ?? 0) - take;
    freed -= take;
  }
  const bootZones = zones.map((z, i) => ({ kind: z.kind, managedPages: managed[i] ?? 0 }));

  // init_per_zone_wmark_min(): nr_free_buffer_pages() with every watermark at 0.
  let lowmemPages = 0;
  for (const z of bootZones) if (isBufferZone(z.kind)) lowmemPages += z.managedPages;
  const calculated = Math.min(Math.max(intSqrt(lowmemPages * PAGE_SIZE_KB * 16), MIN_FREE_KBYTES_FLOOR), PROFILES[profile].minFreeKbytesMax);
  // hugepage_init(): totalram_pages() < (512 << (20 - PAGE_SHIFT)) turns THP off.
  let totalram = 0;
  for (const z of bootZones) totalram += z.managedPages;
  const thpOffSmallRam = opts.thp && totalram < (512 * 1024) / PAGE_SIZE_KB;
  if (!opts.thp || thpOffSmallRam) return { lowmemPages, calculated, recommended: 0, lowmemCap: 0, thpOffSmallRam, minFreeKbytes: calculated };

  // set_recommended_min_free_kbytes(): nr_free_buffer_pages() now less the high watermarks.
  const wm = setupPerZoneWmarks(bootZones, calculated, opts.watermarkScaleFactor ?? 10, profile);
  let bufferPages = 0;
  let nrZones = 0;
  bootZones.forEach((z, i) => {
    if (!isBufferZone(z.kind)) return;
    const high = wm[i]?.high ?? 0;
    if (z.managedPages > high) bufferPages += z.managedPages - high;
    if (z.managedPages > 0) nrZones++;
  });
  const recommendedPages = PAGEBLOCK_NR_PAGES * nrZones * 2 + PAGEBLOCK_NR_PAGES * nrZones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
  const capPages = Math.floor(bufferPages / 20);
  const recommendedKb = Math.min(recommendedPages, capPages) * PAGE_SIZE_KB;
  return {
    lowmemPages,
    calculated,
    recommended: recommendedPages * PAGE_SIZE_KB,
    lowmemCap: capPages * PAGE_SIZE_KB,
    thpOffSmallRam,
    minFreeKbytes: recommendedKb > calculated ? recommendedKb : calculated,
  };
}

/** Debian's default: THP on in its non-RT kernels, off in its PREEMPT_RT ones. */
export function debianThpDefault(preemptRt: boolean): boolean {
  return !preemptRt;
}

/**
 * KiB of lowmem a boot freed after init_per_zone_wmark_min() ran, read from the
 * kernel's log: every "Freeing <what> memory: <N>K" line (the initrd, rootfs
 * unpacking; the __init sections, the text/rodata and rodata/data gaps and the
 * unused decrypted memory, free_initmem() and mark_rodata_ro() at the end of
 * boot) except "SMP alternatives", freed in start_kernel() before any initcall.
 * Callers may rely on: 0 when the log has no such line.
 */
export function bootFreedKbFromLog(log: string): number {
  let kb = 0;
  for (const m of log.matchAll(/Freeing ([^\n:]*?) memory: (\d+)K/g)) {
    if (/SMP alternatives/i.test(m[1] ?? '')) continue;
    kb += Number(m[2]);
  }
  return kb;
}
