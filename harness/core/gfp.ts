/**
 * GFP flags: the 5.9 constants used on the simulator's hot path, a per-profile
 * layout description (5.9 include/linux/gfp.h and the 6.x enum in
 * include/linux/gfp_types.h), a registry that lets a strategy claim a new bit and
 * reports what that costs, the kernel's own invalid-combination checks, and the
 * show_gfp_flags() rendering / parsing used for kmem:mm_page_alloc traces.
 *
 * Sources (all checked against the kernel text):
 * - v5.9/v5.10 include/linux/gfp.h (read from WindRiver-Labs/linux-yocto-5.10).
 * - include/linux/gfp_types.h, enum layout (torvalds/linux 594ce0b8a998, the
 *   form introduced with memory allocation profiling, about v6.10, where
 *   ___GFP_NO_OBJ_EXT_BIT is under CONFIG_SLAB_OBJ_EXT).
 * - include/trace/events/mmflags.h (v5.10.89 and torvalds/linux 01c69ef56dfa)
 *   and trace_print_flags_seq() in kernel/trace/trace_output.c.
 * - mm/page_alloc.c v5.10: __alloc_pages_nodemask(), __alloc_pages_slowpath();
 *   v6.18 __alloc_pages_slowpath() for the 6.x __GFP_NOFAIL check.
 * - mm/internal.h GFP_BOOT_MASK; init/main.c kernel_init_freeable().
 *
 * gfp_t is `unsigned int` (32 bits). JS bitwise operators work on signed 32-bit
 * integers, so every function here normalises its result with `>>> 0`.
 */
import { PROFILES, kernelAtLeast, type ProfileName } from './profile.ts';

/** gfp_t is `typedef unsigned int __bitwise gfp_t` (include/linux/types.h): 32 bits. */
export const GFP_BITS_TOTAL = 32;

/* ------------------------------------------------------------------------ */
/* Plain integer GFP bitmasks, v5.9 include/linux/gfp.h ("Do not use this    */
/* directly").                                                               */
/* ------------------------------------------------------------------------ */

export const ___GFP_DMA = 0x01;
export const ___GFP_HIGHMEM = 0x02;
export const ___GFP_DMA32 = 0x04;
export const ___GFP_MOVABLE = 0x08;
export const ___GFP_RECLAIMABLE = 0x10;
export const ___GFP_HIGH = 0x20;
export const ___GFP_IO = 0x40;
export const ___GFP_FS = 0x80;
export const ___GFP_ZERO = 0x100;
/** Removed in v6.3 ("mm: discard __GFP_ATOMIC"); 0x200 is unused in gfp_types.h. */
export const ___GFP_ATOMIC = 0x200;
export const ___GFP_DIRECT_RECLAIM = 0x400;
export const ___GFP_KSWAPD_RECLAIM = 0x800;
export const ___GFP_WRITE = 0x1000;
export const ___GFP_NOWARN = 0x2000;
export const ___GFP_RETRY_MAYFAIL = 0x4000;
export const ___GFP_NOFAIL = 0x8000;
export const ___GFP_NORETRY = 0x10000;
export const ___GFP_MEMALLOC = 0x20000;
export const ___GFP_COMP = 0x40000;
export const ___GFP_NOMEMALLOC = 0x80000;
export const ___GFP_HARDWALL = 0x100000;
export const ___GFP_THISNODE = 0x200000;
export const ___GFP_ACCOUNT = 0x400000;
/**
 * `#ifdef CONFIG_LOCKDEP 0x800000u #else 0`. This constant is the CONFIG_LOCKDEP=y
 * value; without lockdep the kernel defines it as 0 - use gfpLayout() / a
 * GfpRegistry when the configuration matters.
 */
export const ___GFP_NOLOCKDEP = 0x800000;

/* Physical address zone modifiers (gfp.h: "see linux/mmzone.h - low four bits"). */
export const __GFP_DMA = ___GFP_DMA;
export const __GFP_HIGHMEM = ___GFP_HIGHMEM;
export const __GFP_DMA32 = ___GFP_DMA32;
/** ZONE_MOVABLE allowed; also a mobility hint. */
export const __GFP_MOVABLE = ___GFP_MOVABLE;
/** GFP_ZONEMASK (__GFP_DMA|__GFP_HIGHMEM|__GFP_DMA32|__GFP_MOVABLE). */
export const GFP_ZONEMASK = __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE;

/* Page mobility and placement hints. */
export const __GFP_RECLAIMABLE = ___GFP_RECLAIMABLE;
export const __GFP_WRITE = ___GFP_WRITE;
export const __GFP_HARDWALL = ___GFP_HARDWALL;
export const __GFP_THISNODE = ___GFP_THISNODE;
export const __GFP_ACCOUNT = ___GFP_ACCOUNT;

/* Watermark modifiers. */
export const __GFP_ATOMIC = ___GFP_ATOMIC;
export const __GFP_HIGH = ___GFP_HIGH;
export const __GFP_MEMALLOC = ___GFP_MEMALLOC;
export const __GFP_NOMEMALLOC = ___GFP_NOMEMALLOC;

/* Reclaim modifiers. */
export const __GFP_IO = ___GFP_IO;
export const __GFP_FS = ___GFP_FS;
/** Caller can reclaim. */
export const __GFP_DIRECT_RECLAIM = ___GFP_DIRECT_RECLAIM;
/** kswapd can wake. */
export const __GFP_KSWAPD_RECLAIM = ___GFP_KSWAPD_RECLAIM;
/** __GFP_RECLAIM (___GFP_DIRECT_RECLAIM|___GFP_KSWAPD_RECLAIM). */
export const __GFP_RECLAIM = ___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM;
export const __GFP_RETRY_MAYFAIL = ___GFP_RETRY_MAYFAIL;
export const __GFP_NOFAIL = ___GFP_NOFAIL;
export const __GFP_NORETRY = ___GFP_NORETRY;

/* Action modifiers. */
export const __GFP_NOWARN = ___GFP_NOWARN;
export const __GFP_COMP = ___GFP_COMP;
export const __GFP_ZERO = ___GFP_ZERO;

/** Disable lockdep for GFP context tracking (CONFIG_LOCKDEP=y value, see ___GFP_NOLOCKDEP). */
export const __GFP_NOLOCKDEP = ___GFP_NOLOCKDEP;

