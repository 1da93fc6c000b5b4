/**
 * Seeded pseudo-random streams for the workload generator.
 *
 * xoshiro128** (Blackman & Vigna) on a 4-word int32 state, seeded through
 * splitmix32 from (seed, stream id). A draw allocates nothing: the state lives in
 * a typed array and every intermediate is an int32 (Math.imul, shifts).
 * Exponential draws use a ziggurat (below), not the inverse CDF.
 *
 * One stream per CPU and per purpose (see `streamId`): the kvfree_rcu arrivals of
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

// ---------------------------------------------------------------------------
// Exponential draws: the ziggurat of Marsaglia and Tsang ("The Ziggurat Method
// for Generating Random Variables", J. Stat. Software 5(8), 2000, REXP/efix),
// with 256 layers. A draw is Exp(1) with no approximation beyond the 24-bit
// resolution of a position in a layer, and about 98% of draws (97.8% measured)
// cost one 32-bit draw, a compare and a multiply, where the inverse CDF
// (-log(1 - u)) costs a Math.log each: exponential gaps and lifetimes are the
// workload generator's most frequent draw. Unlike the paper's REXP, the layer
// index (low 8 bits) and the position in the layer (high 24 bits) come from
// disjoint bits of the draw, so the two are independent (Doornik, "An Improved
// Ziggurat Method to Generate Normal Random Samples", 2005).
// ---------------------------------------------------------------------------

const ZIG_LAYER_BITS = 8;
const ZIG_LAYERS = 1 << ZIG_LAYER_BITS;
const ZIG_LAYER_MASK = ZIG_LAYERS - 1;
/** Scale of the 24-bit position within a layer. */
const ZIG_M = 2 ** (32 - ZIG_LAYER_BITS);
/** Right edge of the base layer, r, and the common area of every layer, v (the paper's de and ve for 256 layers). */
const ZIG_R = 7.69711747013104972;
const ZIG_V = 3.949659822581572e-3;
/** Layer i accepts position x at once when x < ZIG_K[i] (the paper's ke). */
const ZIG_K = new Int32Array(ZIG_LAYERS);
/** A position x in layer i is the value x * ZIG_W[i] (the paper's we). */
const ZIG_W = new Float64Array(ZIG_LAYERS);
/** exp(-x_i) at the layers' edges (the paper's fe). */
const ZIG_F = new Float64Array(ZIG_LAYERS);
{
  // The paper's zigset for the exponential, with m = 2^24.
  let de = ZIG_R;
  let te = de;
  const q = ZIG_V / Math.exp(-de);
  ZIG_K[0] = Math.floor((de / q) * ZIG_M);
  ZIG_K[1] = 0;
  ZIG_W[0] = q / ZIG_M;
  ZIG_W[ZIG_LAYERS - 1] = de / ZIG_M;
  ZIG_F[0] = 1;
  ZIG_F[ZIG_LAYERS - 1] = Math.exp(-de);
  for (let i = ZIG_LAYERS - 2; i >= 1; i--) {
    de = -Math.log(ZIG_V / de + Math.exp(-de));
    ZIG_K[i + 1] = Math.floor((de / te) * ZIG_M);
    te = de;
    ZIG_F[i] = Math.exp(-de);
    ZIG_W[i] = de / ZIG_M;
  }
}

/**
 * One seeded stream: a PrngBank of one stream, so a Prng and a bank stream
 * seeded alike give exactly the same numbers.
 */
export class Prng {
  private readonly bank = new PrngBank(1);

  /**
   * A stream determined only by (seed, stream): the same pair always yields the
   * same sequence, on every platform. `seed` may be any non-negative safe integer.
   */
  constructor(seed: number, stream: number) {
    this.bank.seed(0, seed, stream);
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    return this.bank.u32(0);
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.bank.float(0);
  }

  /** A uniform integer in [0, n), n >= 1 (see PrngBank.below). */
  below(n: number): number {
    return this.bank.below(0, n);
  }

  /** true with probability p (see PrngBank.chance: no draw when p is 0 or 1). */
  chance(p: number): boolean {
    return this.bank.chance(0, p);
  }

  /** An exponentially distributed value with the given mean (see PrngBank.exponential). */
  exponential(mean: number): number {
    return this.bank.exponential(0, mean);
  }

