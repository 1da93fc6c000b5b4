/**
 * alloc-pages-nolock: alloc_pages_nolock(), the 2025 answer to "a page from
 * any context". Alexei Starovoitov's try_alloc_pages() (mm/page_alloc.c,
 * try_alloc_pages_noprof(); "[GIT PULL] Introduce try_alloc_pages for 6.15",
 * pulled by Linus Torvalds on 2025-03-30), renamed alloc_pages_nolock() /
 * alloc_pages_nolock_noprof() in v6.16 ("mm: rename try_alloc_pages() to
 * alloc_pages_nolock()": "the try_ prefix is confusing ... If it returns NULL
 * there is no reason to call it again"). Its motivation is BPF programs that
 * run in any context, NMI included; here it stands in for kvfree_rcu()'s
 * page request to see what the same idea gives that caller.
 *
 * What it does (try_alloc_pages_noprof() of the merged series):
 *  - `if (IS_ENABLED(CONFIG_PREEMPT_RT) && (in_nmi() || in_hardirq())) return
 *    NULL;` on RT spin_trylock() is rt_spin_trylock() on an rt_mutex, which
 *    may take a raw lock (unsafe in NMI) and would make the interrupted task
 *    the owner of another lock (confusing priority inheritance). The model's
 *    CTX_HARDIRQ is a real in_hardirq() context; a threaded handler on RT runs
 *    in task context and is not refused.
 *  - `if (!pcp_allowed_order(order)) return NULL;` (order 0 here).
 *  - gfp = __GFP_NOWARN | __GFP_ZERO | __GFP_NOMEMALLOC | __GFP_ACCOUNT: no
 *    __GFP_DIRECT_RECLAIM and no __GFP_KSWAPD_RECLAIM, the condition of
 *    gfpflags_allow_spinning() being false; __GFP_ACCOUNT was added in the
 *    merged version for memcg (the charge is not modelled).
 *  - alloc_flags = ALLOC_TRYLOCK, so ALLOC_WMARK_MIN (0): the min watermark.
 *  - get_page_from_freelist() only, "Unlike regular alloc_pages() there is no
 *    __alloc_pages_slowpath()": no kswapd wake-up, no reclaim, no retry.
 *    rmqueue_pcplist() uses pcp_spin_trylock() (as every 6.x allocation
 *    does); an empty pcplist refills through rmqueue_bulk(), and rmqueue()
 *    falls back to rmqueue_buddy(); both do
 *    `if (!spin_trylock_irqsave(&zone->lock, flags)) { if (alloc_flags &
 *    ALLOC_TRYLOCK) return NULL; ... }`. A busy lock is a NULL (or the next
 *    zone of the zonelist), never a wait.
 *
 * So the request never spins and lockdep never checks it (trylocks are not
 * checked for wait context), but it fails whenever the pcp lock or zone->lock
 * is held at that instant, by another CPU or by the code it interrupted. In
 * the simulator those failures come from lock hold intervals in virtual time
 * (LockSet.trylock), counted in trylockFailures and pcpTrylockFailures.
 * A __GFP_TRYLOCK flag was in early versions of the series and was dropped
 * after Michal Hocko's review in favour of the internal ALLOC_TRYLOCK.
 */
import {
  ALLOC_TRYLOCK,
  CTX_HARDIRQ,
  CTX_NMI,
  __GFP_ACCOUNT,
  __GFP_NOMEMALLOC,
  __GFP_NOWARN,
  __GFP_ZERO,
  NIL,
  defineStrategy,
  z,
} from '../harness/strategy.ts';

/** try_alloc_pages_noprof()'s alloc_gfp (v6.15). */
const NOLOCK_GFP = __GFP_NOWARN | __GFP_ZERO | __GFP_NOMEMALLOC | __GFP_ACCOUNT;

export default defineStrategy({
  name: 'alloc-pages-nolock',
  title: 'alloc_pages_nolock(): pcp and zone->lock by trylock only, no slow path (v6.15)',
  origin: 'Alexei Starovoitov, try_alloc_pages() in v6.15 (mm/page_alloc.c, try_alloc_pages_noprof), renamed alloc_pages_nolock() in v6.16',
  description:
    'An allocator entry point that is safe in any context, NMI included: it takes the pcp lock and zone->lock only with ' +
    'trylocks (internal ALLOC_TRYLOCK, no GFP bit), checks the min watermark, and has no slow path, so it never wakes ' +
    'kswapd or reclaims. It returns NULL when a trylock fails, and on PREEMPT_RT it refuses NMI and hardirq context ' +
    'outright. No lock report is possible from it; the price is failures under lock contention and on an empty pcplist ' +
    'whose refill finds zone->lock busy.',
  later: true,
  sinceKernel: [6, 15],
  params: z.object({}).strict(),
  setup({ core, ext }) {
    ext.addEntryPoint('alloc_pages_nolock()');
    const alloc = core.alloc;
    const locks = alloc.locks;
    const refuseIrq = core.config.preemptRt;
    return {
      getPage: () => {
        if (refuseIrq) {
          ext.charge('gfpFlagCheck'); // in_nmi() || in_hardirq(): a preempt_count test
          if (locks.ctx === CTX_NMI || locks.ctx === CTX_HARDIRQ) return NIL;
        }
        return alloc.allocPagesNoSlowpath(NOLOCK_GFP, 0, ALLOC_TRYLOCK);
      },
    };
  },
});
