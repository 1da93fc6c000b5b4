/**
 * Assembly of a compare's results (harness/compare/assemble.ts): job
 * outcomes in any order -> the Results object, runs in job order, failed runs
 * named by their table, summary and verdict from the runs. Runs nothing: the
 * rows are the quick baseline's.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleResults, collectOutcomes } from '../../harness/compare/assemble.ts';
import { planCompare, runLimits, type ComparePlan } from '../../harness/compare/plan.ts';
import { ResultsSchema, type Results } from '../../harness/results/schema.ts';
import type { JobOutcome } from '../../harness/sim/job.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';

const QUICK = JSON.parse(readFileSync('results/baselines/quick.json', 'utf8')) as Results;
let plan: ComparePlan;
beforeAll(async () => {
  const all = await loadStrategies();
  const strategies = ['status-quo', 'dedicated-pool'].map((n) => all.find((s) => s.name === n)!);
  plan = planCompare({ strategies, loaded: all, strategyFiles: [], sources: [{ kind: 'builtin', name: 'steady' }], kernels: ['5.9', '7.2'], sets: { scenarioSets: [], costOverrides: {}, paramSets: {} }, sweep: null, quick: true, seeds: 1, limits: runLimits({ runWallLimitMs: 1000 }) });
});
/** The quick baseline's row of a job, renamed to its table. */
const rowOf = (i: number): NonNullable<JobOutcome['row']> => {
  const j = plan.jobs[i]!;
  const r = QUICK.runs.find((x) => x.strategy === j.strategy && x.scenario === 'steady' && x.seed === 1)!;
  return { ...r, scenario: plan.scenarios[i < 2 ? 0 : 1]!.name, profile: j.kernel ?? r.profile };
};
const record = { runId: 'r', createdAt: '2026-01-01T00:00:00.000Z', command: 'test', environment: QUICK.environment, sets: [], scenarioFiles: [], shard: null, measured: [], wallMs: 5 };

describe('collectOutcomes', () => {
  it('puts outcomes in job order and names a failed run after its table', () => {
    expect(plan.jobs.map((j) => `${j.kernel}/${j.strategy}`)).toEqual(['5.9/status-quo', '5.9/dedicated-pool', '7.2/status-quo', '7.2/dedicated-pool']);
    const outcomes: JobOutcome[] = [
      { index: 3, row: rowOf(3), workloadWallMs: 2 },
      { index: 2, error: 'boom' },
      { index: 0, row: rowOf(0), workloadWallMs: 1 },
      { index: 1, row: rowOf(1) },
    ];
    const c = collectOutcomes(plan, outcomes);
    expect(c.runs.map((r) => `${r.scenario}/${r.strategy}`)).toEqual(['steady@5.9/status-quo', 'steady@5.9/dedicated-pool', 'steady@7.2/dedicated-pool']);
    expect(c.failedRuns).toEqual([{ strategy: 'status-quo', scenario: 'steady@7.2', variant: '', seed: 1, error: 'boom' }]);
    expect(c.workloadWallMs).toBe(3);
  });
});

describe('assembleResults', () => {
  it('is a valid results object whose summary, verdict and totals come from the runs', () => {
    const c = collectOutcomes(plan, [0, 1, 2, 3].map((i) => ({ index: i, row: rowOf(i) })));
    const res = assembleResults(plan, c, record);
    expect(() => ResultsSchema.parse(res)).not.toThrow();
    expect(res.config).toMatchObject({ strategies: ['status-quo', 'dedicated-pool'], scenarios: ['steady@5.9', 'steady@7.2'], kernels: ['5.9', '7.2'], seeds: [1], quick: true, sweep: null, shard: null });
    expect(res.summary.map((s) => `${s.scenario}/${s.strategy}`)).toEqual(['steady@5.9/status-quo', 'steady@5.9/dedicated-pool', 'steady@7.2/status-quo', 'steady@7.2/dedicated-pool']);
    expect(Object.keys(res.verdict!.scenarios)).toEqual(['steady@5.9', 'steady@7.2']);
    expect(res.totals).toMatchObject({ runs: 4, failedRuns: 0, wallMs: 5, simEvents: c.runs.reduce((a, r) => a + r.metrics.simEvents, 0) });
    // Static properties as the stored baseline has them for the same strategy and parameters.
    expect(res.strategies.map((s) => s.staticProperties)).toEqual(['status-quo', 'dedicated-pool'].map((n) => QUICK.strategies.find((s) => s.name === n)!.staticProperties));
  });
});
