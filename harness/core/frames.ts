/**
 * Page frames as a struct of arrays, and the intrusive doubly linked lists that
 * thread them (the model's `struct page` and `page->lru` / `page->buddy_list`).
 *
 * No object per page: a 64 GiB machine is 16M frames, and every alloc/free in the
 * simulator's hot loop touches these arrays only. A frame that heads a free block
 * sits on exactly one list (a buddy free_area list, a pcplist, or a strategy's
 * reserve) and `list[pfn]` says which; the tail frames of a block and allocated
 * blocks carry a negative location code instead.
 */

/** End of a list / no frame. */
export const NIL = -1;
/** `list[pfn]` of the head frame of an allocated block. */
export const LOC_ALLOCATED = -2;
/** `list[pfn]` of a frame that is not the head of a block (a tail page, or unpopulated). */
export const LOC_TAIL = -3;

export class FrameTable {
  readonly nrFrames: number;
  /** Next/previous frame on the same list (page->lru). */
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Which list the block headed by this frame is on, or LOC_ALLOCATED / LOC_TAIL. */
  readonly list: Int32Array;
  /** Order of the block this frame heads (buddy_order / compound order). */
  readonly order: Uint8Array;
  /** Migratetype an allocated block was asked for (used by move_freepages_block's "alike pages"). */
  readonly allocMigratetype: Uint8Array;

  /** Per list: first frame, last frame, number of blocks. */
  listFirst: Int32Array;
  listLast: Int32Array;
  listLen: Int32Array;
  private nrLists = 0;

  constructor(nrFrames: number, listCapacity = 256) {
    this.nrFrames = nrFrames;
    this.next = new Int32Array(nrFrames);
    this.prev = new Int32Array(nrFrames);
    this.list = new Int32Array(nrFrames).fill(LOC_TAIL);
    this.order = new Uint8Array(nrFrames);
    this.allocMigratetype = new Uint8Array(nrFrames);
    this.listFirst = new Int32Array(listCapacity).fill(NIL);
    this.listLast = new Int32Array(listCapacity).fill(NIL);
    this.listLen = new Int32Array(listCapacity);
  }

  /**
   * Back to what the constructor gives (every frame LOC_TAIL with order and
   * migratetype 0, no list), in the memory this table already has: a
   * typed-array fill of resident pages costs a fraction of new arrays, whose
   * pages the kernel must fault in and zero (14 MB for a 4 GiB machine).
   * next/prev keep stale values: they are only ever read for a frame on a
   * list, which addHead/addTail wrote.
   */
  reset(): void {
    this.list.fill(LOC_TAIL);
    this.order.fill(0);
    this.allocMigratetype.fill(0);
    this.listFirst.fill(NIL);
    this.listLast.fill(NIL);
    this.listLen.fill(0);
    this.nrLists = 0;
  }

  /** Creates `count` new empty lists and returns the id of the first; ids are consecutive. */
  createLists(count: number): number {
    const first = this.nrLists;
    const need = first + count;
    if (need > this.listFirst.length) {
      let cap = this.listFirst.length * 2;
      while (cap < need) cap *= 2;
      this.listFirst = grow(this.listFirst, cap, NIL);
      this.listLast = grow(this.listLast, cap, NIL);
      this.listLen = grow(this.listLen, cap, 0);
    }
    this.nrLists = need;
    return first;
  }

  get listCount(): number {
    return this.nrLists;
  }

  /** list_add: put block `pfn` first on list `l` (hot end). */
  addHead(l: number, pfn: number): void {
    const first = this.listFirst[l]!;
    this.prev[pfn] = -1; // NIL
    this.next[pfn] = first;
    if (first < 0) this.listLast[l] = pfn;
    else this.prev[first] = pfn;
    this.listFirst[l] = pfn;
    this.list[pfn] = l;
    this.listLen[l]!++;
  }

  /** list_add_tail: put block `pfn` last on list `l` (cold end). */
  addTail(l: number, pfn: number): void {
    const last = this.listLast[l]!;
    this.next[pfn] = -1; // NIL (a literal: hot path)
    this.prev[pfn] = last;
    if (last < 0) this.listFirst[l] = pfn;
    else this.next[last] = pfn;
    this.listLast[l] = pfn;
    this.list[pfn] = l;
    this.listLen[l]!++;
  }

  /** list_del: take block `pfn` off whatever list it is on. The caller sets list[pfn] afterwards. */
  del(pfn: number): void {
    const l = this.list[pfn]!;
    const p = this.prev[pfn]!;
    const n = this.next[pfn]!;
    // NIL (-1) and LOC_TAIL (-3) as literals: hot path.
    if (p < 0) this.listFirst[l] = n;
    else this.next[p] = n;
    if (n < 0) this.listLast[l] = p;
    else this.prev[n] = p;
    this.listLen[l]!--;
    this.list[pfn] = -3;
  }

  /** Removes and returns the first block of list `l`, or NIL if it is empty. */
  popHead(l: number): number {
    const pfn = this.listFirst[l]!;
    if (pfn < 0) return pfn; // NIL
    const n = this.next[pfn]!;
    this.listFirst[l] = n;
    if (n < 0) this.listLast[l] = -1; // NIL
    else this.prev[n] = -1; // NIL
    this.listLen[l]!--;
    this.list[pfn] = -3; // LOC_TAIL
    return pfn;
  }

  /** Removes and returns the last block of list `l`, or NIL if it is empty. */
  popTail(l: number): number {
    const pfn = this.listLast[l]!;
    if (pfn >= 0) this.del(pfn); // not NIL
    return pfn;
  }
}

function grow<T extends Int32Array>(a: T, cap: number, fill: number): Int32Array {
  const b = new Int32Array(cap).fill(fill);
  b.set(a);
  return b;
}
