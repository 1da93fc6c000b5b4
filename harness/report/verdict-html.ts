/**
 * The verdict (results.json `verdict`, harness/analysis/verdict.ts) as the
 * HTML report's key findings: the overall paragraph, then per scenario an
 * ordered list, best first, with each strategy's reasons, its ties and the
 * cells left out. Nothing is computed here; a file without a verdict (schema
 * version 1) says so.
 */
import type { Verdict } from '../results/schema.ts';
import { html, type Html } from './html-template.ts';

export function verdictHtml(verdict: Verdict | undefined): Html {
  if (verdict === undefined) return html`<p class="muted">No verdict in this results file (it predates it: results schema version 1). Run the compare again to get one.</p>`;
  const scenarios = Object.entries(verdict.scenarios);
  return html`<div class="verdict">
<p><strong>Verdict.</strong> ${verdict.overall}</p>
<p class="muted">Order: lock-rule violations inside the page request, then the share of kvfree_rcu() calls that fell back, then the worst time of one request under the raw lock with IRQs off, then collateral damage (ordinary pcp hit rate, legacy gfp == 0 failures, watermark breaches, migratetype mixing, GFP bits consumed, reserved pages). Equal means equal within the seeds' 95% intervals; what the workload causes for every design alike does not move the ranking.</p>
${scenarios.map(
  ([name, v]) => html`<h3>Verdict in <span class="name">${name}</span> <span class="muted">(kernel ${v.kernel})</span></h3>
<ol class="ranking">${v.ranking.map((e) => html`<li><strong>${e.strategy}</strong>: ${e.reasons.join('; ')}.</li>`)}</ol>
${v.ties.length > 0 ? html`<p>Ties: ${v.ties.map((t, i) => html`${i > 0 ? '; ' : ''}${t.join(' = ')}`)}.</p>` : ''}
${(v.notRanked ?? []).length > 0 ? html`<p class="muted">Not ranked: ${(v.notRanked ?? []).map((n, i) => html`${i > 0 ? '; ' : ''}${n.strategy} (${n.reason})`)}.</p>` : ''}`,
)}
</div>`;
}
