/**
 * The regression gate (harness/analysis/regression.ts) and its report
 * (comparison-text.ts, comparison-html.ts): a baseline that shares no cell
 * with the run is bad input (exit 2, one line saying why), before anything
 * runs; cells are compared on the seeds both runs have, and floating-point
 * noise is no change, so `ordinaryPcpHitRate 1 -> 1 (-0.00%)` is never a
 * regression; ratios print as percentages; the headline is LKP-style.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns, DEFAULT_REGRESSION_OPTIONS, noCommonCells } from '../../harness/analysis/regression.ts';
import type { Comparison, ComparisonCell, Results, RunRow } from '../../harness/results/schema.ts';
import { renderComparisonHtml } from '../../harness/report/comparison-html.ts';
import { comparisonHeadline, formatChangePct, formatPair, renderComparisonText } from '../../harness/report/comparison-text.ts';
import { entriesUnder, outputDirs, runCaptured } from '../helpers/fuzz-cli-helpers.ts';

const QUICK = JSON.parse(readFileSync('results/baselines/quick.json', 'utf8')) as Results;
const DEFAULT = JSON.parse(readFileSync('results/baselines/default.json', 'utf8')) as Results;

const withMetrics = (r: Results, f: (row: RunRow) => Partial<RunRow['metrics']>): Results => ({ ...r, runs: r.runs.map((row) => ({ ...row, metrics: { ...row.metrics, ...f(row) } })) });
const behaviour = (cells: readonly { kind: string }[]): unknown[] => cells.filter((c) => c.kind === 'exact' || c.kind === 'modelled');

describe('compareRuns: what counts as a change', () => {
  it('the same run: every exact and modelled cell is "no change"', () => {
    const r = compareRuns(QUICK, QUICK);
    expect(r.failing).toEqual([]);
    expect(behaviour(r.cells.filter((c) => c.verdict !== 'no change'))).toEqual([]);
  });

  it('floating-point noise in a ratio is no change (was "regressed: 1 -> 1 (-0.00%)")', () => {
    const noisy = withMetrics(QUICK, (row) => ({ ordinaryPcpHitRate: row.metrics.ordinaryPcpHitRate * (1 - 1e-14), reservedPagesMean: row.metrics.reservedPagesMean * (1 + 1e-13) }));
    const r = compareRuns(noisy, QUICK);
    expect(r.failing.filter((c) => c.metric === 'ordinaryPcpHitRate' || c.metric === 'reservedPagesMean')).toEqual([]);
    expect(r.cells.filter((c) => c.metric === 'ordinaryPcpHitRate').every((c) => c.verdict === 'no change' && c.changePct === 0)).toBe(true);
  });

  it('a real change of a count still fails, however small', () => {
    const one = withMetrics(QUICK, (row) => (row.strategy === 'dedicated-pool' && row.scenario === 'burst' ? { locklessFailures: row.metrics.locklessFailures + 1 } : {}));
    const r = compareRuns(one, QUICK);
    expect(r.failing.map((c) => `${c.strategy} ${c.scenario} ${c.metric} ${c.verdict}`)).toEqual(['dedicated-pool burst locklessFailures regressed']);
  });

  it('cells are compared on the seeds both runs have: a seed only one run has is not a change', () => {
    const extra: RunRow[] = QUICK.runs.map((row) => ({ ...row, seed: 99, metrics: { ...row.metrics, ordinaryPcpHitRate: row.metrics.ordinaryPcpHitRate * 0.5, locklessFailures: row.metrics.locklessFailures + 7 } }));
    const current: Results = { ...QUICK, runs: [...QUICK.runs, ...extra] };
    const r = compareRuns(current, QUICK);
    expect(behaviour(r.cells.filter((c) => c.verdict !== 'no change'))).toEqual([]);
    expect(r.differences.join('\n')).toMatch(/seeds differ \(1 -> 1, 99\): cells compared on the seeds both have \(1\)/);
  });
});

describe('compareRuns: timings (Welch across seeds, metric-change.ts)', () => {
  const BASE = [100, 104, 98, 101, 103];
  const SLOWER = [110, 113, 108, 112, 109];
  const inCell = (row: RunRow): boolean => row.strategy === 'status-quo' && row.scenario === 'steady' && row.variant === '';
  const timed = (values: number[], seeds: number): Results => ({ ...DEFAULT, runs: DEFAULT.runs.filter((row) => row.seed <= seeds).map((row) => (inCell(row) ? { ...row, metrics: { ...row.metrics, simWallMs: values[row.seed - 1]! } } : row)) });
  const cellOf = (r: ReturnType<typeof compareRuns>) => r.cells.find((c) => c.strategy === 'status-quo' && c.scenario === 'steady' && c.variant === '' && c.metric === 'simWallMs')!;

  it('a consistent 10% slow-down over 5 seeds is "regressed", with the p-value scipy gives', () => {
    // scipy.stats.ttest_ind([110,113,108,112,109], [100,104,98,101,103], equal_var=False).pvalue -> 0.00020361278328557034
    const r = compareRuns(timed(SLOWER, 5), timed(BASE, 5));
    const c = cellOf(r);
    expect(c).toMatchObject({ test: 'welch', verdict: 'regressed', baseline: 101.2, current: 110.4 });
    expect(c.pValue).toBeCloseTo(0.00020361278328557034, 10);
    // A timing fails the run only when asked.
    expect(r.failing).toEqual([]);
    expect(compareRuns(timed(SLOWER, 5), timed(BASE, 5), { ...DEFAULT_REGRESSION_OPTIONS, failOnTiming: true }).failing.map((x) => x.metric)).toEqual(['simWallMs']);
  });

  it('with 3 seeds a clear change still counts (an exact rank test could not: its smallest p is 0.1)', () => {
    // scipy.stats.ttest_ind([11.0,11.3,11.1], [10.0,10.2,10.1], equal_var=False).pvalue -> 0.001227151353729609
    // scipy.stats.mannwhitneyu(same, alternative='two-sided', method='exact').pvalue -> 0.1; method='asymptotic' -> 0.0808 (the gate's old rule: "no change")
    const c = cellOf(compareRuns(timed([11.0, 11.3, 11.1], 3), timed([10.0, 10.2, 10.1], 3)));
    expect(c.pValue).toBeCloseTo(0.001227151353729609, 10);
    expect(c.verdict).toBe('regressed');
  });

  it('the per-metric floor applies: a 9% change under a 10% floor is within noise', () => {
    const c = cellOf(compareRuns(timed(SLOWER, 5), timed(BASE, 5), { ...DEFAULT_REGRESSION_OPTIONS, metricNoisePct: { simWallMs: 10 } }));
    expect(c.verdict).toBe('within noise');
  });

  it('one seed (--quick): no p-value, no change', () => {
    const c = cellOf(compareRuns(timed(SLOWER, 1), timed(BASE, 1)));
    expect(c).toMatchObject({ pValue: null, verdict: 'no change' });
  });
});

describe('noCommonCells: the gate cannot pass empty', () => {
  const planOf = (r: Results) => ({ quick: r.config.quick, cells: r.runs.map((x) => ({ strategy: x.strategy, scenario: x.scenario, variant: x.variant, seed: x.seed })), scenarios: r.scenarios });

  it('a quick run against the default baseline shares no cell, and says why', () => {
    expect(noCommonCells(planOf(QUICK), DEFAULT)).toBe('the baseline is not --quick, this run is');
    expect(noCommonCells(planOf(DEFAULT), QUICK)).toBe('the baseline is --quick, this run is not');
    expect(noCommonCells(planOf(QUICK), QUICK)).toBeNull();
  });

  it('no scenario, strategy or seed in common is named', () => {
    const plan = planOf(QUICK);
    expect(noCommonCells({ ...plan, cells: plan.cells.map((c) => ({ ...c, scenario: 'mine' })), scenarios: [] }, QUICK)).toMatch(/^no scenario in common: the baseline has steady, burst, .*this run mine$/);
    expect(noCommonCells({ ...plan, cells: plan.cells.map((c) => ({ ...c, strategy: 'my-idea' })) }, QUICK)).toMatch(/^no strategy in common: .*this run my-idea$/);
    expect(noCommonCells({ ...plan, cells: plan.cells.map((c) => ({ ...c, seed: 7 })) }, QUICK)).toBe('no seed in common: the baseline has 1, this run 7');
  });

  it('compare --quick --baseline <the default baseline>: exit 2, one line, nothing run or written', async () => {
    const out = outputDirs('gate-');
    const r = await runCaptured(['compare', '--quick', '--no-measure', '--baseline', 'results/baselines/default.json', ...out.flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('nolock-bench: results/baselines/default.json: cells: expected at least one strategy x scenario x seed in common with this run (the baseline is not --quick, this run is), found none\n');
    expect(entriesUnder(out.dir)).toEqual([]);
  }, 60_000);
});

const cell = (over: Partial<ComparisonCell>): ComparisonCell => ({ strategy: 'dedicated-pool', scenario: 'burst', variant: '', metric: 'locklessFailureRate', kind: 'exact', baseline: 0, current: 0.11, changePct: null, pValue: null, test: 'exact', verdict: 'regressed', failing: true, ...over });
const comparison = (cells: ComparisonCell[], differences: string[] = []): Comparison => ({ baselineRunId: 'base-quick', baselineCommit: 'ee9ef6c40a02aaaa', noiseFloorPct: 2, failOnTiming: false, comparedCells: 2100, unchangedCells: 2100 - cells.length, cells, differences });

describe('the comparison as text and HTML', () => {
  it('ratios as percentages, with the digits it takes to tell two values apart', () => {
    expect(formatPair('locklessFailureRate', 0, 0.11)).toEqual(['0%', '11%']);
    expect(formatPair('ordinaryPcpHitRate', 0.9999834, 0.9999833)).toEqual(['99.99834%', '99.99833%']);
    expect(formatPair('ordinaryPcpHitRate', 1, 1)).toEqual(['100%', '100%']);
    expect(formatPair('locklessFailureRate', 0.0004, 0.0004)).toEqual(['0.04%', '0.04%']);
    expect(formatPair('minFreePages', 1046221.2, 1046210.286)).toEqual(['1,046,221', '1,046,210']);
    expect(formatPair('zoneLockInLockless', 3, 4)).toEqual(['3', '4']);
    expect(formatChangePct(null)).toBe('new');
    expect(formatChangePct(0)).toBe('0%');
    expect(formatChangePct(-0.000104)).toBe('-0.00010%');
    expect(formatChangePct(1234.5)).toBe('+1,234.50%');
  });

  it('LKP-style: the headline, the configuration differences first, one table, at most 80 columns', () => {
    const c = comparison(
      [cell({}), cell({ strategy: 'status-quo', metric: 'zoneLockInLockless', baseline: 3, current: 4, changePct: 33.33 }), cell({ strategy: 'gfp-zero-mask', scenario: 'steady', metric: 'locklessNs', kind: 'modelled', baseline: 28, current: 27, changePct: -3.57, verdict: 'improved', failing: false })],
      ['--quick differs (false -> true)'],
    );
    expect(comparisonHeadline(c)).toBe('REGRESSION: 2 of 2,100 cells, e.g. dedicated-pool x burst locklessFailureRate 0% -> 11%');
    const text = renderComparisonText(c);
    const lines = text.split('\n');
    expect(lines[0]).toBe('REGRESSION: 2 of 2,100 cells, e.g.');
    expect(lines[1]).toBe('  dedicated-pool x burst locklessFailureRate 0% -> 11%');
    expect(text.indexOf('Configuration differences')).toBeLessThan(text.indexOf('What moved'));
    expect(text).toContain('\ndedicated-pool x burst\n          0%         new           11%  locklessFailureRate     REGRESSED\n');
    expect(text).toContain('\n           3     +33.33%             4  zoneLockInLockless      REGRESSED\n');
    expect(text).toContain('\ngfp-zero-mask x steady\n          28      -3.57%            27  locklessNs              improved\n');
    expect(text).not.toMatch(/0 -> 0\.11/);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(comparisonHeadline(comparison([]))).toBe('NO CHANGE: 2,100 cells compared, none regressed or changed');
  });

  it('the HTML section: headline, differences, a row per moved cell', () => {
    const h = renderComparisonHtml(comparison([cell({})], ['--quick differs (false -> true)'])).value;
    expect(h).toContain('<section id="comparison">');
    expect(h).toContain('REGRESSION: 1 of 2,100 cells, e.g. dedicated-pool x burst locklessFailureRate 0% -&gt; 11%');
    expect(h).toContain('<li>--quick differs (false -&gt; true)</li>');
    expect(h).toMatch(/<tr class="failing"><th><span class="name">dedicated-pool x burst<\/span><\/th><th><span class="name">locklessFailureRate<\/span><\/th><td>0%<\/td><td>new<\/td><td>11%<\/td>/);
    expect(renderComparisonHtml(undefined).value).toBe('');
  });
});