/* Useful GFP flag combinations, v5.9 gfp.h. */
/** GFP_ATOMIC (__GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM); 6.x drops __GFP_ATOMIC. */
export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
/** GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS). */
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
/** GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT). */
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
/** GFP_NOWAIT (__GFP_KSWAPD_RECLAIM); 6.x adds __GFP_NOWARN (commit 16f5dfbc851b). */
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
/** GFP_NOIO (__GFP_RECLAIM). */
export const GFP_NOIO = __GFP_RECLAIM;
/** GFP_NOFS (__GFP_RECLAIM | __GFP_IO). */
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
/** GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL). */
export const GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
/** GFP_DMA __GFP_DMA. */
export const GFP_DMA = __GFP_DMA;
/** GFP_DMA32 __GFP_DMA32. */
export const GFP_DMA32 = __GFP_DMA32;
/** GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM). */
export const GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
/** GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE); 6.x adds __GFP_SKIP_KASAN. */
export const GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;
/** GFP_TRANSHUGE_LIGHT ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM). */
export const GFP_TRANSHUGE_LIGHT =
  ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM) >>> 0;
/** GFP_TRANSHUGE (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM). */
export const GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

/**
 * __GFP_BITS_SHIFT (23 + IS_ENABLED(CONFIG_LOCKDEP)) and __GFP_BITS_MASK
 * ((1 << __GFP_BITS_SHIFT) - 1), v5.9 include/linux/gfp.h, at CONFIG_LOCKDEP=y
 * like ___GFP_NOLOCKDEP above; a configuration's own values are
 * gfpLayout().bitsShift / bitsMask.
 */
export const __GFP_BITS_SHIFT = 24;
export const __GFP_BITS_MASK = (1 << __GFP_BITS_SHIFT) - 1;
/**
 * GFP_BOOT_MASK (__GFP_BITS_MASK & ~(__GFP_RECLAIM|__GFP_IO|__GFP_FS)), v5.9
 * mm/internal.h: gfp_allowed_mask until kernel_init_freeable() (init/main.c)
 * sets it to __GFP_BITS_MASK. For a request below bit 23 (every GFP_* mask
 * above) it clears the same bits under any configuration; the exact mask of a
 * configuration is gfpLayout().bootMask.
 */
export const GFP_BOOT_MASK = (__GFP_BITS_MASK & ~(__GFP_RECLAIM | __GFP_IO | __GFP_FS)) >>> 0;

/**
 * GFP_MOVABLE_MASK (__GFP_RECLAIMABLE|__GFP_MOVABLE) and GFP_MOVABLE_SHIFT 3.
 * gfp.h #undefs both right after gfp_migratetype(); exported here for the model.
 */
export const GFP_MOVABLE_MASK = __GFP_RECLAIMABLE | __GFP_MOVABLE;
export const GFP_MOVABLE_SHIFT = 3;

/* Migrate types (include/linux/mmzone.h enum migratetype). */
export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
/** MIGRATE_PCPTYPES == MIGRATE_HIGHATOMIC: the number of pcplist types. */
export const MIGRATE_PCPTYPES = 3;
export const MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES;

export type GfpMigratetype =
  | typeof MIGRATE_UNMOVABLE
  | typeof MIGRATE_MOVABLE
  | typeof MIGRATE_RECLAIMABLE
  | typeof MIGRATE_HIGHATOMIC;

/**
 * gfp_migratetype() (include/linux/gfp.h, same in 5.9 and 6.x):
 * `(gfp_flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT`, or MIGRATE_UNMOVABLE
 * when page_group_by_mobility_disabled. __GFP_MOVABLE gives MIGRATE_MOVABLE (1),
 * __GFP_RECLAIMABLE gives MIGRATE_RECLAIMABLE (2), neither gives
 * MIGRATE_UNMOVABLE (0). Both set is a VM_WARN_ON in the kernel and the
 * arithmetic yields 3 == MIGRATE_HIGHATOMIC (6.x even BUILD_BUG_ONs that); this
 * function returns 3 as the kernel does, and invalidCombination() reports it.
 */
export function gfpFlagsToMigratetype(gfp: number, mobilityDisabled = false): GfpMigratetype {
  if (mobilityDisabled) return MIGRATE_UNMOVABLE;
  // Literals: this runs on every allocation (see "Hot-path constants" in page-alloc.ts).
  return ((gfp & 0x18 /* GFP_MOVABLE_MASK */) >>> 3 /* GFP_MOVABLE_SHIFT */) as GfpMigratetype;
}

/* ------------------------------------------------------------------------ */
/* Layouts                                                                   */
/* ------------------------------------------------------------------------ */

/** The kernel config options that change the GFP bit layout. */
export interface GfpConfig {
  /** CONFIG_LOCKDEP: defines ___GFP_NOLOCKDEP (5.9: 0x800000; 6.x: an enum bit). */
  lockdep: boolean;
  /** CONFIG_KASAN_HW_TAGS (6.x only): defines ___GFP_SKIP_ZERO and ___GFP_SKIP_KASAN. */
  kasanHwTags?: boolean;
  /** CONFIG_SLAB_OBJ_EXT (6.x only): defines ___GFP_NO_OBJ_EXT. */
  slabObjExt?: boolean;
}

export type GfpCondition = 'CONFIG_LOCKDEP' | 'CONFIG_KASAN_HW_TAGS' | 'CONFIG_SLAB_OBJ_EXT';

/** One named bit defined under a configuration. */
export interface GfpBit {
  /** Kernel name of the plain value, e.g. `___GFP_DMA`. */
  readonly name: string;
  /** The `__GFP_*` alias, e.g. `__GFP_DMA`. */
  readonly alias: string;
  /** Bit number (value === 2 ** bit). */
  readonly bit: number;
  readonly value: number;
  /** The #ifdef it depends on, or null when unconditional. */
  readonly condition: GfpCondition | null;
}

/** A flag name the header defines as 0 under this configuration (`#else ... 0`). */
export interface GfpZeroFlag {
  readonly name: string;
  readonly alias: string;
  readonly condition: GfpCondition;
}

/** A named combination (GFP_KERNEL, __GFP_RECLAIM ...). */
export interface GfpMask {
  readonly name: string;
  readonly value: number;
  /** The header's definition, for reports. */
  readonly definition: string;
}

