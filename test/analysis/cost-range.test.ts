/**
 * The cost table's documented ranges, and the --cost-range verdict: does a
 * conclusion flip anywhere inside them (harness/analysis/cost-range.ts)?
 */
import { describe, expect, it } from 'vitest';
import { COST_RANGE_TIE, costCorners, costRangeVerdict, locklessNsMeans } from '../../harness/analysis/cost-range.ts';
import { COST_KEYS, COST_RANGES, COST_TABLE_SOURCES, resolveCostTable } from '../../harness/core/cost-table.ts';

describe('cost ranges', () => {
  it('every entry has a source and a range with low <= default <= high and a reason', () => {
    for (const k of COST_KEYS) {
      const r = COST_RANGES[k];
      const d = COST_TABLE_SOURCES[k];
      expect(d.source.length, k).toBeGreaterThan(20);
      expect(r.low, k).toBeGreaterThan(0);
      expect(r.low, k).toBeLessThanOrEqual(d.ns);
      expect(d.ns, k).toBeLessThanOrEqual(r.high);
      expect(r.why.length, k).toBeGreaterThan(10);
    }
    expect(Object.keys(COST_RANGES).sort()).toEqual([...COST_KEYS].sort());
  });

  it('covers the published order-0 alloc+free figures: 90 ns (time_bench_sample.c, scaled) is inside the pcpListOp range', () => {
    const t = resolveCostTable();
    const pair = (pcpListOp: number): number => 2 * t.irqSaveRestore + t.watermarkCheck + t.prepNewPage + 2 * pcpListOp;
    expect(pair(t.pcpListOp)).toBeCloseTo(48, 0);
    expect(pair(COST_RANGES.pcpListOp.high)).toBeGreaterThanOrEqual((141 * 9.443) / 14.84);
  });

  it('corners are full, valid cost tables and deterministic', () => {
    const corners = costCorners(3);
    expect(corners.map((c) => c.name.replace(/ \(.*/, ''))).toEqual(['all-low', 'all-high', 'mix-1', 'mix-2', 'mix-3']);
    expect(costCorners(3)).toEqual(corners);
    for (const c of corners) {
      expect(Object.keys(c.overrides).length).toBe(COST_KEYS.length);
      const t = resolveCostTable(c.overrides, 'test');
      for (const k of COST_KEYS) expect([COST_RANGES[k].low, COST_RANGES[k].high]).toContain(t[k]);
    }
  });
});

describe('costRangeVerdict', () => {
  const base = { s1: { a: 10, b: 20, c: 30 }, s2: { a: 50, b: 40 } };

  it('says nothing flips when every corner keeps the order (or moves within the tie band)', () => {
    const r = costRangeVerdict(base, [
      { name: 'all-low', means: { s1: { a: 5, b: 12, c: 20 }, s2: { a: 30, b: 20 } } },
      { name: 'all-high', means: { s1: { a: 20, b: 20.5, c: 50 }, s2: { a: 41, b: 40 } } },
    ]);
    expect(r.flips).toEqual([]);
    expect(r.verdict).toMatch(/^cost ranges: no conclusion flips within the ranges \(2 corners: all-low, all-high/);
  });

  it('names the scenario, the strategies and the corner of a flip', () => {
    const r = costRangeVerdict(base, [
      { name: 'all-low', means: { s1: { a: 10, b: 20, c: 30 }, s2: { a: 50, b: 40 } } },
      { name: 'all-high', means: { s1: { a: 25, b: 20, c: 30 }, s2: { a: 50, b: 40 } } },
    ]);
    expect(r.flips.map((f) => f.text)).toEqual(['s1: cheapest a -> b at corner all-high', 's1: a < b becomes a > b at corner all-high']);
    expect(r.verdict).toBe('cost ranges: 2 conclusion(s) flip within the ranges, first s1: cheapest a -> b at corner all-high (all in results.json, costRange)');
  });

  it('treats differences within the tie band as ties', () => {
    const close = { s: { a: 100, b: 100 * (1 + COST_RANGE_TIE / 2) } };
    const r = costRangeVerdict(close, [{ name: 'x', means: { s: { a: 110, b: 100 } } }]);
    expect(r.flips).toEqual([]);
  });

  it('means skip sweep points and strategies that made no request', () => {
    const m = locklessNsMeans([
      { scenario: 's', strategy: 'a', variant: '', metrics: { locklessNs: 10, locklessRequests: 5 } },
      { scenario: 's', strategy: 'a', variant: '', metrics: { locklessNs: 20, locklessRequests: 5 } },
      { scenario: 's', strategy: 'a', variant: 'x=1', metrics: { locklessNs: 99, locklessRequests: 5 } },
      { scenario: 's', strategy: 'b', variant: '', metrics: { locklessNs: 0, locklessRequests: 0 } },
    ]);
    expect(m).toEqual({ s: { a: 15 } });
  });
});
