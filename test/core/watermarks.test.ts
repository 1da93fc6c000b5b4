import { describe, expect, it } from 'vitest';
import {
  LOWMEM_RESERVE_RATIO_DEFAULT,
  multFrac,
  setupPerZoneLowmemReserve,
  setupPerZoneWmarks,
  type WatermarkZone,
} from '../../harness/core/watermarks.ts';
import { pcpHighAndBatch, zoneBatchsize } from '../../harness/core/pcp-sizing.ts';

// The zones of the 6.18 capture (test/fixtures/zoneinfo-6.18-2cpu.txt), typed in
// here to check the arithmetic by hand; zoneinfo.test.ts checks the capture itself.
const X86_ZONES: WatermarkZone[] = [
  { kind: 'DMA', managedPages: 3840 },
  { kind: 'DMA32', managedPages: 772915 },
  { kind: 'Normal', managedPages: 163840 },
  { kind: 'Movable', managedPages: 0 },
  { kind: 'Device', managedPages: 0 },
];
const RATIOS = [256, 256, 32, 0, 0];

describe('setupPerZoneWmarks (__setup_per_zone_wmarks)', () => {
  it('splits min_free_kbytes over lowmem zones by managed pages (6.x)', () => {
    // pages_min = 67584 >> 2 = 16896; lowmem_pages = 3840 + 772915 + 163840 = 940595
    // DMA32: tmp = 16896 * 772915 / 940595 = 13883; step = max(13883 >> 2 = 3470, 772915 * 10 / 10000 = 772) = 3470
    // DMA:   tmp = 68, step = max(17, 3) = 17.  Normal: tmp = 2943, step = max(735, 163) = 735
    // Movable (empty): min = clamp(0 / 1024, 32, 128) = 32, tmp = 0 so step = 0.  Device (empty, lowmem): 0.
    expect(setupPerZoneWmarks(X86_ZONES, 67584, 10)).toEqual([
      { min: 68, low: 85, high: 102, promo: 119 },
      { min: 13883, low: 17353, high: 20823, promo: 24293 },
      { min: 2943, low: 3678, high: 4413, promo: 5148 },
      { min: 32, low: 32, high: 32, promo: 32 },
      { min: 0, low: 0, high: 0, promo: 0 },
    ]);
  });

  it('gives an empty Movable zone min 0 under 5.9 (Movable counted as lowmem then)', () => {
    const wm = setupPerZoneWmarks(X86_ZONES, 67584, 10, '5.9');
    expect(wm[3]).toEqual({ min: 0, low: 0, high: 0, promo: 0 });
    expect(wm[1]).toEqual({ min: 13883, low: 17353, high: 20823, promo: 24293 });
  });

  it('caps a populated Movable zone in 6.x but not in 5.9', () => {
    const zones: WatermarkZone[] = [...X86_ZONES.slice(0, 3), { kind: 'Movable', managedPages: 262144 }, { kind: 'Device', managedPages: 0 }];
    // 6.x: lowmem_pages stays 940595; Movable tmp = 16896 * 262144 / 940595 = 4708,
    // min = clamp(262144 / 1024 = 256, 32, 128) = 128, step = max(4708 >> 2 = 1177, 262) = 1177
    const six = setupPerZoneWmarks(zones, 67584, 10, '7.2');
    expect(six[3]).toEqual({ min: 128, low: 1305, high: 2482, promo: 3659 });
    expect(six[1]).toEqual({ min: 13883, low: 17353, high: 20823, promo: 24293 });
    // 5.9: lowmem_pages = 1202739, so every share shrinks and Movable gets its own:
    // DMA32 tmp = 16896 * 772915 / 1202739 = 10857 (step 2714); Movable tmp = 3682 (step 920)
    const old = setupPerZoneWmarks(zones, 67584, 10, '5.9');
    expect(old[1]).toEqual({ min: 10857, low: 13571, high: 16285, promo: 18999 });
    expect(old[3]).toEqual({ min: 3682, low: 4602, high: 5522, promo: 6442 });
  });

  it('caps HighMem at 128 but steps it by its proportional share', () => {
    // 32-bit box: pages_min = 1024, lowmem = 3968 + 187264 = 191232
    // HighMem tmp = 1024 * 827392 / 191232 = 4430 -> step max(1107, 827) = 1107; min = clamp(808, 32, 128) = 128
    const wm = setupPerZoneWmarks(
      [
        { kind: 'DMA', managedPages: 3968 },
        { kind: 'Normal', managedPages: 187264 },
        { kind: 'HighMem', managedPages: 827392 },
      ],
      4096,
      10,
    );
    expect(wm).toEqual([
      { min: 21, low: 26, high: 31, promo: 36 },
      { min: 1002, low: 1252, high: 1502, promo: 1752 },
      { min: 128, low: 1235, high: 2342, promo: 3449 },
    ]);
  });

  it('handles lowmem_pages = 0 without dividing by zero', () => {
    // tmp = 0; min = clamp(0, 32, 128) = 32; step = mult_frac(1000, 10, 10000) = 1
    expect(setupPerZoneWmarks([{ kind: 'HighMem', managedPages: 1000 }], 4096, 10)).toEqual([{ min: 32, low: 33, high: 34, promo: 35 }]);
  });

  it('uses mult_frac rounding for the scale-factor step', () => {
    expect(multFrac(9999, 10, 10000)).toBe(9);
    expect(multFrac(772915, 10, 10000)).toBe(772);
    // a single lowmem zone takes all of pages_min: tmp = 1, step = max(0, 9) = 9
    expect(setupPerZoneWmarks([{ kind: 'Normal', managedPages: 9999 }], 4, 10)).toEqual([{ min: 1, low: 10, high: 19, promo: 28 }]);
  });

  it('stays exact past 2^53 in pages_min * managed', () => {
    // pages_min = (2^31 - 1) >> 2 = 536870911; the product passes 2^61
    const wm = setupPerZoneWmarks(
      [
        { kind: 'DMA32', managedPages: 1000003 },
        { kind: 'Normal', managedPages: 4294967291 },
      ],
      2 ** 31 - 1,
      10,
    );
    expect(wm[0]?.min).toBe(124971);
    expect(wm[1]?.min).toBe(536745939);
    expect(wm[1]?.low).toBe(536745939 + 134186484);
  });

  it('rejects nonsense input', () => {
    expect(() => setupPerZoneWmarks(X86_ZONES, -1, 10)).toThrow(RangeError);
    expect(() => setupPerZoneWmarks([{ kind: 'DMA', managedPages: 1.5 }], 1024, 10)).toThrow(RangeError);
  });
});

