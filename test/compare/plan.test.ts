/**
 * Planning of a compare (harness/compare/plan.ts): the parsed command line ->
 * scenarios and jobs, without running anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { planCompare, plannedRun, runLimits, shardJobs, timelineVariants, type PlanInput, type Variant } from '../../harness/compare/plan.ts';
import type { StrategyDefinition } from '../../harness/core/index.ts';
import { InputError } from '../../harness/errors.ts';
import { TIMELINE_POINTS } from '../../harness/sim/simulator.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';

let all: StrategyDefinition[] = [];
beforeAll(async () => {
  all = await loadStrategies();
});
const pick = (...names: string[]): StrategyDefinition[] => names.map((n) => all.find((s) => s.name === n)!);
const noSets = { scenarioSets: [], costOverrides: {}, paramSets: {} };

function input(over: Partial<PlanInput>): PlanInput {
  return { strategies: pick('status-quo', 'dedicated-pool'), loaded: all, strategyFiles: [], sources: [{ kind: 'builtin', name: 'steady' }], kernels: undefined, sets: noSets, sweep: null, quick: false, seeds: 2, limits: runLimits({ runWallLimitMs: 1000 }), ...over };
}

describe('planCompare', () => {
  it('lists tables x strategies x seeds in order, index = position, one timeline per cell', () => {
    const plan = planCompare(input({ sources: [{ kind: 'builtin', name: 'steady' }, { kind: 'builtin', name: 'burst' }] }));
    expect(plan.scenarios.map((s) => s.name)).toEqual(['steady', 'burst']);
    expect(plan.jobs.map((j) => `${j.scenario.kind === 'builtin' ? j.scenario.name : ''}/${j.strategy}/${j.seed}`)).toEqual([
      'steady/status-quo/1', 'steady/status-quo/2', 'steady/dedicated-pool/1', 'steady/dedicated-pool/2',
      'burst/status-quo/1', 'burst/status-quo/2', 'burst/dedicated-pool/1', 'burst/dedicated-pool/2',
    ]);
    expect(plan.jobs.every((j, i) => j.index === i)).toBe(true);
    // The first seed of each cell carries the timeline.
    expect(plan.jobs.map((j) => j.timelinePoints)).toEqual([TIMELINE_POINTS, 0, TIMELINE_POINTS, 0, TIMELINE_POINTS, 0, TIMELINE_POINTS, 0]);
    expect(plan.seeds).toEqual([1, 2]);
    expect(plan.notApplicable).toEqual([]);
  });

  it('--quick: the first seed of each scenario and half its duration', () => {
    const full = planCompare(input({ seeds: undefined }));
    const quick = planCompare(input({ seeds: undefined, quick: true }));
    expect(full.seeds.length).toBeGreaterThan(1);
    expect(quick.seeds).toEqual([full.seeds[0]]);
    expect(quick.durationScale).toBe(0.5);
    expect(quick.scenarios[0]!.run.durationMs).toBe(Math.round(full.scenarios[0]!.run.durationMs * 0.5));
  });

  it('a sweep multiplies the cells, each job carrying its point', () => {
    const variants: Variant[] = ['8', '16'].map((raw) => ({ label: `dedicated-pool.poolPages=${raw}`, strategy: 'dedicated-pool', target: { kind: 'strategy', strategy: 'dedicated-pool', param: 'poolPages', value: Number(raw) }, raw }));
    const plan = planCompare(input({ seeds: 1, sweep: { text: 'dedicated-pool.poolPages=8,16', key: 'dedicated-pool.poolPages', values: ['8', '16'], variants } }));
    // status-quo has no point of a dedicated-pool sweep: it runs once, plain.
    expect(plan.jobs.map((j) => [j.strategy, j.variant, j.strategyParams])).toEqual([
      ['status-quo', '', {}],
      ['dedicated-pool', 'dedicated-pool.poolPages=8', { poolPages: 8 }],
      ['dedicated-pool', 'dedicated-pool.poolPages=16', { poolPages: 16 }],
    ]);
  });

  it('the kernel axis: one table per kernel; a strategy missing on a kernel is not applicable there, not moved', () => {
    const plan = planCompare(input({ seeds: 1, kernels: ['5.9', '7.2'], strategies: pick('status-quo', 'alloc-pages-nolock') }));
    expect(plan.scenarios.map((s) => s.name)).toEqual(['steady@5.9', 'steady@7.2']);
    expect(plan.jobs.map((j) => `${j.kernel}/${j.strategy}`)).toEqual(['5.9/status-quo', '7.2/status-quo', '7.2/alloc-pages-nolock']);
    expect(plan.notApplicable.map((n) => `${n.scenario}/${n.strategy}/${n.kernel}`)).toEqual(['steady@5.9/alloc-pages-nolock/5.9']);
    expect(plannedRun(plan, plan.jobs).cells.map((c) => c.scenario)).toEqual(['steady@5.9', 'steady@7.2', 'steady@7.2']);
  });

  it('every cell not applicable is one InputError naming --strategies', () => {
    expect(() => planCompare(input({ kernels: ['5.9'], strategies: pick('alloc-pages-nolock') }))).toThrow(InputError);
    expect(() => planCompare(input({ kernels: ['5.9'], strategies: pick('alloc-pages-nolock') }))).toThrow(/--strategies/);
  });

  it('a bad --set value is found while planning', () => {
    expect(() => planCompare(input({ sets: { ...noSets, scenarioSets: [['run.durationMs', '-5']] } }))).toThrow(InputError);
  });

  it('is the same plan for the same input', () => {
    const a = planCompare(input({}));
    const b = planCompare(input({}));
    expect(JSON.stringify(a.jobs)).toBe(JSON.stringify(b.jobs));
  });
});

describe('shardJobs', () => {
  it('splits the plan by index, 1-based, covering every job once', () => {
    const jobs = planCompare(input({ seeds: 3 })).jobs;
    const parts = [1, 2, 3].map((index) => shardJobs(jobs, { index, count: 3 }).map((j) => j.index));
    expect(parts[0]).toEqual([0, 3]);
    expect(parts.flat().sort((a, b) => a - b)).toEqual(jobs.map((j) => j.index));
    expect(shardJobs(jobs, null)).toHaveLength(jobs.length);
  });
});

describe('timelineVariants', () => {
  it('keeps every point up to 8, else 8 spread over the sweep, first and last included', () => {
    expect([...timelineVariants(3)]).toEqual([0, 1, 2]);
    const t = [...timelineVariants(100)];
    expect(t).toHaveLength(8);
    expect(t[0]).toBe(0);
    expect(t[7]).toBe(99);
  });
});
