/**
 * The micro-benchmark tasks of `npm run bench`: what the model's own code costs
 * in JS on this machine (not modelled kernel time, which is reported beside it
 * as a check that an optimisation left the model alone).
 *
 * A task prepares its state once and returns an iteration function that runs
 * `opsPerIteration` operations (a batch: tinybench's per-sample timer costs
 * tens of ns, as much as one operation). To add a task (e.g. "simulator events
 * per second"), push a BenchTask onto BENCH_TASKS with registerBenchTasks()
 * before runBenchTasks() runs, or pass your own list to runBenchTasks().
 */
import { CTX_TASK } from '../core/context.ts';
import { createCore, type Core } from '../core/core.ts';
import { DEFAULT_COST_TABLE } from '../core/cost-table.ts';
import { GFP_KERNEL } from '../core/gfp.ts';
import type { DebugConfig } from '../core/post-alloc-hook.ts';
import type { ProfileName } from '../core/profile.ts';
import type { MachineSpec } from '../core/machine-spec.ts';

export interface BenchIteration {
  /** Runs opsPerIteration operations. */
  run(): void;
  /** Virtual (modelled) ns charged per operation so far, if the task has a meter; must not change with optimisations. */
  modelledNsPerOp?(): number;
  /** Figures to report after the run (e.g. memory held), measured with the task's state still alive. */
  after?(): Record<string, number>;
}

export interface BenchTask {
  /** Short id (table row, JSON key). */
  readonly name: string;
  /** One line: what one operation is. */
  readonly description: string;
  /** What one operation is called in the table: 'pair' (alloc+free), 'setup', 'event'... */
  readonly unit: string;
  /** Operations per tinybench iteration. */
  readonly opsPerIteration: number;
  /** tinybench run options for this task (heavy tasks run few iterations). */
  readonly options?: { readonly time?: number; readonly iterations?: number; readonly warmup?: boolean };
  /** Targets from the issue, checked and reported: at least this many ops/s, at most this many ms per op / MiB. */
  readonly target?: { readonly minOpsPerSec?: number; readonly maxMsPerOp?: number; readonly maxMiB?: number };
  prepare(): BenchIteration;
}

const NO_DEBUG: DebugConfig = { debugPagealloc: false, kasan: false, pageOwner: false, arch: 'x86_64', pageOwnerNewStackPeriod: 64 };

/** A 4 GiB x86-64 box: DMA, DMA32 and a 1 GiB Normal zone, whose pcp batch is 63 (high 378 in 5.9). */
export const BENCH_MACHINE: MachineSpec = {
  cpus: 2,
  minFreeKbytes: 67584,
  watermarkScaleFactor: 10,
  lowmemReserveRatio: [256, 256, 32],
  zones: [
    { kind: 'DMA', managedPages: 3840 },
    { kind: 'DMA32', managedPages: 772915 },
    { kind: 'Normal', managedPages: 262144 },
  ],
};

/** 64 GiB (16M frames): the DMA and DMA32 zones of a real x86-64 box and Normal for the rest. */
export const MACHINE_64G: MachineSpec = {
  cpus: 8,
  minFreeKbytes: 67584,
  watermarkScaleFactor: 10,
  lowmemReserveRatio: [256, 256, 32],
  zones: [
    { kind: 'DMA', managedPages: 3840 },
    { kind: 'DMA32', managedPages: 772915 },
    { kind: 'Normal', managedPages: 16 * 1024 * 1024 - 3840 - 772915 },
  ],
};

export function benchCore(profile: ProfileName, machine: MachineSpec = BENCH_MACHINE): Core {
  return createCore({ profile, machine, costs: DEFAULT_COST_TABLE, lockdep: false, preemptRt: false, debug: NO_DEBUG });
}

/** Pairs per iteration: ~0.4 ms at the target rate, well above the timer's resolution and cost. */
const PAIRS = 10_000;

