/**
 * The memory-pressure plan (harness/workload/pressure-plan.ts) on a machine
 * small enough to work out by hand: two zones of 1 GiB (262144 pages each),
 * min_free_kbytes 4096, watermark_scale_factor 10, the default lowmem reserve
 * ratios, two CPUs. Every expected number below is derived in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { MachineSpec } from '../../harness/core/machine-spec.ts';
import { FILL_BIG_ORDER, FILL_SMALL_PAGES, afterWarmup, fillCount, fillFreeNs, fillOrder, fillTimeNs, pressurePlans } from '../../harness/workload/pressure-plan.ts';
import { parseScenario } from '../../harness/workload/scenario.ts';
import type { Scenario } from '../../harness/workload/scenario-schema.ts';

type PlanMachine = Pick<MachineSpec, 'cpus' | 'zones' | 'minFreeKbytes' | 'watermarkScaleFactor' | 'lowmemReserveRatio'>;

// __setup_per_zone_wmarks(): pages_min = 4096 KiB / 4 = 1024 pages, split by
// managed pages: tmp = 1024 x 262144 / 524288 = 512 per zone, so min = 512;
// step = max(512 / 4, mult_frac(262144, 10, 10000) = 262) = 262, so low = 774,
// high = 1036. Sum of min over the zones: 1024; of low: 1548.
// setup_per_zone_lowmem_reserve(): DMA32 keeps 262144 / 256 = 1024 pages back
// from a request whose highest zone is Normal (ratio 256 for DMA32), Normal
// keeps 0: reserved = 1024.
const MACHINE: PlanMachine = {
  cpus: 2,
  zones: [
    { kind: 'DMA32', managedPages: 262144 },
    { kind: 'Normal', managedPages: 262144 },
  ],
  minFreeKbytes: 4096,
  watermarkScaleFactor: 10,
  lowmemReserveRatio: [256, 32],
};

/** The scenario: background, kvfree_rcu() and one pressure phase with round rates. */
function scenario(phase: Record<string, unknown>, overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario(
    {
      name: 'pressure-plan-test',
      description: 'A pressure phase on a two-zone machine, with rates chosen so that every number of the plan can be checked by hand.',
      kernel: { profile: '5.9' },
      machine: { cpus: 2, memoryMiB: 2048 },
      workload: {
        // B = 2 CPUs x 1000/s x 0.1 s x 1 page = 200 pages held by the background.
        background: { allocsPerCpuPerSec: 1000, lifetimeMeanMs: 100, orderMix: [1] },
        // K = 2 CPUs x 10000/s x (0.020 + 0.005) s / 500 entries + 2 CPUs = 3 block pages.
        kvfreeRcu: { ratePerCpuPerSec: 10000 },
        rcu: { gracePeriodMs: 20, drainDelayMs: 5, blockEntries: 500 },
        pressure: [phase],
        ...overrides,
      },
      run: { durationMs: 400, seeds: [1] },
    },
    'pressure-plan.test.ts',
  );
}

// C = 2 CPUs x 500/s x 0.2 s x 1 page = 200 pages held by the churn.
const PHASE = { startMs: 100, endMs: 300, rampMs: 40, targetFreeOf: 'min', factor: 1.5, churnPerCpuPerSec: 500, churnLifetimeMs: 200 };

