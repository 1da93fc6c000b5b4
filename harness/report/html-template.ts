/**
 * A tiny escaping template for the HTML report: every interpolated value is
 * HTML-escaped unless it is explicitly marked `raw(...)` (used only for markup
 * this module builds itself and for the SVG vega renders, whose text vega
 * escapes). So input text (scenario names, descriptions, parameters, messages)
 * cannot become markup by accident.
 *
 *   html`<td>${scenario.name}</td>`            -> escaped
 *   html`<div>${raw(svg)}</div>`               -> as is
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`  -> arrays join
 */
import { escapeHtml } from './escape.ts';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function raw(markup: string): Html {
  return new Html(markup);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}
