/**
 * Runs one scenario file with each strategy named on the command line, in this
 * process, and prints one JSON line per run with its heap figures. Started by
 * test/scale.test.ts (and by hand) under `node --max-old-space-size=1024`, so a
 * run that needs more than 1 GiB of heap dies instead of passing.
 *
 *   node --max-old-space-size=1024 --import tsx test/helpers/scale-run.ts SCENARIO.json STRATEGY...
 */
import { getHeapStatistics } from 'node:v8';
import { loadScenario } from '../../harness/workload/scenario.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';

const [file, ...names] = process.argv.slice(2);
const scenario = loadScenario(file!);
const all = await loadStrategies();
let peakHeap = 0;
let peakExternal = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakExternal = Math.max(peakExternal, m.arrayBuffers);
};
const timer = setInterval(sample, 5);
for (const name of names) {
  const strategy = all.find((s) => s.name === name)!;
  peakHeap = 0;
  peakExternal = 0;
  sample();
  const t0 = performance.now();
  const r = runOne({ scenario, strategy, params: {}, seed: 1, checkInvariantsEvery: 1 << 20 });
  sample();
  const mib = (b: number): number => Math.round(b / 2 ** 20);
  process.stdout.write(
    `${JSON.stringify({
      strategy: name,
      cpus: scenario.machine.cpus,
      memoryMiB: scenario.machine.memoryMiB,
      simEvents: r.metrics.simEvents,
      wallMs: Math.round(performance.now() - t0),
      locklessRequests: r.metrics.locklessRequests,
      // The pools are filled at set-up, in the warm-up: its peak counts too.
      reservedPagesPeak: Math.max(r.metrics.reservedPagesPeak, r.warmup?.reservedPagesPeak ?? 0),
      heapUsedMiB: mib(peakHeap),
      arrayBuffersMiB: mib(peakExternal),
      heapLimitMiB: mib(getHeapStatistics().heap_size_limit),
    })}\n`,
  );
}
clearInterval(timer);
