/**
 * Assembly of a compare's results: the plan and the outcomes of its jobs ->
 * the Results object that is stored (results.json) and reported.
 *
 * What a caller may rely on: no file is read or written and nothing runs but
 * each strategy's setup() on a throw-away core (its static properties);
 * runs, failed runs and timelines are in job order whatever order the
 * outcomes arrived in; the summary and the verdict are computed from the runs
 * here, so a stored file always agrees with its runs.
 */
import { describeCostTable, resolveCostTable } from '../core/cost-table.ts';
import { summarize } from '../analysis/summarize.ts';
import { computeVerdict } from '../analysis/verdict.ts';
import type { CostRangeReport } from '../analysis/cost-range.ts';
import type { Environment } from '../results/environment.ts';
import { RESULTS_SCHEMA_ID, RESULTS_SCHEMA_VERSION, eventsPerSecPerCore, type FailedRun, type Results, type RunRow, type TimelineRow } from '../results/schema.ts';
import type { JobOutcome } from '../sim/job.ts';
import { staticPropertiesOf } from '../sim/static-properties.ts';
import { describeScenario, scenarioNameOf, type ComparePlan } from './plan.ts';

/** The outcomes of a plan's jobs, sorted into what results.json keeps. */
export interface CollectedRuns {
  readonly runs: RunRow[];
  readonly failedRuns: FailedRun[];
  readonly timelines: TimelineRow[];
  /** Wall-clock ms the jobs spent generating workload streams. */
  readonly workloadWallMs: number;
}

/** Sorts `outcomes` into job order (in place) and splits them into runs, failed runs (named by their job) and timelines. */
export function collectOutcomes(plan: ComparePlan, outcomes: JobOutcome[]): CollectedRuns {
  outcomes.sort((a, b) => a.index - b.index);
  const runs: RunRow[] = [];
  const failedRuns: FailedRun[] = [];
  const timelines: TimelineRow[] = [];
  let workloadWallMs = 0;
  for (const o of outcomes) {
    const job = plan.jobs[o.index]!;
    if (o.row) runs.push(o.row);
    else failedRuns.push({ strategy: job.strategy, scenario: scenarioNameOf(plan, job), variant: job.variant, seed: job.seed, error: o.error ?? 'unknown error' });
    if (o.row && o.timeline) timelines.push({ strategy: o.row.strategy, scenario: o.row.scenario, variant: o.row.variant, seed: o.row.seed, ...o.timeline });
    workloadWallMs += o.workloadWallMs ?? 0;
  }
  return { runs, failedRuns, timelines, workloadWallMs };
}

/** What results.json records of the run beside its plan and runs. */
export interface RunRecord {
  readonly runId: string;
  readonly createdAt: string;
  readonly command: string;
  readonly environment: Environment;
  /** --set values as given. */
  readonly sets: readonly string[];
  /** --scenario-file paths, resolved. */
  readonly scenarioFiles: readonly string[];
  readonly shard: { readonly index: number; readonly count: number } | null;
  readonly measured: Results['measured'];
  readonly costRange?: CostRangeReport | undefined;
  /** Wall-clock ms of the whole compare so far. */
  readonly wallMs: number;
}

/** The Results of a plan's runs, with the summary and the verdict (no comparison, no lab: the caller adds those). */
export function assembleResults(plan: ComparePlan, collected: CollectedRuns, record: RunRecord): Results {
  const { input } = plan;
  const { runs, failedRuns, timelines } = collected;
  const costOverrides = input.sets.costOverrides;
  const costs = resolveCostTable({ ...costOverrides }, '--set cost');
  let simEvents = 0;
  let simWallMs = 0;
  for (const r of runs) {
    simEvents += r.metrics.simEvents;
    simWallMs += r.metrics.simWallMs;
  }
  const workloadWallMs = collected.workloadWallMs;
  const results: Results = {
    schema: RESULTS_SCHEMA_ID,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: record.runId,
    createdAt: record.createdAt,
    command: record.command,
    environment: record.environment,
    config: {
      strategies: input.strategies.map((s) => s.name),
      scenarios: plan.scenarios.map((s) => s.name),
      ...(input.kernels !== undefined ? { kernels: [...input.kernels] } : {}),
      seeds: [...plan.seeds],
      quick: input.quick,
      sets: [...record.sets],
      sweep: input.sweep ? { key: input.sweep.key, values: [...input.sweep.values] } : null,
      scenarioFiles: [...record.scenarioFiles],
      strategyFiles: [...input.strategyFiles],
      limits: { ...input.limits },
      shard: record.shard,
      costOverrides: Object.fromEntries(Object.keys(costOverrides).map((k) => [k.replace(/^cost\./, ''), costs[k.replace(/^cost\./, '') as keyof typeof costs]])),
    },
    strategies: input.strategies.map((s) => {
      const params = s.params.parse(input.sets.paramSets[s.name] ?? {}) as Record<string, unknown>;
      return { name: s.name, title: s.title, origin: s.origin, description: s.description, later: s.later ?? false, params, staticProperties: staticPropertiesOf(s, params) };
    }),
    scenarios: plan.scenarios.map(describeScenario),
    costTable: describeCostTable(costs).map((r) => ({ key: r.key, ns: r.ns, defaultNs: r.defaultNs, kind: r.kind, source: r.source, overridden: r.overridden })),
    runs,
    failedRuns,
    ...(plan.notApplicable.length > 0 ? { notApplicable: [...plan.notApplicable] } : {}),
    summary: summarize(runs),
    timelines,
    measured: record.measured,
    ...(record.costRange ? { costRange: record.costRange } : {}),
    totals: { runs: runs.length, failedRuns: failedRuns.length, simEvents, simWallMs, workloadWallMs, wallMs: record.wallMs, eventsPerSecPerCore: eventsPerSecPerCore(simEvents, simWallMs + workloadWallMs) },
  };
  results.verdict = computeVerdict(results);
  return results;
}
