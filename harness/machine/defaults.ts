/**
 * The machine a scenario gets for what it leaves out: the zone layout of a
 * given memory size, and vm.min_free_kbytes as the kernel computes it at boot
 * or as a /proc/zoneinfo capture implies it. Pure functions.
 */
import { PAGE_SIZE_KB, type ProfileName } from '../core/profile.ts';
import type { ZoneKind } from '../core/watermarks.ts';
import { bootMinFreeKbytes } from './min-free-kbytes.ts';

/** Pages in `mib` MiB of 4 KiB pages (rounded to the nearest page). */
export function mibToPages(mib: number): number {
  return Math.round((mib * 1024) / PAGE_SIZE_KB);
}

/**
 * The zones a machine of `memoryMiB` gets when the scenario gives none:
 * x86_64: DMA 16 MiB, DMA32 up to 3 GiB (the PCI hole sits below 4 GiB), Normal
 * the rest (possibly empty), and the empty Movable and Device zones a distro
 * kernel shows in /proc/zoneinfo; powerpc: Normal and an empty Movable. Firmware
 * and memmap reservations are not modelled (a real zone manages a little less).
 * The zones come in zone_idx order.
 */
export function defaultZones(memoryMiB: number, arch: 'x86_64' | 'powerpc'): { kind: ZoneKind; managedPages: number }[] {
  if (arch === 'powerpc') {
    return [
      { kind: 'Normal', managedPages: mibToPages(memoryMiB) },
      { kind: 'Movable', managedPages: 0 },
    ];
  }
  return [
    { kind: 'DMA', managedPages: mibToPages(16) },
    { kind: 'DMA32', managedPages: mibToPages(Math.max(0, Math.min(memoryMiB, 3072) - 16)) },
    { kind: 'Normal', managedPages: mibToPages(Math.max(0, memoryMiB - 3072)) },
    { kind: 'Movable', managedPages: 0 },
    { kind: 'Device', managedPages: 0 },
  ];
}

/**
 * min_free_kbytes as init_per_zone_wmark_min() computes it at boot, without
 * khugepaged: int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144]
 * (min-free-kbytes.ts bootMinFreeKbytes, which also models THP).
 */
export function kernelMinFreeKbytes(zones: readonly { kind: ZoneKind; managedPages: number }[], profile: ProfileName): number {
  return bootMinFreeKbytes(zones, profile, { thp: false }).minFreeKbytes;
}

/**
 * min_free_kbytes implied by a /proc/zoneinfo capture: 4 x the sum of the
 * lowmem zones' "min" watermarks (__setup_per_zone_wmarks splits
 * min_free_kbytes / 4 over them). undefined if the text has no "min" lines.
 */
export function minFreeKbytesFromZoneinfo(text: string): number | undefined {
  let kind = '';
  let sum = 0;
  let seen = false;
  let taken = false;
  for (const line of text.split('\n')) {
    const h = /^Node\s+\d+,\s+zone\s+(\S+)/.exec(line);
    if (h) {
      kind = h[1] ?? '';
      taken = false;
      continue;
    }
    const m = /^\s+min\s+(\d+)\s*$/.exec(line);
    if (m && !taken) {
      taken = true;
      seen = true;
      if (kind === 'DMA' || kind === 'DMA32' || kind === 'Normal') sum += Number(m[1]);
    }
  }
  return seen ? sum * PAGE_SIZE_KB : undefined;
}
