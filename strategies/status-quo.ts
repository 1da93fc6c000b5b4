/**
 * status-quo: what kvfree_rcu() did when the thread started. Under its per-CPU
 * raw krcp->lock, with IRQs off, kvfree_call_rcu_add_ptr_to_bulk() asked the
 * page allocator for __get_free_page(GFP_NOWAIT | __GFP_NOWARN): a pcp hit takes
 * no lock, but a pcp miss refills through rmqueue_bulk() under zone->lock (a
 * spinlock_t, a sleeping lock on PREEMPT_RT), and a zone below its low
 * watermark sends the request to the slow path, which wakes kswapd (its wait
 * queue lock is a spinlock_t too) and then fails below min.
 */
import { z } from 'zod';
import { GFP_NOWAIT, __GFP_NOWARN, defineStrategy } from '../harness/core/index.ts';

export default defineStrategy({
  name: 'status-quo',
  title: '__get_free_page(GFP_NOWAIT | __GFP_NOWARN) under the krc raw lock',
  origin: 'kernel/rcu/tree.c, kvfree_call_rcu_add_ptr_to_bulk() (v5.9/v5.10-rc), the code the series set out to fix',
  description:
    'The baseline. kvfree_rcu() takes a page from the ordinary allocator while holding a raw_spinlock_t with IRQs off. ' +
    'Most requests hit the pcplist and take no lock, but a miss takes zone->lock (lockdep: "BUG: Invalid wait context"; ' +
    'PREEMPT_RT: a sleeping lock in atomic context), and below the watermark the request fails and the caller falls back.',
  params: z.object({}).strict(),
  setup({ core }) {
    const alloc = core.alloc;
    return {
      getPage: () => alloc.allocPages(GFP_NOWAIT | __GFP_NOWARN, 0),
    };
  },
});
