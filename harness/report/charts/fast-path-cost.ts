/**
 * Chart (b): what a strategy costs the rest of the allocator and its own
 * caller. Three panels with separate axes, never mixing the two kinds of time:
 *  1. modelled (virtual ns, cost table): the ordinary order-0 allocation
 *     (ordinaryFastPathNs) and the lockless page request (locklessNs);
 *  2. the ordinary pcp hit rate (ordinaryPcpHitRate), as dots (close to 100%);
 *  3. measured (JS, this machine): ns per operation of the harness's JS
 *     model (results.measured), with the relative margin of error.
 */
import type { ReportModel } from '../model.ts';
import { LATER_OPACITY, VEGA_LITE_SCHEMA, baseConfig, seriesColorScale, seriesColorScaleFor, type ChartDef, type VlSpec } from './theme.ts';
import { bandLayout } from './layout.ts';

const MODELLED = [
  { metric: 'ordinaryFastPathNs', label: 'ordinary order-0 allocation' },
  { metric: 'locklessNs', label: 'lockless page request' },
] as const;

const TASKS = [
  { task: 'ordinary-fast-path', label: 'ordinary fast path' },
  { task: 'lockless-request', label: 'lockless page request' },
] as const;

export function fastPathCostChart(m: ReportModel): ChartDef | undefined {
  const rows = m.orderedSummary();
  if (rows.length === 0) return undefined;
  const color = seriesColorScale(m);
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
  const measured = m.results.measured.map((r) => {
    const s = m.seriesOf(r.strategy, '');
    const task = TASKS.find((t) => t.task === r.task)?.label ?? r.task;
    const half = (r.nsPerOp * r.rmePct) / 100;
    return { task, series: s.label, later: s.later, ns: r.nsPerOp, low: Math.max(0, r.nsPerOp - half), high: r.nsPerOp + half, rmePct: r.rmePct, samples: r.samples };
  });
  const measuredSeries = color.domain.filter((l) => measured.some((x) => x.series === l));
  const drawn = seriesColorScaleFor(m, [...new Set([...seriesDomain, ...measuredSeries])]);

  const colorEnc = (domain: string[]): VlSpec => ({ field: 'series', type: 'nominal', title: 'strategy', scale: drawn, sort: domain, legend: { symbolType: 'square' } });
  const bars = (yField: string, yTitle: string, format: string | undefined, lowField: string, highField: string, domain: string[]): VlSpec[] => [
    {
      mark: { type: 'bar' },
      encoding: {
        y: { field: yField, type: 'quantitative', title: yTitle, ...(format ? { axis: { format } } : {}) },
        color: colorEnc(domain),
        opacity: LATER_OPACITY,
      },
    },
    {
      mark: { type: 'errorbar', ticks: { size: 5 }, color: '#222222', thickness: 1.1 },
      encoding: { y: { field: lowField, type: 'quantitative', title: yTitle }, y2: { field: highField } },
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
    layer: bars('mean', 'mean cost per call (virtual ns, modelled)', undefined, 'ciLow', 'ciHigh', seriesDomain),
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
          encoding: { y: { field: 'ciLow', type: 'quantitative', title: 'order-0 allocations served from pcplist (%)', scale: { zero: false } }, y2: { field: 'ciHigh' } },
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
  const lower: VlSpec[] = [panels.pop()!];
  if (measured.length > 0) {
    const mLayout = bandLayout(
      TASKS.map((t) => t.label),
      measuredSeries.length,
      { min: 300, max: 620 },
    );
    lower.push({
      title: { text: 'measured (JS, this machine): not kernel time', fontSize: 13, color: '#8a4b00' },
      data: { values: measured },
      width: mLayout.width,
      height: 200,
      encoding: {
        x: { field: 'task', type: 'nominal', title: 'operation (JS model of the path)', sort: TASKS.map((t) => t.label), axis: { labelAngle: 0 } },
        xOffset: { field: 'series', type: 'nominal', sort: measuredSeries, scale: { domain: measuredSeries, paddingInner: 0.08 } },
      },
      layer: bars('ns', 'wall time per operation (ns, measured in JS)', undefined, 'low', 'high', measuredSeries),
    });
  }

  // Second row: the hit rate and, beside it on its own axis, the measured times.
  panels.push({ hconcat: lower, spacing: 40, resolve: { scale: { x: 'independent', xOffset: 'independent', y: 'independent' } } });

  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: 'Fast-path cost: what each strategy costs ordinary allocations and its own caller',
      subtitle: [
        `Modelled and measured times are on separate axes and are not comparable. Mean over ${m.seedCount()} seeds, whiskers: 95% CI;`,
        'measured whiskers: +/- the relative margin of error (tinybench rme).',
      ],
    },
    vconcat: panels,
    spacing: 28,
    resolve: { scale: { color: 'shared', x: 'independent', xOffset: 'independent', y: 'independent' } },
  };
  return {
    id: 'fast-path-cost',
    title: 'Fast-path cost and pcp hit rate',
    caption:
      'Top: modelled cost in virtual nanoseconds from the cost table (section "Cost table"): an ordinary order-0 allocation including its pcp misses and slow paths (ordinaryFastPathNs), and one lockless page request under the krc raw lock (locklessNs). Bottom left: the share of ordinary order-0 allocations served from a pcplist without a refill (ordinaryPcpHitRate); it falls when a strategy drains pcplists others rely on. Bottom right (only when the run measured it): wall time of the JavaScript model of each path on the machine that ran the harness. It is not kernel time and is never drawn on the same axis as modelled time.',
    spec,
  };
}
