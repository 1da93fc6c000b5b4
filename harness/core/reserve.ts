/**
 * A strategy's reserve of pages: per-CPU lists of allocated-and-held frames
 * (a mempool's elements, the rcu bkvcache, a dedicated pool). Frames on a
 * reserve are in exactly one place, like frames on a pcplist, so the invariant
 * checker can account for them; they count neither as free nor as in use.
 */
import { FrameTable, LOC_ALLOCATED, NIL } from './frames.ts';

/**
 * What all of a strategy's reserves hold together, kept as they change: the
 * simulator integrates reserved pages over time at every event, and reads two
 * numbers of one object for it instead of walking an array of reserves.
 */
export class ReserveTotals {
  /** Reserves created. */
  reserves = 0;
  /** Pages on all their lists now. */
  pages = 0;
}

export class Reserve {
  /** First list id: CPU c's list is listBase + c. */
  readonly listBase: number;
  /** Pages on all of this reserve's lists now, and the most ever. */
  pages = 0;
  peakPages = 0;

  constructor(
    readonly name: string,
    readonly cpus: number,
    private readonly frames: FrameTable,
    /** Shared with the strategy's other reserves (Extensions.reserveTotals). */
    private readonly totals: ReserveTotals,
  ) {
    this.listBase = frames.createLists(cpus);
    totals.reserves++;
  }

  /** Pages on CPU `cpu`'s list. */
  count(cpu: number): number {
    return this.frames.listLen[this.listBase + cpu]!;
  }

  /** Puts allocated block `pfn` (order 0) on CPU `cpu`'s list. */
  push(cpu: number, pfn: number): void {
    this.frames.order[pfn] = 0;
    this.frames.addHead(this.listBase + cpu, pfn);
    if (++this.pages > this.peakPages) this.peakPages = this.pages;
    this.totals.pages++;
  }

  /** Takes a page off CPU `cpu`'s list (it becomes allocated), or NIL if empty. */
  pop(cpu: number): number {
    const pfn = this.frames.popHead(this.listBase + cpu);
    if (pfn === NIL) return NIL;
    this.frames.list[pfn] = LOC_ALLOCATED;
    this.pages--;
    this.totals.pages--;
    return pfn;
  }

  /** True if list id `l` belongs to this reserve. */
  owns(l: number): boolean {
    return l >= this.listBase && l < this.listBase + this.cpus;
  }
}
