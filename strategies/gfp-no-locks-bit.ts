/**
 * gfp-no-locks-bit: Uladzislau Rezki's ___GFP_NO_LOCKS (RFC of Aug 9, 2020; the
 * version of Oct 1 shaped by Vlastimil Babka's advice): a new GFP bit that the
 * allocator checks only once the pcplist turned out empty, where it returns
 * NULL instead of taking zone->lock. The ordinary fast path is unchanged.
 *
 * Both posted patches put the bit at 0x800000 and moved ___GFP_NOLOCKDEP up to
 * 0x1000000, growing __GFP_BITS_SHIFT to 24 + IS_ENABLED(CONFIG_LOCKDEP):
 * `moveNolockdep: true` (the default) models that; `false` shows the collision
 * with ___GFP_NOLOCKDEP under CONFIG_LOCKDEP. Michal Hocko's objection is the
 * bit itself ("Bit space is limited") and combinations like
 * __GFP_NO_LOCKS | __GFP_RECLAIM; `combinationPolicy` says whether anything
 * polices them, and where that check is paid.
 */
import { z } from 'zod';
import {
  NIL,
  PCP_MISS_FAIL,
  PCP_MISS_REFILL,
  PCP_MISS_SKIP,
  __GFP_DIRECT_RECLAIM,
  __GFP_RECLAIM,
  defineStrategy,
  parseGfp,
} from '../harness/core/index.ts';

const Params = z
  .object({
    bit: z.number().int().positive().default(0x800000).describe('Value of ___GFP_NO_LOCKS (one bit; 0x800000 as posted).'),
    moveNolockdep: z.boolean().default(true).describe('Move ___GFP_NOLOCKDEP to the next bit, as the posted patches did; false keeps it and shows the collision.'),
    combinationPolicy: z
      .enum(['none', 'fast-path', 'slow-path'])
      .default('none')
      .describe("'none': nothing checks __GFP_NO_LOCKS | __GFP_RECLAIM (as posted); 'fast-path': every allocation checks it in __alloc_pages(); 'slow-path': checked after a pcp miss only."),
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
    'A new GFP bit for callers that must not take locks. The allocator looks at it only when the pcplist is empty, and then ' +
    'returns NULL instead of taking zone->lock, so a pcp hit costs what it costs today. Against it (Michal Hocko, Mel Gorman, ' +
    'Peter Zijlstra): it consumes a scarce GFP bit, and nothing stops meaningless combinations such as __GFP_NO_LOCKS | ' +
    '__GFP_RECLAIM unless the fast path pays for a check.',
  params: Params,
  setup({ core, ext }, p) {
    if ((p.bit & (p.bit - 1)) !== 0) throw new Error(`gfp-no-locks-bit: bit 0x${p.bit.toString(16)} is not a single bit`);
    const gfp = ext.gfp;
    if (p.moveNolockdep && core.config.lockdep && gfp.lookup('___GFP_NOLOCKDEP') === p.bit) {
      gfp.relocate('___GFP_NOLOCKDEP', p.bit * 2, 'gfp-no-locks-bit');
    }
    const NO_LOCKS = ext.registerGfpBit('___GFP_NO_LOCKS', p.bit);
    gfp.registerInvalidCombination('__GFP_NO_LOCKS|__GFP_RECLAIM', NO_LOCKS, __GFP_RECLAIM, 'gfp-no-locks-bit');
    const requestGfp = NO_LOCKS | parseGfp(p.requestGfp, gfp);
    const invalid = (g: number): boolean => (g & NO_LOCKS) !== 0 && (g & __GFP_RECLAIM) !== 0;

    if (p.combinationPolicy === 'fast-path') {
      ext.addFastPathCheck('__GFP_NO_LOCKS combination check in __alloc_pages()', (g) => invalid(g));
    }
    ext.addPcpMissCheck('__GFP_NO_LOCKS after an empty pcplist', (g) => {
      if (!(g & NO_LOCKS)) return PCP_MISS_REFILL;
      if (p.combinationPolicy === 'slow-path' && invalid(g)) {
        core.alloc.meter.ns += core.alloc.costs.gfpFlagCheck;
        return PCP_MISS_FAIL;
      }
      // Unpoliced, a caller that may reclaim goes on to the slow path.
      if (p.combinationPolicy === 'none' && g & __GFP_DIRECT_RECLAIM) return PCP_MISS_SKIP;
      return PCP_MISS_FAIL;
    });
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
