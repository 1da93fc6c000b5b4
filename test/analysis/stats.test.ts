/**
 * Statistics across seeds (harness/analysis/stats.ts): reference values from
 * scipy 1.17.1 / numpy 2.4.6, computed independently:
 *   scipy.stats.ttest_ind(a, b, equal_var=False)     (Welch)
 *   scipy.stats.t.ppf(0.975, 4)                      (Student's t quantile)
 *   scipy.stats.t.cdf(t, df)                         (Student's t CDF)
 *   scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=scipy.stats.sem(xs))
 *   numpy.std(xs, ddof=1)
 *   the exact bootstrap: every one of the n^n ordered resamples enumerated
 *   with itertools.product, means sorted, the value at rank ceil(q * n^n).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { meanBootstrapCi95, meanCi95, stddev, studentTCdf, studentTQuantile, welchTTest } from '../../harness/analysis/stats.ts';
import { summarize } from '../../harness/analysis/summarize.ts';
import { METRIC_NAMES } from '../../harness/metrics/metric-defs.ts';
import type { RunRow } from '../../harness/results/schema.ts';

describe('Welch and Student t against scipy', () => {
  it('matches scipy.stats.ttest_ind(equal_var=False)', () => {
    // [3,0,1,0,4] vs [0,0,1,0,0]: statistic 1.6733200530681511, pvalue 0.16183389471204904
    expect(welchTTest([3, 0, 1, 0, 4], [0, 0, 1, 0, 0])).toBeCloseTo(0.16183389471204904, 9);
    // pvalue 0.01288876577184072
    expect(welchTTest([10.5, 12.25, 9.75, 11.0, 13.5], [8.0, 9.5, 7.25, 10.0, 8.75])).toBeCloseTo(0.01288876577184072, 9);
  });
  it('matches scipy.stats.t.ppf(0.975, 4) = 2.7764451051977934', () => {
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451051977934, 9);
  });
  it('has no p-value where both sides are constant: nothing to test against', () => {
    expect(welchTTest([5, 5, 5], [7, 7, 7])).toBeNull();
    expect(welchTTest([0, 0, 0], [0, 0, 0])).toBeNull();
  });
  it('has no p-value with fewer than two values on a side', () => {
    expect(welchTTest([5], [7, 8, 9])).toBeNull();
    expect(welchTTest([5, 6], [])).toBeNull();
  });
  it('matches scipy with unequal sizes and non-integer degrees of freedom', () => {
    // scipy.stats.ttest_ind([1.2,1.9,1.4], [2.1,2.5,2.2,2.9,2.4,2.6], equal_var=False).pvalue -> 0.02326635982849544
    expect(welchTTest([1.2, 1.9, 1.4], [2.1, 2.5, 2.2, 2.9, 2.4, 2.6])).toBeCloseTo(0.02326635982849544, 9);
    // The sides swapped: the same two-sided p-value.
    expect(welchTTest([2.1, 2.5, 2.2, 2.9, 2.4, 2.6], [1.2, 1.9, 1.4])).toBeCloseTo(0.02326635982849544, 9);
    // scipy.stats.ttest_ind([11.0,11.3,11.1], [10.0,10.2,10.1], equal_var=False).pvalue -> 0.001227151353729609
    expect(welchTTest([11.0, 11.3, 11.1], [10.0, 10.2, 10.1])).toBeCloseTo(0.001227151353729609, 9);
  });
  it('matches scipy.stats.t.cdf, integer and non-integer df', () => {
    const cases: [number, number, number][] = [
      [2.0, 4, 0.9419417382415922], // scipy.stats.t.cdf(2.0, 4)
      [-1.5, 7.3, 0.08778154640154305], // scipy.stats.t.cdf(-1.5, 7.3)
      [0.3, 2, 0.6037571695799112], // scipy.stats.t.cdf(0.3, 2)
      [3.1, 12.7, 0.9956727090087812], // scipy.stats.t.cdf(3.1, 12.7)
    ];
    for (const [t, df, want] of cases) expect(studentTCdf(t, df), `t=${t} df=${df}`).toBeCloseTo(want, 10);
  });
  it('matches scipy.stats.t.ppf at the quantiles the intervals use', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 8); // scipy.stats.t.ppf(0.975, 1)
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652729749462, 9); // scipy.stats.t.ppf(0.975, 2)
    expect(studentTQuantile(0.95, 9)).toBeCloseTo(1.833112932656237, 9); // scipy.stats.t.ppf(0.95, 9)
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0422724563012378, 9); // scipy.stats.t.ppf(0.975, 30)
  });
  it("meanCi95 is scipy's t interval of the mean; stddev is numpy's ddof=1", () => {
    const xs = [3.1, 2.7, 3.9, 3.3, 2.8, 3.5];
    // numpy.std(xs, ddof=1) -> 0.44907311951024925
    expect(stddev(xs)).toBeCloseTo(0.44907311951024925, 12);
    // scipy.stats.t.interval(0.95, 5, loc=mean(xs), scale=scipy.stats.sem(xs)) -> (2.7453933301333424, 3.687940003199991)
    const ci = meanCi95(xs);
    expect(ci.n).toBe(6);
    expect(ci.mean).toBeCloseTo(3.216666666666667, 12);
    expect(ci.ciLow).toBeCloseTo(2.7453933301333424, 9);
    expect(ci.ciHigh).toBeCloseTo(3.687940003199991, 9);
    // One value: no spread, the interval is the value.
    expect(meanCi95([4])).toEqual({ n: 1, mean: 4, stddev: 0, ciLow: 4, ciHigh: 4 });
  });
});

describe('bootstrap interval of the mean', () => {
  it('matches the exact bootstrap enumerated with numpy', () => {
    const cases: [number[], number, number][] = [
      [[3, 0, 1, 0, 4], 0.2, 3.0],
      [[0, 0, 0, 2, 0], 0.0, 1.2],
      [[10.5, 12.25, 9.75, 11.0, 13.5], 10.3, 12.65],
      [[1, 2, 3], 1.0, 3.0],
    ];
    for (const [xs, lo, hi] of cases) {
      const c = meanBootstrapCi95(xs);
      expect(c.ciLow).toBeCloseTo(lo, 12);
      expect(c.ciHigh).toBeCloseTo(hi, 12);
    }
  });
  it("a count's interval never goes below 0, where Student's t does", () => {
    // The case: a rare count, 0 in most seeds.
    expect(meanCi95([0, 0, 0, 2, 0]).ciLow).toBeLessThan(0);
    expect(meanBootstrapCi95([0, 0, 0, 2, 0]).ciLow).toBe(0);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 12 }), (xs) => {
        const c = meanBootstrapCi95(xs);
        expect(c.ciLow).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(c.ciHigh).toBeLessThanOrEqual(Math.max(...xs));
        expect(c.ciLow).toBeLessThanOrEqual(c.mean + 1e-9);
        expect(c.ciHigh).toBeGreaterThanOrEqual(c.mean - 1e-9);
        // Deterministic: the seeded resampling (more than 8 values) too.
        expect(meanBootstrapCi95(xs)).toEqual(c);
      }),
      { numRuns: 300 },
    );
  });
  it('gives [c, c] for a constant sample', () => {
    expect(meanBootstrapCi95([4, 4, 4, 4, 4])).toMatchObject({ ciLow: 4, ciHigh: 4 });
  });
});

describe('summary cells', () => {
  const run = (strategy: string, seed: number, over: Partial<Record<string, number>>, profile = '5.9'): RunRow => ({
    strategy,
    scenario: 's',
    variant: '',
    seed,
    profile,
    params: {},
    workloadHash: `h${seed}`,
    metrics: { ...Object.fromEntries(METRIC_NAMES.map((n) => [n, 1])), ...over } as RunRow['metrics'],
    violations: [],
  });
  it('intervals of counts stay >= 0 and equal constants carry no star', () => {
    const runs = [1, 2, 3, 4, 5].flatMap((seed) => [run('status-quo', seed, { invalidWaitContext: seed === 3 ? 2 : 0, sleepInAtomic: 3 }), run('gfp-zero-mask', seed, { invalidWaitContext: 0, sleepInAtomic: 5 })]);
    const [sq, gz] = summarize(runs);
    for (const row of [sq!, gz!]) for (const c of Object.values(row.metrics)) expect(c.ciLow).toBeGreaterThanOrEqual(0);
    // sleepInAtomic: 3 vs 5 in every seed: a real difference, but no spread to test it against.
    expect(gz!.vsStatusQuo!.sleepInAtomic).toMatchObject({ pValue: null, significant: false, changePct: (5 - 3) / 3 * 100 });
    // Same constant: a 0 change, never significant.
    expect(gz!.vsStatusQuo!.simEvents).toMatchObject({ changePct: 0, significant: false, pValue: null });
  });
  it('states changes as gains: + better', () => {
    const runs = [1, 2, 3].flatMap((seed) => [run('status-quo', seed, { fallbackRate: 0.1 + seed / 100, ordinaryPcpHitRate: 0.9 }), run('x', seed, { fallbackRate: 0.05 + seed / 100, ordinaryPcpHitRate: 0.99 })]);
    const x = summarize(runs).find((r) => r.strategy === 'x')!;
    expect(x.vsStatusQuo!.fallbackRate!.changePct).toBeLessThan(0);
    expect(x.vsStatusQuo!.fallbackRate!.gainPct).toBeGreaterThan(0); // lower is better: fewer fallbacks is a gain
    expect(x.vsStatusQuo!.ordinaryPcpHitRate!.gainPct).toBeCloseTo(10, 9); // higher is better
    expect(x.vsStatusQuo!.simEvents!.gainPct).toBeNull(); // no better direction
  });
  it('never compares across kernels: a cell of another kernel gets no comparison', () => {
    const runs = [1, 2].flatMap((seed) => [run('status-quo', seed, {}, '5.9'), run('other', seed, {}, '6.x'), run('same', seed, {}, '5.9')]);
    const rows = summarize(runs);
    expect(rows.find((r) => r.strategy === 'other')).toMatchObject({ kernel: '6.x', vsStatusQuo: null });
    expect(rows.find((r) => r.strategy === 'same')!.vsStatusQuo).not.toBeNull();
  });
  it('leaves a metric out of the cell when the runs lack it (an older results version)', () => {
    const old = [1, 2].map((seed) => {
      const r = run('status-quo', seed, {});
      delete (r.metrics as Record<string, number | undefined>).fallbackRate;
      return r;
    });
    const [row] = summarize(old);
    expect(row!.metrics.fallbackRate).toBeUndefined();
    expect(row!.metrics.locklessRequests).toBeDefined();
  });
});
