/**
 * The workload generator: a scenario and a seed in, the merged, time-ordered
 * event stream out (EventBatch, see events.ts). The same (scenario, seed,
 * machine.cpus) always gives the same stream, whatever strategy consumes it.
 *
 * Sources, each with its own PRNG stream (prng.ts), merged by a loser tree on
 * (next time, source index):
 *   - per CPU: kvfree_rcu() Poisson arrivals, kvfree_rcu() bursts, background
 *     allocations, pressure churn, the user-space flood;
 *   - per pressure phase: the fill allocations (how many, when: pressure-plan.ts);
 *   - the replayed trace.
 * Background frees sit in a calendar queue (free-queue.ts) keyed by free time (alloc time + an
 * exponential lifetime); a free is emitted before any source event at the same
 * time. Slot ids come from a LIFO stack of freed ids, so they stay dense.
 *
 * Nothing allocates per event: sources, queues and the slot stack are typed arrays
 * sized up front (slot tables and the free queue double when they must, which
 * is rare and not per event).
 */
import { InputError } from '../errors.ts';
import { GFP_ATOMIC, GFP_BOOT_MASK, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOWAIT, __GFP_DIRECT_RECLAIM, gfpFlagsToMigratetype } from '../core/gfp.ts';
import { cpuList } from './cpu-list.ts';
import {
  CTX_HARDIRQ,
  CTX_TASK,
  EventBatch,
  FLAG_HARDIRQ_NO_THREAD,
  FLAG_HEADLESS,
  FLAG_IRQS_OFF,
  FLAG_LEGACY_GFP0,
  FLAG_RAW_LOCK_HELD,
  FLAG_UNRECLAIMABLE,
  OP_ALLOC,
  OP_FREE,
  OP_KVFREE_RCU,
  type WorkloadSource,
} from './events.ts';
import {
  PrngBank,
  STREAM_BACKGROUND,
  STREAM_BURST,
  STREAM_KVFREE_RCU,
  STREAM_PRESSURE_CHURN,
  STREAM_PRESSURE_FILL,
  STREAM_USERSPACE_FLOOD,
  cumulativeWeights,
  singleChoice,
  streamId,
} from './prng.ts';
import { scenarioMachine } from './scenario.ts';
import { GFP_MIX_NAMES, type ContextWeights, type Scenario } from './scenario-schema.ts';
import { FreeQueue } from './free-queue.ts';
import { FILL_RELEASE_NS, afterWarmup, fillCount, fillFreeNs, fillOrder, fillTimeNs, pressurePlans, type PressurePlan } from './pressure-plan.ts';
import { loadTrace, type TraceData } from './trace.ts';

// Source kinds. Per-CPU kinds get index cpu * PER_CPU_KINDS + kind, so a
// source's index (the merge's tie-breaker) does not depend on which other sources
// are enabled.
const K_KV = 0;
const K_BURST = 1;
const K_BG = 2;
const K_CHURN = 3;
const K_FLOOD = 4;
const PER_CPU_KINDS = 5;
const K_FILL = 5;
const K_TRACE = 6;

const CTX_INDEX: Record<string, number> = { task: 0, softirq: 1, hardirq: 2, nmi: 3 };

function ctxCumulative(w: ContextWeights): Float64Array {
  return cumulativeWeights([w.task, w.softirq, w.hardirq, w.nmi]);
}


/** Counts of what a workload emitted so far, by origin. */
export interface WorkloadStats {
  kvfreeRcu: number;
  burst: number;
  flood: number;
  backgroundAllocs: number;
  pressureAllocs: number;
  traceEvents: number;
  frees: number;
  total: number;
}

/** The machine the workload runs on: its CPU count (zones and watermarks come from the scenario). */
export interface WorkloadMachine {
  cpus: number;
}

interface ScenarioCache {
  trace: TraceData | null | undefined;
  /** `${seed}/${cpus}` -> exact slot bound */
  slotBounds: Map<string, number>;
}
// Per scenario object: the parsed trace and the slot bounds already probed, so
// the strategies of a matrix that share a scenario and seed probe only once.
const caches = new WeakMap<Scenario, ScenarioCache>();

/**
 * A seeded workload for `scenario` on `machine` (CPU indices in [0, machine.cpus)).
 * A caller may rely on: events in non-decreasing time, all before
 * run.warmup.ms + run.durationMs (the first run.warmup.ms carry only the steady
 * load: background allocations and Poisson kvfree_rcu() calls); a slot's OP_FREE after its OP_ALLOC and before the slot is
 * allocated again; every slot < maxSlots (exact: a probe pass computes it on
 * first read, cached per scenario object; a run does not need it, its tables
 * grow); the same events for the same (scenario, seed,
 * machine.cpus). Trace problems surface here as InputError.
 */
