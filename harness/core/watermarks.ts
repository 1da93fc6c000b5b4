/**
 * Zone watermarks and lowmem reserves, computed the way mm/page_alloc.c does.
 *
 * Pure functions: no state, no I/O. Sources read for this file:
 * - 6.x: __setup_per_zone_wmarks() and setup_per_zone_lowmem_reserve() of a
 *   current mainline mm/page_alloc.c (the form confirmed by the 6.18 capture in
 *   test/fixtures/zoneinfo-6.18-2cpu.txt).
 * - 5.9: the same functions in WindRiver-Labs/linux-yocto-5.10 mm/page_alloc.c
 *   (watermarks, pcp sizing). For the lowmem reserve loop, that tree already has
 *   Lorenzo Stoakes' refactor (posted Nov 2020, after 5.9), so the 5.9 loop is
 *   taken from the patch it replaced: Baoquan He's "mm/page_alloc.c: clear out
 *   zone->lowmem_reserve[] if the zone is empty" (posted Apr 2020, in v5.8 as
 *   far as could be checked; no 5.9 tree was at hand to confirm).
 */
import type { ProfileName } from './profile.ts';
import { NEWEST_PROFILE, PAGE_SIZE_KB, PROFILES } from './profile.ts';

/** Zone names as the kernel prints them (zone_names[] in mm/page_alloc.c), in zone_idx order. */
export type ZoneKind = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable' | 'Device';

/** Every ZoneKind in enum zone_type order; a node's zones always appear in this order. */
export const ZONE_KINDS: readonly ZoneKind[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];

/** SWAP_CLUSTER_MAX (include/linux/swap.h): the floor of a capped min watermark. */
export const SWAP_CLUSTER_MAX = 32;

/**
 * Default sysctl_lowmem_reserve_ratio by zone (the designated initialiser in
 * mm/page_alloc.c): DMA 256, DMA32 256, Normal 32, HighMem 0, Movable 0, and
 * ZONE_DEVICE unlisted, so 0. Identical in 5.9 and 6.x, which on x86-64
 * (DMA, DMA32, Normal, Movable, Device) prints as "256 256 32 0 0".
 */
export const LOWMEM_RESERVE_RATIO_DEFAULT: Readonly<Record<ZoneKind, number>> = {
  DMA: 256,
  DMA32: 256,
  Normal: 32,
  HighMem: 0,
  Movable: 0,
  Device: 0,
};

export interface ZoneWatermarks {
  /** WMARK_MIN */
  min: number;
  /** WMARK_LOW */
  low: number;
  /** WMARK_HIGH */
  high: number;
  /** WMARK_PROMO (v6.1+). 5.9/5.10 have no such watermark; there it is computed as 6.1 would, for shape only. */
  promo: number;
}

export interface WatermarkZone {
  readonly kind: ZoneKind;
  readonly managedPages: number;
}

