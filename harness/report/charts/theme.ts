/**
 * What every chart shares: the vega-lite config (fonts, label limits, padding
 * so nothing is clipped), the series colours (the same strategy has the same
 * colour in every chart), and the chart type returned by every builder.
 *
 * Text width: render-svg.ts measures text with DejaVu Sans's widths (the
 * first font below; see text-metrics.ts); labelLimit is raised so long
 * strategy and scenario names are never cut.
 */
import type { ReportModel } from '../model.ts';

/** A vega-lite spec as plain data (validated by vega-lite's compile when rendered). */
export type VlSpec = Record<string, unknown>;

export interface ChartDef {
  /** Stable id, used for the HTML anchor and the SVG id prefix. */
  readonly id: string;
  readonly title: string;
  /** What the chart shows and how to read it (plain text; escaped by the HTML). */
  readonly caption: string;
  readonly spec: VlSpec;
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Tableau 10 then 10 more distinct colours: stable per series order. */
export const PALETTE = [
  '#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac',
  '#1f3b73', '#a0522d', '#2e7d32', '#8e0152', '#00838f', '#6a3d9a', '#b8860b', '#5d4037', '#d81b60', '#616161',
];

export function baseConfig(): VlSpec {
  return {
    font: FONT,
    padding: 12,
    background: 'white',
    autosize: { type: 'pad' },
    config: {
      font: FONT,
      view: { stroke: '#d0d0d0' },
      title: { fontSize: 15, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555', offset: 12 },
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400, titlePadding: 8, labelOverlap: true, gridColor: '#eeeeee' },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400, titleLimit: 400, orient: 'right' },
      header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 400, titleLimit: 600 },
      // Category axes (scenarios, strategies) must show every label: angle them instead of dropping any.
      axisBand: { labelLimit: 400, labelOverlap: false },
    },
  };
}

/** The colour scale of the series (strategy + variant labels), the same in every chart. */
export function seriesColorScale(m: ReportModel): { domain: string[]; range: string[] } {
  const domain = m.series.map((s) => s.label);
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

/** Colour scale per strategy (for charts that draw a sweep as one curve per strategy). */
/** The series colour scale restricted to the labels a chart draws (the legend lists only those; colours stay the same). */
export function seriesColorScaleFor(m: ReportModel, labels: readonly string[]): { domain: string[]; range: string[] } {
  const all = seriesColorScale(m);
  const keep = all.domain.map((d, i) => [d, all.range[i]!] as const).filter(([d]) => labels.includes(d));
  return { domain: keep.map(([d]) => d), range: keep.map(([, c]) => c) };
}

export function strategyColorScale(m: ReportModel): { domain: string[]; range: string[] } {
  const domain = m.strategyOrder.map((s) => strategyLabel(m, s));
  const series = m.series;
  // Use the colour of the strategy's first series so the plain run keeps its colour.
  const range = m.strategyOrder.map((s) => {
    const i = series.findIndex((x) => x.strategy === s);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length]!;
  });
  return { domain, range };
}

export function strategyLabel(m: ReportModel, strategy: string): string {
  return `${strategy}${m.strategy(strategy)?.later ? ' (later)' : ''}`;
}

/** Opacity: strategies proposed after the thread are drawn lighter (their label also says "(later)"). */
export const LATER_OPACITY = { condition: { test: 'datum.later', value: 0.5 }, value: 1 };

export const LEGEND_NOTE = 'Strategies marked "(later)" came after the 2020 thread and are drawn lighter.';
