/**
 * kswapd (mm/vmscan.c): woken by the allocator when a zone falls below its low
 * watermark, it runs later in virtual time (after workerWakeLatency) and
 * reclaims SWAP_CLUSTER_MAX pages per step until every zone is above its high
 * watermark (balance_pgdat) or nothing more can be reclaimed, then sleeps.
 * Reclaimed pages are freed through the ordinary free path on kswapd's CPU.
 */
import { CTX_TASK } from './context.ts';
import type { EventQueue } from './event-queue.ts';
import { SWAP_CLUSTER_MAX, type PageAllocator } from './page-alloc.ts';
import { WMARK_HIGH } from './zone.ts';

export class Kswapd {
  private readonly kind: number;
  /** CPU whose pcplists receive the pages kswapd frees (kswapd is a kthread of node 0). */
  readonly cpu = 0;

  constructor(
    private readonly alloc: PageAllocator,
    private readonly queue: EventQueue,
  ) {
    this.kind = queue.register('kswapd', (_cpu, _arg, time) => this.balancePgdat(time));
    alloc.onKswapdWake = () => this.queue.push(alloc.meter.now() + alloc.costs.workerWakeLatency, this.kind, this.cpu, 0);
  }

  /** One balance_pgdat() step: reclaim a cluster, and run again while zones stay below high. */
  private balancePgdat(time: number): void {
    const a = this.alloc;
    a.stats.kswapdRuns++;
    if (!this.belowHigh() || a.reclaimer === null) {
      this.sleep();
      return;
    }
    a.beginOp(this.cpu, CTX_TASK, false, time);
    const got = a.reclaimer.reclaim(SWAP_CLUSTER_MAX);
    a.stats.kswapdReclaimed += got;
    a.meter.ns += got * a.costs.directReclaimPerPage;
    if (got === 0 || !this.belowHigh()) this.sleep();
    else this.queue.push(a.meter.now(), this.kind, this.cpu, 0);
  }

  private belowHigh(): boolean {
    for (const z of this.alloc.zones) if (z.managedPages > 0 && z.nrFree <= z.wmark[WMARK_HIGH]!) return true;
    return false;
  }

  private sleep(): void {
    for (const z of this.alloc.zones) z.kswapdPending = false;
  }
}
