/**
 * Kernel profiles: the kernels the model can behave as, named for the kernels
 * the lab boots (Debian 11, 12, 13 and unstable) plus `5.9`, the kernel of the
 * 2020 thread. Each field below cites where the kernels differ; every
 * difference the model represents is read from a profile, never from a name.
 *
 * - `5.9`, `5.10`: pcplists hold order-0 pages only (one list per migratetype),
 *   under local_irq_save() (rmqueue_pcplist, free_unref_page), sized by
 *   pageset_set_batch(): high = 6 * batch. With PREEMPT_RT, which in these
 *   kernels is the -rt patch set, the pcplists sit under
 *   local_lock_irqsave(&pa_lock) (linux-yocto-5.10 -rt mm/page_alloc.c).
 * - `6.1`: pcplists per migratetype and order 0..PAGE_ALLOC_COSTLY_ORDER (v5.13),
 *   under pcp_spin_trylock_irqsave() (v6.0-6.1: IRQs off while pcp->lock is
 *   held), fixed high = zone_highsize() = max(low / CPUs, 4 * batch) (v5.14-6.6),
 *   free batch scaled by pcp->free_factor; still has __GFP_ATOMIC.
 * - `6.12`, `7.2`: pcp_spin_trylock() with IRQs on (v6.2+), pcp->high auto-tuned
 *   between high_min and high_max (v6.7+), the gfp_types.h enum (v6.10+).
 *   `7.2` is the newest Debian unstable kernel; `6.x` is an alias of it.
 */
export type ProfileName = '5.9' | '5.10' | '6.1' | '6.12' | '7.2';

/** Every profile, oldest first. */
export const PROFILE_NAMES: readonly ProfileName[] = ['5.9', '5.10', '6.1', '6.12', '7.2'];

/** Names accepted as another profile: `6.x` is the newest kernel the model knows. */
export const PROFILE_ALIASES: Readonly<Record<string, ProfileName>> = { '6.x': '7.2' };

/** The newest profile (what `6.x` means). */
export const NEWEST_PROFILE: ProfileName = '7.2';

/** A profile name or an alias of one. */
export type ProfileInput = ProfileName | '6.x';

/** Every name a user may give: profiles, then aliases. */
export const PROFILE_INPUT_NAMES: readonly string[] = [...PROFILE_NAMES, ...Object.keys(PROFILE_ALIASES)];

/**
 * The profile a name or alias stands for, or undefined for an unknown name.
 * Callers may rely on: resolveProfileName('6.x') === '7.2'; a ProfileName maps to itself.
 */
export function resolveProfileName(name: string): ProfileName | undefined {
  const alias = PROFILE_ALIASES[name];
  if (alias) return alias;
  return PROFILE_NAMES.find((p) => p === name);
}

/** How the pcplists are protected (rmqueue_pcplist / free_unref_page). */
export type PcpLocking =
  /** v5.9/5.10: local_irq_save(); on PREEMPT_RT (-rt patch set) local_lock_irqsave(&pa_lock), see rtPaLock. */
  | 'irq-save'
  /** v6.0-6.1: pcp_spin_trylock_irqsave(): pcp->lock taken with spin_trylock_irqsave, IRQs off while held (on !RT). */
  | 'pcp-spin-trylock-irqsave'
  /** v6.2+: pcp_spin_trylock(): pcp->lock with IRQs left on (an interrupt may find it held). */
  | 'pcp-spin-trylock';

/** How pcp->high and pcp->batch are sized and adapted. */
export type PcpSizingKind =
  /** v5.9/5.10 pageset_set_batch(): high = 6 * batch, fixed. */
  | 'high-6x-batch'
  /** v5.14-6.6 zone_highsize(): fixed high = max(low / CPUs, 4 * batch); free batch scaled by free_factor. */
  | 'zone-highsize'
  /** v6.7+: high_min / high_max with auto-tuning (nr_pcp_alloc, nr_pcp_high, nr_pcp_free). */
  | 'high-min-max';

