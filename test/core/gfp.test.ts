import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as gfp from '../../harness/core/gfp.ts';
import {
  GfpRegistry,
  gfpLayout,
  describeGfp,
  parseGfp,
  gfpFlagsToMigratetype,
  type GfpConfig,
} from '../../harness/core/gfp.ts';
import type { ProfileName } from '../../harness/core/profile.ts';

/** v5.9 include/linux/gfp.h `#define ___GFP_*` values, copied from the header. */
const HEADER_5_9: Record<string, number> = {
  ___GFP_DMA: 0x01,
  ___GFP_HIGHMEM: 0x02,
  ___GFP_DMA32: 0x04,
  ___GFP_MOVABLE: 0x08,
  ___GFP_RECLAIMABLE: 0x10,
  ___GFP_HIGH: 0x20,
  ___GFP_IO: 0x40,
  ___GFP_FS: 0x80,
  ___GFP_ZERO: 0x100,
  ___GFP_ATOMIC: 0x200,
  ___GFP_DIRECT_RECLAIM: 0x400,
  ___GFP_KSWAPD_RECLAIM: 0x800,
  ___GFP_WRITE: 0x1000,
  ___GFP_NOWARN: 0x2000,
  ___GFP_RETRY_MAYFAIL: 0x4000,
  ___GFP_NOFAIL: 0x8000,
  ___GFP_NORETRY: 0x10000,
  ___GFP_MEMALLOC: 0x20000,
  ___GFP_COMP: 0x40000,
  ___GFP_NOMEMALLOC: 0x80000,
  ___GFP_HARDWALL: 0x100000,
  ___GFP_THISNODE: 0x200000,
  ___GFP_ACCOUNT: 0x400000,
  ___GFP_NOLOCKDEP: 0x800000, // #ifdef CONFIG_LOCKDEP
};

const exported = gfp as unknown as Record<string, unknown>;

const CONFIGS: readonly (readonly [ProfileName, GfpConfig])[] = [
  ['5.9', { lockdep: false }],
  ['5.9', { lockdep: true }],
  ['7.2', { lockdep: false }],
  ['7.2', { lockdep: true }],
  ['7.2', { lockdep: true, kasanHwTags: true }],
  ['7.2', { lockdep: true, kasanHwTags: true, slabObjExt: true }],
];

