/**
 * Runs bench tasks with tinybench and turns the samples into one row per task.
 *
 * Each tinybench iteration runs a batch of `opsPerIteration` operations and
 * reports the mean per operation (overriddenDuration), so the statistics are
 * over batch means and the timer's own cost (tens of ns) is spread over the
 * batch. Each task gets its own Bench so that its state is dropped before the
 * next task runs (the setup task measures the memory one core holds).
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Bench } from 'tinybench';
import { setGc, type BenchTask } from './tasks.ts';

export interface BenchRow {
  task: string;
  description: string;
  unit: string;
  opsPerIteration: number;
  /** Operations per second: 1000 / mean ms per operation (wall clock, tinybench). */
  opsPerSec: number;
  /**
   * Operations per second of process CPU time over all measured iterations
   * (process.cpuUsage): what one core does when it is not shared. On a busy
   * machine this stays put while the wall-clock figure drops.
   */
  opsPerCpuSec: number;
  /** Mean JS nanoseconds per operation. */
  nsPerOp: number;
  /** Relative margin of error of the mean (95%), in percent. */
  rmePct: number;
  samples: number;
  /** Virtual ns the model charged per operation (a check that an optimisation left the model alone). */
  modelledNsPerOp: number | null;
  /** Task-specific figures (e.g. heapMiB for the setup task). */
  extra: Record<string, number>;
  /** Whether the target for this task is met (null when it has none). */
  meetsTarget: boolean | null;
}

export interface BenchReport {
  node: string;
  cpu: string;
  date: string;
  rows: BenchRow[];
}

export interface RunOptions {
  /** tinybench time budget per task in ms (tasks may override). */
  timeMs?: number;
  /** Only tasks whose name contains one of these. */
  filter?: readonly string[];
  /** Called before each task (progress on stderr). */
  onTask?: (task: BenchTask) => void;
}

/** A forced GC at run time without --expose-gc on the command line. */
function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose_gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

export async function runBenchTasks(tasks: readonly BenchTask[], opts: RunOptions = {}): Promise<BenchReport> {
  const gc = exposeGc();
  setGc(gc);
  const rows: BenchRow[] = [];
  for (const task of tasks) {
    if (opts.filter && opts.filter.length > 0 && !opts.filter.some((f) => task.name.includes(f))) continue;
    opts.onTask?.(task);
    gc?.();
    rows.push(await runOne(task, opts.timeMs ?? 1000));
  }
  return { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', date: new Date().toISOString(), rows };
}

async function runOne(task: BenchTask, timeMs: number): Promise<BenchRow> {
  const it = task.prepare();
  const n = task.opsPerIteration;
  const o = task.options ?? {};
  // CPU time of the measured iterations (reset when the run phase starts, after warmup).
  let cpuMicros = 0;
  let cpuOps = 0;
  const bench = new Bench({
    time: o.time ?? timeMs,
    iterations: o.iterations ?? 64,
    warmup: o.warmup ?? true,
    warmupTime: Math.min(250, (o.time ?? timeMs) / 4),
  });
  bench.add(
    task.name,
    () => {
      const c0 = process.cpuUsage();
      const t0 = bench.now();
      it.run();
      const ms = bench.now() - t0;
      const c = process.cpuUsage(c0);
      cpuMicros += c.user + c.system;
      cpuOps += n;
      return { overriddenDuration: ms / n, overriddenIterationCost: ms };
    },
    {
      async: false,
      beforeAll(mode) {
        if (mode === 'run') cpuMicros = cpuOps = 0;
      },
    },
  );
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (!('latency' in r)) throw new Error(`bench task ${task.name}: ${'error' in r ? r.error.message : r.state}`);
  const msPerOp = r.latency.mean;
  const extra = it.after?.() ?? {};
  const row: BenchRow = {
    task: task.name,
    description: task.description,
    unit: task.unit,
    opsPerIteration: n,
    opsPerSec: 1000 / msPerOp,
    opsPerCpuSec: cpuMicros > 0 ? (cpuOps * 1e6) / cpuMicros : 0,
    nsPerOp: msPerOp * 1e6,
    rmePct: r.latency.rme,
    samples: r.latency.samplesCount,
    modelledNsPerOp: it.modelledNsPerOp ? it.modelledNsPerOp() : null,
    extra,
    meetsTarget: null,
  };
  const t = task.target;
  if (t) {
    // Throughput targets are per core: judged on CPU time, so a busy machine does not fail them.
    let ok = true;
    if (t.minOpsPerSec !== undefined) ok &&= row.opsPerCpuSec >= t.minOpsPerSec;
    if (t.maxMsPerOp !== undefined) ok &&= msPerOp <= t.maxMsPerOp;
    if (t.maxMiB !== undefined) ok &&= (extra.heapMiB ?? Infinity) <= t.maxMiB;
    row.meetsTarget = ok;
  }
  return row;
}

/** The plain table `npm run bench` prints. */
export function formatBenchTable(report: BenchReport): string {
  const head = ['task', 'M ops/s', 'ns/op (JS)', '±rme', 'M ops/CPU-s', 'samples', 'modelled ns/op', 'notes'];
  const lines = report.rows.map((r) => {
    const notes: string[] = [];
    if (r.unit === 'setup') notes.push(`${(r.nsPerOp / 1e6).toFixed(0)} ms`);
    for (const [k, v] of Object.entries(r.extra)) notes.push(`${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`);
    if (r.meetsTarget !== null) notes.push(r.meetsTarget ? 'target met' : 'TARGET MISSED');
    return [
      `${r.task} (${r.unit})`,
      r.unit === 'setup' ? '-' : (r.opsPerSec / 1e6).toFixed(2),
      r.unit === 'setup' ? '-' : r.nsPerOp.toFixed(1),
      `${r.rmePct.toFixed(2)}%`,
      r.unit === 'setup' ? '-' : (r.opsPerCpuSec / 1e6).toFixed(2),
      String(r.samples),
      r.modelledNsPerOp === null ? '-' : r.modelledNsPerOp.toFixed(3),
      notes.join(', '),
    ];
  });
  const rows = [head, ...lines];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 || i === row.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [`node ${report.node}, ${report.cpu}`, fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
