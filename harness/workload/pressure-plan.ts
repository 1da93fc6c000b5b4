/**
 * The memory-pressure plan: how each phase of workload.pressure turns into a
 * number of pages to hold ("fill" allocations made over the ramp, freed just
 * after the phase), the churn's rate and lifetime, and the fill's schedule.
 * Pure arithmetic on the scenario and the machine (no PRNG state, no events):
 * the generator (generator.ts) draws the jitter and emits the events.
 * The rule is documented for users in SCENARIOS.md, "workload.pressure".
 */
import { setupPerZoneLowmemReserve, setupPerZoneWmarks } from '../core/watermarks.ts';
import type { MachineSpec } from '../core/machine-spec.ts';
import { cpuList } from './cpu-list.ts';
import type { Scenario } from './scenario-schema.ts';

/** Fill allocations: order-9 (pageblock, THP-sized) chunks, the last pages order 0. */
export const FILL_BIG_ORDER = 9;
/** Fill pages taken as order-0 allocations at the end of a phase's fill: FILL_SMALL_PAGES .. FILL_SMALL_PAGES + 511 of them (all H when H < FILL_SMALL_PAGES). */
export const FILL_SMALL_PAGES = 2048;
/** Fill pages are released over this long after the phase ends. */
export const FILL_RELEASE_NS = 1e6;

/** How a pressure phase holds free memory near its watermark (see SCENARIOS.md, "Memory pressure"). */
export interface PressurePlan {
  startNs: number;
  endNs: number;
  rampStartNs: number;
  rampNs: number;
  /** Target free pages: factor x the sum of the watermark over the zones, plus the lowmem reserves (see pressurePlans). */
  targetFreePages: number;
  /** Pages expected free without the phase (initial free minus the steady holdings below). */
  expectedFreePages: number;
  backgroundHeldPages: number;
  churnHeldPages: number;
  kvfreeRcuHeldPages: number;
  /** Pages the fill allocations hold from the end of the ramp to the end of the phase. */
  holdPages: number;
  fillBig: number;
  fillSmall: number;
  churnMeanGapNs: number;
  churnLifetimeNs: number;
  /** Whether reclaim may take the fill pages back (false: FLAG_UNRECLAIMABLE). */
  reclaimable: boolean;
}

function meanPagesPerAlloc(orderMix: readonly number[]): number {
  let w = 0;
  let p = 0;
  orderMix.forEach((x, o) => {
    w += x;
    p += x * 2 ** o;
  });
  return w > 0 ? p / w : 1;
}

/**
 * The deterministic pressure rule: for each phase, hold H = max(0, F0 - B - C - K - T)
 * pages, where F0 is the initial free memory (buddyinfo, else all managed pages),
 * B the pages background allocations hold in steady state (Little's law: rate x
 * mean lifetime x mean pages per allocation, over the background CPUs), C the
 * same for the phase's churn, K the kvfree_rcu block pages in flight, and
 * T = factor x sum over zones of the chosen watermark + the lowmem_reserve the
 * lower zones keep from a request whose highest zone is ZONE_MOVABLE (what a
 * GFP_KERNEL or user-page request cannot take anyway). H is taken by "fill"
 * allocations spread evenly over the ramp and freed within 1 ms after the phase
 * ends: order-9 chunks for all but the last 2048..2559 pages, order 0 for those.
 */
