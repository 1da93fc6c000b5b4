/**
 * memory-pressure creates pressure: free memory spends a measured share of the
 * run below low and below min, GFP_KERNEL callers enter direct reclaim, and a
 * design that skips the watermark checks (lockless-entry) takes pages below
 * min. The timeline keeps each zone's free pages against its own watermarks.
 */
import { describe, expect, it } from 'vitest';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';

const strategies = await loadStrategies();
const byName = (n: string) => strategies.find((s) => s.name === n)!;
const scenario = applySet(loadBuiltinScenario('memory-pressure'), 'run.durationMs', '300', 'test');

describe('memory-pressure', () => {
  it('holds free memory below low and min for a share of the run, with direct reclaim, and lockless-entry breaches min', () => {
    const q = runOne({ scenario, strategy: byName('status-quo'), params: {}, seed: 1, timelinePoints: 60 });
    const l = runOne({ scenario, strategy: byName('lockless-entry'), params: {}, seed: 1 });
    expect(q.metrics.belowLowShare).toBeGreaterThan(0.3);
    expect(q.metrics.belowMinShare).toBeGreaterThan(0.02);
    expect(q.metrics.belowMinShare).toBeLessThanOrEqual(q.metrics.belowLowShare);
    expect(q.metrics.directReclaims).toBeGreaterThan(0);
    expect(l.metrics.watermarkBreaches).toBeGreaterThan(0);
    // Per-zone timeline: the DMA32 zone (where the pressure is) against its own watermarks.
    const dma32 = q.timeline!.zones.find((z) => z.name === 'DMA32')!;
    expect(dma32.freePages.length).toBe(q.timeline!.timeMs.length);
    expect(Math.min(...dma32.freePages)).toBeLessThan(dma32.watermarks.low);
  });

  it('without the pressure phase the same load never goes below low', () => {
    const early = applySet(applySet(scenario, 'workload.pressure', '[]', 'test'), 'run.durationMs', '150', 'test');
    const r = runOne({ scenario: early, strategy: byName('status-quo'), params: {}, seed: 1 });
    expect(r.metrics.belowLowShare).toBe(0);
    expect(r.metrics.directReclaims).toBe(0);
  });
});
