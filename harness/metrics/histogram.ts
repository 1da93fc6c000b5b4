/**
 * A log-bucketed histogram of non-negative values (virtual ns) for percentiles
 * without keeping samples: buckets grow by 3%, and each bucket keeps the
 * largest value recorded in it. Recording allocates nothing.
 *
 * What a caller may rely on: max is exact; quantile(q) is a value that was
 * recorded, never below the exact q-quantile and at most 3% above it (the
 * largest value of the bucket the exact quantile falls in), and exact when
 * that bucket holds one distinct value, as modelled costs (sums of cost-table
 * entries) mostly do.
 */
const GROWTH = 1.03;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1024; // up to 1.03^1023 ~ 1.4e13 ns

export class LogHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  /** The largest value recorded in each bucket (0 for an empty one). */
  private readonly bucketMax = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(v: number): void {
    const b = v < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(v) / LOG_GROWTH));
    this.counts[b]!++;
    if (v > this.bucketMax[b]!) this.bucketMax[b] = v;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** Forgets every recorded value. */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /**
   * The q-quantile (the smallest recorded value with at least q * count values
   * at or below it), to the bucket: the largest value recorded in its bucket.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= target && this.counts[b]! > 0) return this.bucketMax[b]!;
    }
    return this.max;
  }
}
