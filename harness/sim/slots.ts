/**
 * Where the workload's ordinary allocations live between their alloc and free
 * events: slot id -> pfn. Slots holding movable or reclaimable pages (page cache,
 * anon memory, reclaimable slab) also sit on an LRU in allocation order, which
 * is what reclaim (kswapd, direct reclaim) evicts: an evicted slot's page is
 * freed through the ordinary free path and the workload's later free of that
 * slot does nothing, as a reclaimed page-cache page is simply gone.
 */
import { NIL, type PageAllocator } from '../core/index.ts';
import type { Reclaimer } from '../core/page-alloc.ts';

export class SlotTable implements Reclaimer {
  pfn: Int32Array;
  order: Uint8Array;
  gen: Uint32Array;
  // LRU ring of (slot, generation), oldest at head.
  private ringSlot = new Int32Array(1024);
  private ringGen = new Uint32Array(1024);
  private head = 0;
  private tail = 0;
  private size = 0;
  evicted = 0;

  constructor(
    private readonly alloc: PageAllocator,
    capacity: number,
  ) {
    this.pfn = new Int32Array(capacity).fill(NIL);
    this.order = new Uint8Array(capacity);
    this.gen = new Uint32Array(capacity);
  }

  /** Records the page an allocation put in `slot` (NIL if it failed). */
  set(slot: number, pfn: number, order: number, reclaimable: boolean): void {
    if (slot >= this.pfn.length) this.grow(slot + 1);
    this.pfn[slot] = pfn;
    this.order[slot] = order;
    const g = ++this.gen[slot]!;
    if (reclaimable && pfn !== NIL) this.lruAdd(slot, g);
  }

  /** Frees the page in `slot`, if it still holds one. */
  free(slot: number): void {
    if (slot >= this.pfn.length) return;
    const pfn = this.pfn[slot]!;
    if (pfn === NIL) return;
    this.pfn[slot] = NIL;
    this.gen[slot]!++;
    this.alloc.freePages(pfn, this.order[slot]!);
  }

  /** Reclaimer: evicts the oldest reclaimable pages, freeing them in the current context. */
  reclaim(nrPages: number): number {
    let got = 0;
    while (got < nrPages && this.size > 0) {
      const slot = this.ringSlot[this.head]!;
      const g = this.ringGen[this.head]!;
      this.head = (this.head + 1) & (this.ringSlot.length - 1);
      this.size--;
      if (this.gen[slot] !== g) continue; // freed (and maybe reused) since
      const pfn = this.pfn[slot]!;
      if (pfn === NIL) continue;
      const order = this.order[slot]!;
      this.pfn[slot] = NIL;
      this.gen[slot]!++;
      this.alloc.freePages(pfn, order);
      got += 1 << order;
      this.evicted++;
    }
    return got;
  }

  private lruAdd(slot: number, g: number): void {
    if (this.size === this.ringSlot.length) this.growRing();
    this.ringSlot[this.tail] = slot;
    this.ringGen[this.tail] = g;
    this.tail = (this.tail + 1) & (this.ringSlot.length - 1);
    this.size++;
  }

  private growRing(): void {
    const n = this.ringSlot.length * 2;
    const s = new Int32Array(n);
    const g = new Uint32Array(n);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) & (this.ringSlot.length - 1);
      s[i] = this.ringSlot[j]!;
      g[i] = this.ringGen[j]!;
    }
    this.ringSlot = s;
    this.ringGen = g;
    this.head = 0;
    this.tail = this.size;
  }

  private grow(min: number): void {
    let n = this.pfn.length * 2;
    while (n < min) n *= 2;
    const p = new Int32Array(n).fill(NIL);
    p.set(this.pfn);
    this.pfn = p;
    const o = new Uint8Array(n);
    o.set(this.order);
    this.order = o;
    const g = new Uint32Array(n);
    g.set(this.gen);
    this.gen = g;
  }
}