/** Which GFP header layout a kernel has (see gfp.ts gfpLayout()). */
export type GfpLayoutKind =
  /** v5.9/5.10 include/linux/gfp.h: #defines, __GFP_ATOMIC 0x200, NOLOCKDEP 0x800000. */
  | 'gfp.h-5.9'
  /** v6.1 include/linux/gfp_types.h: #defines, __GFP_ATOMIC, ZEROTAGS 0x800000, SKIP_* 0x1000000.., NOLOCKDEP 0x8000000. */
  | 'gfp_types.h-6.1'
  /** v6.10+ include/linux/gfp_types.h: the enum of bit numbers, no __GFP_ATOMIC. */
  | 'gfp_types.h-enum';

export interface KernelProfile {
  readonly name: ProfileName;
  /** The kernel version modelled, [major, minor] (same as PROFILE_VERSIONS). */
  readonly version: readonly [number, number];
  /** Highest order kept on the low-order pcplists: 0 (v5.9/5.10), PAGE_ALLOC_COSTLY_ORDER (3, v5.13+). */
  readonly pcpMaxOrder: number;
  /**
   * NR_PCP_THP: pcplists for pageblock-order (THP) pages when CONFIG_TRANSPARENT_HUGEPAGE
   * is built in: 0 before v5.13, 1 in v5.13+ (one list, any migratetype), 2 by
   * v6.12 ("separate THP PCP into movable and non-movable categories"). No
   * built-in scenario allocates pageblock-order pages, so the core does not use
   * these lists yet (see README, profiles table).
   */
  readonly pcpThpLists: number;
  /** How a pcplist is protected. */
  readonly pcpLocking: PcpLocking;
  /** How pcp->high is sized. */
  readonly pcpSizing: PcpSizingKind;
  /** pcp->high is auto-tuned between high_min and high_max (v6.7+); same as pcpSizing === 'high-min-max'. */
  readonly pcpHighAutoTune: boolean;
  /** pcp->free_factor doubles the free batch on consecutive frees (v5.14-6.6 nr_pcp_free). */
  readonly pcpFreeFactor: boolean;
  /**
   * free_pcppages_bulk() returns a block with the migratetype cached when it was
   * freed to the pcplist (get_pcppage_migratetype, v5.9-6.8) rather than its
   * pageblock's (get_pfnblock_migratetype, by v6.12).
   */
  readonly pcpDrainUsesListMigratetype: boolean;
  /** free_pcppages_bulk() walks the lists round robin with a growing batch_free (v5.9/5.10), else empties each list in turn. */
  readonly pcpDrainRoundRobin: boolean;
  /** Which gfp header layout the GFP registry starts from. */
  readonly gfpLayout: GfpLayoutKind;
  /** __GFP_ATOMIC exists (removed in v6.3). Without it ALLOC_HARDER comes from !__GFP_DIRECT_RECLAIM (gfp_to_alloc_flags). */
  readonly hasGfpAtomic: boolean;
  /** GFP_NOWAIT includes __GFP_NOWARN (v6.17, commit 16f5dfbc851b). */
  readonly gfpNowaitHasNowarn: boolean;
  /**
   * PREEMPT_RT here is the -rt patch set, whose pcplists are under
   * local_lock_irqsave(&pa_lock), a sleeping per-CPU lock on RT, around every
   * pcp access, rmqueue() and __free_pages_ok() (5.9/5.10 -rt). Only applies
   * when the scenario sets preemptRt.
   */
  readonly rtPaLock: boolean;
  /**
   * __setup_per_zone_wmarks() caps ZONE_MOVABLE's min like ZONE_HIGHMEM's and
   * leaves it out of lowmem_pages (after 6.1: the 6.1 source and its captures
   * give an empty Movable zone min/low/high 0; 6.12 captures show the cap).
   */
  readonly movableMinCapped: boolean;
  /** WMARK_PROMO exists and /proc/zoneinfo prints "promo" (v6.1+). */
  readonly hasPromoWatermark: boolean;
  /**
   * setup_per_zone_lowmem_reserve(): 'baoquan' walks down from each upper zone and
   * skips a zone with ratio 0 or no pages in the sum (v5.8-5.9); 'clear' sums every
   * upper zone and clears the row of such a zone (v5.10+, as read in linux-yocto-5.10).
   */
  readonly lowmemReserveForm: 'baoquan' | 'clear';
  /** Upper clamp of init_per_zone_wmark_min(): 262144 since v5.7 (it was 65536). */
  readonly minFreeKbytesMax: number;
}

