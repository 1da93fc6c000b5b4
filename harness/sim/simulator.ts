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
 */
import { createCore, NIL, type StaticProperties, type StrategyDefinition } from '../core/index.ts';
import { CTX_HARDIRQ, CTX_NMI } from '../core/context.ts';
import { DEFAULT_COST_TABLE, type CostTable } from '../core/cost-table.ts';
import { checkInvariants } from '../core/invariants.ts';
import type { ViolationRecord } from '../core/locks.ts';
import { __GFP_MOVABLE, __GFP_RECLAIMABLE } from '../core/gfp.ts';
import type { RunMetrics } from '../metrics/metric-defs.ts';
import { EventBatch, FLAG_IRQS_OFF, FLAG_LEGACY_GFP0, FLAG_RAW_LOCK_HELD, OP_ALLOC, OP_FREE, OP_KVFREE_RCU } from '../workload/events.ts';
import { createWorkload } from '../workload/generator.ts';
import { StreamReplay, type RecordedStream } from '../workload/recorded-stream.ts';
import { scenarioMachine, type Scenario } from '../workload/scenario-schema.ts';
import { WorkloadHash } from '../workload/workload-hash.ts';
import { KvfreeRcu } from './kvfree-rcu.ts';
import { SlotTable } from './slots.ts';

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
 * Deferred work run at one virtual instant before the run is declared stuck:
 * a handler that keeps re-queueing itself at the same time never lets virtual
 * time advance.
 */
export const STUCK_INSTANT_LIMIT = 1_000_000;
/**
 * Default invariant-check period in compare runs (events); the end of a run is
 * always checked. A check walks every frame of memory (2.4 ms for 4 GiB, 3.5 ms
 * on many-cpus, measured): at 2^18 events it was about 5% of a compare's
 * simulation time; at 2^20 a built-in run (under a million events) is checked
 * at its end only, and a longer one still every million events.
 */
export const DEFAULT_INVARIANT_CHECK_EVERY = 1 << 20;

export interface Timeline {
  readonly timeMs: number[];
  readonly freePages: number[];
  readonly pcpPages: number[];
  readonly reservedPages: number[];
  readonly blockPages: number[];
  readonly locklessFailures: number[];
  readonly ordinaryFailures: number[];
  readonly watermarks: { min: number; low: number; high: number };
}