describe('5.9 constants (include/linux/gfp.h)', () => {
  it('exports every ___GFP_ value as the header defines it', () => {
    for (const [name, value] of Object.entries(HEADER_5_9)) {
      expect(exported[name], name).toBe(value);
      expect(exported[`__${name.slice(3)}`], `__${name.slice(3)} alias`).toBe(value);
    }
  });

  it('matches the 5.9 layout under CONFIG_LOCKDEP', () => {
    const layout = gfpLayout('5.9', { lockdep: true });
    expect(Object.fromEntries(layout.bits.map((b) => [b.name, b.value]))).toEqual(HEADER_5_9);
    for (const b of layout.bits) expect(b.value).toBe(2 ** b.bit);
    expect(layout.bits.find((b) => b.name === '___GFP_NOLOCKDEP')?.condition).toBe('CONFIG_LOCKDEP');
  });

  it('composes the named masks as the header does', () => {
    expect(gfp.__GFP_RECLAIM).toBe(0x400 | 0x800);
    expect(gfp.GFP_ATOMIC).toBe(gfp.__GFP_HIGH | gfp.__GFP_ATOMIC | gfp.__GFP_KSWAPD_RECLAIM);
    expect(gfp.GFP_ATOMIC).toBe(0xa20);
    expect(gfp.GFP_KERNEL).toBe(gfp.__GFP_RECLAIM | gfp.__GFP_IO | gfp.__GFP_FS);
    expect(gfp.GFP_KERNEL).toBe(0xcc0);
    expect(gfp.GFP_NOWAIT).toBe(gfp.__GFP_KSWAPD_RECLAIM);
    expect(gfp.GFP_NOIO).toBe(gfp.__GFP_RECLAIM);
    expect(gfp.GFP_NOFS).toBe(gfp.__GFP_RECLAIM | gfp.__GFP_IO);
    expect(gfp.GFP_USER).toBe(gfp.GFP_KERNEL | gfp.__GFP_HARDWALL);
    expect(gfp.GFP_KERNEL_ACCOUNT).toBe(gfp.GFP_KERNEL | gfp.__GFP_ACCOUNT);
    expect(gfp.GFP_DMA32).toBe(gfp.__GFP_DMA32);
    expect(gfp.GFP_HIGHUSER_MOVABLE).toBe(gfp.GFP_USER | gfp.__GFP_HIGHMEM | gfp.__GFP_MOVABLE);
    expect(gfp.GFP_TRANSHUGE_LIGHT & gfp.__GFP_RECLAIM).toBe(0);
    expect(gfp.GFP_TRANSHUGE).toBe(gfp.GFP_TRANSHUGE_LIGHT | gfp.__GFP_DIRECT_RECLAIM);
    expect(gfp.GFP_MOVABLE_MASK).toBe(0x18);
    // GFP_ATOMIC and GFP_NOWAIT never allow direct reclaim; GFP_KERNEL does.
    expect(gfp.GFP_ATOMIC & gfp.__GFP_DIRECT_RECLAIM).toBe(0);
    expect(gfp.GFP_NOWAIT & gfp.__GFP_DIRECT_RECLAIM).toBe(0);
    expect(gfp.GFP_KERNEL & gfp.__GFP_DIRECT_RECLAIM).not.toBe(0);
    const layout = gfpLayout('5.9', { lockdep: false });
    const masks = Object.fromEntries(layout.masks.map((m) => [m.name, m.value]));
    for (const name of ['GFP_ATOMIC', 'GFP_KERNEL', 'GFP_NOWAIT', 'GFP_NOIO', 'GFP_NOFS', 'GFP_USER', 'GFP_HIGHUSER_MOVABLE', 'GFP_TRANSHUGE', 'GFP_TRANSHUGE_LIGHT', 'GFP_MOVABLE_MASK', 'GFP_DMA32', '__GFP_RECLAIM']) {
      expect(masks[name], name).toBe(exported[name]);
    }
  });

  it('gfp_migratetype', () => {
    expect(gfpFlagsToMigratetype(gfp.GFP_KERNEL)).toBe(gfp.MIGRATE_UNMOVABLE);
    expect(gfpFlagsToMigratetype(gfp.GFP_HIGHUSER_MOVABLE)).toBe(gfp.MIGRATE_MOVABLE);
    expect(gfpFlagsToMigratetype(gfp.GFP_KERNEL | gfp.__GFP_RECLAIMABLE)).toBe(gfp.MIGRATE_RECLAIMABLE);
    expect(gfpFlagsToMigratetype(gfp.GFP_NOWAIT)).toBe(0);
    expect(gfpFlagsToMigratetype(gfp.GFP_HIGHUSER_MOVABLE, true)).toBe(gfp.MIGRATE_UNMOVABLE);
    // Both set: VM_WARN_ON in the kernel, arithmetic gives MIGRATE_HIGHATOMIC.
    expect(gfpFlagsToMigratetype(gfp.__GFP_MOVABLE | gfp.__GFP_RECLAIMABLE)).toBe(gfp.MIGRATE_HIGHATOMIC);
  });
});

