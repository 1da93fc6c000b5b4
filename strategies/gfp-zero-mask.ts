/**
 * gfp-zero-mask: Michal Hocko's counter-proposal of 2020-10-02,
 * `#define GFP_NO_LOCK ((__force gfp_t)0)`: no new bit; a gfp mask of 0 means
 * "no locks", so after a pcplist miss an allocation with gfp == 0 fails instead
 * of taking zone->lock (and enters no slow path). kvfree_rcu() asks with 0.
 *
 * Against it (Rezki's reply, the seed message): existing __get_free_page(0)
 * callers silently change meaning, and in early boot gfp_allowed_mask turns
 * GFP_KERNEL into 0 (GFP_BOOT_MASK), so boot-time allocations fail where they
 * used to succeed: the NULL dereference in __find_event_file Rezki showed.
 * Those failures are counted as legacyGfp0Failures.
 */
import { PCP_MISS_FAIL, PCP_MISS_REFILL, defineStrategy, z } from '../harness/strategy.ts';

export default defineStrategy({
  name: 'gfp-zero-mask',
  title: 'GFP_NO_LOCK as gfp == 0: fail after a pcplist miss',
  origin: 'Michal Hocko, reply of 2020-10-02 in the "[RFC-PATCH 2/4]" thread: #define GFP_NO_LOCK ((__force gfp_t)0)',
  description:
    'Gives "no locks" the one mask no caller could have meant otherwise... except that some do: __get_free_page(0) ' +
    'callers, and every GFP_KERNEL allocation during early boot, where gfp_allowed_mask clears the reclaim, IO and FS bits. ' +
    'Consumes no bit and adds nothing to the fast path; the cost lands on legacy callers whose pcp misses now fail.',
  // Checked in every built-in scenario (test/sim/simulator.test.ts): gfp == 0 fails at an empty pcplist instead of taking zone->lock.
  claims: { noZoneLockInRequest: true },
  params: z.object({}).strict(),
  setup({ core, ext }) {
    ext.addPcpMissCheck('gfp == 0 (GFP_NO_LOCK) after an empty pcplist', (gfp) => (gfp === 0 ? PCP_MISS_FAIL : PCP_MISS_REFILL));
    const alloc = core.alloc;
    return {
      getPage: () => alloc.allocPages(0, 0),
    };
  },
});