describe('setupPerZoneLowmemReserve (setup_per_zone_lowmem_reserve)', () => {
  it('matches the protection arrays of the 6.18 capture', () => {
    // DMA: 772915 / 256 = 3019, (772915 + 163840) / 256 = 3659, empty Movable/Device add 0
    // DMA32: 163840 / 256 = 640.  Normal (ratio 32): only empty zones above it -> 0.
    const expected = [
      [0, 3019, 3659, 3659, 3659],
      [0, 0, 640, 640, 640],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ];
    expect(setupPerZoneLowmemReserve(X86_ZONES, RATIOS)).toEqual(expected);
    expect(setupPerZoneLowmemReserve(X86_ZONES, RATIOS, '5.9')).toEqual(expected);
  });

  it('clears the row of an empty lower zone', () => {
    const zones = X86_ZONES.map((z) => (z.kind === 'DMA' ? { ...z, managedPages: 0 } : z));
    for (const profile of ['7.2', '5.9'] as const) {
      expect(setupPerZoneLowmemReserve(zones, RATIOS, profile)[0]).toEqual([0, 0, 0, 0, 0]);
    }
  });

  it('5.9 leaves a populated ratio-0 zone out of the sums below it; 6.x does not', () => {
    const zones: WatermarkZone[] = [...X86_ZONES.slice(0, 3), { kind: 'Movable', managedPages: 262144 }, { kind: 'Device', managedPages: 0 }];
    // 6.x DMA[4] = (772915 + 163840 + 262144 + 0) / 256 = 4683
    expect(setupPerZoneLowmemReserve(zones, RATIOS, '7.2')).toEqual([
      [0, 3019, 3659, 4683, 4683],
      [0, 0, 640, 1664, 1664],
      [0, 0, 0, 8192, 8192],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    // 5.9 DMA[4]: walking down from Device, Movable (ratio 0) hits `continue` before
    // its pages are added: (0 + 163840 + 772915) / 256 = 3659
    expect(setupPerZoneLowmemReserve(zones, RATIOS, '5.9')).toEqual([
      [0, 3019, 3659, 4683, 3659],
      [0, 0, 640, 1664, 640],
      [0, 0, 0, 8192, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('takes ratio 0 as no protection', () => {
    expect(setupPerZoneLowmemReserve(X86_ZONES, [0, 256, 32, 0, 0])[0]).toEqual([0, 0, 0, 0, 0]);
  });

  it('has the kernel default ratio table', () => {
    expect(X86_ZONES.map((z) => LOWMEM_RESERVE_RATIO_DEFAULT[z.kind])).toEqual([256, 256, 32, 0, 0]);
  });

  it('wants one ratio per zone', () => {
    expect(() => setupPerZoneLowmemReserve(X86_ZONES, [256, 256, 32])).toThrow(RangeError);
  });
});

describe('zoneBatchsize (zone_batchsize)', () => {
  it('follows min(managed >> 10, 256) / 4, then rounddown_pow_of_two(b + b/2) - 1', () => {
    expect(zoneBatchsize(262144)).toBe(63); // 256 / 4 = 64 -> rdp2(96) - 1
    expect(zoneBatchsize(772915)).toBe(63); // capped at 1 MiB
    expect(zoneBatchsize(163840)).toBe(31); // 160 / 4 = 40 -> rdp2(60) - 1
    expect(zoneBatchsize(16384)).toBe(3); // 16 / 4 = 4 -> rdp2(6) - 1
    expect(zoneBatchsize(8192)).toBe(1); // 8 / 4 = 2 -> rdp2(3) - 1
    expect(zoneBatchsize(8191)).toBe(0); // 7 / 4 = 1 -> rdp2(1) - 1
    expect(zoneBatchsize(3840)).toBe(0); // 3 / 4 = 0 -> 1 -> 0
    expect(zoneBatchsize(0)).toBe(0);
    expect(zoneBatchsize(2 ** 40)).toBe(63); // no 32-bit shift overflow
  });
});

describe('pcpHighAndBatch, 5.9 (pageset_set_batch / pageset_set_high)', () => {
  it('sets high = 6 * batch', () => {
    expect(pcpHighAndBatch('5.9', { managedPages: 262144, lowWmark: 0 }, 4)).toEqual({ batch: 63, high: 378, highMin: 378, highMax: 378 });
    expect(pcpHighAndBatch('5.9', { managedPages: 163840, lowWmark: 0 }, 4)).toEqual({ batch: 31, high: 186, highMin: 186, highMax: 186 });
  });

  it('stores batch 1 and high 0 for tiny zones (zone_batchsize 0)', () => {
    expect(pcpHighAndBatch('5.9', { managedPages: 3840, lowWmark: 85 }, 2)).toEqual({ batch: 1, high: 0, highMin: 0, highMax: 0 });
    expect(pcpHighAndBatch('5.9', { managedPages: 8191, lowWmark: 0 }, 2)).toEqual({ batch: 1, high: 0, highMin: 0, highMax: 0 });
  });

  it('does not depend on CPUs or the low watermark', () => {
    const a = pcpHighAndBatch('5.9', { managedPages: 772915, lowWmark: 17353 }, 2);
    const b = pcpHighAndBatch('5.9', { managedPages: 772915, lowWmark: 1 }, 64);
    expect(a).toEqual(b);
  });

  it('reads the fraction as percpu_pagelist_fraction', () => {
    // high = 262144 / 8 = 32768; high / 4 = 8192 > PAGE_SHIFT * 8 = 96 -> batch 96
    expect(pcpHighAndBatch('5.9', { managedPages: 262144, lowWmark: 0 }, 2, 8)).toEqual({ batch: 96, high: 32768, highMin: 32768, highMax: 32768 });
    // high = 1000 / 10 = 100; batch = max(1, 25) = 25
    expect(pcpHighAndBatch('5.9', { managedPages: 1000, lowWmark: 0 }, 2, 10)).toEqual({ batch: 25, high: 100, highMin: 100, highMax: 100 });
  });
});

describe('pcpHighAndBatch, 6.x (zone_set_pageset_high_and_batch / zone_highsize)', () => {
  it('reproduces the 6.18 capture, 2 CPUs', () => {
    // DMA32: high_min = 17353 / 2 = 8676; high_max = 772915 / 8 / 2 = 48307
    expect(pcpHighAndBatch('7.2', { managedPages: 772915, lowWmark: 17353 }, 2)).toEqual({ batch: 63, high: 8676, highMin: 8676, highMax: 48307 });
    // Normal: 3678 / 2 = 1839; 163840 / 8 / 2 = 10240
    expect(pcpHighAndBatch('7.2', { managedPages: 163840, lowWmark: 3678 }, 2)).toEqual({ batch: 31, high: 1839, highMin: 1839, highMax: 10240 });
    // DMA: batch max(1, 0) = 1; 85 / 2 = 42; 3840 / 8 / 2 = 240
    expect(pcpHighAndBatch('7.2', { managedPages: 3840, lowWmark: 85 }, 2)).toEqual({ batch: 1, high: 42, highMin: 42, highMax: 240 });
  });

  it('keeps high_min and high_max at least batch * 4', () => {
    expect(pcpHighAndBatch('7.2', { managedPages: 262144, lowWmark: 100 }, 64)).toEqual({ batch: 63, high: 252, highMin: 252, highMax: 512 });
    expect(pcpHighAndBatch('7.2', { managedPages: 262144, lowWmark: 100 }, 1024)).toMatchObject({ highMin: 252, highMax: 252 });
  });

  it('turns auto-tuning off when percpu_pagelist_high_fraction is set', () => {
    // high_min = high_max = 772915 / 8 / 2 = 48307
    expect(pcpHighAndBatch('7.2', { managedPages: 772915, lowWmark: 17353 }, 2, 8)).toEqual({ batch: 63, high: 48307, highMin: 48307, highMax: 48307 });
  });

  it('rejects a fraction below 8 and CPU counts below 1', () => {
    expect(() => pcpHighAndBatch('7.2', { managedPages: 772915, lowWmark: 17353 }, 2, 5)).toThrow(RangeError);
    expect(() => pcpHighAndBatch('5.9', { managedPages: 772915, lowWmark: 17353 }, 2, 7)).toThrow(RangeError);
    expect(() => pcpHighAndBatch('7.2', { managedPages: 772915, lowWmark: 17353 }, 0)).toThrow(RangeError);
  });
});
