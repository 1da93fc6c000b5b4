/**
 * A synthetic Results of the default matrix's size (what `npm run compare`
 * runs): 7 strategies x 10 scenarios x 5 seeds, alloc-pages-nolock not run on
 * the 5.9 scenarios, the summary and verdict computed by the harness's own
 * summarize() and computeVerdict(). Deterministic (own PRNG). The numbers are
 * made up to exercise the report's layout (several key columns that differ,
 * significant and insignificant changes, zeros), not to mean anything.
 */
import { summarize } from '../../harness/analysis/summarize.ts';
import { computeVerdict } from '../../harness/analysis/verdict.ts';
import { METRIC_NAMES } from '../../harness/metrics/metric-defs.ts';
import { ResultsSchema, type Results, type RunRow } from '../../harness/results/schema.ts';
import { makeSampleResults, mulberry32 } from './sample-results.ts';

const STRATEGIES = ['status-quo', 'gfp-no-locks-bit', 'gfp-zero-mask', 'lockless-entry', 'dedicated-pool', 'rcu-page-cache', 'alloc-pages-nolock'];
const LATER = new Set(['rcu-page-cache', 'alloc-pages-nolock']);
const SCENARIOS: readonly [name: string, kernel: string][] = [
  ['steady', '5.9'],
  ['burst', '5.9'],
  ['memory-pressure', '5.9'],
  ['rt-raw-lock', '5.9'],
  ['debug-hooks', '5.9'],
  ['boot-gfp0', '5.9'],
  ['many-cpus', '7.2'],
  ['userspace-flood', '5.9'],
  ['trace-replay', '7.2'],
  ['nmi-tracing', '7.2'],
];

export function makeDefaultSizeResults(): Results {
  const base = makeSampleResults({ noSweep: true });
  const rnd = mulberry32(7);
  const seeds = [1, 2, 3, 4, 5];
  const runs: RunRow[] = [];
  const notApplicable: NonNullable<Results['notApplicable']> = [];
  SCENARIOS.forEach(([scenario, kernel], si) => {
    STRATEGIES.forEach((strategy, k) => {
      if (strategy === 'alloc-pages-nolock' && kernel === '5.9') {
        notApplicable.push({ strategy, scenario, variant: '', kernel, reason: 'n/a (needs >= 6.15)' });
        return;
      }
      for (const seed of seeds) {
        const j = (): number => 1 + (rnd() - 0.5) * 0.08;
        const metrics = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0])) as Record<(typeof METRIC_NAMES)[number], number>;
        const rt = scenario === 'rt-raw-lock' || scenario === 'debug-hooks';
        metrics.kvfreeCalls = 200_000;
        metrics.locklessRequests = 4000 + si * 100;
        metrics.fallbackRate = k === 0 ? 0 : (0.001 * k * (si + 1) * j()) / 10;
        metrics.locklessFailureRate = metrics.fallbackRate * 3;
        metrics.locklessNs = 80 + k * 10 * j();
        metrics.locklessNsMax = (k === 0 ? 2400 : 130 + k * 40) * j();
        metrics.locklessNsP999 = metrics.locklessNsMax * 0.9;
        metrics.zoneLockInLockless = k === 0 ? Math.round(40 * j()) : 0;
        metrics.ordinaryAllocs = 60_000;
        metrics.ordinaryPcpHitRate = Math.min(1, 0.99 - (k === 3 ? 0.03 : 0) + (rnd() - 0.5) * 0.002);
        metrics.violationsInRequest = rt && (k === 1 || k === 2 || k === 3) ? Math.round(400 * j()) : 0;
        metrics.invalidWaitContext = metrics.violationsInRequest;
        metrics.watermarkBreaches = k === 3 ? Math.round(25 * j()) : 0;
        metrics.legacyGfp0Failures = scenario === 'boot-gfp0' && k === 2 ? Math.round(12 * j()) : 0;
        metrics.reservedPagesMean = (k === 4 ? 60 : k === 5 ? 20 : 1.5) * j();
        metrics.reservedPagesPeak = Math.round(metrics.reservedPagesMean * 1.5);
        metrics.minFreePages = Math.round(14000 * j());
        metrics.simEvents = Math.round(1_000_000 * j());
        metrics.simWallMs = 300 * j();
        runs.push({ strategy, scenario, variant: '', seed, profile: kernel, params: {}, workloadHash: `wh-${scenario}-${seed}`, metrics, violations: [] });
      }
    });
  });
  const strategies: Results['strategies'] = STRATEGIES.map((name) => ({
    ...(base.strategies.find((s) => s.name === name) ?? { ...base.strategies[0]!, name, title: `${name} (synthetic)`, origin: 'test', description: 'synthetic' }),
    later: LATER.has(name),
  }));
  const scenarios: Results['scenarios'] = SCENARIOS.map(([name, kernel]) => ({ ...base.scenarios[1]!, name, kernel: { ...base.scenarios[1]!.kernel, profile: kernel }, warmupMs: name === 'boot-gfp0' ? 0 : 60 }));
  const results = ResultsSchema.parse({
    ...base,
    runId: 'default-size',
    command: 'npm run compare',
    config: { ...base.config, strategies: STRATEGIES, scenarios: SCENARIOS.map(([n]) => n), seeds, sets: [], sweep: null },
    strategies,
    scenarios,
    runs,
    failedRuns: [],
    notApplicable,
    summary: summarize(runs),
    timelines: [],
    measured: [],
    totals: { ...base.totals, runs: runs.length, failedRuns: 0 },
  });
  results.verdict = computeVerdict(results);
  return results;
}
