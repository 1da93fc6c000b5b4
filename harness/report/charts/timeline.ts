/**
 * Chart (e): one scenario over virtual time, one line per strategy: free
 * pages against the zone watermarks (min/low/high, summed over zones), pages
 * on the pcplists, pages held in reserves, and cumulative failures (lockless
 * requests solid, ordinary allocations dashed). The scenario shown is the one
 * with the highest mean lockless failure rate among those with timelines.
 */
import type { TimelineRow } from '../../results/schema.ts';
import { formatNumber } from '../format.ts';
import type { ReportModel } from '../model.ts';
import { VEGA_LITE_SCHEMA, baseConfig, seriesColorScale, seriesColorScaleFor, type ChartDef, type VlSpec } from './theme.ts';

const MAX_POINTS = 400;

/** The scenario the timeline chart shows, or undefined when the run recorded none. */
export function timelineScenario(m: ReportModel): string | undefined {
  const withTl = m.scenarioNames.filter((sc) => m.results.timelines.some((t) => t.scenario === sc));
  for (const t of m.results.timelines) if (!withTl.includes(t.scenario)) withTl.push(t.scenario);
  let best: string | undefined;
  let bestRate = -1;
  for (const sc of withTl) {
    const rates = m.rowsOf(sc).map((r) => r.metrics.locklessFailureRate?.mean ?? 0);
    const mean = rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : 0;
    if (mean > bestRate) {
      best = sc;
      bestRate = mean;
    }
  }
  return best;
}