export function createWorkload(scenario: Scenario, seed: number, machine: WorkloadMachine): Workload {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError({ file: scenario.file, where: 'seed', expected: 'an integer >= 0', found: String(seed) });
  }
  if (!Number.isSafeInteger(machine.cpus) || machine.cpus < 1 || machine.cpus > 65536) {
    throw new InputError({ file: scenario.file, where: 'machine.cpus', expected: 'an integer in [1, 65536]', found: String(machine.cpus) });
  }
  let cache = caches.get(scenario);
  if (!cache) {
    cache = { trace: undefined, slotBounds: new Map() };
    caches.set(scenario, cache);
  }
  if (cache.trace === undefined) {
    const tr = scenario.workload.trace;
    cache.trace = tr ? loadTrace(tr.file, tr.format) : null;
  }
  const trace = cache.trace;
  // The warm-up (run.warmup.ms) comes first: the scenario's timed load
  // (pressure phases, bursts, the flood, the trace) starts after it.
  const warmupNs = scenario.run.warmup.ms * 1e6;
  const plans = afterWarmup(pressurePlans(scenario, { ...scenarioMachine(scenario), cpus: machine.cpus }), warmupNs);
  const key = `${seed}/${machine.cpus}`;
  const slotCache = cache.slotBounds;
  // The exact slot bound, on demand: a probe pass costs about a third of the
  // stream's generation, and a run never needs it (its slot tables grow).
  const slotBound = (): number => {
    let bound = slotCache.get(key);
    if (bound === undefined) {
      // Run only the slot-using sources (same streams, same tie-breaking, hence
      // the same slot sequence) and keep the high-water mark.
      const probe = new Workload(scenario, seed, machine.cpus, plans, trace, true, null);
      const scratch = new EventBatch(8192);
      while (probe.next(scratch) > 0) {
        /* drain */
      }
      bound = probe.slotHighWater;
      slotCache.set(key, bound);
    }
    return bound;
  };
  return new Workload(scenario, seed, machine.cpus, plans, trace, false, slotBound);
}


/** The fixed answer of a weight table with one positive weight, else -1 (draw). */
function fixedChoice(weights: ArrayLike<number>): number {
  return singleChoice(weights);
}

export class Workload implements WorkloadSource {
  readonly cpus: number;
  /** The exact slot bound (see createWorkload), computed on first read. */
  get maxSlots(): number {
    if (this.knownMaxSlots < 0) this.knownMaxSlots = this.slotBound ? this.slotBound() : this.nextSlot;
    return this.knownMaxSlots;
  }
  readonly durationNs: number;
  readonly pressure: readonly PressurePlan[];
  readonly stats: WorkloadStats = { kvfreeRcu: 0, burst: 0, flood: 0, backgroundAllocs: 0, pressureAllocs: 0, traceEvents: 0, frees: 0, total: 0 };

  // -- sources
  private readonly nSrc: number;
  private readonly srcKind: Uint8Array;
  private readonly srcCpu: Uint16Array;
  private readonly srcNext: Float64Array;
  private readonly srcState: Int32Array;
  private readonly srcAux: Float64Array;
  /** One PRNG stream per source (index = source index). */
  private readonly rng: PrngBank;
  // Loser tree over the sources that start active, keyed by (time, source
  // index): leaves at [size, 2 size), each inner node keeps the loser of the
  // match played there (its source and key time), the overall winner is kept
  // apart. A source's key is its next time, or Infinity once it is done (at or
  // after the end of the run); an empty leaf is source -1 at Infinity. Replaying
  // the winner's path reads one node per level (time stored with the node).
  private readonly loser: Int32Array;
  private readonly loserTime: Float64Array;
  private winner = -1;
  private winnerTime = Infinity;
  private readonly leafOf: Int32Array;

  // -- pending frees by time; the rest of the free event is kept per slot (a
  // slot is pending at most once).
  private readonly frees: FreeQueue;
  private metaBySlot: Int32Array; // cpu | ctx << 16 | order << 20 | migratetype << 24

  // -- slots
  private freeSlots: Int32Array;
  private freeTop = 0;
  private nextSlot = 0;
  /** Computes the exact slot bound (null in a probe pass). */
  private readonly slotBound: (() => number) | null;
  /** maxSlots once read, else -1; slots past it are a bug the growth path reports. */
  private knownMaxSlots = -1;

