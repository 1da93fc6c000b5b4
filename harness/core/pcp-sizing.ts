/**
 * Per-CPU pageset sizing (pcp->batch, pcp->high) as mm/page_alloc.c sets it.
 *
 * Pure functions. Sources: 5.9/5.10 from WindRiver-Labs/linux-yocto-5.10
 * mm/page_alloc.c (zone_batchsize, pageset_set_batch, pageset_set_high,
 * pageset_set_high_and_batch); 6.1 from a linux-6.1.y mm/page_alloc.c
 * (zone_highsize with percpu_pagelist_high_fraction, zone_set_pageset_high_and_batch:
 * one fixed high, v5.14-6.6); 6.12/7.2 from a v6.7+ mm/page_alloc.c
 * (zone_highsize(high_fraction), zone_set_pageset_high_and_batch: high_min and
 * high_max), checked against the lab's captures.
 */
import type { ProfileName } from './profile.ts';
import { PAGE_SIZE_KB, PROFILES } from './profile.ts';

/**
 * MIN_PERCPU_PAGELIST_HIGH_FRACTION (6.x) and MIN_PERCPU_PAGELIST_FRACTION (5.9):
 * both 8. In 6.x it is also the fraction that sizes high_max.
 */
export const MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;

/** PAGE_SHIFT for the 4 KiB pages of the model (pageset_set_high caps batch at PAGE_SHIFT * 8). */
const PAGE_SHIFT = 10 + Math.log2(PAGE_SIZE_KB);