describe('layouts', () => {
  it('5.9: __GFP_BITS_SHIFT is 23 + IS_ENABLED(CONFIG_LOCKDEP)', () => {
    const off = gfpLayout('5.9', { lockdep: false });
    const on = gfpLayout('5.9', { lockdep: true });
    expect(off.bitsShift).toBe(23);
    expect(on.bitsShift).toBe(24);
    expect(off.bitsMask).toBe(0x7fffff);
    expect(on.bitsMask).toBe(0xffffff);
    expect(off.bits).toHaveLength(23);
    expect(on.bits).toHaveLength(24);
    expect(off.zeroFlags.map((z) => z.name)).toEqual(['___GFP_NOLOCKDEP']);
    expect(off.enumOrder).toBeNull();
    expect(on.gfpBits).toBe(32);
  });

  it('6.x: the gfp_types.h enum, bit 9 unused, conditional bits shift the later ones', () => {
    const base = gfpLayout('7.2', { lockdep: false });
    expect(base.bitsShift).toBe(24); // ___GFP_LAST_BIT with no option
    expect(base.unusedBits).toEqual([{ name: '___GFP_UNUSED_BIT', bit: 9, note: expect.any(String) }]);
    expect(base.bits.some((b) => b.value === 0x200)).toBe(false);
    expect(base.bits.some((b) => b.name === '___GFP_ATOMIC')).toBe(false);
    expect(base.enumOrder?.[9]).toBe('___GFP_UNUSED_BIT');
    expect(base.enumOrder?.at(-1)).toBe('___GFP_LAST_BIT');
    const v = (l: ReturnType<typeof gfpLayout>, n: string) => l.bits.find((b) => b.name === n)?.value;
    expect(v(base, '___GFP_DIRECT_RECLAIM')).toBe(0x400);
    expect(v(base, '___GFP_ACCOUNT')).toBe(0x400000);
    expect(v(base, '___GFP_ZEROTAGS')).toBe(0x800000);
    expect(base.zeroFlags.map((z) => z.name)).toEqual(['___GFP_SKIP_ZERO', '___GFP_SKIP_KASAN', '___GFP_NOLOCKDEP', '___GFP_NO_OBJ_EXT']);

    const lockdep = gfpLayout('7.2', { lockdep: true });
    expect(lockdep.bitsShift).toBe(25);
    expect(v(lockdep, '___GFP_NOLOCKDEP')).toBe(0x1000000);

    const kasan = gfpLayout('7.2', { lockdep: true, kasanHwTags: true });
    expect(v(kasan, '___GFP_SKIP_ZERO')).toBe(0x1000000);
    expect(v(kasan, '___GFP_SKIP_KASAN')).toBe(0x2000000);
    // The pre-enum header (v6.3..v6.9) hard-coded NOLOCKDEP 0x4000000u: the same bit.
    expect(v(kasan, '___GFP_NOLOCKDEP')).toBe(0x4000000);
    expect(kasan.bitsShift).toBe(27);

    const all = gfpLayout('7.2', { lockdep: true, kasanHwTags: true, slabObjExt: true });
    expect(v(all, '___GFP_NO_OBJ_EXT')).toBe(0x8000000);
    expect(all.bitsShift).toBe(28);
    expect(all.bits).toHaveLength(27); // 28 enum bits, one unused
  });

  it('6.x named masks', () => {
    const m = (cfg: GfpConfig, name: string) => gfpLayout('7.2', cfg).masks.find((x) => x.name === name)?.value;
    expect(m({ lockdep: false }, 'GFP_ATOMIC')).toBe(0x20 | 0x800); // no __GFP_ATOMIC
    expect(m({ lockdep: false }, 'GFP_NOWAIT')).toBe(0x800 | 0x2000); // + __GFP_NOWARN
    expect(m({ lockdep: false }, 'GFP_KERNEL')).toBe(0xcc0);
    expect(m({ lockdep: false }, 'GFP_HIGHUSER_MOVABLE')).toBe(gfp.GFP_HIGHUSER_MOVABLE);
    expect(m({ lockdep: false, kasanHwTags: true }, 'GFP_HIGHUSER_MOVABLE')).toBe(gfp.GFP_HIGHUSER_MOVABLE | 0x2000000);
  });

  it('boot mask turns GFP_KERNEL into 0 (GFP_BOOT_MASK, mm/internal.h)', () => {
    for (const [p, c] of CONFIGS) {
      const r = GfpRegistry.for(p, c);
      expect(gfp.GFP_KERNEL & r.allowedMask({ boot: true })).toBe(0);
      expect(r.layout.bootMask).toBe(r.allowedMask({ boot: true, patchedHeader: false }));
      expect(r.allowedMask()).toBe(r.layout.bitsMask);
    }
  });

  it('the exported 5.9 GFP_BOOT_MASK is the CONFIG_LOCKDEP=y layout\'s, and clears the same bits of every GFP_* mask under any configuration', () => {
    expect(gfp.__GFP_BITS_MASK).toBe(gfpLayout('5.9', { lockdep: true, kasanHwTags: false }).bitsMask);
    expect(gfp.GFP_BOOT_MASK).toBe(gfpLayout('5.9', { lockdep: true, kasanHwTags: false }).bootMask);
    expect(gfp.GFP_BOOT_MASK).toBe(0xffffff & ~(0x400 | 0x800 | 0x40 | 0x80));
    for (const [p, c] of CONFIGS) {
      const boot = gfpLayout(p, c).bootMask;
      for (const m of [gfp.GFP_KERNEL, gfp.GFP_ATOMIC, gfp.GFP_NOWAIT, gfp.GFP_HIGHUSER_MOVABLE]) expect(m & gfp.GFP_BOOT_MASK).toBe(m & boot);
    }
  });
});

