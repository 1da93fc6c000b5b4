/**
 * Identical work, proven; same seed, same numbers; and the claims each
 * strategy declares (StrategyDefinition.claims) hold in every built-in
 * scenario (short runs, invariants checked as they go).
 */
import { describe, expect, it } from 'vitest';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { BUILTIN_SCENARIOS, loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import type { Scenario } from '../../harness/workload/scenario-schema.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { strategyAvailableOn } from '../../harness/core/index.ts';
import { expectClaimsHold } from '../helpers/strategy-claims.ts';

const strategies = await loadStrategies();
/** The strategies that exist on the scenario's kernel (alloc-pages-nolock needs 6.15). */
const on = (scenario: Scenario) => strategies.filter((s) => strategyAvailableOn(s, scenario.kernel.profile).ok);
/** The scenario cut to about `ms` of virtual time (long enough to reach its first pressure phase). */
const short = (name: string, ms = 60) => {
  const s = loadBuiltinScenario(name);
  const firstPhase = Math.min(...s.workload.pressure.map((p) => p.startMs + 30), Infinity);
  return applySet(s, 'run.durationMs', String(Math.max(ms, Number.isFinite(firstPhase) ? firstPhase : 0)), 'test');
};

describe('simulator', () => {
  it('feeds every strategy the same events (same workloadHash) for a scenario and seed', () => {
    const scenario = short('steady');
    const hashes = new Set(on(scenario).map((s) => runOne({ scenario, strategy: s, params: {}, seed: 7 }).workloadHash));
    expect(hashes.size).toBe(1);
    const other = runOne({ scenario, strategy: strategies[0]!, params: {}, seed: 8 }).workloadHash;
    expect(hashes.has(other)).toBe(false);
  });

  it('gives the same metrics for the same seed, twice', () => {
    const scenario = short('memory-pressure', 120);
    for (const s of on(scenario)) {
      const a = runOne({ scenario, strategy: s, params: {}, seed: 3 }).metrics;
      const b = runOne({ scenario, strategy: s, params: {}, seed: 3 }).metrics;
      expect({ ...a, simWallMs: 0 }).toEqual({ ...b, simWallMs: 0 });
    }
  });

  it('gives the same metrics on a reused frame table as on new arrays (core.release() keeps one per thread)', () => {
    const small = short('memory-pressure', 120); // 2 GiB
    const other = short('steady', 20); // 4 GiB: its table replaces the spare
    for (const s of on(small).filter((x) => on(other).includes(x))) {
      runOne({ scenario: other, strategy: s, params: {}, seed: 1 });
      const fresh = runOne({ scenario: small, strategy: s, params: {}, seed: 5, checkInvariantsEvery: 5000 }).metrics;
      const reused = runOne({ scenario: small, strategy: s, params: {}, seed: 5, checkInvariantsEvery: 5000 }).metrics;
      expect({ ...reused, simWallMs: 0 }).toEqual({ ...fresh, simWallMs: 0 });
    }
  });

  for (const name of BUILTIN_SCENARIOS) {
    it(`${name}: invariants hold throughout, and every strategy's declared claims hold`, () => {
      const scenario = short(name, 40);
      for (const s of on(scenario)) {
        const r = runOne({ scenario, strategy: s, params: {}, seed: 1, checkInvariantsEvery: 2000 });
        expectClaimsHold(s, r, `${s.name} in ${name}`);
        expect(r.metrics.simEvents).toBeGreaterThan(0);
      }
    });
  }
});
