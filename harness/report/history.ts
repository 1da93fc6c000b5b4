/**
 * The history report (reports/history/index.html and summary.txt): the
 * history model (analysis/history.ts: chosen metrics across the stored runs,
 * one trend per strategy x scenario, step changes) rendered as HTML with one
 * chart per metric, and as 80-column text. No file access.
 */
import { HISTORY_ALPHA, HISTORY_NOISE_FLOOR_PCT, type HistoryModel, type MetricHistory, type StepChange } from '../analysis/history.ts';
import { metricDef, type MetricDef } from '../metrics/metric-defs.ts';
import { historyTrendChart } from './charts/history-trend.ts';
import { formatChange, formatMetric, formatMetricWithUnit } from './format.ts';
import { CSS, figure } from './html.ts';
import { html, raw, type Html } from './html-template.ts';
import { renderSvg } from './render-svg.ts';
import { TEXT_WIDTH, toAscii, wrapText } from './text-summary.ts';

/**
 * Old and new value of a step for people: the usual format, with more
 * significant digits when that would print the same text for both (a
 * modelled cost that moved by 0.02%).
 */
export function formatStepValues(metric: string, oldValue: number, newValue: number, withUnit = false): [string, string] {
  const f = withUnit ? formatMetricWithUnit : formatMetric;
  const a = f(metric, oldValue);
  const b = f(metric, newValue);
  if (a !== b || oldValue === newValue || !Number.isFinite(oldValue) || !Number.isFinite(newValue)) return [a, b];
  const ratio = metricDef(metric)?.unit === 'ratio';
  const unit = withUnit && !ratio ? ` ${metricDef(metric)?.unit ?? ''}`.trimEnd() : '';
  const show = (x: number, p: number): string => (ratio ? `${Number((x * 100).toPrecision(p))}%` : `${Number(x.toPrecision(p))}${unit}`);
  for (let p = 4; p <= 17; p++) {
    const x = show(oldValue, p);
    const y = show(newValue, p);
    if (x !== y) return [x, y];
  }
  return [a, b];
}

// ---------------------------------------------------------------------------
// Shared wording
// ---------------------------------------------------------------------------

function kindText(def: MetricDef): string {
  const better = def.better === 'none' ? 'no better direction' : `${def.better} is better`;
  return `${def.kind}, ${def.unit}, ${better}`;
}

function stepTestText(s: StepChange): string {
  if (s.test === 'exact') return `exact: ${s.seedsChanged} of ${s.seedsCompared} seeds changed`;
  return `Welch's t: p ${s.pValue === null ? '= n/a' : s.pValue < 0.001 ? '< 0.001' : `= ${s.pValue.toFixed(3)}`}`;
}

function describeFilters(h: HistoryModel): string {
  const parts: string[] = [];
  parts.push(h.strategyFilter ? `strategies ${h.strategyFilter.join(', ')}` : 'every strategy');
  parts.push(h.scenarioFilter ? `scenarios ${h.scenarioFilter.join(', ')}` : 'every scenario');
  parts.push(h.includeQuick ? 'quick runs included' : `quick runs left out${h.quickLeftOut > 0 ? ` (${h.quickLeftOut})` : ''}`);
  return parts.join('; ');
}

function dateRange(h: HistoryModel): string {
  const first = h.runs[0];
  const last = h.runs[h.runs.length - 1];
  if (!first || !last) return 'no runs';
  return first === last ? first.createdAt : `${first.createdAt} .. ${last.createdAt}`;
}

