import { describe, expect, it } from 'vitest';
import { percentChange } from '../../harness/util/percent-change.ts';

describe('percentChange', () => {
  it('is (current - baseline) / |baseline| in percent', () => {
    expect(percentChange(110, 100)).toBeCloseTo(10, 12);
    expect(percentChange(90, 100)).toBeCloseTo(-10, 12);
    // A negative baseline: the sign says the direction of the move, not the baseline's sign.
    expect(percentChange(-90, -100)).toBeCloseTo(10, 12);
  });
  it('0 -> 0 is no change, x -> 0 is 100% down, 0 -> x has no finite relative change', () => {
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(0, 5)).toBe(-100);
    expect(percentChange(5, 0)).toBeNull();
  });
});
