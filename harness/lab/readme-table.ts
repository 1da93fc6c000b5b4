/**
 * The README's "what the lab last checked" table, as Markdown, from a lab
 * summary (default results/baselines/lab.json):
 *
 *   npx tsx harness/lab/readme-table.ts [results/baselines/lab.json]
 */
import type { LabSummary } from '../results/lab-summary.ts';
import { readLabSummary } from '../results/lab-result.ts';

/** Markdown: one row per kernel, then the totals line. */
export function labReadmeTable(s: LabSummary): string {
  const rows = s.kernels.map((k) => {
    const t = k.trace;
    const trace = t ? `${t.counts.pcpRefill.kernel} / ${t.counts.pcpRefill.model} | ${t.counts.pcpDrain.kernel} / ${t.counts.pcpDrain.model} | ${t.withinTolerance ? 'yes' : 'no'}` : '- | - | -';
    const verdict = k.drift ? 'drift' : k.claimed ? (k.matched === k.compared ? 'match' : 'MISMATCH') : 'not claimed';
    return `| \`${k.uname}\` | ${k.version} | ${k.profile} | ${k.shapes} | ${k.matched} / ${k.compared} | ${verdict} | ${trace} |`;
  });
  return [
    `Last lab run: ${s.date.slice(0, 16).replace('T', ' ')} UTC (run \`${s.runId}\`, ${Math.round(s.totalSeconds / 60)} min). ${s.totals.matched} of ${s.totals.compared} zoneinfo numbers matched over ${s.totals.shapes} boots of ${s.totals.kernels} kernels; traces within tolerance: ${s.totals.tracesWithinTolerance} of ${s.totals.traces}.`,
    '',
    '| kernel (`uname -r`) | package version | profile | shapes | numbers matched | verdict | pcp refills kernel / model | pcp drains kernel / model | trace within tolerance |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(labReadmeTable(readLabSummary(process.argv[2] ?? 'results/baselines/lab.json')));
}
