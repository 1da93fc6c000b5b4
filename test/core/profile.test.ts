import { describe, expect, it } from 'vitest';
import { CTX_HARDIRQ, CTX_NMI, CTX_TASK } from '../../harness/core/context.ts';
import { GfpRegistry, gfpLayout } from '../../harness/core/gfp.ts';
import { GFP_KERNEL } from '../../harness/core/gfp.ts';
import { pcpHighAndBatch } from '../../harness/core/pcp-sizing.ts';
import { NEWEST_PROFILE, PROFILES, PROFILE_NAMES, kernelAtLeast, resolveProfileName } from '../../harness/core/profile.ts';
import { setupPerZoneWmarks } from '../../harness/core/watermarks.ts';
import { bootFreedKbFromLog, bootMinFreeKbytes, intSqrt } from '../../harness/machine/min-free-kbytes.ts';
import { smallCore } from '../helpers/core-fixture.ts';

describe('kernel profiles', () => {
  it('one per lab kernel plus 5.9; 6.x is an alias of the newest', () => {
    expect(PROFILE_NAMES).toEqual(['5.9', '5.10', '6.1', '6.12', '7.2']);
    expect(resolveProfileName('6.x')).toBe('7.2');
    expect(NEWEST_PROFILE).toBe('7.2');
    expect(resolveProfileName('6.2')).toBeUndefined();
    expect(kernelAtLeast('6.1', 6, 1)).toBe(true);
    expect(kernelAtLeast('6.1', 6, 2)).toBe(false);
    expect(kernelAtLeast('6.x', 6, 15)).toBe(true);
  });

  it('what differs, as the sources say', () => {
    const p = PROFILES;
    expect(['5.9', '5.10', '6.1', '6.12', '7.2'].map((n) => p[n as keyof typeof p].pcpLocking)).toEqual(['irq-save', 'irq-save', 'pcp-spin-trylock-irqsave', 'pcp-spin-trylock', 'pcp-spin-trylock']);
    expect(['5.9', '5.10', '6.1', '6.12', '7.2'].map((n) => p[n as keyof typeof p].pcpSizing)).toEqual(['high-6x-batch', 'high-6x-batch', 'zone-highsize', 'high-min-max', 'high-min-max']);
    expect(['5.9', '5.10', '6.1', '6.12', '7.2'].map((n) => p[n as keyof typeof p].rtPaLock)).toEqual([true, true, false, false, false]);
    expect(['5.9', '5.10', '6.1', '6.12', '7.2'].map((n) => p[n as keyof typeof p].hasGfpAtomic)).toEqual([true, true, true, false, false]);
    expect(['5.9', '5.10', '6.1', '6.12', '7.2'].map((n) => p[n as keyof typeof p].pcpMaxOrder)).toEqual([0, 0, 3, 3, 3]);
    expect(['5.9', '5.10', '6.1', '6.12', '7.2'].map((n) => p[n as keyof typeof p].gfpNowaitHasNowarn)).toEqual([false, false, false, false, true]);
    // 5.9 vs 5.10: only the lowmem reserve loop (Baoquan He's form vs the refactor read in linux-yocto-5.10)
    const { name: _a, version: _b, lowmemReserveForm: f59, ...rest59 } = p['5.9'];
    const { name: _c, version: _d, lowmemReserveForm: f510, ...rest510 } = p['5.10'];
    expect(rest59).toEqual(rest510);
    expect([f59, f510]).toEqual(['baoquan', 'clear']);
  });
});

describe('pcp sizing per profile (values from lab captures)', () => {
  it('5.10: high = 6 x batch', () => {
    // 5.10.0-32-amd64, 3 CPUs, 3 GiB: DMA32 managed 757767 -> batch 63, high 378
    expect(pcpHighAndBatch('5.10', { managedPages: 757767, lowWmark: 14006 }, 3)).toEqual({ batch: 63, high: 378, highMin: 378, highMax: 378 });
    // DMA managed 3977: batch 0 -> stored 1, high 0 (pcplist disabled)
    expect(pcpHighAndBatch('5.10', { managedPages: 3977, lowWmark: 72 }, 3)).toMatchObject({ batch: 1, high: 0 });
  });

  it('6.1: one fixed high = max(low / CPUs, 4 x batch) (6.1.0-50-amd64, 2 CPUs, 2 GiB)', () => {
    expect(pcpHighAndBatch('6.1', { managedPages: 499196, lowWmark: 13972 }, 2)).toEqual({ batch: 63, high: 6986, highMin: 6986, highMax: 6986 });
    expect(pcpHighAndBatch('6.1', { managedPages: 3840, lowWmark: 106 }, 2)).toEqual({ batch: 1, high: 53, highMin: 53, highMax: 53 });
    // percpu_pagelist_high_fraction set: managed / fraction / CPUs
    expect(pcpHighAndBatch('6.1', { managedPages: 499196, lowWmark: 13972 }, 2, 8)).toMatchObject({ high: 31199 });
  });

  it('6.12/7.2: high_min and high_max', () => {
    expect(pcpHighAndBatch('6.12', { managedPages: 499196, lowWmark: 13972 }, 2)).toEqual({ batch: 63, high: 6986, highMin: 6986, highMax: 31199 });
  });
});

