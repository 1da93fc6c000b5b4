/**
 * Chart (c): the trade-off the thread argued about: lockless failure rate
 * against memory held idle in reserves. Runs at sweep points (e.g.
 * `--sweep dedicated-pool.poolPages=4,16,64`) are joined into one curve per
 * strategy, labelled with the swept value; every other run is a point. One
 * panel per scenario.
 */
import { variantShort, variantValue, type ReportModel } from '../model.ts';
import { LATER_OPACITY, RATE_AXIS, VEGA_LITE_SCHEMA, baseConfig, strategyColorScale, strategyLabel, type ChartDef } from './theme.ts';

export function failureVsReserveChart(m: ReportModel): ChartDef | undefined {
  const values = m.orderedSummary().flatMap((row) => {
    const rate = row.metrics.locklessFailureRate;
    const reserved = row.metrics.reservedPagesMean;
    if (!rate || !reserved) return [];
    const s = m.seriesOf(row.strategy, row.variant);
    const sweep = row.variant !== '';
    return [
      {
        scenario: row.scenario,
        strategy: strategyLabel(m, row.strategy),
        series: s.label,
        later: s.later,
        kind: sweep ? 'sweep point' : 'run with its defaults',
        sweep,
        point: sweep ? variantValue(row.variant) : '',
        variant: sweep ? variantShort(row.strategy, row.variant) : '',
        reserved: reserved.mean,
        rate: rate.mean,
        rateLow: Math.max(0, rate.ciLow),
        rateHigh: Math.min(1, rate.ciHigh),
      },
    ];
  });
  if (values.length === 0) return undefined;
  const scenarios = m.scenarioNames.filter((sc) => values.some((v) => v.scenario === sc));
  const color = strategyColorScale(m);
  const colorDomain = color.domain.filter((d) => values.some((v) => v.strategy === d));
  const sweep = m.results.config.sweep;
  const hasSweep = values.some((v) => v.sweep);
  const columns = Math.min(2, Math.max(1, scenarios.length));
  // symlog axis: ticks at 0 and powers of two up to the largest reserve, and
  // room to the right so the last point is not cut by the frame.
  const maxReserved = Math.max(1, ...values.map((v) => v.reserved));
  const powers: number[] = [];
  for (let p = 1; p <= maxReserved; p *= 2) powers.push(p);
  if (powers.length === 0 || powers[powers.length - 1]! < maxReserved) powers.push((powers[powers.length - 1] ?? 0.5) * 2);
  // At most 8 ticks besides 0: every k-th power, counted from the largest.
  const every = Math.max(1, Math.ceil(powers.length / 8));
  const ticks = [0, ...powers.filter((_, i) => (powers.length - 1 - i) % every === 0)];
  const xScale = { type: 'symlog', domain: [-0.4, Math.max(maxReserved * 1.35, ticks[ticks.length - 1] ?? 1)], nice: false };
  const xAxis = { values: ticks, format: ',d' };
  const yTitle = 'lockless failure rate (% of page requests)';
  const xTitle = 'reserved memory: mean pages held idle (4 KiB pages, symlog scale)';
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: 'Failure rate against reserved memory',
      subtitle: hasSweep
        ? `Curves: the sweep ${sweep ? `${sweep.key} = ${sweep.values.join(', ')}` : ''} (labels: swept value); points: the other runs. Lower-left is better.`
        : 'No sweep in this run (try --sweep dedicated-pool.poolPages=4,8,16,32,64): every run is a point. Lower-left is better.',
    },
    data: { values },
    facet: { field: 'scenario', type: 'nominal', title: 'scenario', sort: scenarios, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns,
    spec: {
      width: 360,
      height: 260,
      layer: [
        ...(hasSweep ? [{
          transform: [{ filter: 'datum.sweep' }],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: { field: 'reserved', type: 'quantitative', title: xTitle, scale: xScale, axis: xAxis },
            y: { field: 'rate', type: 'quantitative', title: yTitle, axis: RATE_AXIS },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: color, sort: colorDomain },
            detail: { field: 'strategy' },
            order: { field: 'reserved', type: 'quantitative' },
          },
        }] : []),
        {
          mark: { type: 'rule', strokeWidth: 1 },
          encoding: {
            x: { field: 'reserved', type: 'quantitative', title: xTitle, scale: xScale, axis: xAxis },
            y: { field: 'rateLow', type: 'quantitative', title: yTitle, axis: RATE_AXIS },
            y2: { field: 'rateHigh' },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: color, sort: colorDomain },
            opacity: LATER_OPACITY,
          },
        },
        {
          mark: { type: 'point', filled: true, size: 70, stroke: '#333333', strokeWidth: 0.6 },
          encoding: {
            x: { field: 'reserved', type: 'quantitative', title: xTitle, scale: xScale, axis: xAxis },
            y: { field: 'rate', type: 'quantitative', title: yTitle, axis: RATE_AXIS },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: color, sort: colorDomain },
            shape: { field: 'kind', type: 'nominal', title: 'run', sort: ['run with its defaults', 'sweep point'], scale: { domain: ['run with its defaults', 'sweep point'], range: ['circle', 'diamond'] } },
            opacity: LATER_OPACITY,
          },
        },
        ...(hasSweep ? [{
          transform: [{ filter: 'datum.sweep' }],
          mark: { type: 'text', dy: -10, fontSize: 10, color: '#333333' },
          encoding: {
            x: { field: 'reserved', type: 'quantitative', title: xTitle, scale: xScale, axis: xAxis },
            y: { field: 'rate', type: 'quantitative', title: yTitle, axis: RATE_AXIS },
            text: { field: 'point', type: 'nominal' },
          },
        }] : []),
      ],
    },
    resolve: { axis: { x: 'independent', y: 'independent' } },
  };
  return {
    id: 'failure-vs-reserve',
    title: 'Failure rate against reserved memory',
    caption:
      "x: pages a strategy keeps idle in its reserves (time-weighted mean, reservedPagesMean; 0 for strategies without a reserve); y: lockless failure rate, with 95% CI whiskers. A pool-size sweep shows what each extra reserved page buys; strategies without a reserve sit on the y axis. Peter Zijlstra's point stands next to it: a reserve cannot bound RCU callers' concurrency, so the fallback stays mandatory whatever the curve says.",
    spec,
  };
}
