/**
 * lockless-entry: __rcu_alloc_page_lockless(), Uladzislau Rezki's "[RFC-PATCH
 * 2/4] mm: Add __rcu_alloc_page_lockless() func." (2020-09-18): a new entry
 * point that, with IRQs off, takes the first page of any migratetype's pcplist
 * of the current CPU, walking the zonelist from ZONE_NORMAL down. It never
 * takes zone->lock and never looks at a watermark; when every pcplist is empty
 * it returns NULL. The page then goes through prep_new_page()/post_alloc_hook(),
 * where debug options may take locks; the RFC returned NULL under
 * DEBUG_PAGEALLOC (`debugPagealloc: 'refuse'`). On a 5.9/5.10 PREEMPT_RT
 * kernel (the -rt patch set) every pcplist is guarded by pa_lock, a sleeping
 * local_lock_t, so the entry point takes it instead of local_irq_save().
 *
 * Against it (Michal Hocko, Mel Gorman): it exposes allocator internals,
 * bypasses watermarks, mixes migratetypes, and its consumption of other
 * workloads' pcplists is unbounded and can be driven from user space.
 */
import { MIGRATE_PCPTYPES, MIGRATE_UNMOVABLE, NIL, WMARK_MIN, defineStrategy, z } from '../harness/strategy.ts';

const Params = z
  .object({
    debugPagealloc: z
      .enum(['refuse', 'allow'])
      .default('refuse')
      .describe("Under DEBUG_PAGEALLOC: 'refuse' returns NULL as the RFC did; 'allow' runs post_alloc_hook() and shows what its hooks take."),
  })
  .strict();

export default defineStrategy({
  name: 'lockless-entry',
  title: '__rcu_alloc_page_lockless(): any pcplist page, IRQs off, no zone->lock',
  origin: 'Uladzislau Rezki, "[RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func.", 2020-09-18',
  description:
    'A dedicated allocator entry point for kvfree_rcu() that only scans the current CPU\'s pcplists with IRQs disabled and ' +
    'never takes zone->lock. No GFP bit is consumed, but it skips the watermark checks, takes pages of any migratetype, ' +
    'runs the debug hooks of post_alloc_hook() in a context that may not take their locks, and can empty pcplists that ' +
    'other workloads on the same CPU rely on.',
  // Checked in every built-in scenario (test/sim/simulator.test.ts): it only takes a page already on a pcplist.
  claims: { noZoneLockInRequest: true },
  params: Params,
  setup({ core, ext }, p) {
    ext.addEntryPoint('__rcu_alloc_page_lockless()');
    const alloc = core.alloc;
    const pcp = alloc.pcp;
    const zones = alloc.zones;
    const nrZones = zones.length;
    const normal = alloc.highestZoneidx(0);
    const refuse = p.debugPagealloc === 'refuse' && alloc.postAllocHook.debugPagealloc;
    return {
      getPage: (cpu) => {
        if (refuse) return NIL;
        // local_irq_save() as in the RFC; on a 5.9/5.10 PREEMPT_RT kernel (the
        // -rt patch set) pcplists are pa_lock's, so a port there must take
        // local_lock_irqsave(&pa_lock.l): a sleeping lock under the raw krcp->lock.
        const pa = alloc.paLockIrqsave();
        let pfn = NIL;
        for (let z = normal; z >= 0 && pfn === NIL; z--) {
          const zone = zones[z]!;
          const idx = cpu * nrZones + z;
          for (let mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
            ext.charge('gfpFlagCheck'); // list_empty() test
            pfn = pcp.take(idx, pcp.pindex(mt, 0), 0);
            if (pfn === NIL) continue;
            if (mt !== MIGRATE_UNMOVABLE) ext.counters.migratetypeMixing++;
            if (zone.nrFree < zone.wmark[WMARK_MIN]!) ext.counters.watermarkBreaches++;
            break;
          }
        }
        alloc.paUnlockIrqrestore(pa);
        if (pfn !== NIL) {
          // prep_new_page(page, 0, 0, 0) in the RFC: gfp 0 (no __GFP_ZERO; init_on_alloc still clears).
          if (alloc.postAllocHook.active) alloc.postAllocHook.run(0, 0);
          else ext.charge('prepNewPage');
        }
        return pfn;
      },
    };
  },
});