describe('GfpRegistry bit accounting', () => {
  it('counts bits with and without lockdep (5.9)', () => {
    const off = GfpRegistry.for('5.9', { lockdep: false });
    const on = GfpRegistry.for('5.9', { lockdep: true });
    expect([off.bitsTotal, off.bitsUsed, off.bitsLeft, off.bitsShift]).toEqual([32, 23, 9, 23]);
    expect([on.bitsTotal, on.bitsUsed, on.bitsLeft, on.bitsShift]).toEqual([32, 24, 8, 24]);
    const all6 = GfpRegistry.for('7.2', { lockdep: true, kasanHwTags: true, slabObjExt: true });
    expect([all6.bitsUsed, all6.bitsLeft, all6.bitsShift]).toEqual([27, 5, 28]);
  });

  it('___GFP_NO_LOCKS = 0x800000 collides with ___GFP_NOLOCKDEP under lockdep', () => {
    const r = GfpRegistry.for('5.9', { lockdep: true });
    r.register('___GFP_NO_LOCKS', 0x800000, 'gfp-no-locks');
    expect(r.collisions()).toEqual([
      { name: '___GFP_NO_LOCKS', value: 0x800000, collidesWith: '___GFP_NOLOCKDEP', owner: 'gfp-no-locks' },
    ]);
    expect(r.problems().map((p) => p.kind)).toEqual(['collision']);
    expect(r.bitsUsed).toBe(24); // the collided bit counts once
    expect(r.bitsShift).toBe(24);
    expect(r.registered()).toEqual([{ name: '___GFP_NO_LOCKS', value: 0x800000, owner: 'gfp-no-locks' }]);
  });

  it('without lockdep: no collision, but outside __GFP_BITS_MASK', () => {
    const r = GfpRegistry.for('5.9', { lockdep: false });
    r.register('__GFP_NO_LOCKS', 0x800000, 'gfp-no-locks');
    expect(r.collisions()).toEqual([]);
    const problems = r.problems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'outsideBitsMask', name: '___GFP_NO_LOCKS', value: 0x800000, headerBitsShift: 23 });
    expect(r.bitsUsed).toBe(24);
    expect(r.bitsLeft).toBe(8);
    expect(r.bitsShift).toBe(24);
    // gfp_mask &= gfp_allowed_mask with the unmodified header drops the bit.
    expect((gfp.GFP_NOWAIT | 0x800000) & r.allowedMask({ patchedHeader: false })).toBe(gfp.GFP_NOWAIT);
    expect((gfp.GFP_NOWAIT | 0x800000) & r.allowedMask()).toBe(gfp.GFP_NOWAIT | 0x800000);
  });

  it("models Rezki's patch: NO_LOCKS at 0x800000, NOLOCKDEP moved to 0x1000000, shift 24 + lockdep", () => {
    for (const lockdep of [false, true]) {
      const r = GfpRegistry.for('5.9', { lockdep });
      r.register('___GFP_NO_LOCKS', 0x800000, 'rezki');
      r.relocate('___GFP_NOLOCKDEP', 0x1000000, 'rezki');
      expect(r.collisions()).toEqual([]);
      expect(r.bitsShift).toBe(24 + (lockdep ? 1 : 0));
      expect(r.lookup('__GFP_NOLOCKDEP')).toBe(lockdep ? 0x1000000 : 0);
      expect(r.relocations()).toHaveLength(1);
    }
  });

  it('bit 9 is free on 6.x and __GFP_ATOMIC on 5.9', () => {
    const r6 = GfpRegistry.for('7.2', { lockdep: false });
    r6.register('___GFP_X', 0x200, 's');
    expect(r6.collisions()).toEqual([]);
    expect(r6.problems()).toEqual([]);
    expect(r6.bitsShift).toBe(24);
    const r5 = GfpRegistry.for('5.9', { lockdep: false });
    r5.register('___GFP_X', 0x200, 's');
    expect(r5.collisions()[0]?.collidesWith).toBe('___GFP_ATOMIC');
  });

  it('records a collision between two strategies', () => {
    const r = GfpRegistry.for('7.2', { lockdep: false });
    r.register('___GFP_A', 0x10000000, 'first');
    r.register('___GFP_B', 0x10000000, 'second');
    expect(r.collisions()).toEqual([{ name: '___GFP_B', value: 0x10000000, collidesWith: '___GFP_A', owner: 'second' }]);
    expect(r.bitsUsed).toBe(24);
    expect(r.bitsShift).toBe(29);
  });

  it('rejects anything but one bit below 2^32, naming the strategy and the value', () => {
    const r = GfpRegistry.for('5.9', { lockdep: false });
    for (const bad of [0, 3, -1, 0x1800000, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => r.register('___GFP_BAD', bad, 'my-strategy'), String(bad)).toThrow(/my-strategy/);
    }
    expect(() => r.register('___GFP_BAD', 3, 'my-strategy')).toThrow(/0x3/);
    expect(() => r.register('___GFP_BAD', 3, 'my-strategy')).not.toThrow(TypeError);
    expect(() => r.register('___GFP_ATOMIC', 0x10000000, 's')).toThrow(/already defines/);
    expect(() => r.register('___GFP_NOLOCKDEP', 0x10000000, 's')).toThrow(/already defines/);
    r.register('___GFP_TOP', 0x80000000, 'top');
    expect(r.bitsShift).toBe(32);
    expect(r.register('___GFP_TOP', 0x80000000, 'top').value).toBe(0x80000000);
    expect(() => r.register('___GFP_TOP', 0x40000000, 'other')).toThrow(/already registered/);
  });
});

