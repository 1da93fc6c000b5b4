/**
 * Kernel profiles: the two kernels the model can behave as.
 *
 * - `5.9`: the kernel of the 2020 thread. pcplists hold order-0 pages only
 *   (one list per migratetype), are protected by local_irq_save()
 *   (rmqueue_pcplist, free_unref_page in mm/page_alloc.c of v5.9), and are
 *   sized by zone_batchsize() with high = 6 * batch (pageset_set_batch).
 * - `6.x`: today's kernel. pcplists hold orders 0..PAGE_ALLOC_COSTLY_ORDER
 *   (one list per migratetype and order, NR_PCP_LISTS), are protected by
 *   pcp->lock taken with pcp_spin_trylock() (an allocation whose trylock fails
 *   goes to rmqueue_buddy, a free goes to free_one_page), and pcp->high is
 *   auto-tuned between high_min and high_max (zone_highsize, v6.7+).
 *   The GFP layout follows include/linux/gfp_types.h (no __GFP_ATOMIC).
 */
export type ProfileName = '5.9' | '6.x';

export const PROFILE_NAMES: readonly ProfileName[] = ['5.9', '6.x'];

export interface KernelProfile {
  readonly name: ProfileName;
  /** Highest order kept on pcplists: 0 in 5.9, PAGE_ALLOC_COSTLY_ORDER (3) in 6.x. */
  readonly pcpMaxOrder: number;
  /** How a pcplist is protected: IRQs off (5.9) or pcp->lock with trylock (6.x). */
  readonly pcpLocking: 'irq-save' | 'pcp-spin-trylock';
  /** pcp->high is auto-tuned between high_min and high_max (6.7+). */
  readonly pcpHighAutoTune: boolean;
  /** Which gfp.h layout the GFP registry starts from. */
  readonly gfpLayout: ProfileName;
  /** __GFP_ATOMIC exists (removed in v6.3); without it ALLOC_HARDER comes from !__GFP_DIRECT_RECLAIM & __GFP_HIGH... see gfp_to_alloc_flags. */
  readonly hasGfpAtomic: boolean;
  /**
   * PREEMPT_RT for this kernel was the -rt patch set, whose mm/page_alloc.c
   * puts every pcp access, rmqueue() and __free_pages_ok() under
   * local_lock_irqsave(&pa_lock.l) (a per-CPU spinlock_t, a sleeping lock on
   * RT) instead of local_irq_save() (5.9-rt, 5.10-rt; mainline PREEMPT_RT
   * from 6.x has pcp->lock). Only matters with preemptRt.
   */
  readonly rtPaLock: boolean;
}

export const PROFILES: Readonly<Record<ProfileName, KernelProfile>> = {
  '5.9': {
    name: '5.9',
    pcpMaxOrder: 0,
    pcpLocking: 'irq-save',
    pcpHighAutoTune: false,
    gfpLayout: '5.9',
    hasGfpAtomic: true,
    rtPaLock: true,
  },
  '6.x': {
    name: '6.x',
    pcpMaxOrder: 3,
    pcpLocking: 'pcp-spin-trylock',
    pcpHighAutoTune: true,
    gfpLayout: '6.x',
    hasGfpAtomic: false,
    rtPaLock: false,
  },
};

/** PAGE_ALLOC_COSTLY_ORDER (include/linux/mmzone.h). */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** MAX_ORDER - 1 in 5.9 (MAX_ORDER = 11), MAX_PAGE_ORDER in 6.x: the largest buddy order. */
export const MAX_PAGE_ORDER = 10;
/** NR_PAGE_ORDERS: orders 0..MAX_PAGE_ORDER. */
export const NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;
/** pageblock_order on x86-64 with 4 KiB pages (HUGETLB_PAGE_ORDER = 9). */
export const PAGEBLOCK_ORDER = 9;
export const PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
/** PAGE_SIZE in KiB (4 KiB pages; PAGE_SHIFT = 12). */
export const PAGE_SIZE_KB = 4;

/**
 * The kernel version a profile models, as [major, minor]. `6.x` models a
 * v6.7+ kernel (pcp high auto-tuning) checked against a 6.18 capture.
 * Callers may rely on: every ProfileName has an entry.
 */
export const PROFILE_VERSIONS: Readonly<Record<ProfileName, readonly [number, number]>> = {
  '5.9': [5, 9],
  '6.x': [6, 18],
};

/** True when the profile models kernel `major.minor` or a later one. */
export function kernelAtLeast(profile: ProfileName, major: number, minor: number): boolean {
  const [ma, mi] = PROFILE_VERSIONS[profile];
  return ma > major || (ma === major && mi >= minor);
}
