/**
 * Checks the claims a strategy declares (StrategyDefinition.claims) against
 * one run of it: every test that runs strategies checks the same promises,
 * read from the strategies themselves, never from a hand-written list.
 */
import { expect } from 'vitest';
import { STRATEGY_CLAIMS, type StrategyDefinition } from '../../harness/core/strategy-api.ts';
import type { RunResult } from '../../harness/sim/simulator.ts';

/** How each claim is checked against a run's metrics (one entry per StrategyClaims key). */
const CHECKS: Record<(typeof STRATEGY_CLAIMS)[number], (r: RunResult, label: string) => void> = {
  noZoneLockInRequest: (r, label) => expect(r.metrics.zoneLockInLockless, `${label}: claims noZoneLockInRequest`).toBe(0),
};

/** Asserts every claim `strategy` declares true holds in run `r`; returns how many were checked. */
export function expectClaimsHold(strategy: Pick<StrategyDefinition, 'name' | 'claims'>, r: RunResult, label = strategy.name): number {
  let n = 0;
  for (const claim of STRATEGY_CLAIMS) {
    if (strategy.claims?.[claim] !== true) continue;
    CHECKS[claim](r, label);
    n++;
  }
  return n;
}
