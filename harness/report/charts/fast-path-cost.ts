/**
 * Chart (b): what a strategy costs the rest of the allocator and its own
 * caller, in panels with separate axes:
 *  1. modelled (virtual ns, cost table): the ordinary order-0 allocation
 *     (ordinaryFastPathNs) and the lockless page request (locklessNs);
 *     on a log scale, so one costly scenario does not flatten the rest;
 *  2. the ordinary pcp hit rate (ordinaryPcpHitRate), as dots (close to 100%).
 * The simulator's own JS timings are a chart of their own (simulator-speed.ts).
 */
import type { ReportModel } from '../model.ts';
import { LATER_OPACITY, VEGA_LITE_SCHEMA, baseConfig, seriesColorScaleFor, valueTick, type ChartDef, type VlSpec } from './theme.ts';
import { bandLayout } from './layout.ts';

const MODELLED = [
  { metric: 'ordinaryFastPathNs', label: 'ordinary order-0 allocation' },
  { metric: 'locklessNs', label: 'lockless page request' },
] as const;

export function fastPathCostChart(m: ReportModel): ChartDef | undefined {
  const rows = m.orderedSummary();
  if (rows.length === 0) return undefined;
  const scenarios = m.scenarioNames.filter((sc) => rows.some((r) => r.scenario === sc));
  const seriesDomain = m.series.map((s) => s.label).filter((l) => rows.some((r) => m.seriesOf(r.strategy, r.variant).label === l));
  const layout = bandLayout(scenarios, seriesDomain.length, { min: 280, max: 560 });

  const modelled = rows.flatMap((row) =>
    MODELLED.flatMap(({ metric, label }) => {
      const c = row.metrics[metric];
      if (!c) return [];
      const s = m.seriesOf(row.strategy, row.variant);
      return [{ path: label, scenario: row.scenario, series: s.label, later: s.later, mean: c.mean, ciLow: Math.max(0, c.ciLow), ciHigh: c.ciHigh }];
    }),
  );
  const hit = rows.flatMap((row) => {
    const c = row.metrics.ordinaryPcpHitRate;
    if (!c) return [];
    const s = m.seriesOf(row.strategy, row.variant);
    return [{ scenario: row.scenario, series: s.label, later: s.later, mean: c.mean, ciLow: Math.max(0, c.ciLow), ciHigh: Math.min(1, c.ciHigh) }];
  });
  const drawn = seriesColorScaleFor(m, seriesDomain);
  // Log scale: one scenario's cost (debug-hooks, ~1,600 ns) would flatten every other to a sliver.
  const maxNs = Math.max(1, ...modelled.map((v) => v.ciHigh));
  const decades: number[] = [0];
  for (let p = 1; p <= maxNs * 10; p *= 10) decades.push(p);
  const costScale = { type: 'symlog', constant: 1, domain: [0, decades[decades.length - 1]!] };
  const costAxis = { values: decades, format: ',d' };

  const colorEnc = (domain: string[]): VlSpec => ({ field: 'series', type: 'nominal', title: 'strategy', scale: drawn, sort: domain, legend: { symbolType: 'square' } });
  const COST_TITLE = 'mean cost per call (virtual ns, modelled; log scale)';
  const bars = (domain: string[]): VlSpec[] => [
    {
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'mean', type: 'quantitative', title: COST_TITLE, scale: costScale, axis: costAxis },
        color: colorEnc(domain),
        opacity: LATER_OPACITY,
      },
    },
    valueTick('mean', COST_TITLE, colorEnc(domain), { scale: costScale, axis: costAxis }),
    {
      mark: { type: 'errorbar', ticks: { size: 5 }, color: '#222222', thickness: 1.1 },
      encoding: { y: { field: 'ciLow', type: 'quantitative', title: COST_TITLE, scale: costScale, axis: costAxis }, y2: { field: 'ciHigh' } },
    },
  ];

  const modelledPanel = (path: string): VlSpec => ({
    title: { text: path, fontSize: 12 },
    data: { values: modelled },
    transform: [{ filter: { field: 'path', equal: path } }],
    width: layout.width,
    height: 220,
    encoding: {
      x: { field: 'scenario', type: 'nominal', title: 'scenario', sort: scenarios, axis: { labelAngle: layout.labelAngle } },
      xOffset: { field: 'series', type: 'nominal', sort: seriesDomain, scale: { domain: seriesDomain, paddingInner: 0.08 } },
    },
    layer: bars(seriesDomain),
  });
  const panels: VlSpec[] = [
    {
      title: { text: 'modelled (virtual ns, cost table)', fontSize: 13 },
      hconcat: MODELLED.map((x) => modelledPanel(x.label)),
      spacing: 24,
      resolve: { scale: { y: 'independent' } },
    },
    {
      // Dots, not bars: hit rates sit close to 100%, so the axis does not start at 0.
      title: { text: 'ordinary pcp hit rate (exact count ratio; axis not from 0)', fontSize: 13 },
      data: { values: hit },
      width: layout.width,
      height: 200,
      encoding: {
        x: { field: 'scenario', type: 'nominal', title: 'scenario', sort: scenarios, axis: { labelAngle: layout.labelAngle } },
        xOffset: { field: 'series', type: 'nominal', sort: seriesDomain, scale: { domain: seriesDomain, paddingInner: 0.08 } },
      },
      layer: [
        {
          mark: { type: 'errorbar', ticks: { size: 5 }, color: '#222222', thickness: 1.1 },
          encoding: { y: { field: 'ciLow', type: 'quantitative', title: 'order-0 allocations served from pcplist (%)', axis: { format: '.1%' }, scale: { zero: false } }, y2: { field: 'ciHigh' } },
        },
        {
          mark: { type: 'point', filled: true, size: 60, stroke: '#333333', strokeWidth: 0.5 },
          encoding: {
            y: { field: 'mean', type: 'quantitative', title: 'order-0 allocations served from pcplist (%)', axis: { format: '.1%' }, scale: { zero: false } },
            color: colorEnc(seriesDomain),
            opacity: LATER_OPACITY,
          },
        },
      ],
    },
  ];

  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: 'Fast-path cost: what each strategy costs ordinary allocations and its own caller',
      subtitle: `Modelled virtual ns from the cost table (log scale). Mean over ${m.seedCount()} seeds, whiskers: 95% CI.`,
    },
    vconcat: panels,
    spacing: 28,
    resolve: { scale: { color: 'shared', x: 'independent', xOffset: 'independent', y: 'independent' } },
  };
  return {
    id: 'fast-path-cost',
    title: 'Fast-path cost and pcp hit rate',
    caption:
      'Top: modelled cost in virtual nanoseconds from the cost table (section "Cost table"), on a log scale (a debug scenario at ~1,600 ns would flatten the others on a linear one): an ordinary order-0 allocation including its pcp misses and slow paths (ordinaryFastPathNs), and one lockless page request under the krc raw lock (locklessNs). A thick line marks each value, so 0 shows. Bottom: the share of ordinary order-0 allocations served from a pcplist without a refill (ordinaryPcpHitRate); it falls when a strategy drains pcplists others rely on. The simulator\'s own JavaScript timings are in the "Simulator speed" section, apart from these.',
    spec,
  };
}
