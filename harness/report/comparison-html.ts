/**
 * The comparison against a baseline in the HTML report, LKP-style like its
 * text (comparison-text.ts): the headline, the configuration differences,
 * then one table of what moved (base, %change, new, verdict), failing cells
 * first. Empty when the run was not compared.
 */
import type { Comparison } from '../results/schema.ts';
import { cellName, comparisonHeadline, comparisonRows, formatChangePct, formatPair, verdictText } from './comparison-text.ts';
import { html, type Html } from './html-template.ts';

/** At most this many rows in the table (the rest is in results.json: comparison.cells). */
export const MAX_HTML_ROWS = 500;

export function renderComparisonHtml(c: Comparison | undefined): Html {
  if (!c) return html``;
  const failing = c.cells.some((x) => x.failing);
  const rows = comparisonRows(c);
  return html`<section id="comparison">
<h2>Comparison against baseline <code>${c.baselineRunId}</code></h2>
<p class="headline${failing ? ' bad' : ''}"><strong>${comparisonHeadline(c)}</strong></p>
<p>Baseline <code>${c.baselineRunId}</code>${c.baselineCommit ? html` (commit <code>${c.baselineCommit.slice(0, 12)}</code>)` : ''}. Exact and modelled metrics are compared seed by seed on the seeds both runs have: any difference counts. Timings: Welch's t-test across seeds at p &lt; 0.05 and beyond a ${c.noiseFloorPct}% noise floor; they fail the run only with <code>--fail-on timing</code>${c.failOnTiming ? ' (on for this run)' : ''}. ${c.comparedCells} cells compared, ${c.unchangedCells} with no change.</p>
${c.differences.length > 0 ? html`<h3>Configuration differences (baseline → this run)</h3><ul>${c.differences.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
${rows.length > 0
    ? html`<h3>What moved</h3>
<div class="scroll"><table class="data comparison">
<thead><tr><th>strategy x scenario</th><th>metric</th><th>base</th><th>%change</th><th>new</th><th>verdict</th><th>p</th></tr></thead>
<tbody>${rows.slice(0, MAX_HTML_ROWS).map((x) => {
        const [b, n] = formatPair(x.metric, x.baseline, x.current);
        return html`<tr${x.failing ? html` class="failing"` : ''}><th><span class="name">${cellName(x)}</span></th><th><span class="name">${x.metric}</span></th><td>${b}</td><td>${formatChangePct(x.changePct)}</td><td>${n}</td><td class="${x.failing ? 'bad' : ''}">${verdictText(x)}</td><td>${x.pValue !== null ? x.pValue.toFixed(3) : ''}</td></tr>`;
      })}</tbody>
</table></div>
${rows.length > MAX_HTML_ROWS ? html`<p class="muted">... and ${rows.length - MAX_HTML_ROWS} more rows in <code>results.json</code> (<code>comparison.cells</code>).</p>` : ''}`
    : ''}
</section>`;
}