function assertCount(what: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative integer, got ${v}`);
}

/** rounddown_pow_of_two(n) for n >= 1 (include/linux/log2.h). */
function rounddownPowOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * Models zone_batchsize() (mm/page_alloc.c), the same formula in 5.9 and 6.x:
 *   batch = min(managed >> 10, SZ_1M / PAGE_SIZE) / 4, at least 1,
 *   then rounddown_pow_of_two(batch + batch / 2) - 1   (a 2^n - 1 value, for cache colouring)
 * Callers may rely on: an integer of the form 2^n - 1, 0..63 with 4 KiB pages;
 * 0 when managed < 8192 pages (32 MiB), which callers store as a batch of 1.
 */
export function zoneBatchsize(managedPages: number): number {
  assertCount('managed pages', managedPages);
  // managed >> 10, written as a division: >> is 32-bit in JavaScript.
  let batch = Math.min(Math.floor(managedPages / 1024), 1024 / PAGE_SIZE_KB);
  batch = Math.floor(batch / 4); // "We effectively *= 4 below"
  if (batch < 1) batch = 1;
  return rounddownPowOfTwo(batch + Math.floor(batch / 2)) - 1;
}

export interface PcpSizing {
  /** pcp->batch as stored: never 0. */
  batch: number;
  /**
   * pcp->high the model starts with. 5.9/5.10/6.1: the fixed high, as /proc/zoneinfo
   * prints it. 6.7+: high_min, which is where the kernel's pcp->high lands on the
   * first nr_pcp_high()/nr_pcp_alloc() (both clamp pcp->high into [high_min,
   * high_max]); the printed value moves at run time.
   */
  high: number;
  /** pcp->high_min (6.7+); equal to high before, where high is fixed. */
  highMin: number;
  /** pcp->high_max (6.7+); equal to high before, where there is no auto-tuning. */
  highMax: number;
}

/**
 * zone_highsize() (6.x): total_pages / nr_split_cpus, at least batch * 4.
 * total_pages is the low watermark when high_fraction is 0, else managed / high_fraction.
 */
function zoneHighsize(managedPages: number, lowWmark: number, batch: number, cpus: number, highFraction: number): number {
  const totalPages = highFraction === 0 ? lowWmark : Math.floor(managedPages / highFraction);
  return Math.max(Math.floor(totalPages / cpus), batch * 4);
}

/**
 * pcp batch and high of a populated zone, per profile.
 *
 * 5.9/5.10, pageset_set_high_and_batch():
 * - percpu_pagelist_fraction 0 (default): pageset_set_batch(zone_batchsize):
 *   high = 6 * batch, stored batch = max(1, batch). A tiny zone (batch 0)
 *   gets high 0 and batch 1, which in effect disables its pcplist.
 * - otherwise pageset_set_high(managed / fraction): batch = max(1, high / 4),
 *   capped at PAGE_SHIFT * 8. Here `percpuPagelistHighFraction` is read as 5.9's
 *   percpu_pagelist_fraction (same minimum, 8, different meaning).
 * 6.1, zone_set_pageset_high_and_batch() (v5.14-6.6):
 * - batch = max(1, zone_batchsize), high = zone_highsize(): (fraction 0) low
 *   watermark, else managed / fraction, split over `cpusOfNode`, at least
 *   batch * 4. One fixed value: zoneinfo prints it as "high".
 * 6.12/7.2, zone_set_pageset_high_and_batch() (v6.7+):
 * - batch = max(1, zone_batchsize)
 * - fraction 0: high_min = zone_highsize(low watermark), high_max = zone_highsize(managed / 8)
 * - fraction set: high_min = high_max = zone_highsize(managed / fraction) (auto-tuning off)
 *   where zone_highsize splits over `cpusOfNode` (the kernel's
 *   cpumask_weight(cpumask_of_node(nid)); for a node without CPUs it uses
 *   num_online_cpus(), so pass that) and is at least batch * 4.
 *
 * `zone.lowWmark` is only used by 6.1+. Unpopulated zones keep the boot pageset
 * (high 0, batch 1) in the kernel and should not be sized with this.
 * Throws RangeError for a fraction in 1..7 (the sysctl rejects it with -EINVAL)
 * or cpusOfNode < 1.
 */
export function pcpHighAndBatch(
  profile: ProfileName,
  zone: { managedPages: number; lowWmark: number },
  cpusOfNode: number,
  percpuPagelistHighFraction = 0,
): PcpSizing {
  assertCount('managed pages', zone.managedPages);
  assertCount('low watermark', zone.lowWmark);
  assertCount('percpu_pagelist_high_fraction', percpuPagelistHighFraction);
  if (!Number.isSafeInteger(cpusOfNode) || cpusOfNode < 1) {
    throw new RangeError(`cpusOfNode must be a positive integer, got ${cpusOfNode}`);
  }
  const fraction = percpuPagelistHighFraction;
  if (fraction !== 0 && fraction < MIN_PERCPU_PAGELIST_HIGH_FRACTION) {
    throw new RangeError(`percpu pagelist fraction must be 0 or >= ${MIN_PERCPU_PAGELIST_HIGH_FRACTION}, got ${fraction}`);
  }

  const sizing = PROFILES[profile].pcpSizing;
  if (sizing === 'high-6x-batch') {
    if (fraction !== 0) {
      // pageset_set_high()
      const high = Math.floor(zone.managedPages / fraction);
      let batch = Math.max(1, Math.floor(high / 4));
      if (Math.floor(high / 4) > PAGE_SHIFT * 8) batch = PAGE_SHIFT * 8;
      return { batch, high, highMin: high, highMax: high };
    }
    // pageset_set_batch(): pageset_update(&p->pcp, 6 * batch, max(1UL, 1 * batch))
    const b = zoneBatchsize(zone.managedPages);
    const high = 6 * b;
    return { batch: Math.max(1, b), high, highMin: high, highMax: high };
  }

  const batch = Math.max(1, zoneBatchsize(zone.managedPages));
  if (sizing === 'zone-highsize') {
    const high = zoneHighsize(zone.managedPages, zone.lowWmark, batch, cpusOfNode, fraction);
    return { batch, high, highMin: high, highMax: high };
  }
  let highMin: number;
  let highMax: number;
  if (fraction !== 0) {
    highMin = zoneHighsize(zone.managedPages, zone.lowWmark, batch, cpusOfNode, fraction);
    highMax = highMin;
  } else {
    highMin = zoneHighsize(zone.managedPages, zone.lowWmark, batch, cpusOfNode, 0);
    highMax = zoneHighsize(zone.managedPages, zone.lowWmark, batch, cpusOfNode, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
  }
  return { batch, high: highMin, highMin, highMax };
}