describe('pressurePlans', () => {
  it('holds F0 - B - K - C - T pages, with T = factor x the sum of the watermark + the lowmem reserve', () => {
    const [plan, ...rest] = pressurePlans(scenario(PHASE), MACHINE);
    expect(rest).toEqual([]);
    expect(plan!.backgroundHeldPages).toBe(200);
    expect(plan!.kvfreeRcuHeldPages).toBe(3);
    expect(plan!.churnHeldPages).toBe(200);
    // T = 1.5 x 1024 + 1024 = 2560
    expect(plan!.targetFreePages).toBe(2560);
    // F0 = 524288 (no buddyinfo: every managed page free); expected = F0 - B - K = 524085
    expect(plan!.expectedFreePages).toBe(524085);
    // H = 524085 - 200 - 2560 = 521325
    expect(plan!.holdPages).toBe(521325);
    // fillBig = floor((521325 - 2048) / 512) = 1014 (519168 pages); fillSmall = 521325 - 519168 = 2157
    expect(plan!.fillBig).toBe(1014);
    expect(plan!.fillSmall).toBe(2157);
    expect(plan!.startNs).toBe(100e6);
    expect(plan!.endNs).toBe(300e6);
    expect(plan!.rampStartNs).toBe(100e6);
    expect(plan!.rampNs).toBe(40e6);
    expect(plan!.churnMeanGapNs).toBe(2e6); // 1e9 / 500
    expect(plan!.churnLifetimeNs).toBe(200e6);
    expect(plan!.reclaimable).toBe(true);
  });

  it('targetFreeOf picks the watermark summed: low gives T = 1.5 x 1548 + 1024 = 3346', () => {
    const [plan] = pressurePlans(scenario({ ...PHASE, targetFreeOf: 'low' }), MACHINE);
    expect(plan!.targetFreePages).toBe(3346);
    // H = 524085 - 200 - 3346 = 520539
    expect(plan!.holdPages).toBe(520539);
  });

  it('the order-0 tail is 2048 pages exactly when H - 2048 is a multiple of 512, and 2559 one page before the next', () => {
    // factor 1.5 gave H = 521325. H - 2048 = 519277 = 1014 x 512 + 109: 109 pages
    // less to hold (factor x 1024 grows by 109 with factor + 109/1024) leaves
    // H - 2048 = 519168 = 1014 x 512 exactly.
    const exact = pressurePlans(scenario({ ...PHASE, factor: 1.5 + 109 / 1024 }), MACHINE)[0]!;
    expect(exact.holdPages).toBe(521216);
    expect(exact.fillBig).toBe(1014);
    expect(exact.fillSmall).toBe(FILL_SMALL_PAGES);
    // One page more to hold than that: the extra page goes to the order-0 tail,
    // until 511 of them; the 512th makes one more order-9 chunk.
    const plus511 = pressurePlans(scenario({ ...PHASE, factor: 1.5 + (109 - 511) / 1024 }), MACHINE)[0]!;
    expect(plus511.holdPages).toBe(521216 + 511);
    expect(plus511.fillBig).toBe(1014);
    expect(plus511.fillSmall).toBe(FILL_SMALL_PAGES + 511);
    const plus512 = pressurePlans(scenario({ ...PHASE, factor: 1.5 + (109 - 512) / 1024 }), MACHINE)[0]!;
    expect(plus512.holdPages).toBe(521216 + 512);
    expect(plus512.fillBig).toBe(1015);
    expect(plus512.fillSmall).toBe(FILL_SMALL_PAGES);
  });

  it('below 2048 pages to hold, every fill page is an order-0 allocation', () => {
    // H = 1000: T = 524085 - 200 - 1000 = 522885 = factor x 1024 + 1024, factor = 521861 / 1024
    const [plan] = pressurePlans(scenario({ ...PHASE, factor: 521861 / 1024 }), MACHINE);
    expect(plan!.holdPages).toBe(1000);
    expect(plan!.fillBig).toBe(0);
    expect(plan!.fillSmall).toBe(1000);
  });

  it('holds nothing when the target is above what would be free anyway', () => {
    // T = 600 x 1024 + 1024 > 524085
    const [plan] = pressurePlans(scenario({ ...PHASE, factor: 600 }), MACHINE);
    expect(plan!.holdPages).toBe(0);
    expect(plan!.fillBig).toBe(0);
    expect(plan!.fillSmall).toBe(0);
    expect(fillCount(plan!)).toBe(0);
  });

  it('a zone without managed pages adds nothing to the target', () => {
    // An empty Movable zone after Normal: its watermarks are 0 and it is left
    // out; the reserve is taken against the highest zone, Movable, where
    // DMA32 keeps (262144 + 0) / 256 = 1024 and Normal 0 / 32 = 0.
    const withEmpty: PlanMachine = { ...MACHINE, zones: [...MACHINE.zones, { kind: 'Movable', managedPages: 0 }], lowmemReserveRatio: [256, 32, 0] };
    const [plan] = pressurePlans(scenario(PHASE), withEmpty);
    expect(plan!.targetFreePages).toBe(2560);
  });
});

describe('the fill schedule', () => {
  const plan = pressurePlans(scenario(PHASE), MACHINE)[0]!;
  const n = fillCount(plan); // 1014 + 2157 = 3171

  it('n = fillBig + fillSmall; order 9 for the first fillBig allocations, then order 0', () => {
    expect(n).toBe(3171);
    expect(fillOrder(plan, 0)).toBe(FILL_BIG_ORDER);
    expect(fillOrder(plan, 1013)).toBe(FILL_BIG_ORDER);
    expect(fillOrder(plan, 1014)).toBe(0);
    expect(fillOrder(plan, n - 1)).toBe(0);
  });

  it('allocation k falls in the k-th of n equal slots of the ramp, the last one before the ramp ends', () => {
    // slot width = 40e6 / 3171 ns
    expect(fillTimeNs(plan, 0, 0)).toBe(100e6);
    expect(fillTimeNs(plan, 1, 0)).toBeCloseTo(100e6 + 40e6 / 3171, 6);
    expect(fillTimeNs(plan, 0, 0.5)).toBeCloseTo(100e6 + 0.5 * (40e6 / 3171), 6);
    // k = n - 1 with u just below 1 is still inside the ramp (a division by n - 1 would end it after the ramp)
    expect(fillTimeNs(plan, n - 1, 0.999999)).toBeLessThan(plan.rampStartNs + plan.rampNs);
    expect(fillTimeNs(plan, n - 1, 0)).toBeCloseTo(plan.rampStartNs + plan.rampNs - 40e6 / 3171, 6);
    // increasing in k whatever u: the latest in slot k is before the earliest in slot k + 1
    expect(fillTimeNs(plan, 10, 0.999999)).toBeLessThan(fillTimeNs(plan, 11, 0));
  });

  it('fill pages are freed within 1 ms after the phase ends', () => {
    expect(fillFreeNs(plan, 0)).toBe(300e6);
    expect(fillFreeNs(plan, 0.25)).toBe(300e6 + 250e3);
    expect(fillFreeNs(plan, 0.999999)).toBeLessThan(301e6);
  });

  it('afterWarmup moves the start, the end and the ramp start, not the ramp length or the pages', () => {
    const [moved] = afterWarmup([plan], 60e6);
    expect(moved).toEqual({ ...plan, startNs: 160e6, endNs: 360e6, rampStartNs: 160e6 });
    expect(afterWarmup([plan], 0)[0]).toBe(plan);
  });
});
