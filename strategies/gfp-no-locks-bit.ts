/**
 * gfp-no-locks-bit: Uladzislau Rezki's ___GFP_NO_LOCKS (RFC of Aug 9, 2020; the
 * version of Oct 1 shaped by Vlastimil Babka's advice): a new GFP bit that the
 * allocator checks only once the pcplist turned out empty, where it gives up
 * instead of taking zone->lock.
 *
 * `variant: 'as-posted'` (the default) is the patch of 2020-10-01 ("Re:
 * [RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func.", against v5.9
 * mm/page_alloc.c):
 *  - prepare_alloc_pages(): `if (gfp_mask & __GFP_NO_LOCKS) *alloc_flags |=
 *    ALLOC_NO_LOCKS;`: one flag test on every allocation (a fast-path check
 *    that never rejects);
 *  - rmqueue_bulk(): `if (alloc_flags & ALLOC_NO_LOCKS) return alloced;` (0):
 *    an empty pcplist gives nothing and get_page_from_freelist() goes on to the
 *    next zone of the zonelist (DMA32, then DMA pcplists: PCP_MISS_SKIP);
 *  - __alloc_pages_nodemask(): "Bypass slow path if __GFP_NO_LOCKS" for any
 *    __GFP_NO_LOCKS allocation whose first pass failed: no kswapd wake-up, no
 *    reclaim, whatever else the flags say, so __GFP_NO_LOCKS | __GFP_RECLAIM
 *    takes no lock either (invalidGfpCombination stays 0);
 *  - ___GFP_NO_LOCKS = 0x800000 and ___GFP_NOLOCKDEP moved to 0x1000000,
 *    __GFP_BITS_SHIFT 24 + IS_ENABLED(CONFIG_LOCKDEP) (`moveNolockdep: true`;
 *    `false` shows the collision with ___GFP_NOLOCKDEP under CONFIG_LOCKDEP).
 *
 * `variant: 'checked-combination'` is not what was posted: it models Michal
 * Hocko's question ("who forbids __GFP_NO_LOCK | __GFP_RECLAIM?") for a bit
 * that, unlike the patch, only fails the current zone's refill and leaves the
 * slow path to the other flags: `combinationPolicy` says whether anything
 * polices the combination and where that check is paid; unpoliced, a
 * reclaiming caller goes on to the slow path and takes locks, which
 * invalidGfpCombination counts.
 */
import {
  NIL,
  PCP_MISS_FAIL,
  PCP_MISS_REFILL,
  PCP_MISS_SKIP,
  __GFP_DIRECT_RECLAIM,
  __GFP_RECLAIM,
  defineStrategy,
  parseGfp,
  z,
} from '../harness/strategy.ts';

const Params = z
  .object({
    variant: z
      .enum(['as-posted', 'checked-combination'])
      .default('as-posted')
      .describe(
        "'as-posted': the 2020-10-01 patch (ALLOC_NO_LOCKS set in prepare_alloc_pages(), rmqueue_bulk() returns 0 so the zonelist walk goes on to DMA32/DMA pcplists, the slow path is skipped for any __GFP_NO_LOCKS); 'checked-combination': a variant that fails only the empty pcplist's refill and leaves the slow path to the other flags, with combinationPolicy policing __GFP_NO_LOCKS | __GFP_RECLAIM (not in the patch).",
      ),
    bit: z.number().int().positive().default(0x800000).describe('Value of ___GFP_NO_LOCKS (one bit; 0x800000 as posted).'),
    moveNolockdep: z.boolean().default(true).describe('Move ___GFP_NOLOCKDEP to the next bit, as the posted patches did; false keeps it and shows the collision.'),
    combinationPolicy: z
      .enum(['none', 'fast-path', 'slow-path'])
      .default('none')
      .describe("variant 'checked-combination' only. 'none': nothing checks __GFP_NO_LOCKS | __GFP_RECLAIM and a reclaiming caller reaches the slow path; 'fast-path': every allocation checks it in __alloc_pages(); 'slow-path': checked after a pcp miss only."),
    requestGfp: z
      .string()
      .default('__GFP_NOWARN')
      .describe("GFP flags kvfree_rcu() ORs with __GFP_NO_LOCKS, e.g. 'GFP_NOWAIT|__GFP_NOWARN' or, to model a careless caller, 'GFP_KERNEL'."),
  })
  .strict();

