/**
 * One run: a scenario, a strategy with its parameters, and a seed, simulated in
 * virtual time over the allocator core. Returns the run's metrics, the
 * workload hash (the proof that every strategy saw the same events), the first
 * lock-rule messages, the strategy's static properties and, on request, a
 * timeline.
 *
 * Virtual time: each event carries a time; a CPU runs one task/softirq
 * operation at a time, so an event that arrives while its CPU is busy starts
 * when the CPU frees up; hardirq and NMI events interrupt at their own time
 * (and see locks held by what they interrupted). Deferred work (kswapd,
 * kfree_rcu monitor and work, strategy workers) runs from the core's event
 * queue at its own time. The run stops at scenario.run.durationMs.
 *
 * This file sets a run up and turns its counters into metrics; the loop over
 * the events is EventLoop (event-loop.ts).
 */
import { createCore, strategyAvailableOn, type StaticProperties, type StrategyDefinition } from '../core/index.ts';
import type { CostTable } from '../core/cost-table.ts';
import { checkInvariants } from '../core/invariants.ts';
import type { ViolationRecord } from '../core/locks.ts';
import type { RunMetrics } from '../metrics/metric-defs.ts';
import { EventBatch } from '../workload/events.ts';
import { createWorkload } from '../workload/generator.ts';
import { StreamReplay, type RecordedStream } from '../workload/recorded-stream.ts';
import type { Scenario } from '../workload/scenario-schema.ts';
import { WorkloadHash } from '../workload/workload-hash.ts';
import { coreConfigFor } from './core-config.ts';
import { EventLoop } from './event-loop.ts';
import { KvfreeRcu } from './kvfree-rcu.ts';
import { BnodeCache } from '../core/bnode-cache.ts';
import { SlotTable } from './slots.ts';
import { TimelineRecorder, type Timeline } from './timeline.ts';

export { STUCK_INSTANT_LIMIT } from './event-loop.ts';
export type { Timeline } from './timeline.ts';

export interface RunSpec {
  readonly scenario: Scenario;
  readonly strategy: StrategyDefinition;
  /** Strategy parameters (already merged from defaults, scenario and --set); validated here. */
  readonly params: Record<string, unknown>;
  readonly seed: number;
  readonly costs?: CostTable;
  /** Check the core's invariants every N events (tests); 0: never. */
  readonly checkInvariantsEvery?: number;
  /** Record a timeline of this many points (0: none). */
  readonly timelinePoints?: number;
  /** Stop with an error after this much wall time (a runaway strategy). */
  readonly wallLimitMs?: number;
  /**
   * Stop with an error when one operation (allocation, free, kvfree_rcu() call)
   * costs more than this much modelled (virtual) time: no kernel path the model
   * knows costs more than a few microseconds, so this is a strategy charging
   * cost in a loop. Default DEFAULT_VIRTUAL_OP_LIMIT_MS; 0: no limit.
   */
  readonly virtualOpLimitMs?: number;
  /**
   * Where the run publishes its virtual time (ns) as it goes: [0] the current
   * event's time. Backed by a SharedArrayBuffer, it lets the pool say where a
   * run that never returns got stuck.
   */
  readonly progress?: Float64Array;
  /**
   * The run's event stream recorded beforehand (recordStream), replayed
   * instead of generated: the same events. Its hash was computed while it was
   * recorded, so a run fed all of it reports that digest and hashes nothing
   * (StreamReplay.digest()). It must be the stream of (scenario, seed,
   * machine.cpus).
   * A compare's worker passes the stream it keeps for every strategy
   * (stream-cache.ts); `npm run bench` times the model without the generator.
   */
  readonly stream?: RecordedStream | null;
}

/** Default virtual-time limit of one operation (ms of modelled time). */
export const DEFAULT_VIRTUAL_OP_LIMIT_MS = 10;
/**
 * Default invariant-check period in compare runs (events); the end of a run is
 * always checked. A check walks every frame of memory (2.4 ms for 4 GiB, 3.5 ms
 * on many-cpus, measured): at 2^18 events it was about 5% of a compare's
 * simulation time; at 2^20 a built-in run (under a million events) is checked
 * at its end only, and a longer one still every million events.
 */
export const DEFAULT_INVARIANT_CHECK_EVERY = 1 << 20;
/** Timeline samples of a compare run that draws one (the first seed of each strategy x scenario). */
export const TIMELINE_POINTS = 120;

export interface RunResult {
  readonly metrics: RunMetrics;
  readonly workloadHash: string;
  readonly violations: readonly ViolationRecord[];
  readonly staticProperties: StaticProperties;
  readonly params: Record<string, unknown>;
  readonly profile: string;
  readonly timeline?: Timeline;
  /**
   * The warm-up's own figures (run.warmup.ms > 0), over its span: the same
   * metrics, counted from t = 0 to the start of measurement. simEvents and
   * simWallMs of `metrics` cover the whole run, warm-up included.
   */
  readonly warmup?: RunMetrics;
}

