/**
 * Number formatting for people: thousands separators below 100,000, SI
 * suffixes (k, M, G, T) above, ratios as percentages, changes as `+x.xx%`.
 * ASCII only, so the text summary survives any mail client.
 */
import { metricDef } from '../metrics/metric-defs.ts';

const SI: readonly [number, string][] = [
  [1e3, 'k'],
  [1e6, 'M'],
  [1e9, 'G'],
  [1e12, 'T'],
];

/** 1234 -> "1,234"; 1234567 -> "1.23M"; 12.25 -> "12.3"; 0.00123 -> "0.0012". */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  if (a >= 1e5) {
    // Three significant digits; 999,600 becomes "1.00M", never "1000k".
    for (const [f, suffix] of SI) {
      const v = a / f;
      const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
      const s = v.toFixed(digits);
      if (Number(s) < 1000 || suffix === 'T') return `${sign}${s}${suffix}`;
    }
  }
  if (a >= 100) return sign + withSeparators(Math.round(a));
  if (a >= 1) return sign + trimZeros(a.toFixed(1));
  const p = a.toPrecision(2);
  return sign + (p.includes('e') ? a.toExponential(1) : trimZeros(p));
}

/** Integer with thousands separators: 1234567 -> "1,234,567". */
export function withSeparators(n: number): string {
  const s = Math.round(Math.abs(n)).toString();
  const out = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${out}` : out;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A ratio in [0, 1] as a percentage: 0.1234 -> "12.34%"; tiny non-zero -> "<0.01%". */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0%';
  const pct = x * 100;
  if (Math.abs(pct) < 0.005) return x > 0 ? '<0.01%' : '>-0.01%';
  return `${pct.toFixed(2)}%`;
}

/** A relative change in percent: 12.345 -> "+12.35%", -3 -> "-3.00%", null -> "n/a". */
export function formatChange(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return 'n/a';
  const a = Math.abs(pct);
  const body = a < 1000 ? a.toFixed(2) : withSeparators(a);
  if (Number(body.replace(/,/g, '')) === 0) return '0.00%';
  return `${pct < 0 ? '-' : '+'}${body}%`;
}

/** A metric value in the right form for its unit (ratios as %, the rest as numbers). */
export function formatMetric(metric: string, x: number): string {
  const unit = metricDef(metric)?.unit;
  return unit === 'ratio' ? formatRate(x) : formatNumber(x);
}

/** Same, with the unit appended where it helps in HTML ("123 ns", "1,024 pages"). */
export function formatMetricWithUnit(metric: string, x: number): string {
  const def = metricDef(metric);
  if (!def || def.unit === 'ratio') return formatMetric(metric, x);
  return `${formatNumber(x)} ${def.unit}`;
}

/** Wall-clock durations: "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1000) return `${formatNumber(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m - h * 60).padStart(2, '0')} min`;
}

/** MiB as people say it: 512 -> "512 MiB", 4096 -> "4 GiB", 1536 -> "1.5 GiB". */
export function formatMiB(mib: number): string {
  if (mib >= 1024) return `${trimZeros((mib / 1024).toFixed(1))} GiB`;
  return `${formatNumber(mib)} MiB`;
}

/**
 * The direction convention of every table (mmtests prints gains so that
 * better is positive): one line for each table's legend.
 */
export const DIRECTION_TEXT =
  'Changes against status-quo are gains: + is better, - is worse, whichever way the metric goes (a lower failure rate shows as +); {+x.xx%} in braces: a metric with no better direction, the plain change of the value (+ = more).';

/** How the intervals are computed (harness/analysis/stats.ts, meanBootstrapCi95): one line for each table's legend. */
export const INTERVAL_TEXT =
  "Intervals: 95% bootstrap percentile intervals of the mean across seeds (exact: every resample, up to 8 seeds); they lie within the seeds' values, so counts never go below 0. Significance: no mark where both sides are constant across seeds or the change is 0.";

/**
 * The change shown in a table cell, from the relative change of the mean in
 * percent: "(+x.xx%)" as a gain (gainOf in harness/analysis/summarize.ts)
 * for a metric with a better direction, "{+x.xx%}" plain for one without,
 * "(n/a)" when there is no relative change (status-quo's mean is 0).
 */
export function formatCellChange(metric: string, changePct: number | null): string {
  if (changePct === null || !Number.isFinite(changePct)) return '(n/a)';
  const better = metricDef(metric)?.better ?? 'none';
  if (better === 'none') return `{${formatChange(changePct)}}`;
  return `(${formatChange(better === 'higher' ? changePct : -changePct)})`;
}

/** A change is marked significant only when it is and does not show as 0.00%. */
export function showsSignificant(ch: { readonly significant: boolean; readonly changePct: number | null }): boolean {
  return ch.significant && formatChange(ch.changePct) !== '0.00%';
}
