/**
 * The charts' specs: one unit per axis (a rate in percent on every layer),
 * cost on a log scale, a visible mark at every value (0 too), the simulator's
 * own timings apart from the model's charts, the violations heatmap on what
 * the request itself raises, and one colour per strategy in every report.
 */
import { describe, expect, it } from 'vitest';
import { buildCharts } from '../../harness/report/charts/index.ts';
import { STRATEGY_COLORS, seriesColorScale, strategyColor, strategyColorScale } from '../../harness/report/charts/theme.ts';
import { ReportModel } from '../../harness/report/model.ts';
import type { Results } from '../../harness/results/schema.ts';
import { makeSampleResults } from '../helpers/sample-results.ts';

type Node = Record<string, unknown>;
/** Every object in a spec that has `key`. */
function every(spec: unknown, key: string): Node[] {
  const out: Node[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Node;
      if (key in o) out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(spec);
  return out;
}
const chart = (r: Results, id: string) => buildCharts(new ReportModel(r)).find((c) => c.id === id);

describe('chart specs', () => {
  const sample = makeSampleResults({});

  it('a rate axis is in percent on every layer that draws it (the failure-vs-reserve y axis showed 0.0-1.0)', () => {
    for (const id of ['failure-rate', 'failure-vs-reserve']) {
      const ys = every(chart(sample, id)!.spec, 'y').map((e) => e['y'] as Node).filter((y) => typeof y['title'] === 'string' && String(y['title']).includes('failure rate'));
      expect(ys.length, id).toBeGreaterThan(1);
      for (const y of ys) expect((y['axis'] as Node | undefined)?.['format'], `${id} ${String(y['field'])}`).toBe('.1%');
    }
  });

  it('fast-path cost is on a log (symlog) scale and holds no measured JS time', () => {
    const c = chart(sample, 'fast-path-cost')!;
    const costYs = every(c.spec, 'y').map((e) => e['y'] as Node).filter((y) => String(y['title']).startsWith('mean cost per call'));
    expect(costYs.length).toBeGreaterThan(0);
    for (const y of costYs) expect((y['scale'] as Node)['type']).toBe('symlog');
    expect(JSON.stringify(c.spec)).not.toContain('measured');
    const speed = chart(sample, 'simulator-speed')!;
    expect(speed.section).toBe('simulator');
    expect(buildCharts(new ReportModel(sample)).filter((x) => x.section === 'simulator').map((x) => x.id)).toEqual(['simulator-speed']);
    expect(chart({ ...sample, measured: [] }, 'simulator-speed')).toBeUndefined();
  });

  it('bars carry a tick at their value, so a 0 is a visible mark', () => {
    for (const id of ['failure-rate', 'fast-path-cost', 'simulator-speed']) {
      const ticks = every(chart(sample, id)!.spec, 'mark').filter((x) => (x['mark'] as Node)['type'] === 'tick');
      expect(ticks.length, id).toBeGreaterThan(0);
    }
  });

  it('the violations heatmap shows what the request raises (violationsInRequest) when the results have it', () => {
    const withIt = chart(sample, 'violations')!;
    const kinds = (withIt.spec['facet'] as Node)['sort'] as string[];
    expect(kinds[0]).toMatch(/^violationsInRequest/);
    expect(kinds.some((k) => k.startsWith('sleepInAtomic') || k.startsWith('invalidWaitContext'))).toBe(false);
    const older: Results = { ...sample, summary: sample.summary.map((r) => ({ ...r, metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => k !== 'violationsInRequest')) })) };
    const oldKinds = (chart(older, 'violations')!.spec['facet'] as Node)['sort'] as string[];
    expect(oldKinds.some((k) => k.startsWith('sleepInAtomic'))).toBe(true);
  });

  it('one colour per strategy by name, whatever else a run holds and in which order', () => {
    const some: Results = { ...sample, strategies: [...sample.strategies].reverse(), summary: sample.summary.filter((r) => r.strategy !== 'status-quo') };
    for (const r of [sample, some]) {
      const m = new ReportModel(r);
      const s = strategyColorScale(m);
      m.strategyOrder.forEach((name, i) => expect(s.range[i], name).toBe(strategyColor(name)));
      const series = seriesColorScale(m);
      const firstOf = (name: string) => series.range[m.series.findIndex((x) => x.strategy === name)];
      for (const name of m.strategyOrder) expect(firstOf(name), name).toBe(strategyColor(name));
    }
    expect(strategyColor('dedicated-pool')).toBe(STRATEGY_COLORS['dedicated-pool']);
    expect(strategyColor('my-idea')).toBe(strategyColor('my-idea'));
    expect(Object.values(STRATEGY_COLORS)).not.toContain(strategyColor('my-idea'));
  });
});