export interface GfpLayout {
  readonly profile: ProfileName;
  readonly config: Readonly<Required<GfpConfig>>;
  /** Which header this layout follows. */
  readonly header: string;
  /** 32: gfp_t is unsigned int. */
  readonly gfpBits: number;
  /** Named bits defined under this config, in header order. */
  readonly bits: readonly GfpBit[];
  /** Names defined as 0 under this config (e.g. ___GFP_NOLOCKDEP without lockdep). */
  readonly zeroFlags: readonly GfpZeroFlag[];
  /** Bits below __GFP_BITS_SHIFT that no flag uses (6.x: bit 9, ___GFP_UNUSED_BIT). */
  readonly unusedBits: readonly { readonly name: string; readonly bit: number; readonly note: string }[];
  /** 6.x: the anonymous enum of gfp_types.h as compiled under this config; null for 5.9. */
  readonly enumOrder: readonly string[] | null;
  /** Named masks as the header defines them under this config. */
  readonly masks: readonly GfpMask[];
  /** __GFP_BITS_SHIFT: 5.9 23 + IS_ENABLED(CONFIG_LOCKDEP); 6.x ___GFP_LAST_BIT. */
  readonly bitsShift: number;
  /** __GFP_BITS_MASK ((1 << __GFP_BITS_SHIFT) - 1): gfp_allowed_mask once booted. */
  readonly bitsMask: number;
  /** GFP_BOOT_MASK (__GFP_BITS_MASK & ~(__GFP_RECLAIM|__GFP_IO|__GFP_FS)), mm/internal.h. */
  readonly bootMask: number;
  /** show_gfp_flags() table (__def_gfpflag_names) in order; zero masks left out. */
  readonly traceFlagNames: readonly { readonly name: string; readonly mask: number }[];
}

/** Flag suffixes of v5.9 include/linux/gfp.h, header order, with values. */
const FLAGS_5_9: readonly (readonly [suffix: string, value: number, condition: GfpCondition | null])[] = [
  ['DMA', 0x01, null],
  ['HIGHMEM', 0x02, null],
  ['DMA32', 0x04, null],
  ['MOVABLE', 0x08, null],
  ['RECLAIMABLE', 0x10, null],
  ['HIGH', 0x20, null],
  ['IO', 0x40, null],
  ['FS', 0x80, null],
  ['ZERO', 0x100, null],
  ['ATOMIC', 0x200, null],
  ['DIRECT_RECLAIM', 0x400, null],
  ['KSWAPD_RECLAIM', 0x800, null],
  ['WRITE', 0x1000, null],
  ['NOWARN', 0x2000, null],
  ['RETRY_MAYFAIL', 0x4000, null],
  ['NOFAIL', 0x8000, null],
  ['NORETRY', 0x10000, null],
  ['MEMALLOC', 0x20000, null],
  ['COMP', 0x40000, null],
  ['NOMEMALLOC', 0x80000, null],
  ['HARDWALL', 0x100000, null],
  ['THISNODE', 0x200000, null],
  ['ACCOUNT', 0x400000, null],
  ['NOLOCKDEP', 0x800000, 'CONFIG_LOCKDEP'],
];

/**
 * Flag suffixes of v6.1 include/linux/gfp_types.h (still #defines), header order:
 * __GFP_ATOMIC at 0x200, ___GFP_ZEROTAGS 0x800000, the KASAN_HW_TAGS bits
 * 0x1000000-0x4000000 (0 without it), ___GFP_NOLOCKDEP 0x8000000 (0 without
 * lockdep); __GFP_BITS_SHIFT (27 + IS_ENABLED(CONFIG_LOCKDEP)).
 */
const FLAGS_6_1: readonly (readonly [suffix: string, value: number, condition: GfpCondition | null])[] = [
  ...FLAGS_5_9.filter(([suffix]) => suffix !== 'NOLOCKDEP'),
  ['ZEROTAGS', 0x800000, null],
  ['SKIP_ZERO', 0x1000000, 'CONFIG_KASAN_HW_TAGS'],
  ['SKIP_KASAN_UNPOISON', 0x2000000, 'CONFIG_KASAN_HW_TAGS'],
  ['SKIP_KASAN_POISON', 0x4000000, 'CONFIG_KASAN_HW_TAGS'],
  ['NOLOCKDEP', 0x8000000, 'CONFIG_LOCKDEP'],
];

/**
 * The anonymous enum of include/linux/gfp_types.h (v6.10 form), in order.
 * `UNUSED` is ___GFP_UNUSED_BIT ("0x200u unused", where __GFP_ATOMIC was).
 */
const ENUM_6_X: readonly (readonly [suffix: string, condition: GfpCondition | null])[] = [
  ['DMA', null],
  ['HIGHMEM', null],
  ['DMA32', null],
  ['MOVABLE', null],
  ['RECLAIMABLE', null],
  ['HIGH', null],
  ['IO', null],
  ['FS', null],
  ['ZERO', null],
  ['UNUSED', null],
  ['DIRECT_RECLAIM', null],
  ['KSWAPD_RECLAIM', null],
  ['WRITE', null],
  ['NOWARN', null],
  ['RETRY_MAYFAIL', null],
  ['NOFAIL', null],
  ['NORETRY', null],
  ['MEMALLOC', null],
  ['COMP', null],
  ['NOMEMALLOC', null],
  ['HARDWALL', null],
  ['THISNODE', null],
  ['ACCOUNT', null],
  ['ZEROTAGS', null],
  ['SKIP_ZERO', 'CONFIG_KASAN_HW_TAGS'],
  ['SKIP_KASAN', 'CONFIG_KASAN_HW_TAGS'],
  ['NOLOCKDEP', 'CONFIG_LOCKDEP'],
  ['NO_OBJ_EXT', 'CONFIG_SLAB_OBJ_EXT'],
];

/**
 * __def_gfpflag_names of v5.9/v5.10 include/trace/events/mmflags.h, in order.
 * Note: no __GFP_NOLOCKDEP entry, and __GFP_DMA/__GFP_DMA32 print as GFP_DMA/GFP_DMA32.
 */
const TRACE_NAMES_5_9: readonly string[] = [
  'GFP_TRANSHUGE',
  'GFP_TRANSHUGE_LIGHT',
  'GFP_HIGHUSER_MOVABLE',
  'GFP_HIGHUSER',
  'GFP_USER',
  'GFP_KERNEL_ACCOUNT',
  'GFP_KERNEL',
  'GFP_NOFS',
  'GFP_ATOMIC',
  'GFP_NOIO',
  'GFP_NOWAIT',
  'GFP_DMA',
  '__GFP_HIGHMEM',
  'GFP_DMA32',
  '__GFP_HIGH',
  '__GFP_ATOMIC',
  '__GFP_IO',
  '__GFP_FS',
  '__GFP_NOWARN',
  '__GFP_RETRY_MAYFAIL',
  '__GFP_NOFAIL',
  '__GFP_NORETRY',
  '__GFP_COMP',
  '__GFP_ZERO',
  '__GFP_NOMEMALLOC',
  '__GFP_MEMALLOC',
  '__GFP_HARDWALL',
  '__GFP_THISNODE',
  '__GFP_RECLAIMABLE',
  '__GFP_MOVABLE',
  '__GFP_ACCOUNT',
  '__GFP_WRITE',
  '__GFP_RECLAIM',
  '__GFP_DIRECT_RECLAIM',
  '__GFP_KSWAPD_RECLAIM',
];

