/**
 * A run measures a warmed system: the scenario's steady load runs for
 * run.warmup.ms first (the same stream for every strategy), the metrics count
 * only what follows, and the warm-up's figures are reported apart; a cold
 * start (warmup.ms = 0) stays available and is what boot-time questions ask.
 */
import { describe, expect, it } from 'vitest';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { OP_KVFREE_RCU, EventBatch } from '../../harness/workload/events.ts';
import { createWorkload } from '../../harness/workload/generator.ts';
import { DEFAULT_WARMUP_MS } from '../../harness/workload/scenario-schema.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';

const strategies = await loadStrategies();
const byName = (n: string) => strategies.find((s) => s.name === n)!;
const burst = (warmupMs: number) => applySet(applySet(loadBuiltinScenario('burst'), 'run.durationMs', '120', 'test'), 'run.warmup.ms', String(warmupMs), 'test');

describe('warm-up', () => {
  it('is on by default', () => {
    expect(loadBuiltinScenario('steady').run.warmup.ms).toBe(DEFAULT_WARMUP_MS);
    expect(DEFAULT_WARMUP_MS).toBeGreaterThan(0);
  });

  it('a burst at the start of measurement meets filled pcplists: gfp-no-locks-bit stops failing, which a cold start does not', () => {
    const cold = runOne({ scenario: burst(0), strategy: byName('gfp-no-locks-bit'), params: {}, seed: 1 });
    const warm = runOne({ scenario: burst(DEFAULT_WARMUP_MS), strategy: byName('gfp-no-locks-bit'), params: {}, seed: 1 });
    expect(cold.metrics.locklessFailureRate).toBeGreaterThan(0.5);
    expect(warm.metrics.locklessFailureRate).toBeLessThan(0.05);
    expect(cold.warmup).toBeUndefined();
    expect(warm.warmup).toBeDefined();
  });

  it('counts the warm-up apart: its kvfree_rcu() calls and requests are in the warm-up figures, not in the metrics', () => {
    const sc = burst(DEFAULT_WARMUP_MS);
    const r = runOne({ scenario: sc, strategy: byName('status-quo'), params: {}, seed: 1 });
    // The calls of the stream before and after the end of the warm-up.
    const w = createWorkload(sc, 1, { cpus: 8 });
    const b = new EventBatch(4096);
    let before = 0;
    let after = 0;
    for (let n = w.next(b); n > 0; n = w.next(b)) {
      for (let i = 0; i < n; i++) if (b.op[i] === OP_KVFREE_RCU) b.time[i]! < DEFAULT_WARMUP_MS * 1e6 ? before++ : after++;
    }
    expect(before).toBeGreaterThan(0);
    expect(r.warmup!.kvfreeCalls).toBe(before);
    expect(r.metrics.kvfreeCalls).toBe(after);
    expect(r.warmup!.locklessRequests).toBeGreaterThan(0);
    // simEvents covers the whole run.
    expect(r.metrics.simEvents).toBeGreaterThan(r.warmup!.simEvents);
  });

  it('feeds every strategy the same stream, warm-up included, and runs only the steady load in it', () => {
    const sc = burst(DEFAULT_WARMUP_MS);
    const hashes = new Set(['status-quo', 'dedicated-pool', 'gfp-zero-mask'].map((n) => runOne({ scenario: sc, strategy: byName(n), params: {}, seed: 2 }).workloadHash));
    expect(hashes.size).toBe(1);
    // No burst call before the end of the warm-up: the kvfree_rcu() calls in it
    // are the Poisson ones (5000/s on 8 CPUs: about 2400 in 60 ms, not 64000).
    const w = createWorkload(sc, 2, { cpus: 8 });
    const b = new EventBatch(4096);
    let calls = 0;
    let firstAfter = Infinity;
    for (let n = w.next(b); n > 0; n = w.next(b)) {
      for (let i = 0; i < n; i++) {
        if (b.op[i] !== OP_KVFREE_RCU) continue;
        if (b.time[i]! < DEFAULT_WARMUP_MS * 1e6) calls++;
        else firstAfter = Math.min(firstAfter, b.time[i]!);
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(calls).toBeLessThan(4000);
    expect(firstAfter).toBeLessThan(DEFAULT_WARMUP_MS * 1e6 + 1000);
  });
});
