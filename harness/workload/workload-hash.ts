/**
 * workloadHash: a 64-bit hash of the event stream, proving that every
 * strategy was fed the same events for a scenario and seed.
 *
 * Two independent 32-bit lanes, each a multiply-xorshift chain over the same
 * words (lane A: FNV-1a-32 style, h = (h ^ w) * 0x01000193; lane B: a
 * murmur3-style h = rotl(h ^ (w * c1), 13) * 5 + c2), printed as 16 hex
 * digits. Six 32-bit words per event, in this fixed order:
 *   time (float64 bits, low word then high word),
 *   cpu | op << 16 | ctx << 24,
 *   flags | order << 8 | migratetype << 16,
 *   gfp,
 *   slot.
 * The digest depends only on the sequence of events, not on how they were
 * split into batches. Math.imul only: no allocation, a few ns per event. It
 * proves identity of streams, not resistance to a deliberate collision.
 */
import type { EventBatch } from './events.ts';

const FNV_OFFSET = 0x811c9dc5;
// Used as literals in update(): FNV_PRIME = 0x01000193, M_C1 = 0xcc9e2d51, M_C2 = 0xe6546b64.

export class WorkloadHash {
  private a = FNV_OFFSET;
  private b = 0x9747b28c;
  /** Events hashed so far. */
  events = 0;
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);

  /** Fold batch[0 .. n) into the hash (n: batch.length unless given). */
  update(batch: EventBatch, n = batch.length): void {
    const { time, cpu, op, ctx, flags, order, migratetype, gfp, slot } = batch;
    const f64 = this.f64;
    const u32 = this.u32;
    let a = this.a;
    let b = this.b;
    // The six words of an event, unrolled (same order and arithmetic as the
    // header says). Constants are literals: V8 does not constant-fold module
    // bindings in a hot loop (0x01000193 = FNV_PRIME, 0xcc9e2d51 = M_C1,
    // 0xe6546b64 = M_C2).
    for (let i = 0; i < n; i++) {
      f64[0] = time[i]!;
      let w = u32[0]!;
      a = Math.imul(a ^ w, 0x01000193);
      b ^= Math.imul(w, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
      w = u32[1]!;
      a = Math.imul(a ^ w, 0x01000193);
      b ^= Math.imul(w, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
      w = cpu[i]! | (op[i]! << 16) | (ctx[i]! << 24);
      a = Math.imul(a ^ w, 0x01000193);
      b ^= Math.imul(w, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
      w = flags[i]! | (order[i]! << 8) | (migratetype[i]! << 16);
      a = Math.imul(a ^ w, 0x01000193);
      b ^= Math.imul(w, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
      w = gfp[i]!;
      a = Math.imul(a ^ w, 0x01000193);
      b ^= Math.imul(w, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
      w = slot[i]!;
      a = Math.imul(a ^ w, 0x01000193);
      b ^= Math.imul(w, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
    }
    this.a = a;
    this.b = b;
    this.events += n;
  }

  /** The hash so far as 16 lowercase hex digits. Does not end the hash: update may continue. */
  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