export interface RunResult {
  readonly metrics: RunMetrics;
  readonly workloadHash: string;
  readonly violations: readonly ViolationRecord[];
  readonly staticProperties: StaticProperties;
  readonly params: Record<string, unknown>;
  readonly profile: string;
  readonly timeline?: Timeline;
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

const CHECK_WALL_EVERY = 1 << 16;
const OP_NAMES: Record<number, string> = { [OP_ALLOC]: 'allocation', [OP_FREE]: 'free', [OP_KVFREE_RCU]: 'kvfree_rcu() call' };

export function runOne(spec: RunSpec): RunResult {
  const wall0 = performance.now();
  const { scenario, strategy, seed } = spec;
  const machine = scenarioMachine(scenario);
  const k = scenario.kernel;
  const profile = strategy.requiresProfile ?? k.profile;
  const core = createCore({
    profile,
    machine,
    costs: spec.costs ?? DEFAULT_COST_TABLE,
    lockdep: k.lockdep,
    preemptRt: k.preemptRt,
    debug: { debugPagealloc: k.debugPagealloc, kasan: k.kasan, pageOwner: k.pageOwner, arch: k.arch, pageOwnerNewStackPeriod: 64 },
  });
  const alloc = core.alloc;
  const ext = core.extensionsFor(strategy.name);
  const params = strategy.params.parse(spec.params) as Record<string, unknown>;
  const instance = strategy.setup({ core, ext }, params);
  const rcu = scenario.workload.rcu;
  const krc = new KvfreeRcu(core, instance, {
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
  const queue = core.queue;
  const cpus = machine.cpus;
  const busy = new Float64Array(cpus);
  const endNs = scenario.run.durationMs * 1e6;
  const reserves = ext.reserves;
  // The raw_spinlock_t a FLAG_RAW_LOCK_HELD caller holds around its allocation.
  const callerRawLock = new Int32Array(cpus);
  for (let c = 0; c < cpus; c++) callerRawLock[c] = alloc.locks.define(`caller's raw_spinlock_t around an allocation (cpu ${c})`, 'raw_spinlock_t');

  // Metric accumulators.
  let ordinaryAllocs = 0;
  let ordinaryFailures = 0;
  let legacyGfp0Failures = 0;
  let order0Allocs = 0;
  let order0Hits = 0;
  let fastPathNsSum = 0;
  let reservedArea = 0;
  let lastT = 0;
  let minFree = alloc.totalFree();
  let events = 0;

  // Timeline.
  const points = spec.timelinePoints ?? 0;
  const tl = points > 0 ? newTimeline(points) : null;
  const tlStep = points > 0 ? endNs / points : Infinity;
  let tlNext = 0;

  const checkEvery = spec.checkInvariantsEvery ?? 0;
  const wallLimit = spec.wallLimitMs ?? 0;
  const opLimitNs = (spec.virtualOpLimitMs ?? DEFAULT_VIRTUAL_OP_LIMIT_MS) * 1e6;
  const progress = spec.progress ?? new Float64Array(1);
  // Deferred work: how many items ([1]) ran at the instant [0]. In a typed
  // array, not closure variables: a fractional double stored in a variable a
  // closure captures is boxed on the heap at every store.
  const stuck = new Float64Array([-1, 0]);
  const runDeferred = (): void => {
    const at = queue.peekTime();
    progress[0] = at;
    if (at === stuck[0]) {
      if (++stuck[1]! > STUCK_INSTANT_LIMIT) {
        fail(`virtual time does not advance: deferred work "${queue.handlerName(queue.lastKind)}" ran ${STUCK_INSTANT_LIMIT.toLocaleString('en-US')} items at one instant (a handler re-queueing itself at the same time?)`, at);
      }
    } else {
      stuck[0] = at;
      stuck[1] = 0;
    }
    queue.runNext();
    if (wallLimit > 0 && (queue.popped & (CHECK_WALL_EVERY - 1)) === 0 && performance.now() - wall0 > wallLimit) {
      fail(`wall-time limit of ${wallLimit} ms reached in deferred work "${queue.handlerName(queue.lastKind)}"`, queue.peekTime());
    }
  };
  const reservedNow = (): number => {
    let n = 0;
    for (const r of reserves) n += r.pages;
    return n;
  };
  const fail = (msg: string, t: number): never => {
    throw new RunFailure(`${strategy.name} x ${scenario.name} seed ${seed} at ${(t / 1e6).toFixed(3)} ms virtual: ${msg}`, t / 1e6);
  };

  // Imported constants as locals: V8 reloads (and TDZ-checks) a module binding
  // on every use in the hot loop below.
  const ctxHardirq = CTX_HARDIRQ;
  const ctxNmi = CTX_NMI;
  const opAlloc = OP_ALLOC;
  const opFree = OP_FREE;
  const opKvfreeRcu = OP_KVFREE_RCU;
  const flagIrqsOff = FLAG_IRQS_OFF;
  const flagRawLockHeld = FLAG_RAW_LOCK_HELD;
  const flagLegacyGfp0 = FLAG_LEGACY_GFP0;
  const nil = NIL;
  const reclaimableGfp = __GFP_MOVABLE | __GFP_RECLAIMABLE;
  const zones = alloc.zones;
  const nrZones = zones.length;
  // Events left until the next periodic invariant check (a countdown, not
  // events % checkEvery: an integer division per event is measurable).
  let checkLeft = checkEvery;
  const wallCheckMask = CHECK_WALL_EVERY - 1;

  let t = 0;
  try {
    outer: for (;;) {
      // A replay's batches are views of the recording (no copy, no hash: its
      // digest was made when it was recorded); a live source fills `batch`.
      let b: EventBatch | null = batch;
      if (replay !== null) b = replay.nextView(batch.capacity);
      else if (source.next(batch) > 0) hash.update(batch);
      else b = null;
      if (b === null) break;
      const n = b.length;
      const { time, cpu: cpuOf, op: opOf, ctx: ctxOf, flags: flagsOf, order: orderOf, gfp: gfpOf, slot: slotOf } = b;
      for (let i = 0; i < n; i++) {
        t = time[i]!;
        if (t >= endNs) break outer;
        progress[0] = t;
        while (queue.peekTime() <= t) runDeferred();
        if (reserves.length > 0) {
          reservedArea += reservedNow() * (t - lastT);
          lastT = t;
        }
        if (t >= tlNext && tl !== null) {
          sampleTimeline(tl, t);
          tlNext += tlStep;
        }
        const cpu = cpuOf[i]!;
        const ctx = ctxOf[i]!;
        const flags = flagsOf[i]!;
        const irq = ctx === ctxHardirq || ctx === ctxNmi;
        const start = irq || busy[cpu]! < t ? t : busy[cpu]!;
        const op = opOf[i]!;
        // One call site: a double passed to a call V8 does not inline is boxed
        // on the heap, and every extra site in this loop spends inlining budget.
        alloc.beginOp(cpu, ctx, (flags & flagIrqsOff) !== 0, start);
        if (op === opAlloc) {
          const gfp = gfpOf[i]!;
          const order = orderOf[i]!;
          const rawLock = (flags & flagRawLockHeld) !== 0;
          if (rawLock) alloc.meter.ns += alloc.locks.acquire(callerRawLock[cpu]!, start);
          const pfn = alloc.allocPages(gfp, order);
          if (rawLock) alloc.locks.release(callerRawLock[cpu]!, alloc.meter.now());
          ordinaryAllocs++;
          if (order === 0) {
            order0Allocs++;
            if (alloc.lastPcpHit) order0Hits++;
            fastPathNsSum += alloc.meter.ns;
          }
          if (pfn === nil) {
            ordinaryFailures++;
            if (flags & flagLegacyGfp0) legacyGfp0Failures++;
          } else {
            // alloc.totalFree(), inlined.
            let free = 0;
            for (let z = 0; z < nrZones; z++) free += zones[z]!.nrFree;
            if (free < minFree) minFree = free;
          }
          slots.set(slotOf[i]!, pfn, order, (gfp & reclaimableGfp) !== 0);
        } else if (op === opFree) {
          slots.free(slotOf[i]!);
        } else if (op === opKvfreeRcu) {
          krc.call(cpu, flags);
        }
        if (opLimitNs > 0 && alloc.meter.ns > opLimitNs) {
          fail(`virtual-time limit: one ${OP_NAMES[op] ?? 'operation'} on cpu ${cpu} cost ${(alloc.meter.ns / 1e6).toFixed(3)} ms of modelled time (limit ${opLimitNs / 1e6} ms)`, t);
        }
        const end = start + alloc.meter.ns;
        busy[cpu] = irq ? Math.max(busy[cpu]!, t) + alloc.meter.ns : end;
        events++;
        if (checkEvery > 0 && --checkLeft === 0) {
          checkLeft = checkEvery;
          const errs = checkInvariants(alloc, reserves, 5);
          if (errs.length > 0) fail(`core invariant broken after event ${events}: ${errs.join('; ')}`, t);
        }
        if (wallLimit > 0 && (events & wallCheckMask) === 0 && performance.now() - wall0 > wallLimit) {
          fail(`wall-time limit of ${wallLimit} ms reached`, t);
        }
      }
    }
    // Deferred work due before the end of the run.
    while (queue.peekTime() < endNs) runDeferred();
  } catch (e) {
    if (e instanceof RunFailure) throw e;
    fail(`${(e as Error).message ?? String(e)}`, t);
  }
  if (reserves.length > 0) reservedArea += reservedNow() * (endNs - lastT);
  if (checkEvery > 0) {
    const errs = checkInvariants(alloc, reserves, 5);
    if (errs.length > 0) fail(`core invariant broken at the end: ${errs.join('; ')}`, endNs);
  }
  if (tl !== null) sampleTimeline(tl, endNs);

  const locks = alloc.locks;
  let reservedPeak = 0;
  for (const r of reserves) reservedPeak += r.peakPages;
  const metrics: RunMetrics = {
    locklessRequests: krc.requests,
    locklessFailures: krc.failures,
    locklessFailureRate: krc.requests > 0 ? krc.failures / krc.requests : 0,
    locklessNs: krc.requestNs.mean(),
    locklessNsP99: krc.requestNs.quantile(0.99),
    zoneLockInLockless: krc.zoneLockInRequests,
    fallbackRcuHead: krc.fallbackRcuHead,
    fallbackSynchronizeRcu: krc.fallbackSynchronizeRcu,
    ordinaryAllocs,
    ordinaryFailures,
    ordinaryPcpHitRate: order0Allocs > 0 ? order0Hits / order0Allocs : 0,
    ordinaryFastPathNs: order0Allocs > 0 ? fastPathNsSum / order0Allocs : 0,
    legacyGfp0Failures,
    invalidWaitContext: locks.invalidWaitContext,
    sleepInAtomic: locks.sleepInAtomic,
    nmiLockViolations: locks.nmiLock,
    violationsInRequest: krc.violationsInRequests,
    invalidGfpCombination: ext.counters.invalidGfpCombination,
    watermarkBreaches: ext.counters.watermarkBreaches,
    migratetypeMixing: ext.counters.migratetypeMixing,
    reservedPagesPeak: reservedPeak,
    reservedPagesMean: endNs > 0 ? reservedArea / endNs : 0,
    minFreePages: minFree,
    kswapdWakes: alloc.stats.kswapdWakes,
    directReclaims: alloc.stats.directReclaims,
    fallbackSteals: alloc.buddy.fallbackAllocs,
    lockWaitNs: locks.contendedNs,
    trylockFailures: locks.trylockFailures,
    simEvents: events + queue.popped,
    simWallMs: performance.now() - wall0,
  };
  const result: RunResult = {
    metrics,
    workloadHash: replay !== null ? replay.digest() : hash.digest(),
    violations: locks.records.slice(0, 20).map((r) => ({ ...r })),
    staticProperties: ext.describe(),
    params,
    profile,
    ...(tl !== null ? { timeline: finishTimeline(tl) } : {}),
  };
  // The next run on this thread reuses the frame table (core.ts, spareFrames).
  core.release();
  return result;

  function newTimeline(n: number) {
    return { n, time: [] as number[], free: [] as number[], pcp: [] as number[], reserved: [] as number[], blocks: [] as number[], lf: [] as number[], of: [] as number[] };
  }
  function sampleTimeline(x: ReturnType<typeof newTimeline>, at: number): void {
    x.time.push(at / 1e6);
    x.free.push(alloc.totalFree());
    let pcpPages = 0;
    for (let i = 0; i < alloc.pcp.count.length; i++) pcpPages += alloc.pcp.count[i]!;
    x.pcp.push(pcpPages);
    x.reserved.push(reservedNow());
    x.blocks.push(krc.blockPages());
    x.lf.push(krc.failures);
    x.of.push(ordinaryFailures);
  }
  function finishTimeline(x: ReturnType<typeof newTimeline>): Timeline {
    let min = 0;
    let low = 0;
    let high = 0;
    for (const z of alloc.zones) {
      min += z.wmark[0]!;
      low += z.wmark[1]!;
      high += z.wmark[2]!;
    }
    return { timeMs: x.time, freePages: x.free, pcpPages: x.pcp, reservedPages: x.reserved, blockPages: x.blocks, locklessFailures: x.lf, ordinaryFailures: x.of, watermarks: { min, low, high } };
  }
}
