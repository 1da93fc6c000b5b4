/**
 * The one rule for "did this metric change" (harness/analysis/metric-change.ts),
 * used by `compare --baseline` and by the history. p-values checked against
 * scipy 1.17.1 (quoted at each case); the means' percent changes by hand.
 */
import { describe, expect, it } from 'vitest';
import { directionOf, FLOAT_NOISE, metricChange, sameValue } from '../../harness/analysis/metric-change.ts';

const OPTS = { noiseFloorPct: 2, alpha: 0.05 };
const wall = { kind: 'wall', better: 'lower' } as const;
const count = { kind: 'exact', better: 'lower' } as const;
const seeds = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const side = (values: number[], s = seeds(values.length)): { seeds: number[]; values: number[] } => ({ seeds: s, values });

describe('wall metrics: Welch across seeds and a noise floor', () => {
  it('a consistent 10% slow-down over 5 seeds is a regression', () => {
    // scipy.stats.ttest_ind([110,113,108,112,109], [100,104,98,101,103], equal_var=False).pvalue -> 0.00020361278328557034
    const c = metricChange(wall, side([110, 113, 108, 112, 109]), side([100, 104, 98, 101, 103]), OPTS);
    expect(c.test).toBe('welch');
    expect(c.pValue).toBeCloseTo(0.00020361278328557034, 10);
    expect(c.changePct).toBeCloseTo(((110.4 - 101.2) / 101.2) * 100, 10);
    expect(c.verdict).toBe('regressed');
    expect(c.seedsChanged).toBeNull();
    expect(c.seedsCompared).toBe(5);
    // The other way round it is an improvement, with the same p-value.
    const back = metricChange(wall, side([100, 104, 98, 101, 103]), side([110, 113, 108, 112, 109]), OPTS);
    expect(back.verdict).toBe('improved');
    expect(back.pValue).toBeCloseTo(0.00020361278328557034, 10);
  });

  it('sees a clear change with 3 seeds a side, where an exact rank test cannot', () => {
    // scipy.stats.ttest_ind([11.0,11.3,11.1], [10.0,10.2,10.1], equal_var=False).pvalue -> 0.001227151353729609
    // scipy.stats.mannwhitneyu([11.0,11.3,11.1], [10.0,10.2,10.1], alternative='two-sided', method='exact').pvalue -> 0.1
    //   (the smallest p a rank test has at 3 + 3: it could never pass alpha 0.05)
    const c = metricChange(wall, side([11.0, 11.3, 11.1]), side([10.0, 10.2, 10.1]), OPTS);
    expect(c.pValue).toBeCloseTo(0.001227151353729609, 10);
    expect(c.verdict).toBe('regressed');
  });

  it('beyond the floor but not significant: no change', () => {
    // scipy.stats.ttest_ind([105,125,92,135,104], [100,120,90,130,95], equal_var=False).pvalue -> 0.647073293754248 (means +4.86%)
    const c = metricChange(wall, side([105, 125, 92, 135, 104]), side([100, 120, 90, 130, 95]), OPTS);
    expect(c.pValue).toBeCloseTo(0.647073293754248, 10);
    expect(c.changePct).toBeCloseTo(4.859813084112153, 10);
    expect(c.verdict).toBe('no change');
  });

  it('significant but within the floor: within noise', () => {
    // scipy.stats.ttest_ind([101.0,101.1,101.2,101.1,101.0], [100.0,100.1,100.2,100.1,100.0], equal_var=False).pvalue -> 6.356363294221474e-08 (means +0.9992%)
    const c = metricChange(wall, side([101.0, 101.1, 101.2, 101.1, 101.0]), side([100.0, 100.1, 100.2, 100.1, 100.0]), OPTS);
    expect(c.pValue).toBeCloseTo(6.356363294221474e-8, 14);
    expect(c.changePct).toBeCloseTo(0.9992006394884093, 10);
    expect(c.verdict).toBe('within noise');
    // A lower floor lets it count.
    expect(metricChange(wall, side([101.0, 101.1, 101.2, 101.1, 101.0]), side([100.0, 100.1, 100.2, 100.1, 100.0]), { ...OPTS, noiseFloorPct: 0.5 }).verdict).toBe('regressed');
  });

  it('one seed a side (--quick): no p-value, never a change', () => {
    const c = metricChange(wall, side([200]), side([100]), OPTS);
    expect(c.pValue).toBeNull();
    expect(c.verdict).toBe('no change');
    expect(metricChange(wall, side([101]), side([100]), OPTS).verdict).toBe('within noise');
  });

  it('a wall metric with no better direction that moved is "changed"', () => {
    expect(metricChange({ kind: 'wall', better: 'none' }, side([110, 113, 108, 112, 109]), side([100, 104, 98, 101, 103]), OPTS).verdict).toBe('changed');
  });
});