/** Thrown when a run cannot complete (strategy error, broken invariant, limit). */
export class RunFailure extends Error {
  constructor(
    message: string,
    readonly virtualTimeMs: number,
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}

export function runOne(spec: RunSpec): RunResult {
  const wall0 = performance.now();
  const { scenario, strategy, seed } = spec;
  // A design runs on the scenario's own kernel or not at all (compare skips such cells).
  const profile = scenario.kernel.profile;
  const avail = strategyAvailableOn(strategy, profile);
  if (!avail.ok) throw new Error(`runOne: ${strategy.name} cannot run on kernel ${profile}: ${avail.reason}`);
  const config = coreConfigFor(scenario, spec.costs);
  const machine = config.machine;
  const core = createCore(config);
  const alloc = core.alloc;
  const ext = core.extensionsFor(strategy.name);
  const params = strategy.params.parse(spec.params) as Record<string, unknown>;
  // kvfree_rcu()'s own block-page cache on this kernel; the strategy may retune it in setup().
  const bnodeCache = new BnodeCache(core, ext);
  const instance = strategy.setup({ core, ext, bnodeCache }, params);
  bnodeCache.fillAtBoot();
  const rcu = scenario.workload.rcu;
  const krc = new KvfreeRcu(core, instance, bnodeCache, {
    blockEntries: rcu.blockEntries,
    gracePeriodNs: rcu.gracePeriodMs * 1e6,
    drainDelayNs: rcu.drainDelayMs * 1e6,
  });
  if (spec.stream && spec.stream.cpus !== machine.cpus) throw new Error(`runOne: a recorded stream of ${spec.stream.cpus} CPUs for a machine of ${machine.cpus}`);
  // A replayed stream's hash was computed when it was recorded (replay.digest()).
  const replay = spec.stream ? new StreamReplay(spec.stream) : null;
  const source = replay ?? createWorkload(scenario, seed, machine);
  // The slot table grows on demand: reading source.maxSlots would run a probe
  // pass of the workload (a third of the generation cost) for a size hint.
  const slots = new SlotTable(alloc, 1024);
  alloc.reclaimer = slots;
  const hash = new WorkloadHash();
  const batch = new EventBatch(4096);
  const cpus = machine.cpus;
  // The stream: the warm-up [0, W), then the measured run [W, W + durationMs).
  const warmupNs = scenario.run.warmup.ms * 1e6;
  const endNs = warmupNs + scenario.run.durationMs * 1e6;
  const reserves = ext.reserves;
  // The raw_spinlock_t a FLAG_RAW_LOCK_HELD caller holds around its allocation.
  const callerRawLock = new Int32Array(cpus);
  for (let c = 0; c < cpus; c++) callerRawLock[c] = alloc.locks.define(`caller's raw_spinlock_t around an allocation (cpu ${c})`, 'raw_spinlock_t');

  const points = spec.timelinePoints ?? 0;
  const tl = points > 0 ? new TimelineRecorder(alloc, krc, ext.reserveTotals, warmupNs) : null;
  const fail = (msg: string, t: number): never => {
    throw new RunFailure(`${strategy.name} x ${scenario.name} seed ${seed} at ${(t / 1e6).toFixed(3)} ms virtual: ${msg}`, t / 1e6);
  };
  const loop = new EventLoop({
    alloc,
    queue: core.queue,
    slots,
    krc,
    reserves,
    reserveTotals: ext.reserveTotals,
    cpus,
    endNs,
    checkEvery: spec.checkInvariantsEvery ?? 0,
    wallLimitMs: spec.wallLimitMs ?? 0,
    wall0,
    opLimitNs: (spec.virtualOpLimitMs ?? DEFAULT_VIRTUAL_OP_LIMIT_MS) * 1e6,
    progress: spec.progress ?? new Float64Array(1),
    callerRawLock,
    timeline: tl,
    timelineStepNs: points > 0 ? (endNs - warmupNs) / points : Infinity,
    fail,
    warmupEndNs: warmupNs,
    onWarmupEnd: () => {
      warmup = collect(warmupNs);
      // Count the measured part afresh; memory, pcplists, blocks, caches,
      // reserves, kswapd and locks held carry on as they are.
      krc.resetCounters();
      alloc.locks.resetCounters();
      alloc.stats.reset();
      alloc.buddy.fallbackAllocs = 0;
      alloc.buddy.watermarkBoosts = 0;
      const c = ext.counters;
      c.watermarkBreaches = 0;
      c.migratetypeMixing = 0;
      c.invalidGfpCombination = 0;
      for (const r of reserves) r.peakPages = r.pages;
    },
  });
  let warmup: RunMetrics | undefined;
  /** The run's metrics from its counters now; `spanNs`: the virtual time they cover. */
  const collect = (spanNs: number): RunMetrics => {
    const locks = alloc.locks;
    let reservedPeak = 0;
    for (const r of reserves) reservedPeak += r.peakPages;
    const fallbacks = krc.fallbackRcuHead + krc.fallbackSynchronizeRcu;
    const successes = krc.requests - krc.failures;
    return {
      kvfreeCalls: krc.calls,
      locklessRequests: krc.requests,
      locklessFailures: krc.failures,
      locklessFailureRate: krc.requests > 0 ? krc.failures / krc.requests : 0,
      locklessNs: krc.requestNs.mean(),
      locklessNsP99: krc.requestNs.quantile(0.99),
      fallbackRate: krc.calls > 0 ? fallbacks / krc.calls : 0,
      locklessNsSuccess: successes > 0 ? krc.requestNsByOutcome[0]! / successes : 0,
      locklessNsFailure: krc.failures > 0 ? krc.requestNsByOutcome[1]! / krc.failures : 0,
      locklessNsP999: krc.requestNs.quantile(0.999),
      locklessNsMax: krc.requestNs.max,
      zoneLockInLockless: krc.zoneLockInRequests,
      fallbackRcuHead: krc.fallbackRcuHead,
      fallbackSynchronizeRcu: krc.fallbackSynchronizeRcu,
      ordinaryAllocs: loop.ordinaryAllocs,
      ordinaryFailures: loop.ordinaryFailures,
      ordinaryPcpHitRate: loop.order0Allocs > 0 ? loop.order0Hits / loop.order0Allocs : 0,
      ordinaryFastPathNs: loop.order0Allocs > 0 ? loop.fastPathNsSum / loop.order0Allocs : 0,
      legacyGfp0Failures: loop.legacyGfp0Failures,
      invalidWaitContext: locks.invalidWaitContext,
      sleepInAtomic: locks.sleepInAtomic,
      nmiLockViolations: krc.nmiLocksInRequests,
      workloadNmiLocks: locks.nmiLock - krc.nmiLocksInRequests,
      violationsInRequest: krc.violationsInRequests,
      invalidGfpCombination: ext.counters.invalidGfpCombination,
      watermarkBreaches: ext.counters.watermarkBreaches,
      migratetypeMixing: ext.counters.migratetypeMixing,
      reservedPagesPeak: reservedPeak,
      reservedPagesMean: spanNs > 0 ? loop.reservedArea / spanNs : 0,
      minFreePages: loop.minFree,
      belowLowShare: spanNs > 0 ? loop.belowLowNs / spanNs : 0,
      belowMinShare: spanNs > 0 ? loop.belowMinNs / spanNs : 0,
      kswapdWakes: alloc.stats.kswapdWakes,
      directReclaims: alloc.stats.directReclaims,
      fallbackSteals: alloc.buddy.fallbackAllocs,
      lockWaitNs: locks.contendedNs,
      trylockFailures: locks.trylockFailures,
      simEvents: loop.events + core.queue.popped,
      simWallMs: performance.now() - wall0,
    };
  };

  try {
    for (;;) {
      // A replay's batches are views of the recording (no copy, no hash: its
      // digest was made when it was recorded); a live source fills `batch`.
      let b: EventBatch | null = batch;
      if (replay !== null) b = replay.nextView(batch.capacity);
      else if (source.next(batch) > 0) hash.update(batch);
      else b = null;
      if (b === null || !loop.run(b)) break;
    }
    loop.finish();
  } catch (e) {
    if (e instanceof RunFailure) throw e;
    fail(`${(e as Error).message ?? String(e)}`, loop.t);
  }
  if (spec.checkInvariantsEvery ?? 0) {
    const errs = checkInvariants(alloc, reserves, 5);
    if (errs.length > 0) fail(`core invariant broken at the end: ${errs.join('; ')}`, endNs);
  }
  if (tl !== null) tl.sample(endNs, loop.ordinaryFailures);

  const metrics = collect(endNs - warmupNs);
  const result: RunResult = {
    metrics,
    workloadHash: replay !== null ? replay.digest() : hash.digest(),
    violations: alloc.locks.records.slice(0, 20).map((r) => ({ ...r })),
    staticProperties: ext.describe(),
    params,
    profile,
    ...(tl !== null ? { timeline: tl.finish() } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
  };
  // The next run on this thread reuses the frame table (core.ts, spareFrames).
  core.release();
  return result;
}