export function pressurePlans(
  scenario: Scenario,
  spec: Pick<MachineSpec, 'cpus' | 'zones' | 'minFreeKbytes' | 'watermarkScaleFactor' | 'lowmemReserveRatio'>,
): PressurePlan[] {
  const w = scenario.workload;
  const cpus = spec.cpus;
  const profile = scenario.kernel.profile;
  // The core's __setup_per_zone_wmarks(); empty zones hold no free memory and are left out of the target.
  const populated = (i: number): boolean => spec.zones[i]!.managedPages > 0;
  const wm = setupPerZoneWmarks(spec.zones, spec.minFreeKbytes, spec.watermarkScaleFactor, profile).filter((_, i) => populated(i));
  // Pages the lower zones keep back (lowmem_reserve) from a GFP_HIGHUSER_MOVABLE /
  // GFP_KERNEL request: its highest zone is ZONE_MOVABLE (the last zone before Device).
  const reserves = setupPerZoneLowmemReserve(spec.zones, spec.lowmemReserveRatio, profile);
  let classzone = spec.zones.length - 1;
  while (classzone > 0 && spec.zones[classzone]!.kind === 'Device') classzone--;
  let reserved = 0;
  spec.zones.forEach((_, i) => {
    if (populated(i)) reserved += reserves[i]![classzone] ?? 0;
  });
  let free0 = 0;
  for (const z of spec.zones) {
    const blocks = (z as { initialFreeBlocks?: number[] }).initialFreeBlocks;
    if (blocks) blocks.forEach((count, order) => (free0 += count * 2 ** order));
    else free0 += z.managedPages;
  }
  const pagesPerAlloc = meanPagesPerAlloc(w.background.orderMix);
  const bgCpus = cpuList(w.background.cpus, cpus).length;
  const B = bgCpus * w.background.allocsPerCpuPerSec * (w.background.lifetimeMeanMs / 1000) * pagesPerAlloc;
  let kvCallsPerSec = cpuList(w.kvfreeRcu.cpus, cpus).length * w.kvfreeRcu.ratePerCpuPerSec;
  const burst = w.kvfreeRcu.burst;
  if (burst) kvCallsPerSec += (cpuList(burst.cpus, cpus).length * burst.calls * 1000) / burst.everyMs;
  if (w.userspaceFlood) kvCallsPerSec += cpuList(w.userspaceFlood.cpus, cpus).length * w.userspaceFlood.callsPerSec;
  const K = (kvCallsPerSec * ((w.rcu.gracePeriodMs + w.rcu.drainDelayMs) / 1000)) / w.rcu.blockEntries + cpus;
  return w.pressure.map((ph) => {
    const T = ph.factor * wm.reduce((a, z) => a + z[ph.targetFreeOf], 0) + reserved;
    const C = bgCpus * ph.churnPerCpuPerSec * (ph.churnLifetimeMs / 1000) * pagesPerAlloc;
    const expected = free0 - B - K;
    const H = Math.max(0, Math.floor(expected - C - T));
    const fillBig = Math.floor(Math.max(0, H - FILL_SMALL_PAGES) / 2 ** FILL_BIG_ORDER);
    return {
      startNs: ph.startMs * 1e6,
      endNs: ph.endMs * 1e6,
      rampStartNs: ph.startMs * 1e6,
      rampNs: ph.rampMs * 1e6,
      targetFreePages: T,
      expectedFreePages: expected,
      backgroundHeldPages: B,
      churnHeldPages: C,
      kvfreeRcuHeldPages: K,
      holdPages: H,
      fillBig,
      fillSmall: H - fillBig * 2 ** FILL_BIG_ORDER,
      churnMeanGapNs: ph.churnPerCpuPerSec > 0 ? 1e9 / ph.churnPerCpuPerSec : Infinity,
      churnLifetimeNs: ph.churnLifetimeMs * 1e6,
      reclaimable: ph.reclaimable,
    };
  });
}

/**
 * The plans of a run whose measurement starts after a warm-up of `warmupNs`:
 * each phase's start, end and ramp start move by it (the ramp's length and the
 * page counts stay). warmupNs 0 returns the plans themselves.
 */
export function afterWarmup(plans: readonly PressurePlan[], warmupNs: number): PressurePlan[] {
  return plans.map((p) => (warmupNs > 0 ? { ...p, startNs: p.startNs + warmupNs, endNs: p.endNs + warmupNs, rampStartNs: p.rampStartNs + warmupNs } : p));
}

/** Number of fill allocations of a phase: fillBig order-9 ones, then fillSmall order-0 ones. */
export function fillCount(plan: PressurePlan): number {
  return plan.fillBig + plan.fillSmall;
}

/** The order of a phase's fill allocation `k` (0-based): FILL_BIG_ORDER for the first fillBig, then 0. */
export function fillOrder(plan: PressurePlan, k: number): number {
  return k < plan.fillBig ? FILL_BIG_ORDER : 0;
}

/**
 * The time of a phase's fill allocation `k` (0-based) of n = fillCount(plan),
 * given `u` in [0, 1): rampStartNs + (k + u) x rampNs / n. The ramp is cut into
 * n equal slots and allocation k falls in slot k, so for k < n it is at or
 * after rampStartNs and before rampStartNs + rampNs, and the times increase
 * with k whatever the u drawn.
 */
export function fillTimeNs(plan: PressurePlan, k: number, u: number): number {
  return plan.rampStartNs + ((k + u) * plan.rampNs) / fillCount(plan);
}

/** The time a fill page is freed, given `u` in [0, 1): endNs + u x FILL_RELEASE_NS (within 1 ms after the phase). */
export function fillFreeNs(plan: PressurePlan, u: number): number {
  return plan.endNs + u * FILL_RELEASE_NS;
}