describe('invalid combinations', () => {
  const r5 = () => GfpRegistry.for('5.9', { lockdep: true });

  it("pre-registers the kernel's checks", () => {
    const r = r5();
    expect(r.invalidCombination(gfp.GFP_KERNEL)).toBeNull();
    expect(r.invalidCombination(gfp.GFP_ATOMIC)).toBeNull();
    expect(r.invalidCombination(gfp.GFP_NOWAIT | gfp.__GFP_NOWARN)).toBeNull();
    expect(r.invalidCombination(gfp.GFP_ATOMIC | gfp.__GFP_DIRECT_RECLAIM)).toBe('atomic+direct-reclaim');
    expect(r.invalidCombination(gfp.GFP_NOWAIT | gfp.__GFP_NOFAIL)).toBe('nofail-without-direct-reclaim');
    expect(r.invalidCombination(gfp.GFP_KERNEL | gfp.__GFP_NOFAIL)).toBeNull();
    expect(r.invalidCombination(gfp.GFP_KERNEL | gfp.__GFP_MOVABLE | gfp.__GFP_RECLAIMABLE)).toBe('movable+reclaimable');
    expect(r.invalidCombination(gfp.GFP_KERNEL | gfp.__GFP_DMA | gfp.__GFP_DMA32)).toBe('zone:dma+dma32');
    expect(r.invalidCombination(gfp.GFP_HIGHUSER_MOVABLE)).toBeNull();
    expect(r.invalidCombination(gfp.GFP_HIGHUSER | gfp.__GFP_DMA32)).toBe('zone:dma32+highmem');
    expect(r.invalidCombinations(gfp.__GFP_ATOMIC | gfp.__GFP_DIRECT_RECLAIM | gfp.__GFP_DMA | gfp.__GFP_HIGHMEM)).toEqual([
      'atomic+direct-reclaim',
      'zone:dma+highmem',
    ]);
    for (const rule of r.rules()) expect(rule.source, rule.name).toMatch(/gfp\.h|page_alloc\.c/);
  });

  it('6.x has no __GFP_ATOMIC rule', () => {
    const r = GfpRegistry.for('7.2', { lockdep: false });
    expect(r.rules().map((x) => x.name)).not.toContain('atomic+direct-reclaim');
    expect(r.invalidCombination(r.value('GFP_NOWAIT') | gfp.__GFP_NOFAIL)).toBe('nofail-without-direct-reclaim');
  });

  it("a strategy's rule (Michal: who forbids __GFP_NO_LOCK | __GFP_RECLAIM?)", () => {
    const r = r5();
    const noLocks = r.register('___GFP_NO_LOCKS', 0x1000000, 'gfp-no-locks').value;
    r.registerInvalidCombination('no-locks+reclaim', noLocks, gfp.__GFP_RECLAIM, 'gfp-no-locks');
    expect(r.invalidCombination(noLocks)).toBeNull();
    expect(r.invalidCombination(noLocks | gfp.__GFP_NOWARN)).toBeNull();
    expect(r.invalidCombination(noLocks | gfp.GFP_NOWAIT)).toBe('no-locks+reclaim');
    expect(r.invalidCombination(noLocks | gfp.GFP_KERNEL)).toBe('no-locks+reclaim');
    r.registerInvalidWithout('zero-needs-no-locks', gfp.__GFP_ZERO, noLocks, 'demo');
    expect(r.invalidCombination(gfp.__GFP_ZERO)).toBe('zero-needs-no-locks');
    expect(() => r.registerInvalidCombination('bad', 0, gfp.__GFP_RECLAIM, 'gfp-no-locks')).toThrow(/gfp-no-locks/);
    expect(() => r.registerInvalidCombination('no-locks+reclaim', noLocks, 1, 'x')).toThrow(/twice/);
  });
});

