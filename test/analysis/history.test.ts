/**
 * The history model (harness/analysis/history.ts): step changes between
 * consecutive stored runs, and which pairs are not compared.
 */
import { describe, expect, it } from 'vitest';
import { buildHistory, historyRunFrom, type HistoryModel } from '../../harness/analysis/history.ts';
import type { Results } from '../../harness/results/schema.ts';
import { historySampleRun as run } from '../helpers/history-runs.ts';

describe('step detection', () => {
  const model = (runs: Results[], metrics: string[]): HistoryModel => buildHistory(runs.map((r) => historyRunFrom(r, metrics)), { metrics });

  it('a wall metric steps only when significant and beyond the noise floor', () => {
    const slower = (f: number) => (r: Results): void => {
      for (const row of r.runs) row.metrics.simWallMs *= f;
    };
    const h = model([run('a', '2025-11-20T00:00:00Z', 'a1'), run('b', '2025-11-21T00:00:00Z', 'b1', slower(1.5)), run('c', '2025-11-22T00:00:00Z', 'c1', slower(1.51))], ['simWallMs']);
    const steps = h.metrics[0]!.steps;
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.toRun === 1 && s.test === 'welch' && s.verdict === 'regressed')).toBe(true);
  });

  it('an exact metric steps on any real change, not on floating-point noise (the rule compare --baseline uses)', () => {
    const scaled = (f: number) => (r: Results): void => {
      for (const row of r.runs) row.metrics.reservedPagesMean = row.metrics.reservedPagesMean * f + (f === 1 ? 0 : 0.5);
    };
    const noise = (r: Results): void => {
      for (const row of r.runs) row.metrics.reservedPagesMean *= 1 + 1e-13;
    };
    const h = model([run('a', '2025-11-20T00:00:00Z', 'a1'), run('b', '2025-11-21T00:00:00Z', 'b1', noise), run('c', '2025-11-22T00:00:00Z', 'c1', scaled(1.5))], ['reservedPagesMean']);
    const steps = h.metrics[0]!.steps;
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.toRun === 2 && s.test === 'exact' && s.seedsChanged! > 0)).toBe(true);
    expect(h.metrics[0]!.compared).toBeGreaterThan(steps.length);
  });

  it('runs with different seeds are not compared for exact metrics, and the reason is given', () => {
    const fewer = (r: Results): void => {
      r.runs = r.runs.filter((x) => x.seed !== 3);
      r.config.seeds = [1, 2];
    };
    const h = model([run('a', '2025-11-20T00:00:00Z', 'a1'), run('b', '2025-11-21T00:00:00Z', 'b1', fewer)], ['invalidWaitContext']);
    const mh = h.metrics[0]!;
    expect(mh.steps).toHaveLength(0);
    expect(mh.notCompared[0]?.reason).toContain('seeds differ');
  });

  it('labels equal commits and dates apart', () => {
    const h = model([run('a', '2025-11-20T01:00:00Z', 'a1'), run('b', '2025-11-20T02:00:00Z', 'a1')], ['locklessFailureRate']);
    expect(h.runs.map((r) => r.label)).toEqual(['a1 2025-11-20 01:00', 'a1 2025-11-20 02:00']);
    expect(model([run('a', '2025-11-20T01:00:00Z', 'a1'), run('b', '2025-11-20T01:00:05Z', 'a1'), run('c', '2025-11-21T01:00:05Z', 'a1')], ['locklessFailureRate']).runs.map((r) => r.label)).toEqual(['a1 2025-11-20 01:00:00', 'a1 2025-11-20 01:00:05', 'a1 2025-11-21']);
  });
});
