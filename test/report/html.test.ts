import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../harness/report/escape.ts';
import { renderHtmlDetailed } from '../../harness/report/html.ts';
import { html, raw } from '../../harness/report/html-template.ts';
import { prefixIds } from '../../harness/report/render-svg.ts';
import { HOSTILE_NAME, makeSampleResults } from '../helpers/sample-results.ts';

const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

let page: string;
let warnings: readonly string[];
let figures: string[];

beforeAll(async () => {
  const r = await renderHtmlDetailed(makeSampleResults({ hostile: true, failedRun: true }), { reportCommand: 'npm run report -- results/x/results.json' });
  page = r.html;
  warnings = r.warnings;
  figures = [...page.matchAll(/<figure id="chart-[^"]+" class="chart-figure">[\s\S]*?<\/figure>/g)].map((m) => m[0]);
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml('plain text')).toBe('plain text');
    expect(escapeHtml(42)).toBe('42');
  });
  it('is applied to every interpolation of the template unless raw()', () => {
    expect(html`<td>${HOSTILE_NAME}</td>`.value).toBe('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html`<td>${['<a>', html`<b>${'<c>'}</b>`]}</td>`.value).toBe('<td>&lt;a&gt;<b>&lt;c&gt;</b></td>');
    expect(html`<div>${raw('<svg></svg>')}</div>`.value).toBe('<div><svg></svg></div>');
  });
});