/**
 * The kernel version a profile models, as [major, minor]. `7.2` is Debian
 * unstable's kernel of 2026-12 (7.2.13). Callers may rely on: every ProfileName
 * has an entry, and PROFILE_NAMES is sorted by it.
 */
export const PROFILE_VERSIONS: Readonly<Record<ProfileName, readonly [number, number]>> = {
  '5.9': [5, 9],
  '5.10': [5, 10],
  '6.1': [6, 1],
  '6.12': [6, 12],
  '7.2': [7, 2],
};

/** a >= b for [major, minor] pairs. */
export function versionAtLeast(a: readonly [number, number], major: number, minor: number): boolean {
  return a[0] > major || (a[0] === major && a[1] >= minor);
}

/**
 * True when the profile models kernel `major.minor` or a later one. Accepts the
 * `6.x` alias (the newest profile).
 */
export function kernelAtLeast(profile: ProfileName | '6.x', major: number, minor: number): boolean {
  const name = resolveProfileName(profile) ?? NEWEST_PROFILE;
  return versionAtLeast(PROFILE_VERSIONS[name], major, minor);
}

/** Builds a profile from its version: each field follows the kernel changes cited on KernelProfile. */
function profileFor(name: ProfileName): KernelProfile {
  const version = PROFILE_VERSIONS[name];
  const at = (ma: number, mi: number): boolean => versionAtLeast(version, ma, mi);
  const pcpSizing: PcpSizingKind = at(6, 7) ? 'high-min-max' : at(5, 14) ? 'zone-highsize' : 'high-6x-batch';
  return {
    name,
    version,
    pcpMaxOrder: at(5, 13) ? 3 : 0,
    pcpThpLists: at(6, 12) ? 2 : at(5, 13) ? 1 : 0,
    pcpLocking: at(6, 2) ? 'pcp-spin-trylock' : at(6, 0) ? 'pcp-spin-trylock-irqsave' : 'irq-save',
    pcpSizing,
    pcpHighAutoTune: pcpSizing === 'high-min-max',
    pcpFreeFactor: pcpSizing === 'zone-highsize',
    pcpDrainUsesListMigratetype: !at(6, 12),
    pcpDrainRoundRobin: !at(5, 13),
    gfpLayout: at(6, 10) ? 'gfp_types.h-enum' : at(6, 0) ? 'gfp_types.h-6.1' : 'gfp.h-5.9',
    hasGfpAtomic: !at(6, 3),
    gfpNowaitHasNowarn: at(6, 17),
    rtPaLock: !at(6, 0),
    movableMinCapped: at(6, 12),
    hasPromoWatermark: at(6, 1),
    lowmemReserveForm: at(5, 10) ? 'clear' : 'baoquan',
    minFreeKbytesMax: 262144,
  };
}

export const PROFILES: Readonly<Record<ProfileName, KernelProfile>> = {
  '5.9': profileFor('5.9'),
  '5.10': profileFor('5.10'),
  '6.1': profileFor('6.1'),
  '6.12': profileFor('6.12'),
  '7.2': profileFor('7.2'),
};

/** PAGE_ALLOC_COSTLY_ORDER (include/linux/mmzone.h). */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** MAX_ORDER - 1 in 5.x, MAX_PAGE_ORDER in 6.x: the largest buddy order. */
export const MAX_PAGE_ORDER = 10;
/** NR_PAGE_ORDERS: orders 0..MAX_PAGE_ORDER. */
export const NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;
/** pageblock_order on x86-64 with 4 KiB pages (HUGETLB_PAGE_ORDER = 9). */
export const PAGEBLOCK_ORDER = 9;
export const PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
/** PAGE_SIZE in KiB (4 KiB pages; PAGE_SHIFT = 12). */
export const PAGE_SIZE_KB = 4;