/**
 * __def_gfpflag_names of v6.1 include/trace/events/mmflags.h: the 5.10 table
 * plus __GFP_ZEROTAGS, then (CONFIG_KASAN_HW_TAGS) __def_gfpflag_names_kasan.
 */
const TRACE_NAMES_6_1: readonly string[] = [
  ...TRACE_NAMES_5_9,
  '__GFP_ZEROTAGS',
  '__GFP_SKIP_ZERO',
  '__GFP_SKIP_KASAN_POISON',
  '__GFP_SKIP_KASAN_UNPOISON',
];

/**
 * 6.10+ mmflags.h: the named masks of __def_gfpflag_names, then TRACE_GFP_FLAGS
 * (every enum flag in bit order: GENERAL, then KASAN, LOCKDEP, SLAB under their
 * #ifdefs - the #ifdefs match "defined under this config", so the bits list is used).
 */
const TRACE_MASK_NAMES_6_X: readonly string[] = [
  'GFP_TRANSHUGE',
  'GFP_TRANSHUGE_LIGHT',
  'GFP_HIGHUSER_MOVABLE',
  'GFP_HIGHUSER',
  'GFP_USER',
  'GFP_KERNEL_ACCOUNT',
  'GFP_KERNEL',
  'GFP_NOFS',
  'GFP_ATOMIC',
  'GFP_NOIO',
  'GFP_NOWAIT',
  'GFP_DMA',
  'GFP_DMA32',
  '__GFP_RECLAIM',
];

function normalizeConfig(config: GfpConfig): Required<GfpConfig> {
  return {
    lockdep: config.lockdep,
    kasanHwTags: config.kasanHwTags ?? false,
    slabObjExt: config.slabObjExt ?? false,
  };
}

