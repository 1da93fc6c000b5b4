/**
 * Chart (a): lockless page-request failure rate per strategy x scenario, the
 * mean over seeds with its 95% confidence interval (the summary's ciLow/ciHigh,
 * Student's t) as error bars.
 */
import type { ReportModel } from '../model.ts';
import { LATER_OPACITY, RATE_AXIS, VEGA_LITE_SCHEMA, baseConfig, seriesColorScaleFor, valueTick, type ChartDef } from './theme.ts';

const Y_TITLE = 'lockless failure rate (% of page requests)';
import { bandLayout } from './layout.ts';

export function failureRateChart(m: ReportModel): ChartDef | undefined {
  const values = m.orderedSummary().flatMap((row) => {
    const c = row.metrics.locklessFailureRate;
    if (!c) return [];
    const s = m.seriesOf(row.strategy, row.variant);
    return [{ scenario: row.scenario, series: s.label, later: s.later, mean: c.mean, ciLow: Math.max(0, c.ciLow), ciHigh: Math.min(1, c.ciHigh), n: c.n }];
  });
  if (values.length === 0) return undefined;
  const seriesDomain = m.series.map((s) => s.label).filter((l) => values.some((v) => v.series === l));
  const scenarios = m.scenarioNames.filter((sc) => values.some((v) => v.scenario === sc));
  const layout = bandLayout(scenarios, seriesDomain.length, { min: 480, max: 1000 });
  const color = seriesColorScaleFor(m, seriesDomain);
  const colorEnc = { field: 'series', type: 'nominal', title: 'strategy', scale: color, sort: seriesDomain, legend: { symbolType: 'square' } };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: 'Lockless page-request failure rate',
      subtitle: `Share of kvfree_rcu() page requests that got no page; mean over ${m.seedCount()} seeds, error bars: 95% CI (Student's t). Lower is better.`,
    },
    data: { values },
    width: layout.width,
    height: 300,
    encoding: {
      x: { field: 'scenario', type: 'nominal', title: 'scenario', sort: scenarios, axis: { labelAngle: layout.labelAngle, labelLimit: 400 } },
      xOffset: { field: 'series', type: 'nominal', sort: seriesDomain, scale: { paddingInner: 0.08 } },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: Y_TITLE, axis: RATE_AXIS },
          color: colorEnc,
          opacity: LATER_OPACITY,
        },
      },
      valueTick('mean', Y_TITLE, colorEnc, { axis: RATE_AXIS }),
      {
        mark: { type: 'errorbar', ticks: { size: 6 }, color: '#222222', thickness: 1.2 },
        encoding: {
          y: { field: 'ciLow', type: 'quantitative', title: Y_TITLE, axis: RATE_AXIS },
          y2: { field: 'ciHigh' },
        },
      },
    ],
  };
  return {
    id: 'failure-rate',
    title: 'Lockless failure rate per strategy and scenario',
    caption:
      "Bars: the mean failure rate (a thick line marks the value, so a rate of 0% shows as a line on the axis, not as a missing bar) of the lockless page request (locklessFailureRate) over the seeds; whiskers: its 95% confidence interval (clipped to [0, 100%]). Non-overlapping whiskers between a strategy and status-quo usually coincide with a significant change in the tables (Welch's t-test, p < 0.05).",
    spec,
  };
}
