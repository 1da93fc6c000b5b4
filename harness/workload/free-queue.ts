/**
 * The workload generator's pending frees (generator.ts): each background,
 * churn or fill allocation that ends before the run does is queued here by its
 * free time, and the generator emits the earliest one before any source event
 * at the same time. One concept: a time-ordered queue of slot ids, typed
 * arrays only (nothing allocates per push or pop).
 */

/**
 * Pending frees ordered by time: a calendar queue (a ring of `buckets` time
 * buckets of `widthNs`, each a list sorted by time, linked through per-slot
 * arrays) with a binary heap for frees beyond the ring's horizon. Push is O(1)
 * on average (a short sorted insert), pop is O(1) plus skipping empty buckets.
 * Entries of equal time leave in insertion order within a bucket; the behaviour
 * depends only on the sequence of pushes and pops, so the probe pass and the
 * real pass agree.
 */
export class FreeQueue {
  private readonly widthNs: number;
  private readonly mask: number;
  private readonly head: Int32Array;
  private nextBy: Int32Array;
  private timeBy: Float64Array;
  /** floor(time / widthNs) of each ring entry, computed once at push (a division is slow). */
  private bucketBy: Float64Array;
  /** Absolute bucket number (floor(time / widthNs)) the ring's earliest entry is in, when `valid`. */
  private cursor = 0;
  private valid = true;
  private ringCount = 0;
  private oTime = new Float64Array(256);
  private oSlot = new Int32Array(256);
  private oSize = 0;
  /** Time of the earliest pending free, Infinity if none (kept up to date by push and popMin). */
  minTime = Infinity;

  constructor(widthNs: number, buckets: number, slots: number) {
    this.widthNs = widthNs;
    let b = 1024;
    while (b < buckets && b < 1 << 20) b <<= 1;
    this.mask = b - 1;
    this.head = new Int32Array(b).fill(-1);
    this.nextBy = new Int32Array(slots);
    this.timeBy = new Float64Array(slots);
    this.bucketBy = new Float64Array(slots);
  }

  ensureSlots(n: number): void {
    if (n <= this.nextBy.length) return;
    const nx = new Int32Array(n);
    nx.set(this.nextBy);
    const tb = new Float64Array(n);
    tb.set(this.timeBy);
    const bb = new Float64Array(n);
    bb.set(this.bucketBy);
    this.nextBy = nx;
    this.timeBy = tb;
    this.bucketBy = bb;
  }

  push(t: number, slot: number): void {
    if (t < this.minTime) this.minTime = t;
    const a = Math.floor(t / this.widthNs);
    if (this.ringCount > 0 && a - this.cursor > this.mask) {
      this.overflowPush(t, slot);
      return;
    }
    if (this.ringCount === 0 || a < this.cursor) {
      this.cursor = a;
      this.valid = true;
    }
    const head = this.head;
    const nextBy = this.nextBy;
    const timeBy = this.timeBy;
    timeBy[slot] = t;
    this.bucketBy[slot] = a;
    const b = a & this.mask;
    let prev = -1;
    let cur = head[b]!;
    while (cur >= 0 && timeBy[cur]! <= t) {
      prev = cur;
      cur = nextBy[cur]!;
    }
    nextBy[slot] = cur;
    if (prev < 0) head[b] = slot;
    else nextBy[prev] = slot;
    this.ringCount++;
  }

  /** Time of the earliest pending free, Infinity if none. */
  peekTime(): number {
    return this.minTime;
  }

  /** Finds the earliest pending time (after a pop). */
  private earliest(): number {
    let rt = Infinity;
    if (this.ringCount > 0) {
      if (!this.valid) this.scan();
      rt = this.timeBy[this.head[this.cursor & this.mask]!]!;
    }
    return this.oSize > 0 && this.oTime[0]! < rt ? this.oTime[0]! : rt;
  }

  /** Remove and return the slot of the earliest pending free (the queue must not be empty). */
  popMin(): number {
    const slot = this.takeMin();
    this.minTime = this.earliest();
    return slot;
  }

  private takeMin(): number {
    if (this.ringCount > 0) {
      const b = this.cursor & this.mask;
      const h = this.head[b]!;
      const ht = this.timeBy[h]!;
      if (!(this.oSize > 0 && this.oTime[0]! < ht)) {
        const nh = this.nextBy[h]!;
        this.head[b] = nh;
        this.ringCount--;
        if (nh < 0 || this.bucketBy[nh] !== this.cursor) this.valid = false;
        return h;
      }
    }
    return this.overflowPop();
  }

  /** Move the cursor to the first bucket holding an entry of its own lap (ringCount > 0). */
  private scan(): void {
    const head = this.head;
    const bucketBy = this.bucketBy;
    const mask = this.mask;
    let c = this.cursor;
    for (;;) {
      const h = head[c & mask]!;
      if (h >= 0 && bucketBy[h]! <= c) break;
      c++;
    }
    this.cursor = c;
    this.valid = true;
  }

  private overflowPush(t: number, slot: number): void {
    if (this.oSize === this.oTime.length) {
      const nt = new Float64Array(this.oSize * 2);
      nt.set(this.oTime);
      const ns = new Int32Array(this.oSize * 2);
      ns.set(this.oSlot);
      this.oTime = nt;
      this.oSlot = ns;
    }
    const ot = this.oTime;
    const os = this.oSlot;
    let i = this.oSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ot[parent]! <= t) break;
      ot[i] = ot[parent]!;
      os[i] = os[parent]!;
      i = parent;
    }
    ot[i] = t;
    os[i] = slot;
  }

  private overflowPop(): number {
    const ot = this.oTime;
    const os = this.oSlot;
    const top = os[0]!;
    const n = --this.oSize;
    if (n > 0) {
      const t = ot[n]!;
      const sl = os[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && ot[c + 1]! < ot[c]!) c++;
        if (t <= ot[c]!) break;
        ot[i] = ot[c]!;
        os[i] = os[c]!;
        i = c;
      }
      ot[i] = t;
      os[i] = sl;
    }
    return top;
  }
}