/** Order-0 GFP_KERNEL alloc+free pairs on CPU 0, every one a pcp hit once warm. */
function fastPath(profile: ProfileName): BenchTask {
  return {
    name: `order0-fastpath-${profile}`,
    description: `order-0 GFP_KERNEL alloc+free through the pcplist, ${profile} profile`,
    unit: 'pair',
    opsPerIteration: PAIRS,
    target: profile === '5.9' ? { minOpsPerSec: 25e6 } : undefined,
    prepare() {
      const a = benchCore(profile).alloc;
      a.beginOp(0, CTX_TASK, false, 0);
      a.freePages(a.allocPages(GFP_KERNEL, 0), 0); // one refill; every pair after is a hit
      let pairs = 0;
      a.beginOp(0, CTX_TASK, false, 0);
      return {
        run() {
          for (let i = 0; i < PAIRS; i++) {
            const pfn = a.allocPages(GFP_KERNEL, 0);
            a.freePages(pfn, 0);
          }
          pairs += PAIRS;
        },
        modelledNsPerOp: () => a.meter.ns / pairs,
      };
    },
  };
}

/**
 * The same pairs with a pcp miss every `batch` operations: CPU 0 allocates a
 * batch, CPU 1 frees it (a producer and a consumer). CPU 0's pcplist is empty
 * at the start of every round, so each round begins with rmqueue_bulk; CPU 1's
 * reaches high every round once warm, so each round ends with
 * free_pcppages_bulk. In 5.9 that is exactly one of each per batch (63 pairs
 * here); in 6.x nr_pcp_alloc() grows the refill while CPU 0 only allocates, and
 * the figures show how often each runs.
 */
function withMisses(profile: ProfileName): BenchTask {
  return {
    name: `order0-pcp-miss-${profile}`,
    description: `order-0 alloc on CPU 0, free on CPU 1, a batch at a time: rmqueue_bulk and free_pcppages_bulk every batch, ${profile} profile`,
    unit: 'pair',
    opsPerIteration: PAIRS,
    prepare() {
      const a = benchCore(profile).alloc;
      const burst = a.pcp.batch[a.zones.length - 1]!; // CPU 0, Normal
      const held = new Int32Array(burst);
      const rounds = Math.ceil(PAIRS / burst);
      const pairsPerRun = rounds * burst;
      let pairs = 0;
      let modelled = 0;
      let now = 0;
      return {
        run() {
          for (let r = 0; r < rounds; r++) {
            a.beginOp(0, CTX_TASK, false, now);
            for (let i = 0; i < burst; i++) held[i] = a.allocPages(GFP_KERNEL, 0);
            now += a.meter.ns;
            modelled += a.meter.ns;
            a.beginOp(1, CTX_TASK, false, now);
            for (let i = 0; i < burst; i++) a.freePages(held[i]!, 0);
            now += a.meter.ns;
            modelled += a.meter.ns;
          }
          pairs += pairsPerRun;
        },
        modelledNsPerOp: () => modelled / pairs,
        after: () => ({ refillsPer1000Pairs: (1000 * a.pcp.refills) / pairs, drainsPer1000Pairs: (1000 * a.pcp.drains) / pairs, allocFailures: a.stats.allocFailures }),
      };
    },
  };
}

/** createCore() of a 64 GiB machine: frame arrays, free lists, pcplists, watermarks. */
function setup64G(): BenchTask {
  return {
    name: 'setup-64GiB',
    description: 'createCore() of a 64 GiB machine (16M frames), 5.9 profile',
    unit: 'setup',
    opsPerIteration: 1,
    options: { time: 0, iterations: 5, warmup: false },
    target: { maxMsPerOp: 2000, maxMiB: 1024 },
    prepare() {
      let core: Core | null = null;
      return {
        run() {
          core = null; // let the previous one go before building the next
          core = benchCore('5.9', MACHINE_64G);
        },
        modelledNsPerOp: undefined,
        after() {
          gc?.();
          const m = process.memoryUsage();
          return { frames: core?.alloc.frames.nrFrames ?? 0, heapMiB: (m.heapUsed + m.arrayBuffers) / 2 ** 20 };
        },
      };
    },
  };
}

/** A forced GC when the runtime exposes one (runner.ts turns it on), to read the memory held. */
let gc: (() => void) | undefined;
export function setGc(fn: (() => void) | undefined): void {
  gc = fn;
}

/** The tasks `npm run bench` runs, in order. */
export const BENCH_TASKS: BenchTask[] = [fastPath('5.9'), withMisses('5.9'), fastPath('7.2'), withMisses('7.2'), setup64G()];

/** Adds tasks to BENCH_TASKS (e.g. the simulator's events per second); names must be unique. */
export function registerBenchTasks(...tasks: BenchTask[]): void {
  for (const t of tasks) {
    if (BENCH_TASKS.some((x) => x.name === t.name)) throw new Error(`bench task ${t.name} already registered`);
    BENCH_TASKS.push(t);
  }
}