  // -- parameters (a *Fixed field >= 0 replaces a draw from a one-choice table)
  private readonly kvGapNs: number;
  private readonly kvCtx: Float64Array;
  private readonly kvCtxFixed: number;
  private readonly kvHeadless: number;
  private readonly kvRaw: number;
  private readonly kvIrqs: number;
  /** FLAG_HARDIRQ_NO_THREAD for hardirq kvfree_rcu() calls from never-threaded handlers, else 0. */
  private readonly kvHardirqFlag: number;
  /** The same for background allocations (and their frees) in hardirq. */
  private readonly bgHardirqFlag: number;
  private readonly burstEveryNs: number;
  private readonly burstCalls: number;
  private readonly burstSpacingNs: number;
  private readonly burstStartNs: number;
  private readonly burstCtx: number;
  private readonly bgGapNs: number;
  private readonly bgGfpCum: Float64Array;
  private readonly bgGfpFixed: number;
  private readonly bgGfp: Uint32Array;
  private readonly bgGfpFlags: Uint8Array;
  private readonly bgGfpTask: Uint8Array;
  private readonly bgGfpMt: Uint8Array;
  private readonly bgOrderCum: Float64Array;
  private readonly bgOrderFixed: number;
  private readonly bgLifeNs: number;
  private readonly bgCtx: Float64Array;
  private readonly bgCtxFixed: number;
  private readonly bgRemote: number;
  private readonly floodGapNs: number;
  private readonly floodHeadless: number;
  private readonly floodStartNs: number;
  private readonly floodEndNs: number;
  private readonly fillGfp: number;
  private readonly fillMt: number;
  private readonly fillFlags: number;
  private readonly fillCpus: Uint16Array;
  private readonly trace: TraceData | null;
  private readonly traceOffsetNs: number;
  private readonly tracePeriodNs: number;
  private readonly traceLoop: boolean;
  private readonly traceSlotMap: Int32Array;

  /** The highest slot id used + 1 (after a full drain: the exact bound). */
  get slotHighWater(): number {
    return this.nextSlot;
  }

