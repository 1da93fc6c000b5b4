/**
 * Seeded pseudo-random streams for the workload generator.
 *
 * xoshiro128** (Blackman & Vigna) on a 4-word Uint32Array state, seeded through
 * splitmix32 from (seed, stream id). A draw allocates nothing: the state lives in
 * a typed array and every intermediate is an int32 (Math.imul, shifts).
 *
 * One Prng per CPU and per purpose (see `streamId`): the kvfree_rcu arrivals of
 * CPU 3 come from their own stream, so changing the background rate, adding an
 * event kind or running another strategy never shifts them.
 */

/** Stream purposes. Append new ones at the end; never renumber (that would change every workload hash). */
export const STREAM_KVFREE_RCU = 1;
export const STREAM_BURST = 2;
export const STREAM_BACKGROUND = 3;
export const STREAM_PRESSURE_FILL = 4;
export const STREAM_PRESSURE_CHURN = 5;
export const STREAM_USERSPACE_FLOOD = 6;
export const STREAM_SAMPLE_TRACE = 7;

/**
 * The stream id of (purpose, index): index is a CPU number or a phase number.
 * Distinct (purpose, index) pairs with index < 2^20 give distinct ids.
 */
export function streamId(purpose: number, index: number): number {
  return ((purpose << 20) | (index & 0xfffff)) >>> 0;
}

/** The 32-bit finaliser of MurmurHash3: a bijection that spreads every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

export class Prng {
  // Int32Array, not Uint32Array: every load stays an int32 for the JIT.
  private readonly s = new Int32Array(4);

  /**
   * A stream determined only by (seed, stream): the same pair always yields the
   * same sequence, on every platform. `seed` may be any non-negative safe integer.
   */
  constructor(seed: number, stream: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // Combine seed and stream id, then expand with splitmix32 (its outputs are
    // well spread even for seeds 1, 2, 3 and stream ids that differ in one bit).
    let x = fmix32(lo ^ fmix32(hi ^ 0x5bd1e995)) ^ fmix32(Math.imul(stream ^ 0x27d4eb2f, 0x9e3779b9) >>> 0);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = z ^ (z >>> 16);
    }
    // xoshiro must not start from the all-zero state.
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** Copies the 4-word state into `out` at `off` (a PrngBank stream continues this stream exactly). */
  saveState(out: Int32Array, off: number): void {
    out[off] = this.s[0]!;
    out[off + 1] = this.s[1]!;
    out[off + 2] = this.s[2]!;
    out[off + 3] = this.s[3]!;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextU32() * INV_TWO_POW_32;
  }

  /** A uniform integer in [0, n), n >= 1 (multiply-shift; bias below 2^-32 * n). */
  below(n: number): number {
    return Math.floor(this.nextU32() * INV_TWO_POW_32 * n);
  }

  /**
   * true with probability p. Draws only when 0 < p < 1: a share of exactly 0 or 1
   * consumes nothing (the common case costs nothing; a stream's position then
   * depends on its own parameters only, never on another stream's).
   */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.nextU32() * INV_TWO_POW_32 < p;
  }

  /** An exponentially distributed value with the given mean (finite: 1 - u is in (0, 1]). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.nextU32() * INV_TWO_POW_32);
  }

  /**
   * An index drawn with the weights whose running sums are `cumulative`
   * (cumulative[i] = w0 + ... + wi, last entry > 0). Zero-weight entries are
   * never chosen. Linear scan: the tables here have at most 11 entries. A table
   * of one entry returns 0 without a draw (callers use `singleChoice` to skip
   * tables with one positive weight).
   */
  pick(cumulative: Float64Array): number {
    const last = cumulative.length - 1;
    if (last === 0) return 0; // one choice: no draw
    const u = this.nextU32() * INV_TWO_POW_32 * cumulative[last]!;
    for (let i = 0; i < last; i++) {
      if (u < cumulative[i]!) return i;
    }
    return last;
  }
}

/**
 * Running sums of `weights` for Prng.pick. Throws a plain Error when no weight is
 * positive (schema validation rejects such a scenario before it gets here).
 */
export function cumulativeWeights(weights: ArrayLike<number>): Float64Array {
  return cumulativeOf(weights);
}

/** The only index with a positive weight, or -1 when several are positive (then a draw is needed). */
export function singleChoice(weights: ArrayLike<number>): number {
  let found = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! > 0) {
      if (found >= 0) return -1;
      found = i;
    }
  }
  return found;
}

function cumulativeOf(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`weight ${i} is ${w}, expected a finite number >= 0`);
    sum += w;
    out[i] = sum;
  }
  if (!(sum > 0)) throw new Error('weights sum to 0');
  return out;
}

/**
 * Many Prng streams in one Int32Array (4 words each), indexed by stream number:
 * the same xoshiro128** step and the same derived draws as Prng, so a stream
 * gives exactly the numbers a Prng with that state would. The workload
 * generator's hot loop draws from one bank object (monomorphic, inlined) instead
 * of one Prng object per source: no object load per draw.
 */
export class PrngBank {
  private readonly s: Int32Array;

  constructor(streams: number) {
    this.s = new Int32Array(4 * streams);
  }

  /** Stream i continues from `p`'s current state (p itself is not advanced). */
  load(i: number, p: Prng): void {
    p.saveState(this.s, 4 * i);
  }

  /** Prng.nextU32 of stream i. */
  u32(i: number): number {
    const s = this.s;
    const o = i << 2;
    const s0 = s[o]!;
    const s1 = s[o + 1]!;
    const s2 = s[o + 2]!;
    const s3 = s[o + 3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[o + 1] = s1 ^ n2;
    s[o] = s0 ^ n3;
    s[o + 2] = n2 ^ t;
    s[o + 3] = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  /** Prng.nextFloat of stream i. */
  float(i: number): number {
    return this.u32(i) * 2.3283064365386963e-10; // INV_TWO_POW_32 (a literal: see exponential)
  }

  /** Prng.below of stream i. */
  below(i: number, n: number): number {
    return Math.floor(this.u32(i) * 2.3283064365386963e-10 * n); // INV_TWO_POW_32
  }

  /** Prng.chance of stream i (no draw when p is 0 or 1). */
  chance(i: number, p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.u32(i) * 2.3283064365386963e-10 < p; // INV_TWO_POW_32
  }

  /** Prng.exponential of stream i. */
  exponential(i: number, mean: number): number {
    // 2^-32 as a literal: the hot loop does not reload a module binding (INV_TWO_POW_32).
    return -mean * Math.log(1 - this.u32(i) * 2.3283064365386963e-10);
  }

  /** Prng.pick of stream i. */
  pick(i: number, cumulative: Float64Array): number {
    const last = cumulative.length - 1;
    if (last === 0) return 0; // one choice: no draw
    const u = this.u32(i) * 2.3283064365386963e-10 * cumulative[last]!; // INV_TWO_POW_32
    for (let j = 0; j < last; j++) {
      if (u < cumulative[j]!) return j;
    }
    return last;
  }
}
