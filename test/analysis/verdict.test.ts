/**
 * The verdict (harness/analysis/verdict.ts) over synthetic runs, summarised
 * with the harness's own summarize(): what the workload causes for every
 * design alike does not move the ranking, fewer fallbacks beat a cheaper
 * request, ties are ties, and only one kernel is ranked per scenario.
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../harness/analysis/summarize.ts';
import { computeVerdict, equalWithinSpread } from '../../harness/analysis/verdict.ts';
import { METRIC_NAMES } from '../../harness/metrics/metric-defs.ts';
import type { Results, RunRow } from '../../harness/results/schema.ts';

const STATIC = { gfpBits: [], gfpCollisions: [], gfpRelocations: [], gfpBitsShift: 24, gfpBitsUsed: 24, gfpBitsLeft: 8, gfpBitsTotal: 32, fastPathChecks: [], slowPathChecks: [], pcpMissChecks: [], entryPoints: [], reserves: [], workers: [] };
const strategiesOf = (names: readonly string[], bits: Record<string, number> = {}): Results['strategies'] =>
  names.map((name) => ({ name, title: name, origin: '', description: '', later: false, params: {}, staticProperties: { ...STATIC, gfpBits: Array.from({ length: bits[name] ?? 0 }, (_, i) => ({ name: `b${i}`, value: '0x1' })) } }));

/** Five seeds of one strategy with a little spread (+-1%) around the given means. */
function runsOf(strategy: string, means: Partial<Record<string, number>>, opts: { scenario?: string; profile?: string } = {}): RunRow[] {
  return [1, 2, 3, 4, 5].map((seed) => ({
    strategy,
    scenario: opts.scenario ?? 'burst',
    variant: '',
    seed,
    profile: opts.profile ?? '5.9',
    params: {},
    workloadHash: `h${seed}`,
    metrics: Object.fromEntries(METRIC_NAMES.map((n) => [n, (means[n] ?? 0) * (1 + (seed - 3) / 100)])) as RunRow['metrics'],
    violations: [],
  }));
}

const order = (runs: RunRow[], names: string[], scenario = 'burst'): string[] => computeVerdict({ summary: summarize(runs), strategies: strategiesOf(names) }).scenarios[scenario]!.ranking.map((e) => e.strategy);

