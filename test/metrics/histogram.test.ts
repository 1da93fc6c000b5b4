/**
 * LogHistogram (harness/metrics/histogram.ts): max exact; a quantile is a
 * recorded value, never below the exact quantile (the smallest recorded value
 * with at least q * count values at or below it) and at most 3% above it;
 * exact when the bucket holds one distinct value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../harness/metrics/histogram.ts';

function exactQuantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
}

describe('LogHistogram', () => {
  it('keeps the max exactly and quantiles within 3% above the exact value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.constantFrom(0.5, 0.9, 0.99, 0.999), (xs, q) => {
        const h = new LogHistogram();
        for (const x of xs) h.record(x);
        expect(h.max).toBe(Math.max(...xs));
        const got = h.quantile(q);
        const want = exactQuantile(xs, q);
        expect(xs).toContain(got);
        expect(got).toBeGreaterThanOrEqual(want);
        expect(got).toBeLessThanOrEqual(want * 1.03 * (1 + 1e-12));
      }),
      { numRuns: 300 },
    );
  });

  it('is exact for modelled costs a few cost-table sums apart (one value per bucket)', () => {
    const h = new LogHistogram();
    const xs: number[] = [];
    // 996 cheap pcp hits, 3 refills, 1 slow path: the p99 sits on the cheap path, p99.9 on a refill.
    for (let i = 0; i < 996; i++) xs.push(28);
    xs.push(2588.5, 2600, 2610.25, 5163.9);
    for (const x of xs) h.record(x);
    expect(h.quantile(0.99)).toBe(28);
    expect(h.quantile(0.999)).toBe(exactQuantile(xs, 0.999));
    expect(h.max).toBe(5163.9);
    // The mean sees the slow path, p99 does not: p99 below the mean is no error.
    expect(h.quantile(0.99)).toBeLessThan(h.mean());
  });
});