  /** Use createWorkload; this constructor trusts its arguments. */
  constructor(
    scenario: Scenario,
    seed: number,
    cpus: number,
    plans: readonly PressurePlan[],
    trace: TraceData | null,
    slotsOnly: boolean,
    slotBound: (() => number) | null,
  ) {
    const w = scenario.workload;
    this.cpus = cpus;
    // The stream covers the warm-up [0, W) and the measured run [W, W + durationMs).
    const warmupNs = scenario.run.warmup.ms * 1e6;
    this.durationNs = warmupNs + scenario.run.durationMs * 1e6;
    this.pressure = plans;
    this.slotBound = slotBound;

    const kv = w.kvfreeRcu;
    this.kvGapNs = kv.ratePerCpuPerSec > 0 ? 1e9 / kv.ratePerCpuPerSec : Infinity;
    const kvCtxW = [kv.contexts.task, kv.contexts.softirq, kv.contexts.hardirq, kv.contexts.nmi];
    this.kvCtxFixed = this.kvGapNs < Infinity ? fixedChoice(kvCtxW) : 0;
    this.kvCtx = this.kvCtxFixed < 0 ? cumulativeWeights(kvCtxW) : new Float64Array([1]);
    this.kvHeadless = kv.headlessShare;
    this.kvRaw = kv.rawLockHeldShare;
    this.kvIrqs = kv.irqsOffShare;
    this.kvHardirqFlag = kv.hardirqKind === 'never-threaded' ? FLAG_HARDIRQ_NO_THREAD : 0;
    const burst = kv.burst;
    this.burstEveryNs = burst ? burst.everyMs * 1e6 : Infinity;
    this.burstCalls = burst ? burst.calls : 0;
    this.burstSpacingNs = burst ? burst.spacingNs : 0;
    this.burstStartNs = burst ? warmupNs + burst.startMs * 1e6 : Infinity;
    this.burstCtx = burst ? CTX_INDEX[burst.context]! : CTX_TASK;

    const bg = w.background;
    const earlyBoot = scenario.kernel.earlyBoot;
    const gfpValues: Record<string, number> = {
      GFP_KERNEL,
      GFP_ATOMIC,
      GFP_NOWAIT,
      GFP_HIGHUSER_MOVABLE,
      legacy0: 0,
    };
    const bgUsed = bg.allocsPerCpuPerSec > 0 || plans.length > 0;
    this.bgGapNs = bg.allocsPerCpuPerSec > 0 ? 1e9 / bg.allocsPerCpuPerSec : Infinity;
    const gfpW = GFP_MIX_NAMES.map((n) => bg.gfpMix[n]);
    this.bgGfpFixed = bgUsed ? fixedChoice(gfpW) : 0;
    this.bgGfpCum = this.bgGfpFixed < 0 ? cumulativeWeights(gfpW) : new Float64Array([1]);
    this.bgGfp = new Uint32Array(GFP_MIX_NAMES.length);
    this.bgGfpFlags = new Uint8Array(GFP_MIX_NAMES.length);
    this.bgGfpTask = new Uint8Array(GFP_MIX_NAMES.length);
    this.bgGfpMt = new Uint8Array(GFP_MIX_NAMES.length);
    GFP_MIX_NAMES.forEach((name, i) => {
      const asked = gfpValues[name]!;
      // gfp_allowed_mask applies inside the allocator; the caller's ability to sleep is what it asked for.
      const seen = earlyBoot ? asked & GFP_BOOT_MASK : asked;
      this.bgGfp[i] = seen >>> 0;
      this.bgGfpFlags[i] = seen === 0 ? FLAG_LEGACY_GFP0 : 0;
      // Sleeping callers, user-page faults and legacy __get_free_page(0) callers run in task context.
      this.bgGfpTask[i] = asked & __GFP_DIRECT_RECLAIM || name === 'GFP_HIGHUSER_MOVABLE' || name === 'legacy0' ? 1 : 0;
      this.bgGfpMt[i] = gfpFlagsToMigratetype(seen);
    });
    this.bgOrderFixed = bgUsed ? fixedChoice(bg.orderMix) : 0;
    this.bgOrderCum = this.bgOrderFixed < 0 ? cumulativeWeights(bg.orderMix) : new Float64Array([1]);
    this.bgLifeNs = bg.lifetimeMeanMs * 1e6;
    const bgCtxW = [bg.contexts.task, bg.contexts.softirq, bg.contexts.hardirq, bg.contexts.nmi];
    // Only non-sleeping GFP draw a context; with none in the mix, no draw either.
    const anyAtomic = gfpW.some((wt, i) => wt > 0 && !this.bgGfpTask[i]);
    this.bgCtxFixed = bgUsed && anyAtomic ? fixedChoice(bgCtxW) : 0;
    this.bgCtx = this.bgCtxFixed < 0 ? cumulativeWeights(bgCtxW) : new Float64Array([1]);
    this.bgRemote = cpus > 1 ? bg.remoteFreeShare : 0;
    this.bgHardirqFlag = bg.hardirqKind === 'never-threaded' ? FLAG_HARDIRQ_NO_THREAD : 0;

    const flood = w.userspaceFlood;
    this.floodGapNs = flood && flood.callsPerSec > 0 ? 1e9 / flood.callsPerSec : Infinity;
    this.floodHeadless = flood ? flood.headlessShare : 0;
    this.floodStartNs = flood ? warmupNs + flood.startMs * 1e6 : Infinity;
    this.floodEndNs = flood ? Math.min(flood.endMs === null ? Infinity : warmupNs + flood.endMs * 1e6, this.durationNs) : 0;

    const fillAsked = GFP_HIGHUSER_MOVABLE;
    this.fillGfp = (earlyBoot ? fillAsked & GFP_BOOT_MASK : fillAsked) >>> 0;
    this.fillMt = gfpFlagsToMigratetype(this.fillGfp);
    this.fillFlags = this.fillGfp === 0 ? FLAG_LEGACY_GFP0 : 0;
    const bgCpuList = cpuList(bg.cpus, cpus);
    this.fillCpus = Uint16Array.from(bgCpuList.length > 0 ? bgCpuList : cpuList('all', cpus));

    // -- trace
    this.trace = trace;
    const tr = w.trace;
    this.traceOffsetNs = tr ? warmupNs + tr.offsetMs * 1e6 : 0;
    this.traceLoop = tr ? tr.loop : false;
    this.tracePeriodNs = 0;
    this.traceSlotMap = new Int32Array(trace ? Math.max(1, trace.maxSlots) : 1);
    if (trace && tr && trace.length > 0) {
      if (!tr.foldCpus && trace.maxCpu >= cpus) {
        throw new InputError({
          file: trace.file,
          where: `line ${trace.maxCpuLine}`,
          expected: `a CPU < machine.cpus (${cpus}), or workload.trace.foldCpus: true`,
          found: `CPU ${trace.maxCpu}`,
        });
      }
      const span = trace.time[trace.length - 1]! - trace.time[0]!;
      // One pass after the other, a mean gap apart.
      this.tracePeriodNs = span + Math.max(1000, span / trace.length);
    }

    // -- sources
    const nFill = plans.length;
    this.nSrc = cpus * PER_CPU_KINDS + nFill + 1;
    this.srcKind = new Uint8Array(this.nSrc);
    this.srcCpu = new Uint16Array(this.nSrc);
    this.srcNext = new Float64Array(this.nSrc).fill(Infinity);
    this.srcState = new Int32Array(this.nSrc);
    this.srcAux = new Float64Array(this.nSrc);
    // Unused sources keep an all-zero stream they never draw from (their time is Infinity).
    this.rng = new PrngBank(this.nSrc);
    const rng = this.rng;

    const kvCpus = new Set(cpuList(kv.cpus, cpus));
    const burstCpus = new Set(burst ? cpuList(burst.cpus, cpus) : []);
    const bgCpus = new Set(bgCpuList);
    const floodCpus = new Set(flood ? cpuList(flood.cpus, cpus) : []);
    const anyChurn = plans.some((p) => p.churnMeanGapNs < Infinity);
    for (let c = 0; c < cpus; c++) {
      const base = c * PER_CPU_KINDS;
      for (let k = 0; k < PER_CPU_KINDS; k++) {
        this.srcKind[base + k] = k;
        this.srcCpu[base + k] = c;
      }
      if (!slotsOnly && kvCpus.has(c) && this.kvGapNs < Infinity) {
        rng.seed(base + K_KV, seed, streamId(STREAM_KVFREE_RCU, c));
        this.srcNext[base + K_KV] = rng.exponential(base + K_KV, this.kvGapNs);
      }
      if (!slotsOnly && burstCpus.has(c) && this.burstCalls > 0) {
        rng.seed(base + K_BURST, seed, streamId(STREAM_BURST, c));
        this.srcState[base + K_BURST] = this.burstCalls; // calls left in the current burst
        this.srcAux[base + K_BURST] = 0; // index of the current burst
        this.srcNext[base + K_BURST] = this.burstStartNs;
      }
      if (bgCpus.has(c) && this.bgGapNs < Infinity) {
        rng.seed(base + K_BG, seed, streamId(STREAM_BACKGROUND, c));
        this.srcNext[base + K_BG] = rng.exponential(base + K_BG, this.bgGapNs);
      }
      if (bgCpus.has(c) && anyChurn) {
        rng.seed(base + K_CHURN, seed, streamId(STREAM_PRESSURE_CHURN, c));
        this.srcNext[base + K_CHURN] = this.nextChurnPhase(base + K_CHURN, 0);
      }
      if (!slotsOnly && floodCpus.has(c) && this.floodGapNs < Infinity) {
        rng.seed(base + K_FLOOD, seed, streamId(STREAM_USERSPACE_FLOOD, c));
        const t = this.floodStartNs + rng.exponential(base + K_FLOOD, this.floodGapNs);
        this.srcNext[base + K_FLOOD] = t < this.floodEndNs ? t : Infinity;
      }
    }
    for (let p = 0; p < nFill; p++) {
      const s = cpus * PER_CPU_KINDS + p;
      const plan = plans[p]!;
      this.srcKind[s] = K_FILL;
      this.srcState[s] = 0; // index of the next fill allocation
      if (fillCount(plan) > 0) {
        rng.seed(s, seed, streamId(STREAM_PRESSURE_FILL, p));
        this.srcNext[s] = fillTimeNs(plan, 0, rng.float(s));
      }
    }
    const ts = cpus * PER_CPU_KINDS + nFill;
    this.srcKind[ts] = K_TRACE;
    if (trace && trace.length > 0) {
      this.srcState[ts] = 0; // index into the trace
      this.srcAux[ts] = 0; // pass number
      this.srcNext[ts] = this.traceOffsetNs + trace.time[0]!;
    }
    const active: number[] = [];
    for (let s = 0; s < this.nSrc; s++) if (this.srcNext[s]! < this.durationNs) active.push(s);
    let size = 1;
    while (size < active.length) size <<= 1;
    this.loser = new Int32Array(size).fill(-1);
    this.loserTime = new Float64Array(size).fill(Infinity);
    this.leafOf = new Int32Array(this.nSrc).fill(-1);
    // Play the initial tournament: win[] holds the winner of each subtree.
    const win = new Int32Array(2 * size).fill(-1);
    active.forEach((s, i) => {
      win[size + i] = s;
      this.leafOf[s] = size + i;
    });
    for (let i = size - 1; i >= 1; i--) {
      const a = win[2 * i]!;
      const b = win[2 * i + 1]!;
      const w = this.better(a, b);
      win[i] = w;
      const l = w === a ? b : a;
      this.loser[i] = l;
      this.loserTime[i] = this.keyOf(l);
    }
    this.winner = win[1]!;
    this.winnerTime = this.keyOf(this.winner);

    // Pending frees: a calendar queue with about two frees per bucket at the
    // expected free rate, over a horizon of 8 mean lifetimes.
    const churnRate = Math.max(0, ...plans.map((p) => (p.churnMeanGapNs < Infinity ? 1e9 / p.churnMeanGapNs : 0)));
    const freeRate = bgCpuList.length * ((this.bgGapNs < Infinity ? bg.allocsPerCpuPerSec : 0) + churnRate) + (trace ? 0 : 0);
    const life = Math.max(this.bgLifeNs, ...plans.map((p) => p.churnLifetimeNs));
    const fillMax = Math.max(0, ...plans.map(fillCount));
    let widthNs = freeRate > 0 ? 2e9 / freeRate : 1e6;
    if (fillMax > 0) widthNs = Math.min(widthNs, FILL_RELEASE_NS / (2 * fillMax));
    widthNs = Math.max(widthNs, 1);
    // Slot tables start small and double when a slot id needs it (rare, not per event).
    const slotCap = 1024;
    this.frees = new FreeQueue(widthNs, Math.ceil((8 * life) / widthNs), slotCap);
    this.metaBySlot = new Int32Array(slotCap);
    this.freeSlots = new Int32Array(slotCap);
  }

