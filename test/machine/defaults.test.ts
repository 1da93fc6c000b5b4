import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultZones, kernelMinFreeKbytes, minFreeKbytesFromZoneinfo } from '../../harness/machine/defaults.ts';

describe('machine defaults', () => {
  it('min_free_kbytes as init_per_zone_wmark_min computes it, clamped', () => {
    const zones = (pages: number) => [{ kind: 'Normal' as const, managedPages: pages }];
    expect(kernelMinFreeKbytes(zones(100), '5.9')).toBe(128);
    expect(kernelMinFreeKbytes(zones(16384), '5.9')).toBe(1024); // 64 MiB
    // 262144 in the 5.10 source (linux-yocto-5.10 init_per_zone_wmark_min) and after
    expect(kernelMinFreeKbytes(zones(2 ** 30), '5.10')).toBe(262144);
    expect(kernelMinFreeKbytes(zones(2 ** 30), '7.2')).toBe(262144);
    // HighMem and Movable are not lowmem
    expect(kernelMinFreeKbytes([{ kind: 'Movable', managedPages: 2 ** 30 }, ...zones(16384)], '7.2')).toBe(1024);
  });

  it('default zones: x86-64 splits at 3 GiB, powerpc has one Normal zone', () => {
    expect(defaultZones(2048, 'x86_64').map((z) => z.managedPages)).toEqual([4096, 2032 * 256, 0, 0, 0]);
    expect(defaultZones(2048, 'powerpc')).toEqual([
      { kind: 'Normal', managedPages: 2048 * 256 },
      { kind: 'Movable', managedPages: 0 },
    ]);
  });

  it('min_free_kbytes from a zoneinfo text', () => {
    const text = readFileSync('test/fixtures/zoneinfo-6.18-2cpu.txt', 'utf8');
    const v = minFreeKbytesFromZoneinfo(text);
    expect(v).toBeGreaterThan(67000);
    expect(minFreeKbytesFromZoneinfo('nothing here')).toBeUndefined();
  });
});
