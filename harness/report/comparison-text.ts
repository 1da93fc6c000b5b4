/**
 * The comparison against a baseline as plain text (at most 80 columns): what
 * regressed or changed first, then what improved, then the counts, and what
 * differs between the two runs' configurations.
 */
import type { Comparison, ComparisonCell } from '../results/schema.ts';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e7)) return v.toExponential(2);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function pct(c: ComparisonCell): string {
  return c.changePct === null ? '(new)' : `(${c.changePct >= 0 ? '+' : ''}${c.changePct.toFixed(2)}%)`;
}

function wrap(text: string, width = 78, indent = '  '): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur && indent.length + cur.length + 1 + w.length > width) {
      out.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(indent + cur);
  return out;
}

export function renderComparisonText(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`Comparison against baseline ${c.baselineRunId}${c.baselineCommit ? ` (commit ${c.baselineCommit.slice(0, 12)})` : ''}`);
  lines.push(...wrap(`Exact and modelled metrics are compared seed by seed (deterministic: any difference counts). Timings: Mann-Whitney U across seeds at p < 0.05 and beyond a ${c.noiseFloorPct}% noise floor (or the measurement's margin of error); they fail the run only with --fail-on timing${c.failOnTiming ? ' (on for this run)' : ''}.`));
  const failing = c.cells.filter((x) => x.failing);
  const other = c.cells.filter((x) => !x.failing);
  const row = (x: ComparisonCell): string[] => {
    const where = `${x.strategy} x ${x.scenario}${x.variant ? ` [${x.variant}]` : ''}`;
    return [`  ${x.verdict.toUpperCase()}: ${where}`, `    ${x.metric}: ${fmt(x.baseline)} -> ${fmt(x.current)} ${pct(x)}${x.pValue !== null ? ` p=${x.pValue.toFixed(3)}` : ''}`];
  };
  if (failing.length) {
    lines.push('', `${failing.length} cell(s) regressed or changed (the run fails):`);
    for (const x of failing.slice(0, 40)) lines.push(...row(x));
    if (failing.length > 40) lines.push(`  ... and ${failing.length - 40} more (results.json: comparison.cells)`);
  }
  const improved = other.filter((x) => x.verdict === 'improved');
  const notable = other.filter((x) => x.verdict !== 'improved');
  if (improved.length) {
    lines.push('', `${improved.length} cell(s) improved:`);
    for (const x of improved.slice(0, 20)) lines.push(...row(x));
    if (improved.length > 20) lines.push(`  ... and ${improved.length - 20} more`);
  }
  if (notable.length) {
    lines.push('', `${notable.length} cell(s) moved without failing (timings within noise, or not failing by policy):`);
    for (const x of notable.slice(0, 10)) lines.push(...row(x));
    if (notable.length > 10) lines.push(`  ... and ${notable.length - 10} more`);
  }
  lines.push('', `${c.comparedCells} cells compared, ${c.unchangedCells} with no change.`);
  if (c.differences.length) {
    lines.push('', 'Differences between the runs:');
    for (const d of c.differences) lines.push(...wrap(`- ${d}`, 78, '  '));
  }
  return lines.join('\n');
}
