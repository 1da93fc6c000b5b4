/**
 * A run's timeline: the state of memory sampled at fixed steps of virtual time
 * (free pages, pages on pcplists, reserved pages, kvfree_rcu block pages, and
 * the failures so far), drawn by the report's charts.
 *
 * A class rather than functions nested in runOne: V8 holds the optimised code
 * of a closure only while some closure made from it lives, so a sampler made
 * per run was compiled again in every run (it is hot: a many-cpus sample sums
 * 128 pcp counts). A method's code lives as long as its class.
 */
import type { PageAllocator } from '../core/page-alloc.ts';
import type { ReserveTotals } from '../core/reserve.ts';
import type { KvfreeRcu } from './kvfree-rcu.ts';

export interface Timeline {
  readonly timeMs: number[];
  readonly freePages: number[];
  readonly pcpPages: number[];
  readonly reservedPages: number[];
  readonly blockPages: number[];
  readonly locklessFailures: number[];
  readonly ordinaryFailures: number[];
  readonly watermarks: { min: number; low: number; high: number };
  /**
   * Each populated zone's free pages against its own watermarks (a zone at
   * min while another has plenty is hidden by the sums above).
   */
  readonly zones: TimelineZone[];
}

export interface TimelineZone {
  readonly name: string;
  readonly freePages: number[];
  readonly watermarks: { min: number; low: number; high: number };
}

export class TimelineRecorder {
  private readonly time: number[] = [];
  private readonly free: number[] = [];
  private readonly pcp: number[] = [];
  private readonly reserved: number[] = [];
  private readonly blocks: number[] = [];
  private readonly lockless: number[] = [];
  private readonly ordinary: number[] = [];
  /** Free pages of each populated zone, per sample. */
  private readonly zoneFree: number[][];
  private readonly populated: PageAllocator['zones'][number][];

  constructor(
    private readonly alloc: PageAllocator,
    private readonly krc: KvfreeRcu,
    private readonly reserves: ReserveTotals,
    /** Where measurement starts (the end of the warm-up, ns): time 0 of the timeline. */
    private readonly originNs = 0,
  ) {
    this.populated = alloc.zones.filter((z) => z.managedPages > 0);
    this.zoneFree = this.populated.map(() => []);
  }

  /** One sample at virtual time `at` (ns), with the ordinary allocation failures counted so far. */
  sample(at: number, ordinaryFailures: number): void {
    const alloc = this.alloc;
    this.time.push((at - this.originNs) / 1e6);
    this.free.push(alloc.totalFree());
    for (let z = 0; z < this.populated.length; z++) this.zoneFree[z]!.push(this.populated[z]!.nrFree);
    const count = alloc.pcp.count;
    let pcpPages = 0;
    for (let i = 0; i < count.length; i++) pcpPages += count[i]!;
    this.pcp.push(pcpPages);
    this.reserved.push(this.reserves.pages);
    this.blocks.push(this.krc.blockPages());
    this.lockless.push(this.krc.failures);
    this.ordinary.push(ordinaryFailures);
  }

  /** The samples taken, with the zones' watermarks summed (pages). */
  finish(): Timeline {
    let min = 0;
    let low = 0;
    let high = 0;
    for (const z of this.alloc.zones) {
      min += z.wmark[0]!;
      low += z.wmark[1]!;
      high += z.wmark[2]!;
    }
    return {
      timeMs: this.time,
      freePages: this.free,
      pcpPages: this.pcp,
      reservedPages: this.reserved,
      blockPages: this.blocks,
      locklessFailures: this.lockless,
      ordinaryFailures: this.ordinary,
      watermarks: { min, low, high },
      zones: this.populated.map((z, i) => ({ name: z.name, freePages: this.zoneFree[i]!, watermarks: { min: z.wmark[0]!, low: z.wmark[1]!, high: z.wmark[2]! } })),
    };
  }
}
