/**
 * post_alloc_hook() (mm/page_alloc.c, v5.10) and the debug options that hook
 * into it. Each hook declares its cost and the lock it takes, so that an
 * allocation path that claims to take no lock shows what the hooks take under it
 * (the point Rezki and Michal Hocko raised in the thread).
 *
 * - debug_pagealloc, x86-64: __kernel_map_pages() -> __set_pages_p() ->
 *   __change_page_attr_set_clr(); with debug_pagealloc the CPA code does not
 *   take cpa_lock (`if (!debug_pagealloc_enabled()) spin_lock(&cpa_lock)` in
 *   arch/x86/mm/pat/set_memory.c), so: cost only.
 * - debug_pagealloc, powerpc hash MMU: __kernel_map_pages() runs under
 *   local_irq_save() and kernel_map_linear_page() takes linear_map_hash_lock, a
 *   spinlock_t (DEFINE_SPINLOCK in arch/powerpc/mm/book3s64/hash_utils.c).
 * - KASAN: kasan_alloc_pages() unpoisons the page's shadow: cost only.
 * - page_owner: __set_page_owner() -> save_stack() -> stack_depot_save(): the
 *   lookup is lockless, but a stack not yet in the depot is inserted under
 *   depot_lock, a spinlock_t in v5.9/v5.10 (`static DEFINE_SPINLOCK(depot_lock)`
 *   in lib/stackdepot.c) and a raw_spinlock_t in 6.x (pool_lock). How often a
 *   stack is new is a modelling parameter (pageOwnerNewStackPeriod).
 *   6.9+ (mm/page_owner.c): inc_stack_record_count() calls
 *   add_stack_record_to_list() for a new stack record, which kmalloc()s a
 *   `struct stack` and links it under spin_lock_irqsave(&stack_list_lock), a
 *   spinlock_t; 6.15+ returns first when !gfpflags_allow_spinning(gfp)
 *   (no __GFP_RECLAIM bit: alloc_pages_nolock()).
 * - Zeroing: want_init_on_alloc(gfp) (init_on_alloc, CONFIG_INIT_ON_ALLOC_DEFAULT_ON,
 *   or __GFP_ZERO) clears the block with clear_page() (kernel_init_pages() in
 *   post_alloc_hook() from 5.10, kernel_init_free_pages() in 5.9's
 *   prep_new_page()): costs.clearPage per page, no lock.
 */
import type { LockSet } from './locks.ts';
import type { Meter } from './meter.ts';
import { __GFP_RECLAIM, __GFP_ZERO } from './gfp.ts';
import { kernelAtLeast, type ProfileName } from './profile.ts';

export type Arch = 'x86_64' | 'powerpc';

export interface DebugConfig {
  readonly debugPagealloc: boolean;
  readonly kasan: boolean;
  readonly pageOwner: boolean;
  readonly arch: Arch;
  /** One page_owner call in this many saves a new stack (takes the depot lock). */
  readonly pageOwnerNewStackPeriod: number;
  /**
   * init_on_alloc (CONFIG_INIT_ON_ALLOC_DEFAULT_ON or init_on_alloc=1): every
   * allocated page is cleared. Absent: off (a scenario resolves its kernel's
   * Debian default, sim/core-config.ts).
   */
  readonly initOnAlloc?: boolean;
}

export interface DebugHookCosts {
  readonly prepNewPage: number;
  readonly kernelMapPagesX86: number;
  readonly kernelMapPagesPowerpc: number;
  readonly kasanAllocPages: number;
  readonly setPageOwner: number;
  readonly clearPage: number;
  readonly kmallocFastPath: number;
  readonly spinLockUncontended: number;
  readonly irqSaveRestore: number;
}

export interface DebugHookInfo {
  readonly name: string;
  readonly kernelFunction: string;
  readonly costNs: number;
  readonly lock: string | null;
  readonly lockType: string | null;
}

/**
 * init_on_alloc as Debian ships the profile's kernel: CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y
 * in the boot/config-* of Debian's linux-image 5.10.223 (bullseye), 6.1.176
 * (bookworm), 6.12.117 (trixie) and 7.2.13 (linux-base config), the RT flavours
 * too. 5.9 never shipped in a Debian release; the 5.10 package's setting is
 * taken for it.
 */
export function debianInitOnAlloc(_profile: ProfileName): boolean {
  return true;
}

export class PostAllocHook {
  private readonly mapPagesNs: number;
  private readonly mapLock: number;
  private readonly kasanNs: number;
  private readonly ownerNs: number;
  private readonly depotLock: number;
  /** stack_list_lock (6.9+), -1 before or without page_owner. */
  private readonly stackListLock: number;
  /** 6.15+: add_stack_record_to_list() returns when !gfpflags_allow_spinning(). */
  private readonly stackListNeedsSpinning: boolean;
  private readonly initOnAlloc: boolean;
  private ownerCalls = 0;
  readonly hooks: DebugHookInfo[] = [];
  /** Locks a hook took (for zoneLock-style accounting of "lockless" paths). */
  hookLocksTaken = 0;