export function timelineChart(m: ReportModel): ChartDef | undefined {
  const scenario = timelineScenario(m);
  if (scenario === undefined) return undefined;
  // One timeline per series (the lowest seed), in series order.
  const picked: TimelineRow[] = [];
  for (const s of m.series) {
    const tls = m.results.timelines.filter((t) => t.scenario === scenario && t.strategy === s.strategy && t.variant === s.variant).sort((a, b) => a.seed - b.seed);
    if (tls[0]) picked.push(tls[0]);
  }
  const first = picked[0];
  if (!first) return undefined;

  const values: Record<string, unknown>[] = [];
  for (const t of picked) {
    const s = m.seriesOf(t.strategy, t.variant);
    const n = t.timeMs.length;
    const step = Math.max(1, Math.ceil(n / MAX_POINTS));
    const idx: number[] = [];
    for (let i = 0; i < n; i += step) idx.push(i);
    if (n > 0 && idx[idx.length - 1] !== n - 1) idx.push(n - 1);
    for (const i of idx) {
      const at = (arr: readonly number[]): number | null => arr[i] ?? null;
      const t0 = t.timeMs[i];
      const row: Record<string, unknown> = { t: t0 === undefined ? null : Math.round(t0 * 1000) / 1000, series: s.label, later: s.later, free: at(t.freePages), pcp: at(t.pcpPages), reserved: at(t.reservedPages), lf: at(t.locklessFailures), of: at(t.ordinaryFailures) };
      t.zones.forEach((z, zi) => (row[`z${zi}`] = at(z.freePages)));
      values.push(row);
    }
  }
  // One label per watermark when they are far enough apart on a 150 px axis,
  // else one label for the three (they would overprint each other).
  const wmLayersFor = (wm: { min: number; low: number; high: number }, free: readonly number[]): VlSpec[] => {
    const yMax = Math.max(wm.high, ...free);
    const apart = yMax > 0 && (Math.min(wm.low - wm.min, wm.high - wm.low) / yMax) * 150 >= 12;
    const watermarks = [
      { wm: 'min watermark', v: wm.min },
      { wm: 'low watermark', v: wm.low },
      { wm: 'high watermark', v: wm.high },
    ];
    const wmLabels = apart
      ? watermarks.map((w) => ({ ...w, label: `${w.wm} ${formatNumber(w.v)}` }))
      : [{ wm: 'watermarks', v: wm.high, label: `watermarks (dashed): min ${formatNumber(wm.min)}, low ${formatNumber(wm.low)}, high ${formatNumber(wm.high)}` }];
    return [
      {
        data: { values: watermarks },
        mark: { type: 'rule', color: '#555555', strokeDash: [5, 4], strokeWidth: 1 },
        encoding: { y: { field: 'v', type: 'quantitative', title: 'free pages (4 KiB pages)' } },
      },
      {
        data: { values: wmLabels },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10, color: '#333333' },
        encoding: { y: { field: 'v', type: 'quantitative', title: 'free pages (4 KiB pages)' }, x: { value: 0 }, text: { field: 'label', type: 'nominal' } },
      },
    ];
  };
  const domain = seriesColorScale(m).domain.filter((l) => picked.some((t) => m.seriesOf(t.strategy, t.variant).label === l));
  const color = seriesColorScaleFor(m, domain);
  const width = 720;
  const x = { field: 't', type: 'quantitative', title: 'virtual time (ms)', axis: { labelFlush: true } };
  const colorEnc = { field: 'series', type: 'nominal', title: 'strategy', scale: color, sort: domain };
  const linePanel = (field: string, title: string, yTitle: string, extra: VlSpec[] = []): VlSpec => ({
    title: { text: title, fontSize: 13 },
    width,
    height: 150,
    layer: [
      {
        data: { name: 'timeline' },
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after' },
        encoding: { x, y: { field, type: 'quantitative', title: yTitle, axis: { format: ',d' } }, color: colorEnc, strokeOpacity: { condition: { test: 'datum.later', value: 0.6 }, value: 1 } },
      },
      ...extra,
    ],
  });
  // Free pages per zone against that zone's own watermarks (older results
  // have only the sums).
  const freePanels: VlSpec[] =
    first.zones.length > 0
      ? first.zones.map((z, zi) =>
          linePanel(`z${zi}`, `zone ${z.name}: free pages against its watermarks`, 'free pages (4 KiB pages)', wmLayersFor(z.watermarks, picked.flatMap((t) => t.zones[zi]?.freePages ?? []))),
        )
      : [linePanel('free', 'free pages against the watermarks (summed over the zones)', 'free pages (4 KiB pages)', wmLayersFor(first.watermarks, picked.flatMap((t) => t.freePages)))];
  const failures: VlSpec = {
    title: { text: 'cumulative failures', fontSize: 13 },
    width,
    height: 150,
    data: { name: 'timeline' },
    transform: [
      { fold: ['lf', 'of'], as: ['which', 'v'] },
      { calculate: "datum.which === 'lf' ? 'lockless page requests' : 'ordinary allocations'", as: 'kind' },
    ],
    mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after' },
    encoding: {
      x,
      y: { field: 'v', type: 'quantitative', title: 'failures since start (count)', axis: { format: ',d' } },
      color: colorEnc,
      strokeDash: { field: 'kind', type: 'nominal', title: 'failed', sort: ['lockless page requests', 'ordinary allocations'], scale: { domain: ['lockless page requests', 'ordinary allocations'], range: [[1, 0], [5, 3]] } },
      strokeOpacity: { condition: { test: 'datum.later', value: 0.6 }, value: 1 },
    },
  };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: `Timeline of scenario ${scenario}`,
      subtitle: `Seed ${first.seed}, one line per strategy, sampled ${first.timeMs.length} times over the measured run (virtual time from the end of the warm-up).`,
    },
    // The samples once (one row per sample and strategy), shared by the panels.
    datasets: { timeline: values },
    vconcat: [
      ...freePanels,
      linePanel('pcp', 'pages on the pcplists (all CPUs)', 'pcp pages (4 KiB pages)'),
      linePanel('reserved', "pages held in the strategy's reserves (pool level)", 'reserved pages (4 KiB pages)'),
      failures,
    ],
    spacing: 22,
    resolve: { scale: { color: 'shared', x: 'shared' } },
  };
  return {
    id: 'timeline',
    title: `Timeline: ${scenario}`,
    caption: `Scenario ${scenario}, chosen as the scenario with timelines where the strategies' mean lockless failure rate is highest. Free pages of each populated zone (its NR_FREE_PAGES) against that zone's min/low/high, pages on all pcplists, pages held in reserves (a pool or a cache), and failures counted from the start: lockless page requests (solid) and ordinary allocations (dashed).`,
    spec,
  };
}