describe('exact and modelled metrics: seed by seed', () => {
  it('the same values: no change, whatever the order of the seeds', () => {
    const c = metricChange(count, side([3, 1, 2], [3, 1, 2]), side([1, 2, 3], [1, 2, 3]), OPTS);
    expect(c).toMatchObject({ verdict: 'no change', test: 'exact', pValue: null, seedsChanged: 0, seedsCompared: 3, changePct: 0 });
  });

  it('one count more on one seed is a regression (lower is better)', () => {
    const c = metricChange(count, side([5, 7, 9]), side([5, 6, 9]), OPTS);
    expect(c).toMatchObject({ verdict: 'regressed', seedsChanged: 1, seedsCompared: 3 });
    expect(c.changePct).toBeCloseTo((1 / 3 / (20 / 3)) * 100, 10);
    expect(metricChange({ kind: 'exact', better: 'higher' }, side([5, 7, 9]), side([5, 6, 9]), OPTS).verdict).toBe('improved');
  });

  it('seeds moved but the mean did not: "changed", not better or worse', () => {
    expect(metricChange(count, side([6, 5]), side([5, 6]), OPTS).verdict).toBe('changed');
    expect(metricChange({ kind: 'modelled', better: 'none' }, side([1, 2]), side([1, 3]), OPTS).verdict).toBe('changed');
  });

  it('only the seeds both sides have are compared', () => {
    // Seed 4 exists only in the current run, seed 9 only in the baseline: neither counts.
    const c = metricChange(count, side([5, 6, 100], [1, 2, 4]), side([5, 6, 0], [1, 2, 9]), OPTS);
    expect(c).toMatchObject({ verdict: 'no change', seedsCompared: 2, currentMean: 5.5, baselineMean: 5.5 });
  });

  it('floating-point noise in a non-integer is no change; a count compares exactly', () => {
    expect(metricChange({ kind: 'modelled', better: 'lower' }, side([0.3 * (1 + 1e-13)]), side([0.3]), OPTS).verdict).toBe('no change');
    expect(metricChange({ kind: 'modelled', better: 'lower' }, side([0.3 * (1 + 1e-6)]), side([0.3]), OPTS).verdict).toBe('regressed');
    expect(sameValue(1e12, 1e12 + 1)).toBe(false);
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(1, 1 + 2 * FLOAT_NOISE)).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(true);
    expect(sameValue(1, undefined)).toBe(false);
  });

  it('a baseline mean of 0: no finite percent change, still judged', () => {
    const c = metricChange(count, side([0, 1]), side([0, 0]), OPTS);
    expect(c.changePct).toBeNull();
    expect(c.verdict).toBe('regressed');
  });
});

describe('directionOf', () => {
  it('says which way, by the better direction', () => {
    expect(directionOf('lower', 10, 11)).toBe('regressed');
    expect(directionOf('lower', 10, 9)).toBe('improved');
    expect(directionOf('higher', 10, 11)).toBe('improved');
    expect(directionOf('none', 10, 11)).toBe('changed');
    expect(directionOf('lower', 10, 10)).toBe('changed');
  });
});