describe('watermarks: the empty Movable zone', () => {
  const zones = [
    { kind: 'DMA' as const, managedPages: 3840 },
    { kind: 'DMA32' as const, managedPages: 499196 },
    { kind: 'Normal' as const, managedPages: 0 },
    { kind: 'Movable' as const, managedPages: 0 },
    { kind: 'Device' as const, managedPages: 0 },
  ];
  it('6.1 (and 5.x): min/low/high 0, as the 6.1 captures print', () => {
    for (const p of ['5.9', '5.10', '6.1'] as const) expect(setupPerZoneWmarks(zones, 45056, 10, p)[3]).toEqual({ min: 0, low: 0, high: 0, promo: 0 });
    expect(setupPerZoneWmarks(zones, 45056, 10, '6.1')[1]).toMatchObject({ min: 11178, low: 13972, high: 16766 });
  });
  it('6.12+: capped like HighMem at SWAP_CLUSTER_MAX', () => {
    expect(setupPerZoneWmarks(zones, 45056, 10, '6.12')[3]).toMatchObject({ min: 32 });
  });
});

describe('vm.min_free_kbytes from first principles', () => {
  const x86 = (dma32: number, normal: number) => [
    { kind: 'DMA' as const, managedPages: 3840 },
    { kind: 'DMA32' as const, managedPages: dma32 },
    { kind: 'Normal' as const, managedPages: normal },
    { kind: 'Movable' as const, managedPages: 0 },
    { kind: 'Device' as const, managedPages: 0 },
  ];
  it('int_sqrt is exact', () => {
    expect(intSqrt(0)).toBe(0);
    expect(intSqrt(15)).toBe(3);
    expect(intSqrt(16)).toBe(4);
    expect(intSqrt(2 ** 52 - 1)).toBe(2 ** 26 - 1);
  });
  it('THP (non-RT): 11 pageblocks per populated zone up to Normal: 45056 with two, 67584 with three', () => {
    expect(bootMinFreeKbytes(x86(499196, 0), '6.1', { thp: true }).minFreeKbytes).toBe(45056);
    expect(bootMinFreeKbytes(x86(782288, 2359296), '5.10', { thp: true }).minFreeKbytes).toBe(67584);
  });
  it('5% of lowmem caps the recommendation on small machines', () => {
    // 768 MiB: 5% of (managed - high watermarks) is below 45056
    const b = bootMinFreeKbytes(x86(190000, 0), '6.12', { thp: true });
    expect(b.recommended).toBe(45056);
    expect(b.minFreeKbytes).toBe(b.lowmemCap);
    expect(b.minFreeKbytes).toBeLessThan(45056);
  });
  it('below 512 MiB of RAM hugepage_init() turns THP off: int_sqrt only', () => {
    const b = bootMinFreeKbytes(x86(114254, 0), '5.10', { thp: true });
    expect(b.thpOffSmallRam).toBe(true);
    expect(b.minFreeKbytes).toBe(intSqrt((3840 + 114254) * 4 * 16));
  });
  it('RT (THP off): int_sqrt(lowmem_kbytes * 16) of lowmem at the initcall', () => {
    expect(bootMinFreeKbytes(x86(499196, 0), '5.10', { thp: false }).minFreeKbytes).toBe(intSqrt((3840 + 499196) * 64));
    // what was freed after the initcall comes off lowmem first
    expect(bootMinFreeKbytes(x86(499196, 0), '5.10', { thp: false, bootFreedPages: 2069 }).minFreeKbytes).toBe(intSqrt((3840 + 499196 - 2069) * 64));
  });
  it('the boot log says what was freed after the initcall (not the SMP alternatives, freed before)', () => {
    expect(bootFreedKbFromLog('[0.1] Freeing SMP alternatives memory: 32K\n[2.0] Freeing initrd memory: 1028K\n[3.0] Freeing unused kernel image (initmem) memory: 2388K\n[3.1] Freeing unused decrypted memory: 2036K\n')).toBe(1028 + 2388 + 2036);
    expect(bootFreedKbFromLog('nothing here')).toBe(0);
  });
});

