/**
 * (current - baseline) / |baseline| in percent: the relative change every
 * comparison of the project prints (against status-quo, against a
 * --baseline, between history runs, model against kernel). 0 when both are
 * 0; null when only the baseline is 0 (no finite relative change).
 */
export function percentChange(current: number, baseline: number): number | null {
  if (baseline === 0) return current === 0 ? 0 : null;
  return ((current - baseline) / Math.abs(baseline)) * 100;
}