function assertCount(what: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative integer, got ${v}`);
}

/** mult_frac(x, numer, denom) (include/linux/math.h): x * numer / denom without overflowing x * numer. */
export function multFrac(x: number, numer: number, denom: number): number {
  const quot = Math.floor(x / denom);
  const rem = x % denom;
  return quot * numer + Math.floor((rem * numer) / denom);
}

/**
 * Models __setup_per_zone_wmarks() (mm/page_alloc.c).
 *
 *   pages_min    = min_free_kbytes >> (PAGE_SHIFT - 10)
 *   lowmem_pages = managed pages of every zone that is not HighMem (6.x: and not Movable)
 *   tmp          = pages_min * managed / lowmem_pages          (u64, do_div)
 *   min          = HighMem (6.x: or Movable): clamp(managed / 1024, SWAP_CLUSTER_MAX, 128)
 *                  otherwise: tmp
 *   step         = max(tmp >> 2, mult_frac(managed, watermark_scale_factor, 10000))
 *   low = min + step, high = low + step, promo = high + step
 *
 * Note the step uses tmp, the proportional share, even for capped zones: an empty
 * Movable zone gets min = low = high = promo = 32 in 6.x.
 *
 * Profile differences (found in the sources, not in REFERENCE.md):
 * - 5.9, 5.10 and 6.1 count ZONE_MOVABLE as lowmem and give it the proportional
 *   min: an empty Movable zone gets min = low = high = promo = 0 (the 6.1 source,
 *   `if (is_highmem(zone))` only, and every 6.1 capture). The HighMem-style cap
 *   for Movable came with a later patch ("cap pages_min to a small value ...
 *   just like ZONE_HIGHMEM"); the 6.12 and 7.2 captures show it
 *   (profile.movableMinCapped).
 * - 5.9/5.10 have no WMARK_PROMO (added with memory tiering, v6.1); high is
 *   written there as min + 2 * step, which is the same number.
 *
 * `zones` must be every zone the kernel walks with for_each_zone(): all zones of
 * all nodes, empty ones included (they add 0 to lowmem_pages). With
 * lowmem_pages = 0 (only HighMem/Movable zones, which no real kernel boots with)
 * the kernel would divide by zero; here tmp is 0.
 *
 * Callers may rely on: one result per input zone, same order; integers;
 * min <= low <= high <= promo.
 */
export function setupPerZoneWmarks(
  zones: readonly WatermarkZone[],
  minFreeKbytes: number,
  watermarkScaleFactor: number,
  profile: ProfileName = NEWEST_PROFILE,
): ZoneWatermarks[] {
  assertCount('min_free_kbytes', minFreeKbytes);
  assertCount('watermark_scale_factor', watermarkScaleFactor);
  for (const z of zones) assertCount(`managed pages of zone ${z.kind}`, z.managedPages);

  // min_free_kbytes >> (PAGE_SHIFT - 10)
  const pagesMin = Math.floor(minFreeKbytes / PAGE_SIZE_KB);
  // is_highmem(zone) || zone_idx(zone) == ZONE_MOVABLE in 6.12+; is_highmem(zone) only up to 6.1.
  const movableCapped = PROFILES[profile].movableMinCapped;
  const capped = (kind: ZoneKind): boolean => kind === 'HighMem' || (movableCapped && kind === 'Movable');

  let lowmemPages = 0;
  for (const z of zones) if (!capped(z.kind)) lowmemPages += z.managedPages;

  return zones.map((z) => {
    // u64 arithmetic: pages_min * managed can pass 2^53 on large machines.
    const tmp =
      lowmemPages === 0 ? 0 : Number((BigInt(pagesMin) * BigInt(z.managedPages)) / BigInt(lowmemPages));
    let min: number;
    if (capped(z.kind)) {
      // __GFP_HIGH and PF_MEMALLOC allocations rarely need these zones, so their min is kept small.
      min = Math.min(Math.max(Math.floor(z.managedPages / 1024), SWAP_CLUSTER_MAX), 128);
    } else {
      min = tmp;
    }
    const step = Math.max(Math.floor(tmp / 4), multFrac(z.managedPages, watermarkScaleFactor, 10000));
    return { min, low: min + step, high: min + 2 * step, promo: min + 3 * step };
  });
}

/**
 * Models setup_per_zone_lowmem_reserve() (mm/page_alloc.c): returns, per zone,
 * its lowmem_reserve[] array, which /proc/zoneinfo prints as "protection: (...)".
 * Entry [i][j] is how many pages zone i keeps back from an allocation whose
 * highest usable zone is j (j > i); entries j <= i are 0.
 *
 * 5.10+ (Lorenzo Stoakes' refactor, read in linux-yocto-5.10 and 6.x):
 *   for i in 0..n-2: clear = !ratio[i] || !managed[i]
 *     for j in i+1..n-1: sum += managed[j]; reserve[i][j] = clear ? 0 : sum / ratio[i]
 * 5.9 (Baoquan He's form, walking down from each upper zone j):
 *   sum = managed[j]; for idx = j-1 down to 0:
 *     if (!ratio[idx] || !managed[idx]) { reserve[idx][j] = 0; continue }   <- skips the += below
 *     reserve[idx][j] = sum / ratio[idx]; sum += managed[idx]
 * The two differ only when a populated zone between i and j has ratio 0: 5.9
 * leaves its pages out of the sum (e.g. a populated Movable zone with the
 * default ratio 0 is missing from DMA's protection against Device).
 *
 * `zones` are the zones of ONE node in zone_idx order, all of them (the kernel
 * sizes the array MAX_NR_ZONES); `ratios[i]` is sysctl_lowmem_reserve_ratio for
 * zone i (0 means no protection). Callers may rely on: an n x n array of
 * non-negative integers, zero on and below the diagonal.
 */
export function setupPerZoneLowmemReserve(
  zones: readonly WatermarkZone[],
  ratios: readonly number[],
  profile: ProfileName = NEWEST_PROFILE,
): number[][] {
  const n = zones.length;
  if (ratios.length !== n) {
    throw new RangeError(`lowmem_reserve_ratio needs one value per zone (${n}), got ${ratios.length}`);
  }
  for (const z of zones) assertCount(`managed pages of zone ${z.kind}`, z.managedPages);
  ratios.forEach((r, i) => assertCount(`lowmem_reserve_ratio[${i}]`, r));

  const managed = (i: number): number => zones[i]?.managedPages ?? 0;
  const ratio = (i: number): number => ratios[i] ?? 0;
  const reserve: number[][] = zones.map(() => new Array<number>(n).fill(0));
  const set = (i: number, j: number, v: number): void => {
    const row = reserve[i];
    if (row) row[j] = v;
  };

  if (PROFILES[profile].lowmemReserveForm === 'clear') {
    for (let i = 0; i < n - 1; i++) {
      const clear = ratio(i) === 0 || managed(i) === 0;
      let sum = 0;
      for (let j = i + 1; j < n; j++) {
        sum += managed(j);
        set(i, j, clear ? 0 : Math.floor(sum / ratio(i)));
      }
    }
  } else {
    for (let j = 0; j < n; j++) {
      let sum = managed(j);
      for (let idx = j - 1; idx >= 0; idx--) {
        if (ratio(idx) === 0 || managed(idx) === 0) {
          set(idx, j, 0);
          continue;
        }
        set(idx, j, Math.floor(sum / ratio(idx)));
        sum += managed(idx);
      }
    }
  }
  return reserve;
}