const HOW_STEPS = `A point is one stored run: the mean over its seeds, with the 95% confidence interval of the mean (Student's t). A step change is a point that differs for real from the same strategy and scenario in its previous run: for exact and modelled metrics (deterministic for a seed) any change of the per-seed values, when both runs used the same seeds; for wall metrics (measured on the machine, noisy) Welch's t-test across seeds at p < ${HISTORY_ALPHA} and a change of the mean beyond a ${HISTORY_NOISE_FLOOR_PCT}% noise floor. Runs are compared only when comparable: the same --quick and the same scenario definition (kernel, machine, duration); pairs that are not are listed with the reason. The list of runs says which settings (--set, cost overrides, strategy parameters) changed since the previous run: a step there may be deliberate. Only plain runs are shown (no sweep points).`;

// ---------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------

export interface RenderedHistoryHtml {
  readonly html: string;
  /** vega-lite / vega warnings met while rendering the charts (tests want none). */
  readonly warnings: readonly string[];
}

const HISTORY_CSS = `
table.data tbody td.text { text-align: left; }
p.nosteps { color: var(--muted); }
`;

export async function renderHistoryHtml(h: HistoryModel, opts: { command?: string } = {}): Promise<RenderedHistoryHtml> {
  const warnings: string[] = [];
  const blocks: Html[] = [];
  for (const [i, mh] of h.metrics.entries()) {
    if (mh.series.length === 0) {
      blocks.push(html`<section class="metric" id="metric-${mh.metric}"><h3>Figure ${i + 1}. ${mh.metric} across runs</h3><p class="nosteps">No stored run has a value of ${mh.metric} for the chosen strategies and scenarios.</p></section>`);
      continue;
    }
    const c = historyTrendChart(h, mh);
    const r = await renderSvg(c.spec, `h${i}-${c.id}`);
    warnings.push(...r.warnings.map((w) => `${c.id}: ${w}`));
    blocks.push(html`<section class="metric" id="metric-${mh.metric}">
${figure(c, r.svg, i + 1)}
${stepsTable(h, mh)}
${notComparedList(h, mh)}
</section>`);
  }
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nolock-bench history</title>
<style>${raw(CSS)}${raw(HISTORY_CSS)}</style>
</head>
<body>
<main>
<header>
<h1>nolock-bench history: metrics across stored runs</h1>
<table class="meta">
<tr><th>runs</th><td>${h.runs.length} (${dateRange(h)})</td></tr>
<tr><th>metrics</th><td>${h.metrics.map((m, i) => [i > 0 ? ', ' : '', html`<code>${m.metric}</code>`])}</td></tr>
<tr><th>shown</th><td>${describeFilters(h)}</td></tr>
<tr><th>step changes</th><td>${h.metrics.reduce((a, m) => a + m.steps.length, 0)}</td></tr>
<tr><th>skipped</th><td>${h.skipped.length === 0 ? 'nothing' : html`<a href="#skipped">${h.skipped.length} (listed below)</a>`}</td></tr>
${opts.command ? html`<tr><th>written by</th><td><pre class="cmd">${opts.command}</pre></td></tr>` : ''}
</table>
</header>
<nav><h2>Contents</h2><ol>
<li><a href="#how-to-read">How to read this report</a></li>
<li><a href="#runs">Runs</a></li>
<li><a href="#trends">Trends</a><ol>${h.metrics.map((m) => html`<li><a href="#metric-${m.metric}">${m.metric}</a> (${m.steps.length} step change${m.steps.length === 1 ? '' : 's'})</li>`)}</ol></li>
<li><a href="#skipped">Skipped</a></li>
</ol></nav>
<section id="how-to-read">
<h2>How to read this report</h2>
<p>${HOW_STEPS}</p>
<p>Each chart is one metric: x is the runs in time order, labelled by the short git commit (<code>+</code> when the tree had uncommitted changes) and the date; y is the metric; one line per strategy; one panel per scenario, each with its own y axis. A black diamond marks a step change; the table under the chart lists them with the old and new mean.</p>
</section>
<section id="runs">
<h2>Runs</h2>
${runsTable(h)}
</section>
<section id="trends">
<h2>Trends</h2>
${blocks.length > 0 ? blocks : html`<p>No metric chosen.</p>`}
</section>
<section id="skipped">
<h2>Skipped</h2>
${h.skipped.length === 0 ? html`<p>Nothing: every run listed in <code>results/index.jsonl</code> was read.</p>` : html`<ul>${h.skipped.map((s) => html`<li class="msg">${s}</li>`)}</ul>`}
</section>
<footer>Generated by nolock-bench history from <code>results/index.jsonl</code>. This file loads nothing from the network.</footer>
</main>
</body>
</html>
`;
  return { html: page.value, warnings };
}

function runsTable(h: HistoryModel): Html {
  if (h.runs.length === 0) return html`<p>No stored run to show.</p>`;
  return html`<div class="scroll"><table class="data"><thead><tr><th>#</th><th>label</th><th>run id</th><th>date</th><th>git commit</th><th>seeds</th><th>cells</th><th>changed since the previous run</th><th>command</th></tr></thead><tbody>
${h.runs.map(
  (r, i) => html`<tr><th>${i + 1}</th><td class="text">${r.label}</td><td class="text"><code>${r.runId}</code></td><td class="text">${r.createdAt}</td><td class="text"><code>${r.gitCommit ?? 'unknown'}</code>${r.gitDirty ? ' (uncommitted changes)' : ''}</td><td class="text">${r.seeds.join(', ')}${r.quick ? ' (--quick)' : ''}</td><td>${r.cells}</td><td class="text">${r.configChanges.length === 0 ? html`<span class="muted">${i === 0 ? '' : 'no setting'}</span>` : html`<ul class="plain">${r.configChanges.map((c) => html`<li class="msg">${c}</li>`)}</ul>`}</td><td class="text"><code class="msg">${r.command}</code></td></tr>\n`,
)}</tbody></table></div>`;
}

function stepsTable(h: HistoryModel, mh: MetricHistory): Html {
  const what = `${mh.metric} (${kindText(mh.def)})`;
  if (mh.steps.length === 0) return html`<p class="nosteps" id="steps-${mh.metric}">No step change in ${what}: ${mh.compared} consecutive pair${mh.compared === 1 ? '' : 's'} of runs compared.</p>`;
  return html`<h4 id="steps-${mh.metric}">Step changes in ${what}: ${mh.steps.length}</h4>
<div class="scroll"><table class="data steps"><thead><tr><th>run</th><th>previous run</th><th>strategy</th><th>scenario</th><th>old</th><th>new</th><th>change</th><th>verdict</th><th>test</th></tr></thead><tbody>
${mh.steps.map((s) => {
  const info = h.strategyInfo(s.strategy);
  const [oldText, newText] = formatStepValues(s.metric, s.oldMean, s.newMean, true);
  return html`<tr><td class="text">${h.runs[s.toRun]!.label}</td><td class="text">${h.runs[s.fromRun]!.label}</td><td class="text"><span class="name">${info.label}</span></td><td class="text"><span class="name">${s.scenario}</span></td><td>${oldText}</td><td>${newText}</td><td>${formatChange(s.changePct)}</td><td class="text${s.verdict === 'regressed' ? ' bad' : ''}">${s.verdict}</td><td class="text">${stepTestText(s)}</td></tr>\n`;
})}</tbody></table></div>`;
}

function notComparedList(h: HistoryModel, mh: MetricHistory): Html | string {
  if (mh.notCompared.length === 0) return '';
  return html`<details><summary>${mh.notCompared.reduce((a, n) => a + n.cells, 0)} pair(s) of points not compared</summary><ul>${mh.notCompared.map(
    (n) => html`<li>${h.runs[n.fromRun]!.label} -> ${h.runs[n.toRun]!.label}: ${n.reason} (${n.cells} strategy x scenario cell${n.cells === 1 ? '' : 's'})</li>`,
  )}</ul></details>`;
}

// ---------------------------------------------------------------------------
// Text (80 columns, ASCII)
// ---------------------------------------------------------------------------

export function renderHistoryText(h: HistoryModel): string {
  const out: string[] = [];
  const rule = (ch: string): string => ''.padEnd(TEXT_WIDTH, ch);
  const kv = (k: string, v: string): void => {
    out.push(...wrapText(v, TEXT_WIDTH - 11).map((line, i) => `${i === 0 ? `${k}:`.padEnd(10) : ' '.repeat(10)} ${line}`));
  };
  const indented = (text: string, first: string, rest: string): void => {
    out.push(...wrapText(text, TEXT_WIDTH - rest.length).map((l, i) => `${i === 0 ? first : rest}${l}`));
  };
  out.push(rule('='));
  out.push('nolock-bench history: step changes between stored runs');
  out.push(rule('='));
  kv('runs', `${h.runs.length} (${dateRange(h)})`);
  kv('metrics', h.metrics.map((m) => m.metric).join(', '));
  kv('shown', describeFilters(h));
  kv('skipped', h.skipped.length === 0 ? 'nothing' : `${h.skipped.length} (listed at the end)`);
  out.push('');
  out.push(...wrapText(HOW_STEPS, TEXT_WIDTH));
  out.push('');
  out.push('Runs (oldest first)');
  out.push(rule('-'));
  h.runs.forEach((r, i) => {
    indented(`${r.label}  ${r.runId}${r.quick ? ' (--quick)' : ''}`, `${String(i + 1).padStart(3)}  `, '       ');
    for (const c of r.configChanges) indented(`changed: ${c}`, '       ', '         ');
  });
  if (h.runs.length === 0) out.push('  No stored run to show.');
  for (const mh of h.metrics) {
    out.push('');
    out.push(...wrapText(`${mh.metric} (${kindText(mh.def)}): ${mh.steps.length === 0 ? 'no step change' : `${mh.steps.length} step change${mh.steps.length === 1 ? '' : 's'}`}`, TEXT_WIDTH));
    out.push(rule('-'));
    if (mh.steps.length === 0) {
      out.push(...wrapText(`  ${mh.compared} consecutive pair${mh.compared === 1 ? '' : 's'} of runs compared, none changed.`, TEXT_WIDTH));
    }
    let lastRun = -1;
    for (const s of mh.steps) {
      if (s.toRun !== lastRun) {
        indented(`${h.runs[s.toRun]!.label} (${h.runs[s.toRun]!.runId})`, `run ${s.toRun + 1}: `, '    ');
        lastRun = s.toRun;
      }
      const since = s.fromRun === s.toRun - 1 ? '' : ` [vs run ${s.fromRun + 1}]`;
      const test = s.test === 'exact' ? `${s.seedsChanged}/${s.seedsCompared} seeds changed` : stepTestText(s).replace("Welch's t: ", '');
      indented(`${h.strategyInfo(s.strategy).label}, ${s.scenario}: ${formatStepValues(s.metric, s.oldMean, s.newMean).join(' -> ')} (${formatChange(s.changePct)}, ${s.verdict}; ${test})${since}`, '  ', '      ');
    }
    for (const n of mh.notCompared) {
      indented(`not compared: run ${n.fromRun + 1} -> run ${n.toRun + 1}, ${n.cells} cell${n.cells === 1 ? '' : 's'}: ${n.reason}`, '  ', '      ');
    }
  }
  if (h.skipped.length > 0) {
    out.push('');
    out.push('Skipped');
    out.push(rule('-'));
    for (const s of h.skipped) indented(s, '  ', '    ');
  }
  return (
    out
      .map((l) => toAscii(l).replace(/\s+$/, ''))
      .flatMap((l) => {
        const parts: string[] = [];
        for (let i = 0; i < l.length || i === 0; i += TEXT_WIDTH) parts.push(l.slice(i, i + TEXT_WIDTH));
        return parts;
      })
      .join('\n') + '\n'
  );
}
