/**
 * The verdict (results.json `verdict`, harness/analysis/verdict.ts) as the
 * text summary's first section, headed "Verdict": the overall paragraph, then
 * per scenario the ranking, best first, with each strategy's reasons, the
 * ties, and the cells left out of the ranking. Lines of at most `width`
 * columns; `wrap` is the summary's word wrap. Nothing is computed here.
 */
import type { Verdict } from '../results/schema.ts';

export function verdictText(verdict: Verdict | undefined, width: number, wrap: (text: string, width: number) => string[]): string[] {
  const out: string[] = [];
  const rule = '='.repeat(width);
  out.push(rule, 'Verdict', rule);
  if (verdict === undefined) {
    out.push(...wrap('None in this results file (it predates the verdict: results schema version 1). Run the compare again to get one.', width), '');
    return out;
  }
  out.push(...wrap(verdict.overall, width), '');
  out.push(...wrap('Order: violations inside the page request, then kvfree_rcu() calls that fell back, then the worst time under the raw lock, then collateral damage; equal means equal within the seeds\' 95% intervals.', width), '');
  for (const [name, v] of Object.entries(verdict.scenarios)) {
    out.push(...wrap(`${name} (kernel ${v.kernel}):`, width));
    v.ranking.forEach((e, i) => {
      const head = `${String(i + 1).padStart(2)}. `;
      wrap(`${e.strategy}: ${e.reasons.join('; ')}.`, width - head.length).forEach((l, j) => out.push(`${j === 0 ? head : ' '.repeat(head.length)}${l}`));
    });
    const note = (text: string): void => {
      wrap(text, width - 6).forEach((l, j) => out.push(`${j === 0 ? '    ' : '      '}${l}`));
    };
    for (const t of v.ties) note(`tie: ${t.join(', ')}`);
    for (const n of v.notRanked ?? []) note(`not ranked: ${n.strategy} (${n.reason})`);
    out.push('');
  }
  return out;
}