  /** An index drawn with the weights whose running sums are `cumulative` (see PrngBank.pick). */
  pick(cumulative: Float64Array): number {
    return this.bank.pick(0, cumulative);
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
 * Many streams in one Int32Array (4 words of xoshiro128** state each), indexed
 * by stream number. The workload generator's hot loop draws from one bank
 * object (monomorphic, inlined) instead of one object per source: no object
 * load per draw. Every draw allocates nothing and keeps its intermediates int32.
 */
export class PrngBank {
  private readonly s: Int32Array;
  // The ziggurat tables as fields: the hot loop loads them from the receiver it already has.
  private readonly zigK = ZIG_K;
  private readonly zigW = ZIG_W;

  /** `streams` streams, all-zero until seeded (an unseeded stream must not be drawn from). */
  constructor(streams: number) {
    this.s = new Int32Array(4 * streams);
  }

  /**
   * Seeds stream i from (seed, stream id) alone: the same pair always yields the
   * same sequence, on every platform. `seed` may be any non-negative safe integer.
   */
  seed(i: number, seed: number, stream: number): void {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // Combine seed and stream id, then expand with splitmix32 (its outputs are
    // well spread even for seeds 1, 2, 3 and stream ids that differ in one bit).
    let x = fmix32(lo ^ fmix32(hi ^ 0x5bd1e995)) ^ fmix32(Math.imul(stream ^ 0x27d4eb2f, 0x9e3779b9) >>> 0);
    const o = 4 * i;
    for (let k = 0; k < 4; k++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[o + k] = z ^ (z >>> 16);
    }
    // xoshiro must not start from the all-zero state.
    if ((this.s[o]! | this.s[o + 1]! | this.s[o + 2]! | this.s[o + 3]!) === 0) this.s[o] = 1;
  }

  /** A uniform 32-bit unsigned integer from stream i (xoshiro128**). */
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

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  float(i: number): number {
    return this.u32(i) * 2.3283064365386963e-10; // INV_TWO_POW_32 (a literal: hot loop)
  }

  /** A uniform integer in [0, n), n >= 1 (multiply-shift; bias below 2^-32 * n). */
  below(i: number, n: number): number {
    return Math.floor(this.u32(i) * 2.3283064365386963e-10 * n); // INV_TWO_POW_32
  }

  /**
   * true with probability p. Draws only when 0 < p < 1: a share of exactly 0 or 1
   * consumes nothing (the common case costs nothing; a stream's position then
   * depends on its own parameters only, never on another stream's).
   */
  chance(i: number, p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.u32(i) * 2.3283064365386963e-10 < p; // INV_TWO_POW_32
  }

  /**
   * An exponentially distributed value with the given mean: the ziggurat
   * (above), its rectangle test inline; about 2% of draws go on to expSlow.
   */
  exponential(i: number, mean: number): number {
    const u = this.u32(i);
    const layer = u & 255; // ZIG_LAYER_MASK (literals: hot loop)
    const x = u >>> 8; // ZIG_LAYER_BITS
    if (x < this.zigK[layer]!) return x * this.zigW[layer]! * mean;
    return this.expSlow(i, layer, x) * mean;
  }

  /**
   * The ziggurat's rare path (the paper's efix): the draw (layer, x) fell
   * outside its layer's rectangle core. Returns an Exp(1) value, drawing more
   * from stream i as needed.
   */
  private expSlow(i: number, layer: number, x: number): number {
    for (;;) {
      // The base layer's tail beyond r: r + Exp(1) (memorylessness); 1 - u is in (0, 1].
      if (layer === 0) return ZIG_R - Math.log(1 - this.u32(i) * INV_TWO_POW_32);
      const v = x * ZIG_W[layer]!;
      // Between the rectangle and the density, inside the layer's wedge: accept under exp(-v).
      if (ZIG_F[layer]! + this.u32(i) * INV_TWO_POW_32 * (ZIG_F[layer - 1]! - ZIG_F[layer]!) < Math.exp(-v)) return v;
      const u = this.u32(i);
      layer = u & ZIG_LAYER_MASK;
      x = u >>> ZIG_LAYER_BITS;
      if (x < ZIG_K[layer]!) return x * ZIG_W[layer]!;
    }
  }

  /**
   * An index drawn with the weights whose running sums are `cumulative`
   * (cumulative[i] = w0 + ... + wi, last entry > 0). Zero-weight entries are
   * never chosen. Linear scan: the tables here have at most 11 entries. A table
   * of one entry returns 0 without a draw (callers use `singleChoice` to skip
   * tables with one positive weight).
   */
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