describe('GFP layout per kernel', () => {
  it('6.1: __GFP_ATOMIC at 0x200, NOLOCKDEP at 0x8000000, __GFP_BITS_SHIFT 27 + lockdep', () => {
    const l = gfpLayout('6.1', { lockdep: true });
    const v = (n: string) => l.bits.find((b) => b.name === n)?.value;
    expect(v('___GFP_ATOMIC')).toBe(0x200);
    expect(v('___GFP_ZEROTAGS')).toBe(0x800000);
    expect(v('___GFP_NOLOCKDEP')).toBe(0x8000000);
    expect(l.bitsShift).toBe(28);
    expect(gfpLayout('6.1', { lockdep: false }).bitsShift).toBe(27);
    expect(l.masks.find((m) => m.name === 'GFP_ATOMIC')?.value).toBe(0x20 | 0x200 | 0x800);
    expect(l.masks.find((m) => m.name === 'GFP_NOWAIT')?.value).toBe(0x800);
  });
  it('6.12: the enum, no __GFP_ATOMIC, GFP_NOWAIT without __GFP_NOWARN; 7.2 (6.17+) adds it', () => {
    expect(gfpLayout('6.12', { lockdep: false }).bits.some((b) => b.name === '___GFP_ATOMIC')).toBe(false);
    expect(gfpLayout('6.12', { lockdep: false }).masks.find((m) => m.name === 'GFP_NOWAIT')?.value).toBe(0x800);
    expect(gfpLayout('7.2', { lockdep: false }).masks.find((m) => m.name === 'GFP_NOWAIT')?.value).toBe(0x800 | 0x2000);
  });
  it('5.10 is 5.9\'s gfp.h', () => {
    expect(gfpLayout('5.10', { lockdep: true }).bits).toEqual(gfpLayout('5.9', { lockdep: true }).bits);
    expect(GfpRegistry.for('6.1', { lockdep: false }).invalidCombination(0x200 | 0x400)).toBe('atomic+direct-reclaim');
  });
});

describe('pcp locking: 6.1 pcp_spin_trylock_irqsave', () => {
  it('holds pcp->lock with IRQs off (charged), unlike 6.2+ pcp_spin_trylock', () => {
    const c61 = smallCore({ profile: '6.1', cpus: 1 });
    const c612 = smallCore({ profile: '6.12', cpus: 1 });
    for (const c of [c61, c612]) {
      c.alloc.beginOp(0, CTX_TASK, false, 0);
      c.alloc.allocPages(GFP_KERNEL, 0); // refill: the list is warm now
    }
    c61.alloc.beginOp(0, CTX_TASK, false, 1e6);
    c61.alloc.allocPages(GFP_KERNEL, 0);
    c612.alloc.beginOp(0, CTX_TASK, false, 1e6);
    c612.alloc.allocPages(GFP_KERNEL, 0);
    expect(c61.alloc.meter.ns - c612.alloc.meter.ns).toBeCloseTo(c61.alloc.costs.irqSaveRestore, 9);
    expect(c61.alloc.locks.irqsOff).toBe(0); // restored after the hold
  });

  it('a hardirq cannot come inside the IRQs-off hold on the same CPU; an NMI can', () => {
    for (const [profile, ctx, fails] of [['6.1', CTX_HARDIRQ, false], ['6.1', CTX_NMI, true], ['6.12', CTX_HARDIRQ, true]] as const) {
      const c = smallCore({ profile, cpus: 1 });
      const a = c.alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      a.allocPages(GFP_KERNEL, 0);
      // the task's pcp->lock hold, as if it were still running at t = 50
      const lock = a.pcp.lock[0]!;
      a.locks.holder[lock] = 0;
      a.locks.heldSince[lock] = 0;
      a.locks.heldUntil[lock] = 100;
      a.beginOp(0, ctx, true, 50);
      const before = a.stats.pcpTrylockFailures;
      a.allocPages(0x20 /* __GFP_HIGH */, 0);
      expect([profile, ctx, a.stats.pcpTrylockFailures > before]).toEqual([profile, ctx, fails]);
    }
  });
});
