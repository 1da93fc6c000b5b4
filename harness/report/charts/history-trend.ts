/**
 * The history report's chart: one metric across the stored runs. x = the runs
 * in time order, labelled by short git commit and date; y = the metric's mean
 * over seeds with its 95% CI as a vertical rule; one line per strategy
 * (variant "" only); one small panel per scenario (facet, independent y
 * scales, so a scenario with large values does not flatten the others). A
 * step change (analysis/history.ts) is ringed with a black diamond.
 */
import { metricDef } from '../../metrics/metric-defs.ts';
import type { HistoryModel, MetricHistory } from '../../analysis/history.ts';
import { LATER_OPACITY, VEGA_LITE_SCHEMA, baseConfig, strategyColor, type ChartDef, type VlSpec } from './theme.ts';

export const STEP_MARKER = 'step change';

/** y-axis title of a metric: its unit and kind, short enough for a 170 px panel ("ns (modelled)", "ms (measured)"). */
export function metricAxisTitle(metric: string): string {
  const d = metricDef(metric);
  if (!d) return metric;
  const unit = d.unit === 'ratio' ? '%' : d.unit;
  const kind = d.kind === 'wall' ? 'measured' : d.kind;
  return `${unit} (${kind})`;
}

export function historyTrendChart(h: HistoryModel, mh: MetricHistory): ChartDef {
  const def = metricDef(mh.metric);
  const ratio = def?.unit === 'ratio';
  const runLabels = h.runs.map((r) => r.label);
  const values: Record<string, unknown>[] = [];
  for (const s of mh.series) {
    const info = h.strategyInfo(s.strategy);
    for (const p of s.points) {
      if (!Number.isFinite(p.mean)) continue;
      const run = h.runs[p.run]!;
      const lo = Number.isFinite(p.ciLow) ? p.ciLow : p.mean;
      const hi = Number.isFinite(p.ciHigh) ? p.ciHigh : p.mean;
      values.push({
        scenario: s.scenario,
        strategy: info.label,
        later: info.later,
        run: run.label,
        mean: p.mean,
        // Counts and ratios cannot go below 0 (nor a ratio above 1): clip the interval, not the mean.
        ciLow: def && def.kind !== 'wall' ? Math.max(0, lo) : lo,
        ciHigh: ratio ? Math.min(1, hi) : hi,
        n: p.n,
        step: p.step !== undefined,
        marker: STEP_MARKER,
      });
    }
  }
  const scenarios = h.scenarioOrder.filter((sc) => mh.series.some((s) => s.scenario === sc));
  const strategies = h.strategyOrder.filter((st) => mh.series.some((s) => s.strategy === st));
  const color = { domain: strategies.map((st) => h.strategyInfo(st).label), range: strategies.map(strategyColor) };
  // Every run gets a label while they fit (vertical when they do not fit flat); past ~20 runs vega drops some (greedy).
  const width = Math.min(600, Math.max(260, runLabels.length * 30));
  const longest = Math.max(0, ...runLabels.map((l) => l.length));
  const labelAngle = longest * 7 > width / Math.max(1, runLabels.length) - 6 ? -90 : 0;
  const maxAbs = Math.max(0, ...values.map((v) => Math.max(Math.abs(v.mean as number), Math.abs(v.ciHigh as number))));
  const yFormat = ratio ? '.2~%' : maxAbs >= 1e5 ? '.3~s' : ',.4~r';
  const columns = scenarios.length <= 1 ? 1 : width > 400 ? 2 : Math.min(3, scenarios.length);
  const yTitle = metricAxisTitle(mh.metric);
  const y = (field: string): VlSpec => ({ field, type: 'quantitative', title: yTitle, scale: { zero: false }, axis: { format: yFormat } });
  const colorEnc = { field: 'strategy', type: 'nominal', title: 'strategy', scale: color, sort: color.domain };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: `${mh.metric} across runs`,
      subtitle: [
        `${def?.description ?? ''}`.trim(),
        `Mean over the seeds of each run; rules: 95% CI (Student's t). Black diamonds: step changes (table below). One panel per scenario, own y axis.`,
      ],
    },
    data: { values },
    facet: { field: 'scenario', type: 'nominal', title: null, sort: scenarios, header: { labelFontWeight: 'bold', labelAnchor: 'start' } },
    columns,
    spacing: { row: 24, column: 36 },
    spec: {
      width,
      height: 170,
      encoding: { x: { field: 'run', type: 'ordinal', title: 'run (git commit, date), oldest first', sort: runLabels, scale: { domain: runLabels }, axis: { labelAngle, labelLimit: 400, labelOverlap: 'greedy', labelPadding: 4 } } },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.4, opacity: 0.55 }, encoding: { y: y('ciLow'), y2: { field: 'ciHigh' }, color: colorEnc } },
        { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { y: y('mean'), color: colorEnc, strokeOpacity: LATER_OPACITY } },
        { mark: { type: 'point', filled: true, size: 36 }, encoding: { y: y('mean'), color: colorEnc, opacity: LATER_OPACITY } },
        {
          // Every point gets the ring, visible only on step changes: a filtered (possibly empty) layer would give vega an empty extent.
          mark: { type: 'point', filled: false, size: 190, strokeWidth: 1.8, color: '#000000' },
          encoding: {
            y: y('mean'),
            strokeOpacity: { condition: { test: 'datum.step', value: 1 }, value: 0 },
            shape: { field: 'marker', type: 'nominal', title: 'marker', scale: { domain: [STEP_MARKER], range: ['diamond'] }, legend: { symbolStrokeColor: '#000000', symbolFillColor: 'transparent' } },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
  const kindText =
    def?.kind === 'wall'
      ? `It is measured on the machine that ran each run (noisy): a step is a change with Welch's t-test p < ${h.alpha} across seeds and beyond a ${h.noiseFloorPct}% noise floor.`
      : `It is ${def?.kind ?? 'exact'} (deterministic for a seed): a step is any change of the per-seed values between two runs with the same seeds.`;
  return {
    id: `history-${mh.metric}`,
    title: `${mh.metric} across runs`,
    caption: `${def?.description ?? ''} ${kindText} x: the ${h.runs.length} runs in time order, labelled by short git commit (+ when the tree had uncommitted changes) and date. One line per strategy, one panel per scenario.`.trim(),
    spec,
  };
}