describe('describeGfp / parseGfp', () => {
  it('renders like show_gfp_flags()', () => {
    expect(describeGfp(0)).toBe('none');
    expect(describeGfp(gfp.GFP_KERNEL)).toBe('GFP_KERNEL');
    expect(describeGfp(gfp.GFP_ATOMIC)).toBe('GFP_ATOMIC');
    expect(describeGfp(gfp.GFP_NOWAIT)).toBe('GFP_NOWAIT');
    expect(describeGfp(gfp.GFP_NOWAIT | gfp.__GFP_NOWARN)).toBe('GFP_NOWAIT|__GFP_NOWARN');
    expect(describeGfp(gfp.GFP_KERNEL | gfp.__GFP_ZERO)).toBe('GFP_KERNEL|__GFP_ZERO');
    expect(describeGfp(gfp.GFP_KERNEL_ACCOUNT)).toBe('GFP_KERNEL_ACCOUNT');
    expect(describeGfp(gfp.GFP_TRANSHUGE)).toBe('GFP_TRANSHUGE');
    expect(describeGfp(gfp.GFP_TRANSHUGE_LIGHT)).toBe('GFP_TRANSHUGE_LIGHT');
    expect(describeGfp(gfp.GFP_HIGHUSER_MOVABLE | gfp.__GFP_ZERO)).toBe('GFP_HIGHUSER_MOVABLE|__GFP_ZERO');
    expect(describeGfp(gfp.__GFP_DMA32)).toBe('GFP_DMA32');
    expect(describeGfp(gfp.__GFP_KSWAPD_RECLAIM | gfp.__GFP_DIRECT_RECLAIM)).toBe('GFP_NOIO');
    expect(describeGfp(gfp.__GFP_DIRECT_RECLAIM)).toBe('__GFP_DIRECT_RECLAIM');
    // 5.9's table has no __GFP_NOLOCKDEP: the bit is printed as hex.
    expect(describeGfp(gfp.GFP_KERNEL | gfp.__GFP_NOLOCKDEP)).toBe('GFP_KERNEL|0x800000');
    expect(describeGfp(0x80000000)).toBe('0x80000000');
    expect(describeGfp(-1)).toMatch(/\|0xff800000$/);
  });

  it('6.x rendering', () => {
    const r = GfpRegistry.for('7.2', { lockdep: true });
    expect(describeGfp(r.value('GFP_NOWAIT'), r)).toBe('GFP_NOWAIT');
    expect(describeGfp(gfp.__GFP_KSWAPD_RECLAIM, r)).toBe('__GFP_KSWAPD_RECLAIM');
    expect(describeGfp(r.value('GFP_ATOMIC') | gfp.__GFP_NOWARN, r)).toBe('GFP_ATOMIC|__GFP_NOWARN');
    expect(describeGfp(gfp.GFP_KERNEL | r.value('__GFP_NOLOCKDEP'), r)).toBe('GFP_KERNEL|__GFP_NOLOCKDEP');
    expect(describeGfp(0x200, r)).toBe('0x200');
  });

  it('renders registered bits by name', () => {
    const r = GfpRegistry.for('5.9', { lockdep: false });
    r.register('___GFP_NO_LOCKS', 0x800000, 'gfp-no-locks');
    expect(describeGfp(0x800000, r)).toBe('__GFP_NO_LOCKS');
    expect(parseGfp('__GFP_NO_LOCKS|GFP_NOWAIT', r)).toBe(0x800800);
    expect(parseGfp('___GFP_NO_LOCKS', r)).toBe(0x800000);
    expect(() => parseGfp('__GFP_NO_LOCKS')).toThrow(/__GFP_NO_LOCKS/);
  });

  it('parses trace text, hex, decimal, none', () => {
    expect(parseGfp('GFP_KERNEL|__GFP_NOWARN')).toBe(gfp.GFP_KERNEL | gfp.__GFP_NOWARN);
    expect(parseGfp('GFP_KERNEL|__GFP_ZERO')).toBe(0xdc0);
    expect(parseGfp(' GFP_NOWAIT | __GFP_HIGHMEM ')).toBe(0x802);
    expect(parseGfp('GFP_KERNEL_ACCOUNT')).toBe(gfp.GFP_KERNEL_ACCOUNT);
    expect(parseGfp('__GFP_ACCOUNT|GFP_HIGHUSER_MOVABLE|GFP_TRANSHUGE')).toBe(gfp.GFP_HIGHUSER_MOVABLE | gfp.GFP_TRANSHUGE | gfp.__GFP_ACCOUNT);
    expect(parseGfp('GFP_DMA|__GFP_DMA|___GFP_DMA')).toBe(1);
    expect(parseGfp('0x400cc0')).toBe(gfp.GFP_KERNEL_ACCOUNT);
    expect(parseGfp('3264')).toBe(gfp.GFP_KERNEL);
    expect(parseGfp('GFP_KERNEL|0x800000')).toBe(gfp.GFP_KERNEL | 0x800000);
    expect(parseGfp('0')).toBe(0);
    expect(parseGfp('none')).toBe(0);
    expect(parseGfp('0xffffffff')).toBe(0xffffffff);
    expect(parseGfp('__GFP_NOLOCKDEP')).toBe(0x800000); // default: 5.9 with lockdep
    expect(parseGfp('__GFP_NOLOCKDEP', GfpRegistry.for('5.9', { lockdep: false }))).toBe(0); // defined as 0
    expect(parseGfp('__GFP_ZEROTAGS|GFP_NOWAIT', GfpRegistry.for('7.2', { lockdep: false }))).toBe(0x802800);
  });

  it('throws a plain Error naming the unknown flag', () => {
    expect(() => parseGfp('GFP_KERNEL|__GFP_BOGUS')).toThrow(/__GFP_BOGUS/);
    expect(() => parseGfp('__GFP_ZEROTAGS')).toThrow(/__GFP_ZEROTAGS/); // not a 5.9 flag
    expect(() => parseGfp('__GFP_ATOMIC', GfpRegistry.for('7.2', { lockdep: false }))).toThrow(/__GFP_ATOMIC/);
    expect(() => parseGfp('')).toThrow(Error);
    expect(() => parseGfp('GFP_KERNEL||__GFP_ZERO')).toThrow(/empty/);
    expect(() => parseGfp('0x100000000')).toThrow(/32-bit/);
    try {
      parseGfp('__GFP_BOGUS');
    } catch (e) {
      expect((e as Error).constructor).toBe(Error);
    }
  });

  it('round-trips random flag combinations (fast-check)', () => {
    for (const [profile, config] of CONFIGS) {
      const r = GfpRegistry.for(profile, config);
      if (profile === '5.9' && !config.lockdep) r.register('___GFP_NO_LOCKS', 0x800000, 'gfp-no-locks');
      const names = [
        ...r.layout.bits.map((b) => b.alias),
        ...r.layout.masks.map((m) => m.name),
        ...r.layout.traceFlagNames.map((t) => t.name),
      ];
      const known = new Set(r.traceFlagNames().map((t) => t.name));
      const fromNames = fc
        .uniqueArray(fc.constantFrom(...names), { maxLength: 8 })
        .map((ns) => ns.reduce((acc, n) => (acc | r.value(n)) >>> 0, 0));
      fc.assert(
        fc.property(fc.oneof(fromNames, fc.nat({ max: 0xffffffff })), (value) => {
          const text = describeGfp(value, r);
          expect(parseGfp(text, r)).toBe(value >>> 0);
          const parts = text.split('|');
          parts.forEach((p, i) => {
            if (known.has(p) || p === 'none') return;
            // Only the last part may be the hex left-over, as trace_print_flags_seq() prints it.
            expect(i).toBe(parts.length - 1);
            expect(p).toMatch(/^0x[0-9a-f]+$/);
          });
          // Names parsed back individually give the same value.
          expect(parseGfp(parts.join(' | '), r)).toBe(value >>> 0);
        }),
        { numRuns: 300 },
      );
    }
  });
});
