/**
 * What every chart shares: the vega-lite config (fonts, label limits, padding
 * so nothing is clipped), the series colours (the same strategy has the same
 * colour in every chart and every report: STRATEGY_COLORS), the y axes of a
 * rate and of a cost, and the chart type returned by every builder.
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
  /** Where the report shows it: with the model's charts (default), or in "Simulator speed" (the harness's own JS timings). */
  readonly section?: 'model' | 'simulator';
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Tableau 10 then 10 more distinct colours: stable per series order. */
export const PALETTE = [
  '#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac',
  '#1f3b73', '#a0522d', '#2e7d32', '#8e0152', '#00838f', '#6a3d9a', '#b8860b', '#5d4037', '#d81b60', '#616161',
];

/**
 * One colour per strategy, by name, in every report (compare, history, lab):
 * a strategy keeps its colour whatever else a run holds. A strategy not
 * listed (a --strategy-file) gets a colour from the rest of the palette,
 * chosen by its name.
 */
export const STRATEGY_COLORS: Readonly<Record<string, string>> = {
  'status-quo': '#4c78a8',
  'gfp-no-locks-bit': '#f58518',
  'gfp-zero-mask': '#54a24b',
  'lockless-entry': '#e45756',
  'dedicated-pool': '#72b7b2',
  'rcu-page-cache': '#b279a2',
  'alloc-pages-nolock': '#9d755d',
};

const SPARE_COLORS = PALETTE.filter((c) => !Object.values(STRATEGY_COLORS).includes(c));

/** The colour of `strategy` (STRATEGY_COLORS, else a spare colour picked by a hash of the name). */
export function strategyColor(strategy: string): string {
  const known = STRATEGY_COLORS[strategy];
  if (known !== undefined) return known;
  let h = 0;
  for (let i = 0; i < strategy.length; i++) h = (h * 31 + strategy.charCodeAt(i)) >>> 0;
  return SPARE_COLORS[h % SPARE_COLORS.length]!;
}

/** `hex` mixed with white: share 0 is the colour, 1 white (sweep points of one strategy in shades of its colour). */
function lighter(hex: string, share: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number): number => Math.round(c + (255 - c) * share);
  const [r, g, b] = [mix((n >> 16) & 255), mix((n >> 8) & 255), mix(n & 255)];
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}

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

/**
 * The colour scale of the series (strategy + variant labels), the same in
 * every chart: a strategy's first series has its colour (strategyColor), its
 * other sweep points lighter shades of it.
 */
export function seriesColorScale(m: ReportModel): { domain: string[]; range: string[] } {
  const domain = m.series.map((s) => s.label);
  const range = m.series.map((s) => {
    const own = m.series.filter((x) => x.strategy === s.strategy);
    const k = own.indexOf(s);
    return lighter(strategyColor(s.strategy), own.length > 1 ? (0.6 * k) / own.length : 0);
  });
  return { domain, range };
}

/** The series colour scale restricted to the labels a chart draws (the legend lists only those; colours stay the same). */
export function seriesColorScaleFor(m: ReportModel, labels: readonly string[]): { domain: string[]; range: string[] } {
  const all = seriesColorScale(m);
  const keep = all.domain.map((d, i) => [d, all.range[i]!] as const).filter(([d]) => labels.includes(d));
  return { domain: keep.map(([d]) => d), range: keep.map(([, c]) => c) };
}

/** Colour scale per strategy (for charts that draw a sweep as one curve per strategy). */
export function strategyColorScale(m: ReportModel): { domain: string[]; range: string[] } {
  const domain = m.strategyOrder.map((s) => strategyLabel(m, s));
  return { domain, range: m.strategyOrder.map(strategyColor) };
}

export function strategyLabel(m: ReportModel, strategy: string): string {
  return `${strategy}${m.strategy(strategy)?.later ? ' (later)' : ''}`;
}

/** Opacity: strategies proposed after the thread are drawn lighter (their label also says "(later)"). */
export const LATER_OPACITY = { condition: { test: 'datum.later', value: 0.5 }, value: 1 };

export const LEGEND_NOTE = 'Strategies marked "(later)" came after the 2020 thread and are drawn lighter.';

/** The y axis of a rate (a 0..1 ratio): percent ticks, on every layer that draws it (else vega shows 0.0-1.0). */
export const RATE_AXIS = { format: '.1%' } as const;

/**
 * A mark at the value itself, drawn over a bar: a bar of height 0 is
 * invisible, and a 0% failure rate must not look like a missing run.
 */
export function valueTick(yField: string, yTitle: string, color: VlSpec, extraY: VlSpec = {}): VlSpec {
  return {
    mark: { type: 'tick', thickness: 2.5, orient: 'horizontal' },
    encoding: { y: { field: yField, type: 'quantitative', title: yTitle, ...extraY }, color },
  };
}