describe('verdict', () => {
  const base = {
    'status-quo': { violationsInRequest: 8, invalidWaitContext: 8, fallbackRate: 0, locklessNsMax: 5000, locklessNsP999: 3000 },
    'gfp-no-locks-bit': { violationsInRequest: 0, fallbackRate: 0.1, locklessNsMax: 30, locklessNsP999: 30 },
    'dedicated-pool': { violationsInRequest: 0, fallbackRate: 0, locklessNsMax: 300, locklessNsP999: 300, reservedPagesMean: 50 },
  };
  const names = Object.keys(base);
  /** `add` is added to each strategy's own value of a metric. */
  const runs = (add: Partial<Record<string, number>> = {}): RunRow[] =>
    Object.entries(base).flatMap(([s, m]) => runsOf(s, { ...m, ...Object.fromEntries(Object.entries(add).map(([k, v]) => [k, ((m as Record<string, number>)[k] ?? 0) + v!])) }));

  it('ranks safety first, then fallbacks, then the worst case', () => {
    expect(order(runs(), names)).toEqual(['dedicated-pool', 'gfp-no-locks-bit', 'status-quo']);
  });

  it('is not moved by a violation count identical and large for every strategy', () => {
    const before = order(runs(), names);
    // The workload's own violations: the caller's context, the same for every design.
    const after = order(runs({ invalidWaitContext: 1_000_000, sleepInAtomic: 250_000, nmiLockViolations: 40_000 }), names);
    expect(after).toEqual(before);
    // Even an in-request count identical for every strategy says nothing.
    const same = (n: number): RunRow[] => Object.entries(base).flatMap(([s, m]) => runsOf(s, { ...m, violationsInRequest: n }));
    expect(order(same(777), names)).toEqual(order(same(0), names));
    expect(order(same(777), names)).toEqual(['dedicated-pool', 'status-quo', 'gfp-no-locks-bit']);
  });

  it('does not rank a design that fails more better because its requests cost less', () => {
    const pair = [...runsOf('cheap-but-fails', { fallbackRate: 0.4, locklessNs: 10, locklessNsMax: 20, locklessNsP999: 20 }), ...runsOf('dear-but-serves', { fallbackRate: 0.01, locklessNs: 200, locklessNsMax: 900, locklessNsP999: 800 })];
    const v = computeVerdict({ summary: summarize(pair), strategies: strategiesOf(['cheap-but-fails', 'dear-but-serves']) }).scenarios.burst!;
    expect(v.ranking.map((e) => e.strategy)).toEqual(['dear-but-serves', 'cheap-but-fails']);
    expect(v.ranking[1]!.reasons.join(' ')).toMatch(/below dear-but-serves on fallbacks/);
  });

  it('says a tie is a tie: equal within the seeds\' spread on every criterion', () => {
    const twins = [...runsOf('a', { fallbackRate: 0.1, locklessNsMax: 30 }), ...runsOf('b', { fallbackRate: 0.1005, locklessNsMax: 30.1 }), ...runsOf('c', { fallbackRate: 0.5, locklessNsMax: 30 })];
    const v = computeVerdict({ summary: summarize(twins), strategies: strategiesOf(['a', 'b', 'c']) }).scenarios.burst!;
    expect(v.ties).toEqual([['a', 'b']]);
    expect(v.ranking.map((e) => e.strategy)).toEqual(['a', 'b', 'c']);
    expect(v.ranking[1]!.reasons.join(' ')).toMatch(/tied with a/);
    expect(equalWithinSpread({ mean: 1, low: 0.9, high: 1.1 }, { mean: 1.2, low: 1.05, high: 1.3 })).toBe(true);
    expect(equalWithinSpread({ mean: 1, low: 1, high: 1 }, { mean: 1.2, low: 1.2, high: 1.2 })).toBe(false);
  });

  it('counts GFP bits consumed (static) as collateral damage', () => {
    const two = [...runsOf('bit', { fallbackRate: 0.1 }), ...runsOf('zero', { fallbackRate: 0.1 })];
    const v = computeVerdict({ summary: summarize(two), strategies: strategiesOf(['bit', 'zero'], { bit: 1 }) }).scenarios.burst!;
    expect(v.ranking.map((e) => e.strategy)).toEqual(['zero', 'bit']);
  });

  it('ranks only cells of one kernel per scenario and keys scenario@kernel tables apart', () => {
    const mixed = [...runsOf('status-quo', { fallbackRate: 0.2 }), ...runsOf('later', { fallbackRate: 0 }, { profile: '6.x' })];
    const v = computeVerdict({ summary: summarize(mixed), strategies: strategiesOf(['status-quo', 'later']) });
    expect(v.scenarios.burst!.kernel).toBe('5.9');
    expect(v.scenarios.burst!.ranking.map((e) => e.strategy)).toEqual(['status-quo']);
    expect(v.scenarios.burst!.notRanked).toEqual([{ strategy: 'later', reason: expect.stringMatching(/kernel 6\.x/) }]);
    const axis = [...runsOf('status-quo', {}, { scenario: 'burst@5.9' }), ...runsOf('status-quo', {}, { scenario: 'burst@6.x', profile: '6.x' })];
    const w = computeVerdict({ summary: summarize(axis), strategies: strategiesOf(['status-quo']) });
    expect(Object.fromEntries(Object.entries(w.scenarios).map(([k, s]) => [k, s.kernel]))).toEqual({ 'burst@5.9': '5.9', 'burst@6.x': '6.x' });
  });

  it('lists cells not run on the scenario\'s kernel (not applicable) as not ranked', () => {
    const v = computeVerdict({ summary: summarize(runsOf('status-quo', {})), strategies: strategiesOf(['status-quo']), notApplicable: [{ strategy: 'alloc-pages-nolock', scenario: 'burst', variant: '', kernel: '5.9', reason: 'n/a (needs >= 6.15)' }] });
    expect(v.scenarios.burst!.notRanked).toEqual([{ strategy: 'alloc-pages-nolock', reason: 'n/a (needs >= 6.15) on kernel 5.9: not run' }]);
  });

  it('writes an overall paragraph naming who ranks first', () => {
    const v = computeVerdict({ summary: summarize(runs()), strategies: strategiesOf(names) });
    expect(v.overall).toMatch(/dedicated-pool ranks first everywhere/);
    expect(v.overall).toMatch(/status-quo \(every scenario\)/);
  });
});
