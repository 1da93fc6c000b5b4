/**
 * kswapd (mm/vmscan.c): woken by wakeup_kswapd() (the allocator's slow path,
 * or rmqueue() after a watermark boost) when the node is not balanced, it runs
 * later in virtual time (after workerWakeLatency) and runs balance_pgdat():
 * SWAP_CLUSTER_MAX pages per step until pgdat_balanced() (any eligible zone
 * above high + boost + lowmem_reserve) and the boost is reclaimed, or nothing
 * more can be reclaimed; then it takes the boost back and sleeps. Reclaimed
 * pages are freed through the ordinary free path on kswapd's CPU.
 */
import { CTX_TASK } from './context.ts';
import type { EventQueue } from './event-queue.ts';
import { SWAP_CLUSTER_MAX, type PageAllocator } from './page-alloc.ts';

export class Kswapd {
  private readonly kind: number;
  /** CPU whose pcplists receive the pages kswapd frees (kswapd is a kthread of node 0). */
  readonly cpu = 0;
  /** A balance_pgdat() pass is under way (between the wake-up's first step and out:). */
  private inBalance = false;
  /** balance_pgdat()'s highest_zoneidx for this pass. */
  private highest = 0;
  /** nr_boost_reclaim: boost pages still to reclaim in this pass. */
  private nrBoostReclaim = 0;
  /** Pages reclaimed in this pass (sc.nr_reclaimed). */
  private reclaimed = 0;
  /** zone_boosts[]: each zone's watermark_boost when the pass started. */
  private readonly zoneBoosts: Float64Array;

  constructor(
    private readonly alloc: PageAllocator,
    private readonly queue: EventQueue,
  ) {
    this.kind = queue.register('kswapd', (_cpu, _arg, time) => this.balancePgdat(time));
    this.zoneBoosts = new Float64Array(alloc.zones.length);
    alloc.onKswapdWake = () => this.queue.push(alloc.meter.now() + alloc.costs.workerWakeLatency, this.kind, this.cpu, 0);
  }

  /**
   * One step of balance_pgdat() (v5.9; the same loop in v6.x): at the start of
   * a pass, read kswapd_highest_zoneidx, snapshot the boosts (nr_boost_reclaim)
   * and set ZONE_RECLAIM_ACTIVE (v5.14+ set_reclaim_active()); then, per step,
   * "if (!balanced && nr_boost_reclaim) restart without boost reclaim" and
   * "if (!nr_boost_reclaim && balanced) goto out", else reclaim a cluster.
   */
  private balancePgdat(time: number): void {
    const a = this.alloc;
    const zones = a.zones;
    a.stats.kswapdRuns++;
    if (!this.inBalance) {
      this.inBalance = true;
      // kswapd_highest_zoneidx(): what the wakers asked for, else the top zone.
      this.highest = a.kswapdHighestZoneidx >= 0 ? a.kswapdHighestZoneidx : zones.length - 1;
      a.kswapdHighestZoneidx = -1;
      this.nrBoostReclaim = 0;
      this.reclaimed = 0;
      for (let i = 0; i < zones.length; i++) {
        const z = zones[i]!;
        this.zoneBoosts[i] = i <= this.highest && z.managedPages > 0 ? z.watermarkBoost : 0;
        this.nrBoostReclaim += this.zoneBoosts[i]!;
        if (i <= this.highest && z.managedPages > 0) z.reclaimActive = true;
      }
    }
    // kswapd balances for order 0 here: its high-order wakes (background
    // orders up to 4) are left to compaction, which is not modelled.
    const balanced = a.pgdatBalanced(0, this.highest);
    if (!balanced && this.nrBoostReclaim > 0) this.nrBoostReclaim = 0;
    if ((this.nrBoostReclaim === 0 && balanced) || a.reclaimer === null) {
      this.out(time);
      return;
    }
    a.beginOp(this.cpu, CTX_TASK, false, time);
    const got = a.reclaimer.reclaim(SWAP_CLUSTER_MAX);
    a.stats.kswapdReclaimed += got;
    this.reclaimed += got;
    if (got > 0) a.kswapdFailures = 0;
    a.meter.ns += got * a.costs.directReclaimPerPage;
    this.nrBoostReclaim -= Math.min(this.nrBoostReclaim, got);
    if (got === 0) this.out(a.meter.now());
    else this.queue.push(a.meter.now(), this.kind, this.cpu, 0);
  }

  /**
   * balance_pgdat()'s out: take back the boost this pass started with (under
   * zone->lock: "Increments are under the zone lock"), clear
   * ZONE_RECLAIM_ACTIVE, and go to sleep.
   */
  private out(time: number): void {
    const a = this.alloc;
    const zones = a.zones;
    let began = false;
    for (let i = 0; i < zones.length; i++) {
      const z = zones[i]!;
      z.reclaimActive = false;
      const boost = this.zoneBoosts[i]!;
      if (boost === 0) continue;
      if (!began) {
        a.beginOp(this.cpu, CTX_TASK, false, time);
        began = true;
      }
      const m = a.meter;
      m.ns += a.costs.irqSaveRestore + a.locks.acquire(z.lock, m.now()) + a.costs.spinLockUncontended;
      z.watermarkBoost -= Math.min(z.watermarkBoost, boost);
      a.locks.release(z.lock, m.now());
      this.zoneBoosts[i] = 0;
    }
    this.inBalance = false;
    // balance_pgdat(): "if (!sc.nr_reclaimed) pgdat->kswapd_failures++" (a
    // pass that ended balanced without reclaiming is no failure: it did not try).
    if (this.reclaimed === 0 && !a.pgdatBalanced(0, this.highest)) a.kswapdFailures++;
    for (const z of zones) z.kswapdPending = false;
  }
}