describe('HTML report', () => {
  it('renders the charts without a vega-lite or vega warning', () => {
    expect(warnings).toEqual([]);
  });

  it('is self-contained: no script, no external stylesheet, font or image, no network URL in src/href', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/<img\b/i);
    expect(page).not.toMatch(/<iframe\b/i);
    expect(page).not.toMatch(/@import|@font-face|url\(\s*['"]?(https?:)?\/\//i);
    expect(page).not.toMatch(/\s(?:src|href|xlink:href|srcset|action|poster)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    // The only links are anchors inside the page.
    for (const m of page.matchAll(/\shref="([^"]*)"/g)) expect(m[1]!.startsWith('#'), m[1]).toBe(true);
    expect(page).toContain('<style>');
  });

  it('has every section', () => {
    for (const id of ['how-to-read', 'summary', 'charts', 'details', 'violation-messages', 'static-properties', 'strategies', 'scenarios', 'cost-table', 'config', 'environment', 'command', 'failed-runs', 'text-summary']) {
      expect(page, id).toContain(`id="${id}"`);
    }
    expect(page).toContain('How to read this report');
    expect(page).toContain('npm run report -- results/x/results.json');
  });

  it('has the six charts, each an inline SVG with rendered marks and its vega-lite spec', () => {
    expect(figures.map((f) => /id="chart-([^"]+)"/.exec(f)![1])).toEqual(['failure-rate', 'fast-path-cost', 'failure-vs-reserve', 'violations', 'timeline', 'simulator-speed']);
    for (const f of figures) {
      const svg = /<svg[\s\S]*?<\/svg>/.exec(f)?.[0] ?? '';
      expect(svg.length).toBeGreaterThan(1000);
      const marks = [...svg.matchAll(/<g class="mark-(?:rect|symbol|line|rule|text)[^"]*role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)];
      expect(marks.length, f.slice(0, 60)).toBeGreaterThan(0);
      expect((svg.match(/<path /g) ?? []).length).toBeGreaterThan(5);
      const pre = /<details class="spec">[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(f)?.[1];
      expect(pre).toBeDefined();
      const spec = JSON.parse(unescape(pre!)) as Record<string, unknown>;
      expect(String(spec.$schema)).toContain('vega-lite');
    }
  });

  it('titles every axis with its unit and marks later strategies in the specs', () => {
    const [rate, cost, reserve, , timeline, speed] = figures;
    expect(rate).toContain('lockless failure rate (% of page requests)');
    expect(cost).toContain('modelled (virtual ns, cost table)');
    expect(cost).toContain('mean cost per call (virtual ns, modelled; log scale)');
    // The simulator's own JS timings are a chart of their own, in their own section.
    expect(cost).not.toContain('measured in JS');
    expect(speed).toContain('wall time per operation (ns, measured in JS)');
    expect(speed).toContain('this machine');
    expect(reserve).toContain('reserved memory: mean pages held idle (4 KiB pages, symlog scale)');
    expect(timeline).toContain('virtual time (ms)');
    expect(timeline).toContain('free pages (4 KiB pages)');
    expect(rate).toContain('rcu-page-cache (later)');
    expect(rate).toContain('datum.later');
  });

  it('gives the ids of each SVG a per-chart prefix so inlined charts do not collide', () => {
    const ids = [...page.matchAll(/<svg[\s\S]*?<\/svg>/g)].flatMap((m) => [...m[0].matchAll(/\sid="([^"]+)"/g)].map((x) => x[1]!));
    expect(new Set(ids).size).toBe(ids.length);
    expect(prefixIds('<clipPath id="clip1"/><g clip-path="url(#clip1)"/>', 'c0')).toBe('<clipPath id="c0-clip1"/><g clip-path="url(#c0-clip1)"/>');
  });

  it('escapes every text from the inputs: a scenario named <script>alert(1)</script> renders as text', () => {
    expect(page).not.toContain(HOSTILE_NAME);
    expect(page).toContain(escapeHtml(HOSTILE_NAME));
    expect(page).not.toContain('<b>markup</b>');
    expect(page).toContain('&lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toContain('<hot & cheap>');
    expect(page).not.toContain('<i>x</i>');
  });

  it('shows the cost table with sources, static properties, violation messages and failed runs', () => {
    expect(page).toContain('published: Jesper Dangaard Brouer');
    expect(page).toContain('(overridden)');
    expect(page).toContain('___GFP_NO_LOCKS 0x800000 == ___GFP_NOLOCKDEP (CONFIG_LOCKDEP=y)');
    expect(page).toContain('__rcu_alloc_page_lockless()');
    expect(page).toContain('BUG: Invalid wait context');
    expect(page).toContain('RunFailure: invariant broken');
  });
});

describe('verdict in the HTML key findings', () => {
  it('shows the stored verdict: overall paragraph and each scenario\'s ranking in order, with the direction and interval legend', () => {
    const summary = page.slice(page.indexOf('<section id="summary">'), page.indexOf('<section id="charts">'));
    expect(summary).toContain('<strong>Verdict.</strong>');
    const sample = makeSampleResults({ hostile: true, failedRun: true });
    for (const v of Object.values(sample.verdict!.scenarios)) {
      const positions = v.ranking.map((e) => summary.indexOf(`<li><strong>${e.strategy}</strong>`, summary.indexOf(`(kernel ${v.kernel})`)));
      for (const p of positions) expect(p).toBeGreaterThan(0);
    }
    expect(summary).toContain('+ is better, - is worse');
    expect(summary).toContain('bootstrap');
    // The old ranking by every violation, the workload's own included, is gone.
    expect(summary).not.toContain('lowest lockless failure rate');
  });
});

describe('HTML and text report on thin results', () => {
  const base = makeSampleResults({ noSweep: true });
  const cases = {
    'no completed run': { ...base, runs: [], summary: [], timelines: [], measured: [] },
    'no status-quo': { ...base, summary: base.summary.filter((r) => r.strategy !== 'status-quo').map((r) => ({ ...r, vsStatusQuo: null })), timelines: [], measured: [] },
    'status-quo only': { ...base, summary: base.summary.filter((r) => r.strategy === 'status-quo'), timelines: base.timelines.filter((t) => t.strategy === 'status-quo') },
  };
  for (const [name, r] of Object.entries(cases)) {
    it(`renders without warnings: ${name}`, async () => {
      const out = await renderHtmlDetailed(r);
      expect(out.warnings).toEqual([]);
      expect(out.html).toContain('id="static-properties"');
    });
  }
});