  /** Next churn arrival at or after the churn window of phase >= from; sets srcState to that phase. */
  private nextChurnPhase(s: number, from: number): number {
    for (let p = from; p < this.pressure.length; p++) {
      const plan = this.pressure[p]!;
      if (plan.churnMeanGapNs === Infinity) continue;
      const start = plan.rampStartNs + plan.rampNs;
      const t = start + this.rng.exponential(s, plan.churnMeanGapNs);
      if (t < plan.endNs) {
        this.srcState[s] = p;
        return t;
      }
    }
    this.srcState[s] = this.pressure.length;
    return Infinity;
  }

  // -- source loser tree on (key time, index) --------------------------------------

  /** A source's key: its next time, Infinity when it is done or none (-1). */
  private keyOf(s: number): number {
    if (s < 0) return Infinity;
    const t = this.srcNext[s]!;
    return t < this.durationNs ? t : Infinity;
  }

  /** The earlier of two sources by (key, index); a source beats none (-1). */
  private better(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const ta = this.keyOf(a);
    const tb = this.keyOf(b);
    return ta < tb || (ta === tb && a < b) ? a : b;
  }

  /**
   * Replay the matches on the path of the winner s after its time changed (or it
   * ended): at each level the stored loser plays the climbing source; the earlier
   * by (key, index) climbs, the other stays. Only the winner ever changes time, so
   * the tree stays a valid tournament and the winner is the minimum of all keys.
   */
  private treeUpdate(s: number, key: number): void {
    const loser = this.loser;
    const loserTime = this.loserTime;
    let w = s;
    let wt = key;
    for (let i = this.leafOf[s]! >> 1; i >= 1; i >>= 1) {
      const lt = loserTime[i]!;
      if (lt < wt || (lt === wt && loser[i]! < w)) {
        // The stored source wins this match: it climbs, w stays as the loser.
        const l = loser[i]!;
        loser[i] = w;
        loserTime[i] = wt;
        w = l;
        wt = lt;
      }
    }
    this.winner = w;
    this.winnerTime = wt;
  }