export default defineStrategy({
  name: 'gfp-no-locks-bit',
  title: '___GFP_NO_LOCKS, checked only after a pcplist miss',
  origin: 'Uladzislau Rezki, "[RFC-PATCH 2/4]" thread, patch of 2020-10-01 (after Vlastimil Babka); ___GFP_NO_LOCKS 0x800000u',
  description:
    'A new GFP bit for callers that must not take locks. As posted, prepare_alloc_pages() turns it into ALLOC_NO_LOCKS (one ' +
    'flag test per allocation), rmqueue_bulk() then refuses to refill an empty pcplist, so the zonelist walk goes on to the ' +
    'DMA32 and DMA pcplists, and the slow path is skipped: no zone->lock, no kswapd wake-up, NULL when every pcplist is empty. ' +
    'Against it (Michal Hocko, Mel Gorman, Peter Zijlstra): it consumes a scarce GFP bit (and moves ___GFP_NOLOCKDEP), and ' +
    'combinations such as __GFP_NO_LOCKS | __GFP_RECLAIM mean nothing (variant checked-combination measures policing them).',
  // Checked in every built-in scenario (test/sim/simulator.test.ts): as posted, an empty pcplist is skipped, never refilled under zone->lock.
  claims: { noZoneLockInRequest: true },
  params: Params,
  setup({ core, ext }, p) {
    if ((p.bit & (p.bit - 1)) !== 0) throw new Error(`gfp-no-locks-bit: bit 0x${p.bit.toString(16)} is not a single bit`);
    if (p.variant === 'as-posted' && p.combinationPolicy !== 'none') {
      throw new Error(`gfp-no-locks-bit: combinationPolicy '${p.combinationPolicy}' applies to variant 'checked-combination' (the posted patch checks no combination)`);
    }
    const gfp = ext.gfp;
    if (p.moveNolockdep && core.config.lockdep && gfp.lookup('___GFP_NOLOCKDEP') === p.bit) {
      gfp.relocate('___GFP_NOLOCKDEP', p.bit * 2, 'gfp-no-locks-bit');
    }
    const NO_LOCKS = ext.registerGfpBit('___GFP_NO_LOCKS', p.bit);
    gfp.registerInvalidCombination('__GFP_NO_LOCKS|__GFP_RECLAIM', NO_LOCKS, __GFP_RECLAIM, 'gfp-no-locks-bit');
    const requestGfp = NO_LOCKS | parseGfp(p.requestGfp, gfp);
    const invalid = (g: number): boolean => (g & NO_LOCKS) !== 0 && (g & __GFP_RECLAIM) !== 0;
    if (p.variant === 'as-posted') {
      // prepare_alloc_pages(): `if (gfp_mask & __GFP_NO_LOCKS) *alloc_flags |= ALLOC_NO_LOCKS;` on every allocation.
      ext.addFastPathCheck('prepare_alloc_pages(): __GFP_NO_LOCKS -> ALLOC_NO_LOCKS', () => false);
      // rmqueue_bulk(): `if (alloc_flags & ALLOC_NO_LOCKS) return alloced;`: this zone gives nothing, the walk goes on.
      ext.addPcpMissCheck('rmqueue_bulk(): ALLOC_NO_LOCKS returns 0', (g) => (g & NO_LOCKS ? PCP_MISS_SKIP : PCP_MISS_REFILL));
      // __alloc_pages_nodemask(): "Bypass slow path if __GFP_NO_LOCKS."
      ext.bypassSlowpathFor('__alloc_pages_nodemask(): no slow path for __GFP_NO_LOCKS', NO_LOCKS);
    } else {
      if (p.combinationPolicy === 'fast-path') {
        ext.addFastPathCheck('__GFP_NO_LOCKS combination check in __alloc_pages()', (g) => invalid(g));
      }
      ext.addPcpMissCheck('__GFP_NO_LOCKS after an empty pcplist', (g) => {
        if (!(g & NO_LOCKS)) return PCP_MISS_REFILL;
        if (p.combinationPolicy === 'slow-path' && invalid(g)) {
          ext.charge('gfpFlagCheck');
          return PCP_MISS_FAIL;
        }
        // Unpoliced, a caller that may reclaim goes on to the slow path.
        if (p.combinationPolicy === 'none' && g & __GFP_DIRECT_RECLAIM) return PCP_MISS_SKIP;
        return PCP_MISS_FAIL;
      });
    }
    const alloc = core.alloc;
    return {
      getPage: () => {
        if (!invalid(requestGfp)) return alloc.allocPages(requestGfp, 0);
        const before = alloc.stats.zoneLockTaken + alloc.stats.directReclaims + alloc.stats.kswapdWakes;
        const pfn = alloc.allocPages(requestGfp, 0);
        if (alloc.stats.zoneLockTaken + alloc.stats.directReclaims + alloc.stats.kswapdWakes > before) ext.counters.invalidGfpCombination++;
        return pfn === NIL ? NIL : pfn;
      },
    };
  },
});
