/**
 * workloadHash: a 64-bit FNV-1a over the event stream, proving that every
 * strategy was fed the same events for a scenario and seed.
 *
 * FNV-1a runs over 32-bit words rather than bytes (h ^= word; h *= FNV prime),
 * six words per event in this fixed order:
 *   time (float64 bits, low word then high word),
 *   cpu | op << 16 | ctx << 24,
 *   flags | order << 8 | migratetype << 16,
 *   gfp,
 *   slot.
 * The digest depends only on the sequence of events, not on how they were split
 * into batches. About 60 integer operations per event, no allocation.
 */
import type { EventBatch } from './events.ts';

// FNV-1a 64: offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO_POW_32 = 4294967296;

export class WorkloadHash {
  private hi = OFFSET_HI;
  private lo = OFFSET_LO;
  /** Events hashed so far. */
  events = 0;
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);

  /** h = (h ^ w) * prime mod 2^64, on two 32-bit halves. */
  private word(w: number): void {
    const lo = (this.lo ^ w) >>> 0;
    // lo * 0x1b3 as an exact 41-bit number, split into a low word and a carry.
    const prod = (lo & 0xffff) * 0x1b3 + (lo >>> 16) * 0x1b3 * 65536;
    const carry = Math.floor(prod / TWO_POW_32);
    this.lo = prod >>> 0;
    // hi * 0x1b3 + carry + (lo << 40 contributes lo << 8 to the high word), mod 2^32
    this.hi = (Math.imul(this.hi, 0x1b3) + carry + (lo << 8)) >>> 0;
  }

  /** Fold batch[0 .. batch.length) into the hash. */
  update(batch: EventBatch): void {
    const n = batch.length;
    const { time, cpu, op, ctx, flags, order, migratetype, gfp, slot } = batch;
    const f64 = this.f64;
    const u32 = this.u32;
    for (let i = 0; i < n; i++) {
      f64[0] = time[i]!;
      this.word(u32[0]!);
      this.word(u32[1]!);
      this.word(cpu[i]! | (op[i]! << 16) | (ctx[i]! << 24));
      this.word(flags[i]! | (order[i]! << 8) | (migratetype[i]! << 16));
      this.word(gfp[i]!);
      this.word(slot[i]!);
    }
    this.events += n;
  }

  /** The hash so far as 16 lowercase hex digits. Does not end the hash: update may continue. */
  digest(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