  private pushFree(time: number, slot: number, meta: number): void {
    this.metaBySlot[slot] = meta;
    this.frees.push(time, slot);
  }

  // -- slots ----------------------------------------------------------------------

  private takeSlot(): number {
    if (this.freeTop > 0) return this.freeSlots[--this.freeTop]!;
    const s = this.nextSlot++;
    if (s >= this.metaBySlot.length) {
      if (this.knownMaxSlots >= 0 && s >= this.knownMaxSlots) {
        throw new Error(`workload generator: slot ${s} >= maxSlots ${this.knownMaxSlots} (the probe pass disagreed; a bug)`);
      }
      const m = new Int32Array(this.metaBySlot.length * 2);
      m.set(this.metaBySlot);
      this.metaBySlot = m;
      this.frees.ensureSlots(m.length);
    }
    return s;
  }

  private releaseSlot(s: number): void {
    if (this.freeTop === this.freeSlots.length) {
      const b = new Int32Array(this.freeSlots.length * 2);
      b.set(this.freeSlots);
      this.freeSlots = b;
    }
    this.freeSlots[this.freeTop++] = s;
  }

  // -- the stream -------------------------------------------------------------------

  /** Fill `batch` from index 0 with the next events; returns their number, 0 at the end. */
  next(batch: EventBatch): number {
    // Module constants copied into locals once per batch: V8 reloads (and
    // TDZ-checks) a module-level binding on every use in a hot loop.
    const opAlloc = OP_ALLOC;
    const opFree = OP_FREE;
    const opKvfreeRcu = OP_KVFREE_RCU;
    const ctxTask = CTX_TASK;
    const ctxHardirq = CTX_HARDIRQ;
    const flagHeadless = FLAG_HEADLESS;
    const flagIrqsOff = FLAG_IRQS_OFF;
    const flagRawLockHeld = FLAG_RAW_LOCK_HELD;
    const kKv = K_KV;
    const kBurst = K_BURST;
    const kBg = K_BG;
    const kChurn = K_CHURN;
    const kFlood = K_FLOOD;
    const kFill = K_FILL;
    const perCpuKinds = PER_CPU_KINDS;
    const cap = batch.capacity;
    const bTime = batch.time;
    const bCpu = batch.cpu;
    const bOp = batch.op;
    const bCtx = batch.ctx;
    const bFlags = batch.flags;
    const bOrder = batch.order;
    const bMt = batch.migratetype;
    const bGfp = batch.gfp;
    const bSlot = batch.slot;
    const srcNext = this.srcNext;
    const srcKind = this.srcKind;
    const srcCpu = this.srcCpu;
    const rng = this.rng;
    const frees = this.frees;
    const dur = this.durationNs;
    let nKv = 0;
    let nBurst = 0;
    let nBg = 0;
    let nPressure = 0;
    let nFlood = 0;
    let nTrace = 0;
    let nFree = 0;
    let k = 0;

    while (k < cap) {
      const s = this.winner;
      const st = this.winnerTime; // Infinity: every source is done
      const t = frees.minTime;
      if (t <= st && t !== Infinity) {
        // -- a pending free
        const slot = frees.popMin();
        const meta = this.metaBySlot[slot]!;
        const ctx = (meta >>> 16) & 0xf;
        bTime[k] = t;
        bCpu[k] = meta & 0xffff;
        bOp[k] = opFree;
        bCtx[k] = ctx;
        bFlags[k] = (ctx >= ctxHardirq ? flagIrqsOff : 0) | (ctx === ctxHardirq ? this.bgHardirqFlag : 0);
        bOrder[k] = (meta >>> 20) & 0xf;
        bMt[k] = (meta >>> 24) & 0xff;
        bGfp[k] = 0;
        bSlot[k] = slot;
        this.releaseSlot(slot);
        nFree++;
        k++;
        continue;
      }
      if (st === Infinity) break;

      const kind = srcKind[s]!;
      const cpu = srcCpu[s]!;
      bTime[k] = st;
      if (kind === kKv || kind === kBurst || kind === kFlood) {
        let ctx: number;
        let flags = 0;
        if (kind === kFlood) {
          ctx = ctxTask;
          if (rng.chance(s, this.floodHeadless)) flags = flagHeadless;
          const t = st + rng.exponential(s, this.floodGapNs);
          srcNext[s] = t < this.floodEndNs ? t : Infinity;
          nFlood++;
        } else {
          // Headless kvfree_rcu(ptr) calls might_sleep() (kvfree_call_rcu(),
          // kernel/rcu/tree.c v5.9+): it is legal only where sleeping is, so a
          // headless call is a task-context call with IRQs on and no raw lock
          // held. The contexts, raw-lock and IRQs-off shares apply to the
          // two-argument calls: the workload commits no caller bug that no
          // page design causes.
          if (rng.chance(s, this.kvHeadless)) {
            ctx = ctxTask;
            flags = flagHeadless;
          } else {
            ctx = kind === kBurst ? this.burstCtx : this.kvCtxFixed >= 0 ? this.kvCtxFixed : rng.pick(s, this.kvCtx);
            if (rng.chance(s, this.kvRaw)) flags |= flagRawLockHeld;
            if (ctx >= ctxHardirq || rng.chance(s, this.kvIrqs)) flags |= flagIrqsOff;
            if (ctx === ctxHardirq) flags |= this.kvHardirqFlag;
          }
          if (kind === kKv) {
            srcNext[s] = st + rng.exponential(s, this.kvGapNs);
            nKv++;
          } else {
            const left = this.srcState[s]! - 1;
            if (left > 0) {
              this.srcState[s] = left;
              srcNext[s] = st + this.burstSpacingNs;
            } else {
              const burstNo = this.srcAux[s]! + 1;
              this.srcAux[s] = burstNo;
              this.srcState[s] = this.burstCalls;
              srcNext[s] = this.burstStartNs + burstNo * this.burstEveryNs;
            }
            nBurst++;
          }
        }
        bCpu[k] = cpu;
        bOp[k] = opKvfreeRcu;
        bCtx[k] = ctx;
        bFlags[k] = flags;
        bOrder[k] = 0;
        bMt[k] = 0;
        bGfp[k] = 0;
        bSlot[k] = -1;
      } else if (kind === kBg || kind === kChurn) {
        const gi = this.bgGfpFixed >= 0 ? this.bgGfpFixed : rng.pick(s, this.bgGfpCum);
        const order = this.bgOrderFixed >= 0 ? this.bgOrderFixed : rng.pick(s, this.bgOrderCum);
        const ctx = this.bgGfpTask[gi] ? ctxTask : this.bgCtxFixed >= 0 ? this.bgCtxFixed : rng.pick(s, this.bgCtx);
        const lifeNs = rng.exponential(s, kind === kBg ? this.bgLifeNs : this.pressure[this.srcState[s]!]!.churnLifetimeNs);
        const freeCpu = rng.chance(s, this.bgRemote) ? (cpu + 1 + rng.below(s, this.cpus - 1)) % this.cpus : cpu;
        const slot = this.takeSlot();
        const mt = this.bgGfpMt[gi]!;
        bCpu[k] = cpu;
        bOp[k] = opAlloc;
        bCtx[k] = ctx;
        bFlags[k] = this.bgGfpFlags[gi]! | (ctx >= ctxHardirq ? flagIrqsOff : 0) | (ctx === ctxHardirq ? this.bgHardirqFlag : 0);
        bOrder[k] = order;
        bMt[k] = mt;
        bGfp[k] = this.bgGfp[gi]!;
        bSlot[k] = slot;
        const freeAt = st + lifeNs;
        if (freeAt < dur) this.pushFree(freeAt, slot, freeCpu | (ctx << 16) | (order << 20) | (mt << 24));
        if (kind === kBg) {
          srcNext[s] = st + rng.exponential(s, this.bgGapNs);
          nBg++;
        } else {
          const phase = this.srcState[s]!;
          const plan = this.pressure[phase]!;
          const t = st + rng.exponential(s, plan.churnMeanGapNs);
          srcNext[s] = t < plan.endNs ? t : this.nextChurnPhase(s, phase + 1);
          nPressure++;
        }
      } else if (kind === kFill) {
        const p = s - this.cpus * perCpuKinds;
        const plan = this.pressure[p]!;
        const i = this.srcState[s]!;
        const n = fillCount(plan);
        const order = fillOrder(plan, i);
        const fcpu = this.fillCpus[rng.below(s, this.fillCpus.length)]!;
        const slot = this.takeSlot();
        bCpu[k] = fcpu;
        bOp[k] = opAlloc;
        bCtx[k] = ctxTask;
        bFlags[k] = plan.reclaimable ? this.fillFlags : this.fillFlags | FLAG_UNRECLAIMABLE;
        bOrder[k] = order;
        bMt[k] = this.fillMt;
        bGfp[k] = this.fillGfp;
        bSlot[k] = slot;
        const freeAt = fillFreeNs(plan, rng.float(s));
        if (freeAt < dur) this.pushFree(freeAt, slot, fcpu | (ctxTask << 16) | (order << 20) | (this.fillMt << 24));
        this.srcState[s] = i + 1;
        srcNext[s] = i + 1 < n ? fillTimeNs(plan, i + 1, rng.float(s)) : Infinity;
        nPressure++;
      } else {
        // K_TRACE
        const tr = this.trace!;
        const i = this.srcState[s]!;
        const op = tr.op[i]!;
        bCpu[k] = tr.cpu[i]! % this.cpus;
        bOp[k] = op;
        bCtx[k] = tr.ctx[i]!;
        bFlags[k] = tr.flags[i]!;
        bOrder[k] = tr.order[i]!;
        bMt[k] = tr.migratetype[i]!;
        bGfp[k] = tr.gfp[i]!;
        if (op === opAlloc) {
          const slot = this.takeSlot();
          this.traceSlotMap[tr.slot[i]!] = slot;
          bSlot[k] = slot;
        } else if (op === opFree) {
          const slot = this.traceSlotMap[tr.slot[i]!]!;
          bSlot[k] = slot;
          this.releaseSlot(slot);
        } else {
          bSlot[k] = -1;
        }
        let j = i + 1;
        let pass = this.srcAux[s]!;
        if (j === tr.length && this.traceLoop) {
          j = 0;
          pass += 1;
          this.srcAux[s] = pass;
        }
        this.srcState[s] = j;
        srcNext[s] = j < tr.length ? this.traceOffsetNs + pass * this.tracePeriodNs + tr.time[j]! : Infinity;
        nTrace++;
      }
      const ns = srcNext[s]!;
      this.treeUpdate(s, ns < dur ? ns : Infinity);
      k++;
    }
    batch.length = k;
    const stats = this.stats;
    stats.kvfreeRcu += nKv;
    stats.burst += nBurst;
    stats.backgroundAllocs += nBg;
    stats.pressureAllocs += nPressure;
    stats.flood += nFlood;
    stats.traceEvents += nTrace;
    stats.frees += nFree;
    stats.total += k;
    return k;
  }
}
