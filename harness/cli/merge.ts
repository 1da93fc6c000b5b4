/**
 * `nolock-bench merge`: recombine the results of shards (`compare --shard i/n`,
 * run on different machines or CI jobs) into one run. The shards must come from
 * the same matrix (same strategies, scenarios, seeds, sets and sweep); runs are
 * put back in the canonical order and the summary is recomputed, so a merged
 * run equals the unsharded one (but for wall times and environment).
 */
import { summarize } from '../analysis/summarize.ts';
import { computeVerdict } from '../analysis/verdict.ts';
import { InputError } from '../errors.ts';
import { eventsPerSecPerCore, readResults, type Results } from '../results/schema.ts';
import { claimRunId, storeResults } from '../results/store.ts';

export async function mergeCommand(files: readonly string[], resultsDir: string, runId?: string): Promise<{ results: Results; json: string }> {
  const parts = files.map((f) => ({ file: f, r: readResults(f) }));
  const first = parts[0];
  if (!first) throw new InputError({ file: 'merge', where: 'files', expected: 'at least one results.json', found: 'none' });
  const sameMatrix = (r: Results): string => JSON.stringify({ ...r.config, shard: null });
  for (const p of parts.slice(1)) {
    if (sameMatrix(p.r) !== sameMatrix(first.r)) {
      throw new InputError({ file: p.file, where: 'config', expected: `the same matrix as ${first.file} (strategies, scenarios, seeds, sets, sweep)`, found: 'a different config' });
    }
  }
  const stratIdx = new Map(first.r.config.strategies.map((s, i) => [s, i]));
  const scenIdx = new Map(first.r.config.scenarios.map((s, i) => [s, i]));
  const seen = new Set<string>();
  const runs = parts
    .flatMap((p) => p.r.runs)
    .filter((r) => {
      const k = `${r.strategy}|${r.scenario}|${r.variant}|${r.seed}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (scenIdx.get(a.scenario) ?? 0) - (scenIdx.get(b.scenario) ?? 0) || (stratIdx.get(a.strategy) ?? 0) - (stratIdx.get(b.strategy) ?? 0) || a.variant.localeCompare(b.variant, 'en', { numeric: true }) || a.seed - b.seed);
  const failedRuns = parts.flatMap((p) => p.r.failedRuns);
  const timelines = parts.flatMap((p) => p.r.timelines);
  const totals = parts.reduce(
    (t, p) => ({ runs: t.runs + p.r.totals.runs, failedRuns: t.failedRuns + p.r.totals.failedRuns, simEvents: t.simEvents + p.r.totals.simEvents, simWallMs: t.simWallMs + p.r.totals.simWallMs, workloadWallMs: t.workloadWallMs + p.r.totals.workloadWallMs, wallMs: Math.max(t.wallMs, p.r.totals.wallMs), eventsPerSecPerCore: 0 }),
    { runs: 0, failedRuns: 0, simEvents: 0, simWallMs: 0, workloadWallMs: 0, wallMs: 0, eventsPerSecPerCore: 0 },
  );
  totals.eventsPerSecPerCore = eventsPerSecPerCore(totals.simEvents, totals.simWallMs + totals.workloadWallMs);
  const results: Results = {
    ...first.r,
    runId: claimRunId(resultsDir, runId),
    createdAt: new Date().toISOString(),
    config: { ...first.r.config, shard: null },
    runs,
    failedRuns,
    summary: summarize(runs),
    timelines,
    measured: first.r.measured,
    totals,
  };
  // Recomputed like the summary; a version 1 shard has none of the metrics it ranks by, so no verdict.
  delete results.verdict;
  if (results.schemaVersion >= 2) results.verdict = computeVerdict(results);
  const stored = storeResults(results, resultsDir);
  return { results, json: stored.json };
}
