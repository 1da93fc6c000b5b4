/**
 * The simulator's own speed: ns per operation of the harness's JavaScript
 * model of each path (results.measured, tinybench), with the relative margin
 * of error. JS time on the machine that ran the harness, not kernel time: it
 * has a section of its own in the report, apart from the modelled costs.
 */
import type { ReportModel } from '../model.ts';
import { bandLayout } from './layout.ts';
import { LATER_OPACITY, VEGA_LITE_SCHEMA, baseConfig, seriesColorScaleFor, valueTick, type ChartDef } from './theme.ts';

const TASKS = [
  { task: 'ordinary-fast-path', label: 'ordinary fast path' },
  { task: 'lockless-request', label: 'lockless page request' },
] as const;

export function simulatorSpeedChart(m: ReportModel): ChartDef | undefined {
  const measured = m.results.measured.map((r) => {
    const s = m.seriesOf(r.strategy, '');
    const task = TASKS.find((t) => t.task === r.task)?.label ?? r.task;
    const half = (r.nsPerOp * r.rmePct) / 100;
    return { task, series: s.label, later: s.later, ns: r.nsPerOp, low: Math.max(0, r.nsPerOp - half), high: r.nsPerOp + half, rmePct: r.rmePct, samples: r.samples };
  });
  if (measured.length === 0) return undefined;
  const seriesDomain = m.series.map((s) => s.label).filter((l) => measured.some((x) => x.series === l));
  const tasks = [...TASKS.map((t) => t.label as string), ...new Set(measured.map((x) => x.task))].filter((t, i, a) => a.indexOf(t) === i && measured.some((x) => x.task === t));
  const layout = bandLayout(tasks, seriesDomain.length, { min: 300, max: 620 });
  const colorEnc = { field: 'series', type: 'nominal', title: 'strategy', scale: seriesColorScaleFor(m, seriesDomain), sort: seriesDomain, legend: { symbolType: 'square' } };
  const Y = 'wall time per operation (ns, measured in JS)';
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: "Simulator speed: the JS model's own time per operation (this machine)",
      subtitle: 'Not kernel time, and not comparable with the modelled virtual ns. Whiskers: +/- the relative margin of error (tinybench rme).',
      color: '#8a4b00',
    },
    data: { values: measured },
    width: layout.width,
    height: 220,
    encoding: {
      x: { field: 'task', type: 'nominal', title: 'operation (JS model of the path)', sort: tasks, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: seriesDomain, scale: { domain: seriesDomain, paddingInner: 0.08 } },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: { field: 'ns', type: 'quantitative', title: Y }, color: colorEnc, opacity: LATER_OPACITY } },
      valueTick('ns', Y, colorEnc),
      { mark: { type: 'errorbar', ticks: { size: 5 }, color: '#222222', thickness: 1.1 }, encoding: { y: { field: 'low', type: 'quantitative', title: Y }, y2: { field: 'high' } } },
    ],
  };
  return {
    id: 'simulator-speed',
    title: 'Simulator speed (JS, this machine)',
    section: 'simulator',
    caption:
      'Wall time of the JavaScript model of each path on the machine that ran the harness (tinybench, `--no-measure` skips it): how fast the simulator is, nothing about a kernel. The modelled costs of the same paths, in virtual ns, are in the "Fast-path cost" chart.',
    spec,
  };
}
