/**
 * Chart (d): lock-rule violations caused by the page request as a strategy x
 * scenario heatmap, one panel per kind (REQUEST_KINDS below; the totals of
 * every kind for older results). Cell: mean events per run over the seeds.
 */
import { formatNumber } from '../format.ts';
import type { ReportModel } from '../model.ts';
import { VEGA_LITE_SCHEMA, baseConfig, type ChartDef } from './theme.ts';

export const VIOLATION_METRICS = [
  { metric: 'invalidWaitContext', label: 'invalidWaitContext (lockdep)' },
  { metric: 'sleepInAtomic', label: 'sleepInAtomic (RT, might_sleep)' },
  { metric: 'zoneLockInLockless', label: 'zoneLockInLockless' },
  { metric: 'nmiLockViolations', label: 'nmiLockViolations' },
  { metric: 'violationsInRequest', label: 'violationsInRequest (added by the design)' },
  { metric: 'invalidGfpCombination', label: 'invalidGfpCombination' },
] as const;

/**
 * What the heatmap draws: the violations the page request itself raises
 * (violationsInRequest) and the two a design causes by its nature
 * (zone->lock in a "lockless" request, an invalid GFP combination), not the
 * totals, which the calling context dominates (a PREEMPT_RT or NMI scenario
 * reports the same events for every design). Results written before
 * violationsInRequest existed get the totals.
 */
const REQUEST_KINDS = [
  { metric: 'violationsInRequest', label: 'violationsInRequest (raised inside the page request)' },
  { metric: 'zoneLockInLockless', label: 'zoneLockInLockless' },
  { metric: 'invalidGfpCombination', label: 'invalidGfpCombination' },
] as const;

export function violationsHeatmapChart(m: ReportModel): ChartDef | undefined {
  const rows = m.orderedSummary();
  const byRequest = rows.some((r) => r.metrics.violationsInRequest !== undefined);
  const kinds = (byRequest ? REQUEST_KINDS : VIOLATION_METRICS).filter((k) => rows.some((r) => r.metrics[k.metric] !== undefined));
  // One colour scale for every panel: the text turns white on the darker half (symlog).
  const top = Math.max(0, ...kinds.flatMap((k) => rows.map((r) => r.metrics[k.metric]?.mean ?? 0)));
  const values = rows.flatMap((row) =>
    kinds.flatMap((k) => {
      const c = row.metrics[k.metric];
      if (!c) return [];
      const s = m.seriesOf(row.strategy, row.variant);
      return [{ kind: k.label, scenario: row.scenario, series: s.label, later: s.later, mean: c.mean, text: formatNumber(c.mean), dark: top > 0 && Math.log1p(c.mean) > Math.log1p(top) * 0.6 }];
    }),
  );
  if (values.length === 0) return undefined;
  const scenarios = m.scenarioNames.filter((sc) => values.some((v) => v.scenario === sc));
  const seriesDomain = m.series.map((s) => s.label).filter((l) => values.some((v) => v.series === l));
  const cellW = 64;
  const longest = Math.max(0, ...scenarios.map((s) => s.length));
  const angle = longest * 7 > cellW - 6 ? -35 : 0;
  const panelW = Math.max(cellW * scenarios.length, 120);
  // Wrap the panels so the chart stays about 1,150 px wide: a panel takes its
  // cells, the overhang of its tilted scenario labels (cos 35 deg x text) and
  // the spacing; the strategy labels sit left of the first column.
  const yLabelW = 6.5 * Math.max(0, ...seriesDomain.map((l) => l.length)) + 40;
  const overhang = angle !== 0 ? Math.max(0, 0.82 * 6.5 * longest - cellW / 2) : 0;
  const columns = Math.max(1, Math.min(kinds.length, Math.floor((1200 - yLabelW - 110) / (panelW + overhang + 16))));
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...baseConfig(),
    title: {
      text: byRequest ? 'Lock-rule violations caused by the page request, per strategy and scenario' : 'Lock-rule violations per strategy and scenario',
      subtitle: `Mean events per run over ${m.seedCount()} seeds (exact counts from the lockdep-style validator)${byRequest ? ", raised inside the request, not by the caller's context" : ''}. Grey: none. 0 everywhere is the goal.`,
    },
    data: { values },
    facet: { field: 'kind', type: 'nominal', title: null, sort: kinds.map((k) => k.label), header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns,
    spec: {
      width: panelW,
      height: { step: 24 },
      encoding: {
        x: { field: 'scenario', type: 'nominal', title: 'scenario', sort: scenarios, axis: { labelAngle: angle, labelLimit: 400 } },
        y: { field: 'series', type: 'nominal', title: 'strategy', sort: seriesDomain, axis: { labelLimit: 400 } },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              condition: { test: 'datum.mean === 0', value: '#f2f2f2' },
              field: 'mean',
              type: 'quantitative',
              title: ['violations', '(events per run,', 'symlog scale)'],
              scale: { type: 'symlog', scheme: 'reds', domainMin: 0 },
              legend: { format: ',.0f' },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'text', type: 'nominal' },
            color: { condition: { test: 'datum.dark', value: 'white' }, value: '#222222' },
          },
        },
      ],
    },
    spacing: 16,
    // Scenario labels under every panel (a wrapped facet would show them only under the last row).
    resolve: { axis: { x: 'independent' } },
  };
  return {
    id: 'violations',
    title: 'Lock-rule violations heatmap',
    caption: byRequest
      ? "Rows are strategies, columns scenarios; the number in a cell is the mean count per run. violationsInRequest: lock-rule violations of any kind (lockdep's invalid wait context, a sleeping lock or might_sleep() in atomic context on PREEMPT_RT, a lock taken in NMI) raised inside the page request itself, i.e. what the design adds; those of the calling context (the same for every design) are in the detailed tables. zoneLockInLockless: zone->lock taken inside a page request that claims to be lockless; invalidGfpCombination: a flag combination the strategy declares invalid that went on and took locks."
      : 'Each panel is one kind of lock-rule violation; rows are strategies, columns scenarios; the number in a cell is the mean count per run. invalidWaitContext: lockdep "BUG: Invalid wait context" (needs lockdep in the scenario); sleepInAtomic: a sleeping lock or might_sleep() in atomic context (PREEMPT_RT); zoneLockInLockless: zone->lock taken inside a page request that claims to be lockless; nmiLockViolations: a lock (not a trylock) taken in NMI inside the page request (the workload\'s own NMI locks are workloadNmiLocks, not shown); violationsInRequest: any of these raised inside the page request itself, i.e. what the design adds on top of the calling context; invalidGfpCombination: a flag combination the strategy declares invalid that went on and took locks.',
    spec,
  };
}