function conditionHolds(cond: GfpCondition | null, cfg: Required<GfpConfig>): boolean {
  switch (cond) {
    case null:
      return true;
    case 'CONFIG_LOCKDEP':
      return cfg.lockdep;
    case 'CONFIG_KASAN_HW_TAGS':
      return cfg.kasanHwTags;
    case 'CONFIG_SLAB_OBJ_EXT':
      return cfg.slabObjExt;
  }
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** Named masks from flag values; `v(suffix)` is 0 for names defined as 0 or absent. */
function buildMasks(profile: ProfileName, v: (suffix: string) => number): GfpMask[] {
  const reclaim = v('DIRECT_RECLAIM') | v('KSWAPD_RECLAIM');
  const user = reclaim | v('IO') | v('FS') | v('HARDWALL');
  const highuser = user | v('HIGHMEM');
  const p = PROFILES[profile];
  const kind = p.gfpLayout;
  const atomic = p.hasGfpAtomic;
  const nowaitNowarn = p.gfpNowaitHasNowarn;
  const highuserMovable =
    highuser |
    v('MOVABLE') |
    (kind === 'gfp_types.h-enum' ? v('SKIP_KASAN') : kind === 'gfp_types.h-6.1' ? v('SKIP_KASAN_POISON') | v('SKIP_KASAN_UNPOISON') : 0);
  const thpLight = ((highuserMovable | v('COMP') | v('NOMEMALLOC') | v('NOWARN')) & ~reclaim) >>> 0;
  const m = (name: string, value: number, definition: string): GfpMask => ({ name, value: value >>> 0, definition });
  return [
    m('__GFP_RECLAIM', reclaim, '___GFP_DIRECT_RECLAIM|___GFP_KSWAPD_RECLAIM'),
    m('GFP_ZONEMASK', v('DMA') | v('HIGHMEM') | v('DMA32') | v('MOVABLE'), '__GFP_DMA|__GFP_HIGHMEM|__GFP_DMA32|__GFP_MOVABLE'),
    atomic
      ? m('GFP_ATOMIC', v('HIGH') | v('ATOMIC') | v('KSWAPD_RECLAIM'), '__GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM')
      : m('GFP_ATOMIC', v('HIGH') | v('KSWAPD_RECLAIM'), '__GFP_HIGH|__GFP_KSWAPD_RECLAIM'),
    m('GFP_KERNEL', reclaim | v('IO') | v('FS'), '__GFP_RECLAIM | __GFP_IO | __GFP_FS'),
    m('GFP_KERNEL_ACCOUNT', reclaim | v('IO') | v('FS') | v('ACCOUNT'), 'GFP_KERNEL | __GFP_ACCOUNT'),
    nowaitNowarn
      ? m('GFP_NOWAIT', v('KSWAPD_RECLAIM') | v('NOWARN'), '__GFP_KSWAPD_RECLAIM | __GFP_NOWARN')
      : m('GFP_NOWAIT', v('KSWAPD_RECLAIM'), '__GFP_KSWAPD_RECLAIM'),
    m('GFP_NOIO', reclaim, '__GFP_RECLAIM'),
    m('GFP_NOFS', reclaim | v('IO'), '__GFP_RECLAIM | __GFP_IO'),
    m('GFP_USER', user, '__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL'),
    m('GFP_DMA', v('DMA'), '__GFP_DMA'),
    m('GFP_DMA32', v('DMA32'), '__GFP_DMA32'),
    m('GFP_HIGHUSER', highuser, 'GFP_USER | __GFP_HIGHMEM'),
    kind === 'gfp.h-5.9'
      ? m('GFP_HIGHUSER_MOVABLE', highuserMovable, 'GFP_HIGHUSER | __GFP_MOVABLE')
      : kind === 'gfp_types.h-6.1'
        ? m('GFP_HIGHUSER_MOVABLE', highuserMovable, 'GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN_POISON | __GFP_SKIP_KASAN_UNPOISON')
        : m('GFP_HIGHUSER_MOVABLE', highuserMovable, 'GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN'),
    m('GFP_TRANSHUGE_LIGHT', thpLight, '(GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM'),
    m('GFP_TRANSHUGE', thpLight | v('DIRECT_RECLAIM'), 'GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM'),
    m('GFP_MOVABLE_MASK', v('RECLAIMABLE') | v('MOVABLE'), '__GFP_RECLAIMABLE|__GFP_MOVABLE (#undef after gfp_migratetype)'),
  ];
}

/**
 * The GFP layout of a profile under a config (profile.gfpLayout).
 * - 5.9/5.10: include/linux/gfp.h `#define ___GFP_*` values; __GFP_BITS_SHIFT
 *   (23 + IS_ENABLED(CONFIG_LOCKDEP)). kasanHwTags/slabObjExt have no effect.
 * - 6.1: include/linux/gfp_types.h `#define`s (FLAGS_6_1), __GFP_ATOMIC still at
 *   0x200, NOLOCKDEP 0x8000000; __GFP_BITS_SHIFT (27 + IS_ENABLED(CONFIG_LOCKDEP)).
 *   slabObjExt has no effect.
 * - 6.12/7.2: include/linux/gfp_types.h enum (v6.10 form); each conditional entry
 *   shifts the later ones; __GFP_BITS_SHIFT is ___GFP_LAST_BIT. Bit 9 stays unused.
 *   GFP_NOWAIT gains __GFP_NOWARN from 6.17 (profile.gfpNowaitHasNowarn).
 */
export function gfpLayout(profile: ProfileName, config: GfpConfig): GfpLayout {
  const cfg = normalizeConfig(config);
  const bits: GfpBit[] = [];
  const zeroFlags: GfpZeroFlag[] = [];
  const unusedBits: { name: string; bit: number; note: string }[] = [];
  let enumOrder: string[] | null = null;
  let bitsShift: number;
  let header: string;

  const kind = PROFILES[profile].gfpLayout;
  if (kind === 'gfp.h-5.9' || kind === 'gfp_types.h-6.1') {
    const is61 = kind === 'gfp_types.h-6.1';
    header = is61 ? 'include/linux/gfp_types.h (v6.1, #defines)' : `include/linux/gfp.h (v${profile})`;
    for (const [suffix, value, condition] of is61 ? FLAGS_6_1 : FLAGS_5_9) {
      const name = `___GFP_${suffix}`;
      const alias = `__GFP_${suffix}`;
      if (conditionHolds(condition, cfg)) {
        bits.push({ name, alias, bit: Math.log2(value), value, condition });
      } else if (condition !== null) {
        zeroFlags.push({ name, alias, condition });
      }
    }
    bitsShift = (is61 ? 27 : 23) + (cfg.lockdep ? 1 : 0);
  } else {
    header = 'include/linux/gfp_types.h (enum, v6.10+)';
    enumOrder = [];
    let bit = 0;
    for (const [suffix, condition] of ENUM_6_X) {
      const name = `___GFP_${suffix}`;
      const alias = `__GFP_${suffix}`;
      if (!conditionHolds(condition, cfg)) {
        if (condition !== null) zeroFlags.push({ name, alias, condition });
        continue;
      }
      enumOrder.push(`${name}_BIT`);
      if (suffix === 'UNUSED') {
        unusedBits.push({ name: '___GFP_UNUSED_BIT', bit, note: '0x200u unused (was ___GFP_ATOMIC, removed in v6.3)' });
      } else {
        bits.push({ name, alias, bit, value: 2 ** bit, condition });
      }
      bit++;
    }
    enumOrder.push('___GFP_LAST_BIT');
    bitsShift = bit;
  }

  const bySuffix = new Map<string, number>();
  for (const b of bits) bySuffix.set(b.name.slice('___GFP_'.length), b.value);
  const v = (suffix: string): number => bySuffix.get(suffix) ?? 0;
  const masks = buildMasks(profile, v);
  const maskValue = new Map<string, number>(masks.map((m) => [m.name, m.value]));

  const bitsMask = bitsShift >= 32 ? 0xffffffff : 2 ** bitsShift - 1;
  const reclaim = v('DIRECT_RECLAIM') | v('KSWAPD_RECLAIM');
  const bootMask = (bitsMask & ~(reclaim | v('IO') | v('FS'))) >>> 0;

  const aliasValue = new Map<string, number>(bits.map((b) => [b.alias, b.value]));
  const lookup = (name: string): number => maskValue.get(name) ?? aliasValue.get(name) ?? 0;
  const traceFlagNames: { name: string; mask: number }[] = [];
  const traceNames =
    kind === 'gfp.h-5.9' ? TRACE_NAMES_5_9 : kind === 'gfp_types.h-6.1' ? TRACE_NAMES_6_1 : [...TRACE_MASK_NAMES_6_X, ...bits.map((b) => b.alias)];
  for (const name of traceNames) {
    const mask = lookup(name);
    // trace_print_flags_seq() would match a 0 mask on every value; the kernel
    // tables contain none (the conditional flags are under the same #ifdefs).
    if (mask !== 0) traceFlagNames.push({ name, mask });
  }

  return {
    profile,
    config: cfg,
    header,
    gfpBits: GFP_BITS_TOTAL,
    bits,
    zeroFlags,
    unusedBits,
    enumOrder,
    masks,
    bitsShift,
    bitsMask,
    bootMask,
    traceFlagNames,
  };
}

/* ------------------------------------------------------------------------ */
/* Registry                                                                  */
/* ------------------------------------------------------------------------ */

export interface GfpRegistration {
  readonly name: string;
  readonly value: number;
  readonly owner: string;
}

export interface GfpCollision {
  readonly name: string;
  readonly value: number;
  /** The kernel bit (or earlier registration) already at this value. */
  readonly collidesWith: string;
  readonly owner: string;
}

/**
 * Problems a registration causes:
 * - `collision`: the value is already a named bit under this config.
 * - `outsideBitsMask`: the value is at or above the unmodified header's
 *   __GFP_BITS_SHIFT. Once booted, gfp_allowed_mask is __GFP_BITS_MASK
 *   (init/main.c kernel_init_freeable()) and __alloc_pages_nodemask() (5.9) /
 *   __alloc_pages() (6.x) does `gfp_mask &= gfp_allowed_mask;` first, so the bit
 *   is silently cleared before the allocator sees it unless the patch also grows
 *   __GFP_BITS_SHIFT (Rezki's Aug/Oct 2020 patches did: 24 + IS_ENABLED(CONFIG_LOCKDEP)).
 */
export type GfpProblem =
  | ({ readonly kind: 'collision'; readonly detail: string } & GfpCollision)
  | {
      readonly kind: 'outsideBitsMask';
      readonly name: string;
      readonly value: number;
      readonly owner: string;
      /** The unmodified header's __GFP_BITS_SHIFT. */
      readonly headerBitsShift: number;
      readonly detail: string;
    };

/** A kernel bit moved by a patch (Rezki's patch moved ___GFP_NOLOCKDEP to 0x1000000u). */
export interface GfpRelocation {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly owner: string;
}

export type GfpRuleKind = 'both' | 'without';

export interface GfpRule {
  readonly name: string;
  /** `both`: a bit of `a` together with a bit of `b`; `without`: a bit of `a` and no bit of `b`. */
  readonly kind: GfpRuleKind;
  readonly a: number;
  readonly b: number;
  readonly owner: string;
  /** Where the kernel checks it, for kernel rules. */
  readonly source?: string;
}

const KERNEL_OWNER = 'kernel';

function canonicalName(name: string): { name: string; display: string } {
  if (name.startsWith('___GFP_')) return { name, display: `__GFP_${name.slice(7)}` };
  if (name.startsWith('__GFP_')) return { name: `___GFP_${name.slice(6)}`, display: name };
  return { name, display: name };
}

function isSingleBit(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value < 2 ** 32 && Number.isInteger(Math.log2(value));
}

function checkMask(value: number, what: string, owner: string): void {
  if (!Number.isInteger(value) || value <= 0 || value >= 2 ** 32) {
    throw new Error(
      `GfpRegistry: strategy "${owner}" gave ${what} ${String(value)}: expected a non-zero 32-bit gfp mask`,
    );
  }
}

/**
 * GFP bit accounting for one kernel profile/config, plus the strategies' extra bits
 * and flag-combination rules. Build one per strategy run:
 * `new GfpRegistry(gfpLayout('5.9', { lockdep: true }))`.
 */
export class GfpRegistry {
  readonly layout: GfpLayout;
  /** gfp_t width: 32. */
  readonly bitsTotal: number = GFP_BITS_TOTAL;

  readonly #registered: GfpRegistration[] = [];
  readonly #display = new Map<string, string>();
  readonly #relocations = new Map<string, GfpRelocation>();
  readonly #rules: GfpRule[] = [];

  constructor(layout: GfpLayout) {
    this.layout = layout;
    this.#addKernelRules();
  }

  /** Shorthand for `new GfpRegistry(gfpLayout(profile, config))`. */
  static for(profile: ProfileName, config: GfpConfig): GfpRegistry {
    return new GfpRegistry(gfpLayout(profile, config));
  }

  /**
   * Claim a new bit for a strategy. One bit, a power of two below 2^32; anything
   * else throws. Collisions are never refused: they are recorded (collisions(),
   * problems()) so the report can show what the proposal would break.
   * `__GFP_X` and `___GFP_X` name the same flag; it is stored as `___GFP_X` and
   * rendered as `__GFP_X`. Re-registering the same name and value is a no-op.
   */
  register(name: string, value: number, owner: string): GfpRegistration {
    if (!isSingleBit(value)) {
      throw new Error(
        `GfpRegistry.register: strategy "${owner}" asked for ${name} = ${
          Number.isInteger(value) && value > 0 ? hex(value) : String(value)
        }: expected one bit (a power of two below 2^32)`,
      );
    }
    const { name: canon, display } = canonicalName(name);
    if (this.layout.bits.some((b) => b.name === canon) || this.layout.zeroFlags.some((z) => z.name === canon)) {
      throw new Error(
        `GfpRegistry.register: strategy "${owner}" asked for ${name} = ${hex(value)}: the kernel header already defines that name (use relocate() to move a kernel bit)`,
      );
    }
    const existing = this.#registered.find((r) => r.name === canon);
    if (existing) {
      if (existing.value === value) return existing;
      throw new Error(
        `GfpRegistry.register: strategy "${owner}" asked for ${name} = ${hex(value)}: already registered as ${hex(existing.value)} by "${existing.owner}"`,
      );
    }
    const reg: GfpRegistration = { name: canon, value, owner };
    this.#registered.push(reg);
    this.#display.set(canon, display);
    return reg;
  }

  /**
   * Move a kernel bit to another value, as a patch editing the header would
   * (Rezki's Aug 9 RFC and Oct 1 patch moved ___GFP_NOLOCKDEP from 0x800000u to
   * 0x1000000u to make room for ___GFP_NO_LOCKS). A name defined as 0 under this
   * config stays 0 (the patch only edits the #ifdef branch). Throws for a name
   * the header does not define or a value that is not one bit.
   */
  relocate(name: string, value: number, owner: string): GfpRelocation {
    const { name: canon } = canonicalName(name);
    if (!isSingleBit(value)) {
      throw new Error(
        `GfpRegistry.relocate: strategy "${owner}" asked to move ${name} to ${String(value)}: expected one bit (a power of two below 2^32)`,
      );
    }
    const bit = this.layout.bits.find((b) => b.name === canon);
    const zero = this.layout.zeroFlags.find((z) => z.name === canon);
    if (!bit && !zero) {
      throw new Error(`GfpRegistry.relocate: strategy "${owner}" asked to move ${name} to ${hex(value)}: not a kernel flag of this layout`);
    }
    const rel: GfpRelocation = { name: canon, from: bit ? bit.value : 0, to: bit ? value : 0, owner };
    this.#relocations.set(canon, rel);
    return rel;
  }

  /** Bits registered by strategies, in registration order. */
  registered(): GfpRegistration[] {
    return this.#registered.map((r) => ({ ...r }));
  }

  /** Kernel bits moved by strategies. */
  relocations(): GfpRelocation[] {
    return [...this.#relocations.values()].map((r) => ({ ...r }));
  }

  /** Current value of a kernel bit (after relocations), by `___GFP_X` or `__GFP_X`. */
  #kernelBits(): { name: string; value: number; owner: string }[] {
    const out: { name: string; value: number; owner: string }[] = [];
    for (const b of this.layout.bits) {
      const rel = this.#relocations.get(b.name);
      out.push({ name: b.name, value: rel ? rel.to : b.value, owner: rel ? rel.owner : KERNEL_OWNER });
    }
    return out;
  }

  /**
   * Registrations (and relocations) whose value is already taken, e.g.
   * ___GFP_NO_LOCKS = 0x800000 on 5.9 with CONFIG_LOCKDEP collides with
   * ___GFP_NOLOCKDEP; without lockdep it does not.
   */
  collisions(): GfpCollision[] {
    const taken = new Map<number, string>();
    const out: GfpCollision[] = [];
    for (const k of this.#kernelBits()) {
      const prev = taken.get(k.value);
      if (prev !== undefined) out.push({ name: k.name, value: k.value, collidesWith: prev, owner: k.owner });
      else taken.set(k.value, k.name);
    }
    for (const r of this.#registered) {
      const prev = taken.get(r.value);
      if (prev !== undefined) out.push({ name: r.name, value: r.value, collidesWith: prev, owner: r.owner });
      else taken.set(r.value, r.name);
    }
    return out;
  }

  /** Collisions plus values outside the unmodified header's __GFP_BITS_MASK. */
  problems(): GfpProblem[] {
    const out: GfpProblem[] = this.collisions().map((c) => ({
      kind: 'collision' as const,
      ...c,
      detail: `${c.name} = ${hex(c.value)} (${c.owner}) is already ${c.collidesWith} under ${this.#configText()}`,
    }));
    const shift = this.layout.bitsShift;
    const moved = [...this.#relocations.values()].filter((r) => r.to !== 0);
    for (const r of [...moved.map((m) => ({ name: m.name, value: m.to, owner: m.owner })), ...this.#registered]) {
      if (r.value >= 2 ** shift) {
        out.push({
          kind: 'outsideBitsMask',
          name: r.name,
          value: r.value,
          owner: r.owner,
          headerBitsShift: shift,
          detail:
            `${r.name} = ${hex(r.value)} (${r.owner}) is at or above __GFP_BITS_SHIFT ${shift} ` +
            `(__GFP_BITS_MASK ${hex(this.layout.bitsMask)}): gfp_allowed_mask == __GFP_BITS_MASK once booted and ` +
            `the allocator entry does gfp_mask &= gfp_allowed_mask, so the bit is cleared unless the patch grows __GFP_BITS_SHIFT to ${this.bitsShift}`,
        });
      }
    }
    return out;
  }

  #configText(): string {
    const c = this.layout.config;
    const on = [c.lockdep ? 'LOCKDEP' : null, c.kasanHwTags ? 'KASAN_HW_TAGS' : null, c.slabObjExt ? 'SLAB_OBJ_EXT' : null]
      .filter((x): x is string => x !== null)
      .join('+');
    return `${this.layout.profile}${on ? ` with ${on}` : ''}`;
  }

  #usedValues(): Set<number> {
    const used = new Set<number>();
    for (const k of this.#kernelBits()) used.add(k.value);
    for (const r of this.#registered) used.add(r.value);
    return used;
  }

  /** Named bits defined under this config plus registered ones; a collided bit counts once. */
  get bitsUsed(): number {
    return this.#usedValues().size;
  }

  get bitsLeft(): number {
    return this.bitsTotal - this.bitsUsed;
  }

  /**
   * __GFP_BITS_SHIFT the header would need after the registrations: the layout's
   * shift, grown to cover the highest used bit.
   */
  get bitsShift(): number {
    let highest = -1;
    for (const v of this.#usedValues()) highest = Math.max(highest, Math.log2(v));
    return Math.max(this.layout.bitsShift, highest + 1);
  }

  /**
   * gfp_allowed_mask: __GFP_BITS_MASK once booted, GFP_BOOT_MASK during early boot
   * (which turns GFP_KERNEL into 0). `patchedHeader` (default true) uses the grown
   * bitsShift, as a patch adding a bit must; false uses the unmodified header.
   */
  allowedMask(opts: { boot?: boolean; patchedHeader?: boolean } = {}): number {
    const shift = (opts.patchedHeader ?? true) ? this.bitsShift : this.layout.bitsShift;
    const mask = shift >= 32 ? 0xffffffff : 2 ** shift - 1;
    if (!opts.boot) return mask;
    return (mask & ~(this.value('__GFP_RECLAIM') | this.value('__GFP_IO') | this.value('__GFP_FS'))) >>> 0;
  }

  /**
   * Value of a flag or mask name under this layout and registry: `___GFP_X`,
   * `__GFP_X`, `GFP_*` masks, registered names (either spelling). Names the header
   * defines as 0 under this config give 0. Unknown names give undefined.
   */
  lookup(name: string): number | undefined {
    for (const k of this.#kernelBits()) {
      if (k.name === name || `__GFP_${k.name.slice(7)}` === name) return k.value;
    }
    for (const z of this.layout.zeroFlags) {
      if (z.name === name || z.alias === name) return 0;
    }
    const mask = this.layout.masks.find((m) => m.name === name);
    if (mask) return mask.value;
    const canon = canonicalName(name).name;
    const reg = this.#registered.find((r) => r.name === canon || r.name === name);
    return reg?.value;
  }

  /** lookup() that throws for unknown names (for code paths that need a number). */
  value(name: string): number {
    const v = this.lookup(name);
    if (v === undefined) throw new Error(`GfpRegistry: ${name} is not defined in ${this.#configText()}`);
    return v;
  }

  /**
   * The show_gfp_flags() table for this registry: the kernel's table (with
   * relocated values), then registered bits as `__GFP_X` (a patch adds them to
   * mmflags.h, as Rezki's did after __GFP_ACCOUNT; for single bits the position
   * only matters on a collision, where the kernel's earlier entry wins).
   */
  traceFlagNames(): { name: string; mask: number }[] {
    const out: { name: string; mask: number }[] = [];
    for (const t of this.layout.traceFlagNames) {
      const mask = this.#relocations.size === 0 ? t.mask : (this.lookup(t.name) ?? t.mask);
      if (mask !== 0) out.push({ name: t.name, mask });
    }
    for (const r of this.#registered) out.push({ name: this.#display.get(r.name) ?? r.name, mask: r.value });
    return out;
  }

  /* ---- invalid combinations ---- */

  /** Forbid a bit of `mustNotCombine` together with a bit of `withMask`. */
  registerInvalidCombination(name: string, mustNotCombine: number, withMask: number, owner: string): GfpRule {
    checkMask(mustNotCombine, `mustNotCombine for rule "${name}"`, owner);
    checkMask(withMask, `with for rule "${name}"`, owner);
    return this.#addRule({ name, kind: 'both', a: mustNotCombine >>> 0, b: withMask >>> 0, owner });
  }

  /** Forbid a bit of `flags` unless some bit of `requires` is present. */
  registerInvalidWithout(name: string, flags: number, requires: number, owner: string): GfpRule {
    checkMask(flags, `flags for rule "${name}"`, owner);
    checkMask(requires, `requires for rule "${name}"`, owner);
    return this.#addRule({ name, kind: 'without', a: flags >>> 0, b: requires >>> 0, owner });
  }

  #addRule(rule: GfpRule): GfpRule {
    if (this.#rules.some((r) => r.name === rule.name)) {
      throw new Error(`GfpRegistry: strategy "${rule.owner}" registered rule "${rule.name}" twice`);
    }
    this.#rules.push(rule);
    return rule;
  }

  /** All rules, kernel ones first. */
  rules(): GfpRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  /** Name of the first rule `gfp` breaks, or null. */
  invalidCombination(gfp: number): string | null {
    for (const r of this.#rules) {
      if (ruleBroken(r, gfp)) return r.name;
    }
    return null;
  }

  /** Names of every rule `gfp` breaks. */
  invalidCombinations(gfp: number): string[] {
    return this.#rules.filter((r) => ruleBroken(r, gfp)).map((r) => r.name);
  }

  /**
   * The kernel's own checks on flag combinations, as WARN/VM_WARN/VM_BUG checks
   * (VM_* ones only fire with CONFIG_DEBUG_VM). Order-dependent checks (e.g.
   * __GFP_NOFAIL with order > PAGE_ALLOC_COSTLY_ORDER, order > 1 in 6.x) are not
   * flag combinations and are left to the allocator model.
   */
  #addKernelRules(): void {
    const v = (n: string): number => this.lookup(n) ?? 0;
    const add = (rule: Omit<GfpRule, 'owner'>): void => {
      if (rule.a !== 0 && rule.b !== 0) this.#rules.push({ ...rule, owner: KERNEL_OWNER });
    };
    if (PROFILES[this.layout.profile].hasGfpAtomic) {
      // mm/page_alloc.c v5.9-6.2 __alloc_pages_slowpath(): "sanity check to catch abuse
      // of atomic reserves being used by callers that are not in atomic context":
      // WARN_ON_ONCE((gfp_mask & (__GFP_ATOMIC|__GFP_DIRECT_RECLAIM)) ==
      // (__GFP_ATOMIC|__GFP_DIRECT_RECLAIM)), then gfp_mask &= ~__GFP_ATOMIC.
      add({
        name: 'atomic+direct-reclaim',
        kind: 'both',
        a: v('__GFP_ATOMIC'),
        b: v('__GFP_DIRECT_RECLAIM'),
        source: 'mm/page_alloc.c __alloc_pages_slowpath(): WARN_ON_ONCE, then clears __GFP_ATOMIC (slow path only)',
      });
    }
    // 5.9 __alloc_pages_slowpath() nopage: "All existing users of the __GFP_NOFAIL
    // are blockable, so warn of any new users that actually require GFP_NOWAIT":
    // if (WARN_ON_ONCE(!can_direct_reclaim)) goto fail; - the allocation fails.
    // 6.x (v6.18): at slowpath entry, "we don't support __GFP_NOFAIL without
    // __GFP_DIRECT_RECLAIM, otherwise, we may result in lockup": WARN_ON_ONCE.
    add({
      name: 'nofail-without-direct-reclaim',
      kind: 'without',
      a: v('__GFP_NOFAIL'),
      b: v('__GFP_DIRECT_RECLAIM'),
      source:
        !kernelAtLeast(this.layout.profile, 6, 12)
          ? 'mm/page_alloc.c __alloc_pages_slowpath() nopage: WARN_ON_ONCE(!can_direct_reclaim), goto fail'
          : 'mm/page_alloc.c __alloc_pages_slowpath() entry: WARN_ON_ONCE(!can_direct_reclaim)',
    });
    // include/linux/gfp.h gfp_migratetype():
    // VM_WARN_ON((gfp_flags & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK).
    add({
      name: 'movable+reclaimable',
      kind: 'both',
      a: v('__GFP_MOVABLE'),
      b: v('__GFP_RECLAIMABLE'),
      source: 'include/linux/gfp.h gfp_migratetype(): VM_WARN_ON (CONFIG_DEBUG_VM)',
    });
    // include/linux/gfp.h gfp_zone(): VM_BUG_ON((GFP_ZONE_BAD >> bit) & 1).
    // Every GFP_ZONE_BAD entry holds two of DMA/DMA32/HIGHMEM and no allowed
    // entry does, so these three pair rules are exactly GFP_ZONE_BAD.
    const zoneSource = 'include/linux/gfp.h gfp_zone(): VM_BUG_ON(GFP_ZONE_BAD) (CONFIG_DEBUG_VM)';
    add({ name: 'zone:dma+highmem', kind: 'both', a: v('__GFP_DMA'), b: v('__GFP_HIGHMEM'), source: zoneSource });
    add({ name: 'zone:dma+dma32', kind: 'both', a: v('__GFP_DMA'), b: v('__GFP_DMA32'), source: zoneSource });
    add({ name: 'zone:dma32+highmem', kind: 'both', a: v('__GFP_DMA32'), b: v('__GFP_HIGHMEM'), source: zoneSource });
  }
}

function ruleBroken(r: GfpRule, gfp: number): boolean {
  if ((gfp & r.a) === 0) return false;
  return r.kind === 'both' ? (gfp & r.b) !== 0 : (gfp & r.b) === 0;
}

/* ------------------------------------------------------------------------ */
/* Rendering and parsing                                                     */
/* ------------------------------------------------------------------------ */

let defaultRegistry: GfpRegistry | undefined;

/** 5.9 with CONFIG_LOCKDEP: the layout the exported constants follow. Read-only use. */
function getDefaultRegistry(): GfpRegistry {
  defaultRegistry ??= new GfpRegistry(gfpLayout('5.9', { lockdep: true }));
  return defaultRegistry;
}

/**
 * show_gfp_flags() (include/trace/events/mmflags.h) as trace_print_flags_seq()
 * (kernel/trace/trace_output.c) prints it: walk the table in order, print a name
 * when all of its mask's bits are still set and clear them, stop when nothing is
 * left; leftover bits print as `0x%lx`; 0 prints as `none`. Without a registry the
 * 5.9 (CONFIG_LOCKDEP=y) table is used - which has no __GFP_NOLOCKDEP entry, so
 * that bit shows as 0x800000, as on a real 5.9 kernel.
 */
export function describeGfp(gfp: number, registry?: GfpRegistry): string {
  let flags = gfp >>> 0;
  if (flags === 0) return 'none';
  const table = (registry ?? getDefaultRegistry()).traceFlagNames();
  const parts: string[] = [];
  for (const { name, mask } of table) {
    if (flags === 0) break;
    if ((flags & mask) >>> 0 !== mask) continue;
    flags = (flags & ~mask) >>> 0;
    parts.push(name);
  }
  if (flags !== 0) parts.push(hex(flags));
  return parts.join('|');
}

/**
 * Parse `GFP_KERNEL|__GFP_NOWARN`, `0x...`, decimal, `0` or `none` (the
 * tracepoint's spelling of 0) - e.g. the gfp_flags= field of kmem:mm_page_alloc.
 * Accepts every name of the registry's layout (`___GFP_X`, `__GFP_X`, the
 * `GFP_*` masks incl. those show_gfp_flags prints) and registered bits. Use a
 * registry of the traced kernel's profile: 6.x names such as __GFP_ZEROTAGS are
 * unknown to the default 5.9 registry. Throws a plain Error naming an unknown flag.
 */
export function parseGfp(text: string, registry?: GfpRegistry): number {
  const reg = registry ?? getDefaultRegistry();
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('parseGfp: empty GFP flags text');
  let out = 0;
  for (const raw of trimmed.split('|')) {
    const tok = raw.trim();
    let v: number | undefined;
    if (tok === '') throw new Error(`parseGfp: empty flag in "${text}"`);
    if (tok === 'none') v = 0;
    else if (/^0x[0-9a-f]+$/i.test(tok)) v = Number.parseInt(tok.slice(2), 16);
    else if (/^[0-9]+$/.test(tok)) v = Number.parseInt(tok, 10);
    else v = reg.lookup(tok);
    if (v === undefined) throw new Error(`parseGfp: unknown GFP flag "${tok}" in "${text}"`);
    if (v >= 2 ** 32) throw new Error(`parseGfp: "${tok}" in "${text}" does not fit in 32-bit gfp_t`);
    out = (out | v) >>> 0;
  }
  return out;
}
