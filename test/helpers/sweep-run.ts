/**
 * A sweep of N runs through compare() in this process, printing one JSON line:
 * the runs stored, the size of results.json, and the heap the finished compare
 * retains per run (measured after a forced GC, so start this under
 * `node --expose-gc`). Started by test/scale.test.ts; by hand:
 *
 *   node --expose-gc --max-old-space-size=1024 --import tsx test/helpers/sweep-run.ts OUT_DIR 1000
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { compare } from '../../harness/cli/compare.ts';

const [out, count] = process.argv.slice(2);
const n = Number(count ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('start with node --expose-gc');
const heap = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};
const values = Array.from({ length: n }, (_, i) => i).join(',');
const before = heap();
const t0 = performance.now();
const result = await compare({
  strategies: ['dedicated-pool'],
  scenarios: ['steady'],
  seeds: 1,
  quick: false,
  scenarioFiles: [],
  sets: ['run.durationMs=2', 'machine.memoryMiB=256'],
  sweep: `dedicated-pool.poolPages=${values}`,
  jobs: 2,
  runId: 'sweep',
  resultsDir: join(out!, 'results'),
  reportsDir: join(out!, 'reports'),
  json: true,
  measure: false,
  command: 'sweep-run',
  runWallLimitMs: 60_000,
});
const after = heap();
const r = result.results;
process.stdout.write(
  `${JSON.stringify({
    runs: r.runs.length,
    failedRuns: r.failedRuns.length,
    summaryCells: r.summary.length,
    timelines: r.timelines.length,
    variants: new Set(r.runs.map((x) => x.variant)).size,
    resultsJsonBytes: statSync(result.paths.json).size,
    retainedBytesPerRun: Math.round((after - before) / Math.max(1, r.runs.length)),
    retainedMiB: Math.round(((after - before) / 2 ** 20) * 10) / 10,
    wallMs: Math.round(performance.now() - t0),
  })}\n`,
);
