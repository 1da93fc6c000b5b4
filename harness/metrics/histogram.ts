/**
 * A log-bucketed histogram of non-negative values (virtual ns) for percentiles
 * without keeping samples: buckets grow by 3%, so a percentile is within 3% of
 * the exact value. Recording allocates nothing.
 */
const GROWTH = 1.03;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1024; // up to 1.03^1023 ~ 1.4e13 ns

export class LogHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(v: number): void {
    const b = v < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(v) / LOG_GROWTH));
    this.counts[b]!++;
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

  /** The value below which a fraction `q` of recorded values fall (upper bucket edge, capped at max). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= target) return b === 0 ? Math.min(1, this.max) : Math.min(Math.pow(GROWTH, b), this.max);
    }
    return this.max;
  }
}