  constructor(
    readonly config: DebugConfig,
    profile: ProfileName,
    private readonly locks: LockSet,
    private readonly meter: Meter,
    private readonly costs: DebugHookCosts,
  ) {
    this.mapPagesNs = 0;
    this.mapLock = -1;
    if (config.debugPagealloc) {
      if (config.arch === 'powerpc') {
        this.mapPagesNs = costs.kernelMapPagesPowerpc;
        this.mapLock = locks.define('linear_map_hash_lock', 'spinlock_t');
        this.hooks.push({ name: 'debug_pagealloc', kernelFunction: '__kernel_map_pages (powerpc hash)', costNs: costs.kernelMapPagesPowerpc, lock: 'linear_map_hash_lock', lockType: 'spinlock_t' });
      } else {
        this.mapPagesNs = costs.kernelMapPagesX86;
        this.hooks.push({ name: 'debug_pagealloc', kernelFunction: '__kernel_map_pages (x86-64 CPA)', costNs: costs.kernelMapPagesX86, lock: null, lockType: null });
      }
    }
    this.kasanNs = config.kasan ? costs.kasanAllocPages : 0;
    if (config.kasan) this.hooks.push({ name: 'kasan', kernelFunction: 'kasan_alloc_pages', costNs: costs.kasanAllocPages, lock: null, lockType: null });
    this.ownerNs = config.pageOwner ? costs.setPageOwner : 0;
    this.depotLock = -1;
    if (config.pageOwner) {
      // lib/stackdepot.c: depot_lock is a spinlock_t in 5.9/5.10, a raw_spinlock_t in
      // 6.x (pool_lock since the v6.8 rewrite).
      const type = kernelAtLeast(profile, 6, 0) ? 'raw_spinlock_t' : 'spinlock_t';
      const name = kernelAtLeast(profile, 6, 8) ? 'pool_lock' : 'depot_lock';
      this.depotLock = locks.define(name, type);
      this.hooks.push({ name: 'page_owner', kernelFunction: '__set_page_owner -> stack_depot_save', costNs: costs.setPageOwner, lock: name, lockType: type });
    }
    this.stackListLock = -1;
    this.stackListNeedsSpinning = kernelAtLeast(profile, 6, 15);
    if (config.pageOwner && kernelAtLeast(profile, 6, 9)) {
      this.stackListLock = locks.define('stack_list_lock', 'spinlock_t');
      this.hooks.push({ name: 'page_owner stack list', kernelFunction: 'inc_stack_record_count -> add_stack_record_to_list (kmalloc)', costNs: costs.kmallocFastPath, lock: 'stack_list_lock', lockType: 'spinlock_t' });
    }
    this.initOnAlloc = config.initOnAlloc === true;
    if (this.initOnAlloc) this.hooks.push({ name: 'init_on_alloc', kernelFunction: 'kernel_init_pages -> clear_page', costNs: costs.clearPage, lock: null, lockType: null });
  }

  /** True if any debug hook is enabled (DEBUG_PAGEALLOC, KASAN or page_owner). */
  get active(): boolean {
    return this.hooks.length > 0;
  }

  /** True if debug_pagealloc is on (the RFC's __rcu_alloc_page_lockless() refused then). */
  get debugPagealloc(): boolean {
    return this.config.debugPagealloc;
  }

  /** prep_new_page() + post_alloc_hook() for a block of `order` just taken off a list, allocated with `gfp`. */
  run(order: number, gfp: number): void {
    const m = this.meter;
    m.ns += this.costs.prepNewPage;
    // want_init_on_alloc(gfp): init_on_alloc, or __GFP_ZERO.
    if (this.initOnAlloc || gfp & __GFP_ZERO) m.ns += this.costs.clearPage * (1 << order);
    if (this.mapPagesNs > 0) {
      const pages = 1 << order;
      if (this.mapLock >= 0) {
        // local_irq_save(); per page: spin_lock(&linear_map_hash_lock) ... spin_unlock
        this.locks.irqSave();
        m.ns += this.costs.irqSaveRestore;
        for (let i = 0; i < pages; i++) {
          m.ns += this.locks.acquire(this.mapLock, m.now()) + this.costs.spinLockUncontended + this.mapPagesNs;
          this.locks.release(this.mapLock, m.now());
          this.hookLocksTaken++;
        }
        this.locks.irqRestore();
      } else {
        m.ns += this.mapPagesNs * pages;
      }
    }
    if (this.kasanNs > 0) m.ns += this.kasanNs * (1 << order);
    if (this.ownerNs > 0) {
      m.ns += this.ownerNs;
      if (++this.ownerCalls % this.config.pageOwnerNewStackPeriod === 0) {
        this.locks.irqSave();
        m.ns += this.locks.acquire(this.depotLock, m.now()) + this.costs.spinLockUncontended + this.costs.irqSaveRestore;
        this.locks.release(this.depotLock, m.now());
        this.locks.irqRestore();
        this.hookLocksTaken++;
        // 6.9+: a new stack record goes on the stack list, unless (6.15+)
        // !gfpflags_allow_spinning(gfp), i.e. no __GFP_RECLAIM bit.
        if (this.stackListLock >= 0 && (!this.stackListNeedsSpinning || (gfp & __GFP_RECLAIM) !== 0)) {
          m.ns += this.costs.kmallocFastPath; // kmalloc(sizeof(*stack), gfp_nested_mask(gfp))
          this.locks.irqSave();
          m.ns += this.locks.acquire(this.stackListLock, m.now()) + this.costs.spinLockUncontended + this.costs.irqSaveRestore;
          this.locks.release(this.stackListLock, m.now());
          this.locks.irqRestore();
          this.hookLocksTaken++;
        }
      }
    }
  }
}
