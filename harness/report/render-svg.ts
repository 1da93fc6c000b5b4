/**
 * vega-lite spec -> SVG text, in Node, with no browser and no network:
 * `compile(spec).spec` (vega-lite), then `new vega.View(vega.parse(s),
 * { renderer: 'none' })` and `await view.toSVG()` (vega).
 *
 * - The loader refuses every URL or file: charts carry their data inline, so
 *   nothing is fetched while a report is built.
 * - vega-lite's warnings are collected and returned (tests require none).
 * - Every id in the SVG (clip paths, gradients) gets a prefix, so several
 *   charts inlined in one HTML page do not resolve each other's `url(#...)`.
 * - Text width: without a canvas vega would estimate 0.8 em per character;
 *   text-metrics.ts measures with DejaVu Sans's real advance widths (plus a
 *   margin) instead, so the layout is tight and no label is clipped.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VlSpec } from './charts/theme.ts';
import { withTextMetrics } from './text-metrics.ts';

export interface RenderedChart {
  readonly svg: string;
  readonly warnings: readonly string[];
}

function offlineLoader(): vega.Loader {
  const loader = vega.loader();
  const refuse = (what: unknown): Promise<never> => Promise.reject(new Error(`report charts load nothing (asked for ${String(what)})`));
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;
  return loader;
}

export async function renderSvg(spec: VlSpec, idPrefix: string): Promise<RenderedChart> {
  const warnings: string[] = [];
  const collect = (...args: readonly unknown[]): void => {
    warnings.push(args.map(String).join(' '));
  };
  // vega-util's LoggerInterface: level() is a getter and a setter; this one
  // only collects warnings and errors.
  interface Logger {
    level(_?: number): number | Logger;
    error(...a: readonly unknown[]): Logger;
    warn(...a: readonly unknown[]): Logger;
    info(...a: readonly unknown[]): Logger;
    debug(...a: readonly unknown[]): Logger;
  }
  const logger: Logger = {
    level: (l?: number) => (l === undefined ? vega.Warn : logger),
    error: (...a) => (collect(...a), logger),
    warn: (...a) => (collect(...a), logger),
    info: () => logger,
    debug: () => logger,
  };
  const compiled = compile(spec as unknown as TopLevelSpec, { logger: logger as never }).spec;
  return withTextMetrics(async () => {
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader(), logger: logger as never, logLevel: vega.Warn });
    try {
      const svg = await view.toSVG();
      return { svg: prefixIds(svg, idPrefix), warnings };
    } finally {
      view.finalize();
    }
  });
}

/** Renames every id="x" to id="<prefix>-x" and its references (url(#x), href="#x"). */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '_');
  let out = svg.replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => `${a}${safe}-${id}${b}`);
  out = out.replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${safe}-${id})` : whole));
  out = out.replace(/(href=")#([^"]+)(")/g, (whole, a: string, id: string, b: string) => (ids.has(id) ? `${a}#${safe}-${id}${b}` : whole));
  return out;
}
